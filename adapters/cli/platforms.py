"""Platform commands: chat, start, serve, doctor, teams package."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from .common import console, make_conversation, out, settings


def chat(as_email: Optional[str] = typer.Option(None, "--as", help="Your email as registered in TechServ "
                                                  "(for sign-off and passport commands; see `techserv people`).")) -> None:
    """Interactive terminal chat through the same conversation core as Slack and Teams."""
    from adapters.console import chat_loop

    conversation = make_conversation(with_records=True, records_required=bool(as_email), warm_up=True)
    if as_email and conversation.records.person_by_email(as_email) is None:
        console.print(f"[red]{as_email} is not registered[/]: add them with `techserv people import FILE`.")
        raise typer.Exit(2)
    chat_loop(conversation, out, user=as_email)


CONNECT_HELP = """To connect a chat platform, set its credentials (for example in a .env file) and run `make run` again:
  Slack: SLACK_BOT_TOKEN plus SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)
  Teams: MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppType, MicrosoftAppTenantId
See README › Connecting Slack and › Connecting Microsoft Teams."""


def start() -> None:
    """Start the assistant: `techserv serve` when Slack or Teams is configured, otherwise the terminal chat
    (with the dashboard in local mode beside it)."""
    s = settings()
    if s.slack_configured or s.teams_configured:
        serve(no_scheduler=False)  # called as a function: pass every option explicitly
        return
    from adapters.console import chat_loop
    from adapters.delivery import Delivery

    from .dashboard import start_beside

    console.print(f"[cyan]No Slack or Teams credentials configured: starting the terminal chat.[/]\n{CONNECT_HELP}")
    conversation = make_conversation(with_records=True, records_required=False, warm_up=True)
    dashboard = start_beside(s, conversation, Delivery())
    try:
        chat_loop(conversation, out, user=None)
    finally:
        if dashboard:
            dashboard.stop()


def serve(no_scheduler: bool = typer.Option(False, "--no-scheduler", help="Run the adapters without the jobs "
                                            "(another replica runs them).")) -> None:
    """Run the configured chat adapters, the scheduler (nightly re-index, reminders, expiry, re-routing),
    the dashboard and the /healthz and /readyz endpoints in one process."""
    import logging
    import signal
    import threading

    from adapters.delivery import Delivery
    from adapters.health import serve_health
    from bot.service.jobs import Service
    from bot.service.logs import configure
    from bot.service.scheduler import Scheduler

    s = settings()
    configure(json_lines=s.log_json)
    conversation = make_conversation(with_records=True, warm_up=True)
    delivery = Delivery()
    health = serve_health(conversation.kb, conversation.records, s.teams_host, s.health_port)
    console.print(f"[cyan]Health: http://{s.teams_host}:{s.health_port}/healthz and /readyz[/]")
    from .dashboard import start_beside

    dashboard = start_beside(s, conversation, delivery)
    scheduler = None
    if not no_scheduler:
        service = Service(s, conversation.kb, conversation.records, delivery)
        scheduler = Scheduler(conversation.records.sessions, service.jobs(), s.timezone)
        threading.Thread(target=scheduler.run_forever, daemon=True, name="scheduler").start()
        console.print(f"[cyan]Scheduler: re-index '{s.reindex_cron}', reminders '{s.reminder_cron}' ({s.timezone}).[/]")

    def shutdown(*_):
        if scheduler:
            scheduler.stop()
        logging.getLogger("techserv").info("shutting down: finishing answers in flight")
        conversation.drain(30)
        if dashboard:
            dashboard.stop()
        health.shutdown()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, shutdown)
    slack_adapter = None
    if s.slack_configured:
        from adapters.slack.runner import build as build_slack
        from adapters.slack.runner import run as run_slack

        console.print("[cyan]Starting the Slack app "
                      f"({'Socket Mode' if s.slack_app_token else f'HTTP mode on port {s.slack_port}'}).[/]")
        slack_adapter = delivery.slack = build_slack(s, conversation)
        if not s.teams_configured:
            run_slack(s, conversation, slack_adapter)
            return
        threading.Thread(target=run_slack, args=(s, conversation, slack_adapter), daemon=True, name="slack").start()
    if s.teams_configured:
        from adapters.teams.runner import run as run_teams

        if s.teams_allow_unauthenticated and not s.microsoft_app_id:
            console.print("[bold red]Teams authentication is OFF (TECHSERV_TEAMS_ALLOW_UNAUTHENTICATED): "
                          "listening on 127.0.0.1 only, for the Bot Framework Emulator.[/]")
        console.print(f"[cyan]Starting the Teams endpoint on port {s.teams_port} (/api/messages).[/]")
        run_teams(s, conversation, slack_adapter, delivery)
        return
    console.print("[yellow]No chat platform configured: running the scheduler and health endpoints only "
                  "(Ctrl-C to stop).[/]")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        shutdown()


def doctor() -> None:
    """Check the configuration: knowledge, model, index, database, Slack and Teams — each with the fix."""
    from bot.service.doctor import run_checks

    checks = run_checks(settings())
    marks = {"ok": "[green]✓[/]", "fail": "[red]✗[/]", "warn": "[yellow]![/]", "off": "[dim]–[/]"}
    table = Table(title="techserv doctor")
    for col in ("", "part", "state", "what to do"):
        table.add_column(col)
    for c in checks:
        table.add_row(marks[c.status], c.name, c.detail, c.fix)
    out.print(table)
    if any(c.status == "fail" for c in checks):
        raise typer.Exit(1)


teams_app = typer.Typer(help="Microsoft Teams app.", no_args_is_help=True)


@teams_app.command("package")
def teams_package(
    app_id: Optional[str] = typer.Option(None, "--app-id", help="The Azure Bot's Microsoft App ID (default: MicrosoftAppId)."),
    output: Path = typer.Option(Path("techserv-teams-app.zip"), "--output", "-o", help="Where to write the zip."),
    version: str = typer.Option("1.0.0", "--version", help="App package version."),
) -> None:
    """Build the Teams app package (manifest.json and icons) to sideload or upload to your org's catalogue."""
    from adapters.teams.package import build_package

    app_id = app_id or settings().microsoft_app_id
    if not app_id:
        console.print("[red]Give --app-id (the Azure Bot's Microsoft App ID) or set MicrosoftAppId.[/]")
        raise typer.Exit(2)
    out.print(f"Wrote {build_package(app_id, output, version)}")
