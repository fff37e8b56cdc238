"""Expert commands: experts (sync, list), gaps."""
from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table

from .common import console, open_records, out, settings

experts_app = typer.Typer(help="Subject matter experts and escalations.", no_args_is_help=True)


@experts_app.command("sync")
def experts_sync() -> None:
    """Sync the expert directory from knowledge/experts.yaml into the database (also done on start)."""
    from bot.experts.escalations import sync_experts

    s = settings()
    records = open_records(s)
    report = sync_experts(records.sessions, s.knowledge_dir / "experts.yaml")
    out.print(f"Experts: {report.added} added, {report.updated} updated, {report.unchanged} unchanged.")


@experts_app.command("list")
def experts_list() -> None:
    """List experts with their role, availability and open escalations."""
    import json as _json

    from bot.db.experts import open_load, profiles

    records = open_records(settings())
    table = Table()
    for col in ("expert", "email", "role", "available", "open / capacity", "topics"):
        table.add_column(col)
    with records.sessions() as session:
        load = open_load(session)
        for p in profiles(session):
            table.add_row(p.person.name, p.person.email, p.role_title, "yes" if p.available else "no",
                          f"{load.get(p.person_id, 0)} / {p.capacity}", ", ".join(_json.loads(p.topics))[:60])
    out.print(table)


def gaps(
    since: Optional[str] = typer.Option(None, "--since", help="YYYY-MM-DD (default: 90 days ago)."),
    fmt: str = typer.Option("md", "--format", help="md | csv"),
) -> None:
    """Knowledge-gap report: declined, escalated and unhelpful questions grouped into topics."""
    import datetime as dt

    from bot.experts.gaps import gap_report, render_csv, render_markdown

    if fmt not in ("md", "csv"):
        console.print("[red]--format must be md or csv[/]")
        raise typer.Exit(2)
    try:
        start = (dt.datetime.fromisoformat(since).replace(tzinfo=dt.timezone.utc) if since
                 else dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=90))
    except ValueError:
        console.print(f"[red]--since must be a date like 2026-09-01, not {since!r}[/]")
        raise typer.Exit(2)
    s = settings()
    records = open_records(s)
    clusters = gap_report(records.sessions, records.embed, start)
    text = render_markdown(clusters, start, records.framework.doc_titles) if fmt == "md" else render_csv(clusters)
    out.print(text, markup=False, highlight=False)
