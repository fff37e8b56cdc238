"""Training-record commands: people, passport, audit, db."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from .common import console, open_records, out, settings

db_app = typer.Typer(help="Training-records database.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)
people_app = typer.Typer(help="People who use the assistant and their roles.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations (also done automatically on start)."""
    from bot.db.engine import current_revision

    s = settings()
    records = open_records(s)
    engine = records.sessions.kw["bind"]
    out.print(f"Database {engine.url.render_as_string(hide_password=True)} is at revision {current_revision(engine)}.")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit trail's hash chain; names the first altered, missing or reordered event."""
    from bot.records.audit import verify_chain

    records = open_records(settings())
    with records.sessions() as session:
        report = verify_chain(session)
    if report.ok:
        out.print(f"[green]Audit trail intact[/]: {report.checked} events verified.")
        return
    console.print(f"[red]Audit trail BROKEN at event {report.broken_id}[/]: {report.problem}. "
                  "Preserve the database as evidence and tell your QA lead.")
    raise typer.Exit(1)


@people_app.command("import")
def people_import(file: Path = typer.Argument(..., help="YAML with a `people:` (or `experts:`) list."),
                  actor: Optional[str] = typer.Option(None, "--by", help="Email of the administrator doing this."),
                  first_run: bool = typer.Option(False, "--first-run", help="Import only into a fresh embedded database "
                                                 "(SQLite, DATABASE_URL unset, no one registered but the expert "
                                                 "directory); otherwise skip. `make run` uses it for the example people.")) -> None:
    """Add or update people (name, email, job_title, band, site, roles, pathway, pathway_role, mentors, slack, teams)."""
    from bot.db.people import count_people_outside_directory
    from bot.records.people import PeopleError, import_people

    if not file.exists():
        console.print(f"[red]No such file: {file}[/]")
        raise typer.Exit(2)
    s = settings()
    if first_run and s.database_url_env:
        out.print(f"Skipped {file}: DATABASE_URL is set, and example people only go into the embedded SQLite database.")
        return
    records = open_records(s)
    if first_run:
        with records.sessions() as session:
            registered = count_people_outside_directory(session)
        if registered:
            out.print(f"Skipped {file}: {registered} people are already registered (this is not a fresh database).")
            return
    try:
        report = import_people(records.sessions, file, actor)
    except PeopleError as exc:
        console.print(f"[red]{exc}[/] — nothing was imported.")
        raise typer.Exit(2)
    out.print(f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
              f"{report.identities} platform identities linked, {report.assignments} mentor assignments changed.")


@people_app.command("list")
def people_list(role: Optional[str] = typer.Option(None, "--role", help="trainee | mentor | expert | admin")) -> None:
    """List registered people."""
    from bot.db.people import list_people

    records = open_records(settings())
    table = Table()
    for col in ("email", "name", "job title", "band", "roles", "site"):
        table.add_column(col)
    with records.sessions() as session:
        for p in list_people(session, role):
            table.add_row(p.email, p.name, p.job_title, p.band, p.roles, p.site)
    out.print(table)


def passport(
    person: str = typer.Argument(..., help="The person's email."),
    fmt: str = typer.Option("text", "--format", help="text | csv | pdf"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (required for pdf)."),
) -> None:
    """A person's skills passport and training plan; the PDF is a printable training record."""
    from bot.records.passport import render_csv, render_pdf, render_text

    if fmt not in ("text", "csv", "pdf"):
        console.print("[red]--format must be text, csv or pdf[/]")
        raise typer.Exit(2)
    records = open_records(settings())
    who = records.person_by_email(person)
    if who is None:
        console.print(f"[red]{person} is not registered[/]: check the email or run `techserv people list`.")
        raise typer.Exit(2)
    data = records.passport(who.id)
    if fmt == "pdf":
        target = output or Path(f"passport-{who.email.split('@')[0]}.pdf")
        target.write_bytes(render_pdf(data))
        out.print(f"Wrote {target}")
        return
    text = render_text(data) if fmt == "text" else render_csv(data)
    if output:
        output.write_text(text, encoding="utf-8")
        out.print(f"Wrote {output}")
    else:
        out.print(text, markup=False, highlight=False)
