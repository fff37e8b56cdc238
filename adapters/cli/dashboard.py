"""The dashboard command, and starting the dashboard beside the chat (`serve`, `start`)."""
from __future__ import annotations

from typing import Optional

import typer

from .common import console, make_conversation, out, settings


def _announce(p) -> None:
    if p.link:
        out.print(f"[bold green]Dashboard[/] (local mode, this computer only): open this one-time sign-in link "
                  f"within {settings().dashboard_link_minutes:g} minutes:\n  {p.link}", highlight=False, soft_wrap=True)
    else:
        out.print(f"[bold green]Dashboard[/] on http://{p.host}:{p.port} (sign-in with OpenID Connect)", highlight=False, soft_wrap=True)


def start_beside(s, conversation, deliver, local: Optional[bool] = None):
    """Start the dashboard in a thread; a problem only turns the dashboard off (with the reason)."""
    from adapters.dashboard.server import DashboardError, Running, plan

    if not s.dashboard_enabled:
        return None
    if conversation.records is None:
        console.print("[yellow]Dashboard off: the training records are not available.[/]")
        return None
    local = (not s.dashboard_oidc_configured) if local is None else local
    try:
        p = plan(s, conversation, deliver, local=local)
        running = Running(p.app, p.host, p.port).start()
    except DashboardError as exc:
        console.print(f"[yellow]Dashboard off[/]: {exc}")
        return None
    _announce(p)
    return running


def dashboard(
    local: bool = typer.Option(False, "--local", help="No identity provider: listen on 127.0.0.1 only and print a "
                               "one-time sign-in link for an administrator."),
    as_email: Optional[str] = typer.Option(None, "--as", help="With --local: whom the link signs in "
                                           "(default: the first administrator)."),
    port: Optional[int] = typer.Option(None, "--port", help="Port (default TECHSERV_DASHBOARD_PORT, 8090)."),
) -> None:
    """Run the web dashboard for training and QA leads: cohort matrix, passports, queues, knowledge, audit."""
    from adapters.dashboard.server import DashboardError, plan, run_forever
    from adapters.delivery import Delivery

    s = settings()
    conversation = make_conversation(with_records=True)
    try:
        p = plan(s, conversation, Delivery(), local=local, as_email=as_email, port=port)
    except DashboardError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2)
    _announce(p)
    run_forever(p)
