"""`techserv` command line: index, ask, chat, eval, status, start."""
from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Iterator, Optional

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import typer  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: E402
from rich.table import Table  # noqa: E402

from bot.config import Settings  # noqa: E402

app = typer.Typer(help="TechServ Assistant: cited answers from approved pharmacy technical services material.",
                  no_args_is_help=True, add_completion=False)
console = Console(stderr=True)
out = Console()


@contextlib.contextmanager
def progress_bars(enabled: bool = True) -> Iterator:
    """A ``ProgressFactory`` for the pipeline, drawn with rich on stderr."""
    if not enabled:
        yield lambda _d, _t: (lambda _n: None)
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as bars:
        def factory(desc: str, total: int):
            task = bars.add_task(desc, total=total)
            return lambda n: bars.advance(task, n)
        yield factory


def _settings() -> Settings:
    return Settings()


def _build_config(s: Settings, sources: list[Path] | None = None):
    from indexer.build import BuildConfig

    return BuildConfig(sources=sources or [s.knowledge_dir], index_root=s.index_dir, cache_dir=s.cache_dir,
                       model=s.model, max_tokens=s.chunk_tokens, overlap_tokens=s.chunk_overlap,
                       hnsw_threshold=s.hnsw_threshold, keep_snapshots=s.keep_snapshots)


@app.command()
def index(
    full: bool = typer.Option(False, "--full", help="Rebuild every document and index from scratch."),
    source: Optional[list[Path]] = typer.Option(None, "--source", help="Folder or file to index "
                                                "(repeatable; default: the knowledge folder)."),
    as_json: bool = typer.Option(False, "--json", help="Print the build report as JSON."),
) -> None:
    """Build or refresh the search index of the knowledge folder (incremental unless --full)."""
    from indexer.build import build_index, report_json

    s = _settings()
    if not source:  # the knowledge folder plus published verified answers from the records database
        source = [s.knowledge_dir, s.verified_dir]
        _export_verified(s)
    cfg = _build_config(s, source)
    missing = [str(p) for p in cfg.sources if not Path(p).exists() and p != s.verified_dir]
    if missing:
        console.print(f"[red]No such folder or file: {', '.join(missing)}[/] — check TECHSERV_KNOWLEDGE_DIR or --source.")
        raise typer.Exit(2)
    with progress_bars(not as_json and sys.stderr.isatty()) as factory:
        report = build_index(cfg, full=full, progress=factory)
    if as_json:
        out.print_json(report_json(report))
    else:
        if report.published:
            out.print(f"[green]Published index {report.version}[/]: {report.documents} documents, "
                      f"{report.chunks} chunks, {report.embedded} newly embedded, {report.seconds:.1f}s")
            for label, items in (("added", report.added), ("changed", report.changed), ("removed", report.removed)):
                if items:
                    out.print(f"  {label}: {len(items)} ({', '.join(items[:5])}{' …' if len(items) > 5 else ''})")
        else:
            out.print(f"Index {report.version} is up to date ({report.documents} documents, "
                      f"{report.chunks} chunks); nothing to do ({report.seconds:.2f}s).")
    for err in report.errors:
        console.print(f"[yellow]skipped {err['path']}[/]: {err['reason']}")


def _export_verified(s: Settings) -> None:
    """Refresh var/verified/ from the database; a database outage only skips this step."""
    from bot.db import DatabaseUnavailable
    from bot.db import make_engine, session_factory
    from bot.verified import export_verified

    try:
        from bot.db.engine import upgrade

        if s.database_url.startswith("sqlite:///"):
            s.var_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(s.database_url)
        upgrade(engine)
        export_verified(session_factory(engine), s.verified_dir)
    except DatabaseUnavailable as exc:
        console.print(f"[yellow]Verified answers not refreshed[/]: {exc}")


def _records(s: Settings):
    """Open the training records (applying migrations); exit with a clear message if unreachable."""
    from bot.db import DatabaseUnavailable
    from bot.framework import FrameworkError
    from bot.records import Records

    try:
        return Records.open(s)
    except (DatabaseUnavailable, FrameworkError) as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2)


def _conversation(with_records: bool = False, records_required: bool = True):
    """The conversation core; without ``records_required`` a missing framework or database only
    disables sign-offs and experts (answers still work) and says so."""
    from bot.conversation import Conversation
    from bot.db import DatabaseUnavailable
    from bot.framework import FrameworkError
    from bot.knowledge import KnowledgeBase
    from bot.records import Records

    s = _settings()
    records = None
    if with_records and records_required:
        records = _records(s)
    elif with_records:
        try:
            records = Records.open(s)
        except (DatabaseUnavailable, FrameworkError) as exc:
            console.print(f"[yellow]Training records are off ({exc}); questions still work.[/]")
    return Conversation(KnowledgeBase(s), s, records)


@app.command()
def ask(
    question: str = typer.Argument(..., help="The question, in quotes."),
    as_json: bool = typer.Option(False, "--json", help="Print the answer as JSON."),
) -> None:
    """Answer one question from the indexed material and print it with citations."""
    from adapters.console import render
    from bot.messages import Incoming, ReplyKind

    reply = _conversation().handle(Incoming(text=question, user_id="cli", platform="console"))[0]
    if as_json:
        out.print_json(json.dumps({
            "answer": reply.text if reply.kind is ReplyKind.ANSWER else None,
            "status": reply.kind.value,
            "message": reply.text,
            "confidence": reply.confidence,
            "citations": [{"doc_id": c.doc_id, "title": c.title, "section": c.section, "version": c.version,
                           "effective": c.effective, "path": c.path, "overdue_review": c.overdue_review}
                          for c in reply.citations],
            "quotes": [{"text": q.text, "doc_id": q.citation.doc_id, "section": q.citation.section}
                       for q in reply.quotes],
            "warnings": reply.warnings,
            "index_version": reply.index_version,
        }))
    else:
        out.print(render(reply))
    if reply.kind is ReplyKind.INVALID:
        raise typer.Exit(1)


@app.command()
def chat(as_email: Optional[str] = typer.Option(None, "--as", help="Your email as registered in TechServ "
                                                  "(for sign-off and passport commands; see `techserv people`).")) -> None:
    """Interactive terminal chat through the same conversation core as Slack and Teams."""
    from adapters.console import chat_loop

    conversation = _conversation(with_records=True, records_required=bool(as_email))
    if as_email and conversation.records.person_by_email(as_email) is None:
        console.print(f"[red]{as_email} is not registered[/]: add them with `techserv people import FILE`.")
        raise typer.Exit(2)
    chat_loop(conversation, out, user=as_email)


CONNECT_HELP = """To connect a chat platform, set its credentials (for example in a .env file) and run `make run` again:
  Slack: SLACK_BOT_TOKEN plus SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)
  Teams: MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppType, MicrosoftAppTenantId
See README › Connecting Slack and › Connecting Microsoft Teams."""


@app.command()
def start() -> None:
    """Start the assistant: `techserv serve` when Slack or Teams is configured, otherwise the terminal chat."""
    s = _settings()
    if s.slack_configured or s.teams_configured:
        serve(no_scheduler=False)  # called as a function: pass every option explicitly
        return
    console.print(f"[cyan]No Slack or Teams credentials configured: starting the terminal chat.[/]\n{CONNECT_HELP}")
    chat(as_email=None)


@app.command()
def serve(no_scheduler: bool = typer.Option(False, "--no-scheduler", help="Run the adapters without the jobs "
                                            "(another replica runs them).")) -> None:
    """Run the configured chat adapters, the scheduler (nightly re-index, reminders, expiry, re-routing)
    and the /healthz and /readyz endpoints in one process."""
    import logging
    import signal
    import threading

    from adapters.delivery import Delivery
    from adapters.health import serve_health
    from bot.scheduler import Scheduler
    from bot.service import Service

    from bot.logs import configure

    s = _settings()
    configure(json_lines=s.log_json)
    conversation = _conversation(with_records=True)
    delivery = Delivery()
    health = serve_health(conversation.kb, conversation.records, s.teams_host, s.health_port)
    console.print(f"[cyan]Health: http://{s.teams_host}:{s.health_port}/healthz and /readyz[/]")
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


@app.command()
def status(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Show the live index: version, age, documents, skipped files and documents past review."""
    import datetime as dt

    from indexer.snapshot import read_manifest

    s = _settings()
    manifest = read_manifest(s.index_dir)
    if manifest is None:
        console.print(f"[red]No index in {s.index_dir}[/]: run `techserv index`.")
        raise typer.Exit(1)
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    overdue = [d for d in manifest["documents"] if d.get("review_due") and d["review_due"] < today]
    if as_json:
        out.print_json(json.dumps({k: manifest[k] for k in ("version", "built_at", "model", "counts", "errors")}
                                  | {"overdue_review": overdue}))
        return
    out.print(f"Index {manifest['version']} built {manifest['built_at']} · model {manifest['model']} · "
              f"{manifest['counts']['documents']} documents · {manifest['counts']['chunks']} chunks")
    for err in manifest["errors"]:
        out.print(f"[yellow]skipped {err['path']}[/]: {err['reason']}")
    for d in overdue:
        out.print(f"[yellow]past review date[/] {d['doc_id']} {d['title']} (due {d['review_due']})")


@app.command("eval")
def eval_cmd(
    dataset: Path = typer.Argument(..., help="A BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv) "
                                   "or a question set YAML such as tests/eval/questions.yaml."),
    mode: str = typer.Option("hybrid", "--mode", help="bm25 | dense | hybrid | all"),
    fusion: str = typer.Option("convex", "--fusion", help="Hybrid fusion: convex (default) or rrf."),
    alpha: float = typer.Option(0.5, "--alpha", help="BM25 weight in convex fusion."),
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as JSON."),
) -> None:
    """Measure retrieval quality: nDCG@10, Recall@10/100, MRR@10 (BEIR) or hit and decline rates (YAML)."""
    from indexer.embedding import Embedder

    modes = ["bm25", "dense", "hybrid"] if mode == "all" else [mode]
    if any(m not in ("bm25", "dense", "hybrid") for m in modes) or fusion not in ("convex", "rrf"):
        console.print("[red]--mode must be bm25, dense, hybrid or all; --fusion convex or rrf[/]")
        raise typer.Exit(2)
    s = _settings()
    if dataset.is_file() and dataset.suffix in (".yaml", ".yml"):
        from bot.evaluation.questions import evaluate_questions, render_question_report

        report = evaluate_questions(dataset, s, mode=modes[0])
        out.print_json(json.dumps(report)) if as_json else out.print(render_question_report(report))
        return
    from bot.evaluation.beir import DatasetError, run_beir

    try:
        with progress_bars(not as_json and sys.stderr.isatty()) as factory:
            report = run_beir(dataset, modes, Embedder(s.model), s.cache_dir, fusion=fusion, alpha=alpha,
                              progress=factory)
    except DatasetError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2)
    if as_json:
        head = {k: v for k, v in report.items() if k != "results"} | {"mode": mode}
        # one mode: its metrics at the top level; --mode all: metrics per mode
        body = report["results"][modes[0]] if len(modes) == 1 else {"metrics": report["results"]}
        out.print_json(json.dumps(head | body))
        return
    table = Table(title=f"{dataset} ({report['documents']} documents, fusion={fusion})")
    for col in ("mode", "nDCG@10", "Recall@10", "Recall@100", "MRR@10", "queries"):
        table.add_column(col)
    for m, r in report["results"].items():
        table.add_row(m, f"{r['ndcg@10']:.4f}", f"{r['recall@10']:.4f}", f"{r['recall@100']:.4f}",
                      f"{r['mrr@10']:.4f}", str(r["queries"]))
    out.print(table)


db_app = typer.Typer(help="Training-records database.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)
people_app = typer.Typer(help="People who use the assistant and their roles.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
app.add_typer(people_app, name="people")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations (also done automatically on start)."""
    from bot.db.engine import current_revision

    s = _settings()
    records = _records(s)
    engine = records.sessions.kw["bind"]
    out.print(f"Database {engine.url.render_as_string(hide_password=True)} is at revision {current_revision(engine)}.")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit trail's hash chain; names the first altered, missing or reordered event."""
    from bot.audit import verify_chain

    records = _records(_settings())
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
                  actor: Optional[str] = typer.Option(None, "--by", help="Email of the administrator doing this.")) -> None:
    """Add or update people (name, email, job_title, band, site, roles, pathway, pathway_role, slack, teams)."""
    from bot.people import PeopleError, import_people

    if not file.exists():
        console.print(f"[red]No such file: {file}[/]")
        raise typer.Exit(2)
    records = _records(_settings())
    try:
        report = import_people(records.sessions, file, actor)
    except PeopleError as exc:
        console.print(f"[red]{exc}[/] — nothing was imported.")
        raise typer.Exit(2)
    out.print(f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
              f"{report.identities} platform identities linked.")


@people_app.command("list")
def people_list(role: Optional[str] = typer.Option(None, "--role", help="trainee | mentor | expert | admin")) -> None:
    """List registered people."""
    from bot.db.people import list_people

    records = _records(_settings())
    table = Table()
    for col in ("email", "name", "job title", "band", "roles", "site"):
        table.add_column(col)
    with records.sessions() as session:
        for p in list_people(session, role):
            table.add_row(p.email, p.name, p.job_title, p.band, p.roles, p.site)
    out.print(table)


@app.command()
def passport(
    person: str = typer.Argument(..., help="The person's email."),
    fmt: str = typer.Option("text", "--format", help="text | csv | pdf"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (required for pdf)."),
) -> None:
    """A person's skills passport and training plan; the PDF is a printable training record."""
    from bot.passport import render_csv, render_pdf, render_text

    if fmt not in ("text", "csv", "pdf"):
        console.print("[red]--format must be text, csv or pdf[/]")
        raise typer.Exit(2)
    records = _records(_settings())
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


experts_app = typer.Typer(help="Subject matter experts and escalations.", no_args_is_help=True)
app.add_typer(experts_app, name="experts")


@experts_app.command("sync")
def experts_sync() -> None:
    """Sync the expert directory from knowledge/experts.yaml into the database (also done on start)."""
    from bot.experts import sync_experts

    s = _settings()
    records = _records(s)
    report = sync_experts(records.sessions, s.knowledge_dir / "experts.yaml")
    out.print(f"Experts: {report.added} added, {report.updated} updated, {report.unchanged} unchanged.")


@experts_app.command("list")
def experts_list() -> None:
    """List experts with their role, availability and open escalations."""
    import json as _json

    from bot.db.experts import open_load, profiles

    records = _records(_settings())
    table = Table()
    for col in ("expert", "email", "role", "available", "open / capacity", "topics"):
        table.add_column(col)
    with records.sessions() as session:
        load = open_load(session)
        for p in profiles(session):
            table.add_row(p.person.name, p.person.email, p.role_title, "yes" if p.available else "no",
                          f"{load.get(p.person_id, 0)} / {p.capacity}", ", ".join(_json.loads(p.topics))[:60])
    out.print(table)


@app.command()
def gaps(
    since: Optional[str] = typer.Option(None, "--since", help="YYYY-MM-DD (default: 90 days ago)."),
    fmt: str = typer.Option("md", "--format", help="md | csv"),
) -> None:
    """Knowledge-gap report: declined, escalated and unhelpful questions grouped into topics."""
    import datetime as dt

    from bot.gaps import gap_report, render_csv, render_markdown

    if fmt not in ("md", "csv"):
        console.print("[red]--format must be md or csv[/]")
        raise typer.Exit(2)
    try:
        start = (dt.datetime.fromisoformat(since).replace(tzinfo=dt.timezone.utc) if since
                 else dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=90))
    except ValueError:
        console.print(f"[red]--since must be a date like 2026-09-01, not {since!r}[/]")
        raise typer.Exit(2)
    s = _settings()
    records = _records(s)
    clusters = gap_report(records.sessions, records.embed, start)
    text = render_markdown(clusters, start, records.framework.doc_titles) if fmt == "md" else render_csv(clusters)
    out.print(text, markup=False, highlight=False)


@app.command()
def doctor() -> None:
    """Check the configuration: knowledge, model, index, database, Slack and Teams — each with the fix."""
    from bot.doctor import run_checks

    checks = run_checks(_settings())
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
app.add_typer(teams_app, name="teams")


@teams_app.command("package")
def teams_package(
    app_id: Optional[str] = typer.Option(None, "--app-id", help="The Azure Bot's Microsoft App ID (default: MicrosoftAppId)."),
    output: Path = typer.Option(Path("techserv-teams-app.zip"), "--output", "-o", help="Where to write the zip."),
    version: str = typer.Option("1.0.0", "--version", help="App package version."),
) -> None:
    """Build the Teams app package (manifest.json and icons) to sideload or upload to your org's catalogue."""
    from adapters.teams.package import build_package

    app_id = app_id or _settings().microsoft_app_id
    if not app_id:
        console.print("[red]Give --app-id (the Azure Bot's Microsoft App ID) or set MicrosoftAppId.[/]")
        raise typer.Exit(2)
    out.print(f"Wrote {build_package(app_id, output, version)}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
