"""Shared pieces of the `techserv` commands: consoles, progress bars, settings, and opening the
records and the conversation core."""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.config import Settings

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


def settings() -> Settings:
    return Settings()


def build_config(s: Settings, sources: list[Path] | None = None):
    from indexer.build import BuildConfig

    return BuildConfig(sources=sources or [s.knowledge_dir], index_root=s.index_dir, cache_dir=s.cache_dir,
                       model=s.model, max_tokens=s.chunk_tokens, overlap_tokens=s.chunk_overlap,
                       hnsw_threshold=s.hnsw_threshold, keep_snapshots=s.keep_snapshots)


def export_verified(s: Settings) -> None:
    """Refresh var/verified/ from the database; a database outage only skips this step."""
    from bot.db import DatabaseUnavailable, make_engine, session_factory
    from bot.experts.verified import export_verified as write_verified

    try:
        from bot.db.engine import upgrade

        if s.database_url.startswith("sqlite:///"):
            s.var_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(s.database_url)
        upgrade(engine)
        write_verified(session_factory(engine), s.verified_dir)
    except DatabaseUnavailable as exc:
        console.print(f"[yellow]Verified answers not refreshed[/]: {exc}")


def open_records(s: Settings):
    """Open the training records (applying migrations); exit with a clear message if unreachable."""
    from bot.db import DatabaseUnavailable
    from bot.records.framework import FrameworkError
    from bot.service.wiring import Records

    try:
        return Records.open(s)
    except (DatabaseUnavailable, FrameworkError) as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2)


def make_conversation(with_records: bool = False, records_required: bool = True, warm_up: bool = False):
    """The conversation core; without ``records_required`` a missing framework or database only
    disables sign-offs and experts (answers still work) and says so. ``warm_up``: a long-running process
    (serve, start, chat) prepares each snapshot's soft-match vectors in the background."""
    from bot.answering.knowledge import KnowledgeBase
    from bot.conversation import Conversation
    from bot.db import DatabaseUnavailable
    from bot.records.framework import FrameworkError
    from bot.service.wiring import Records

    s = settings()
    records = None
    if with_records and records_required:
        records = open_records(s)
    elif with_records:
        try:
            records = Records.open(s)
        except (DatabaseUnavailable, FrameworkError) as exc:
            console.print(f"[yellow]Training records are off ({exc}); questions still work.[/]")
    return Conversation(KnowledgeBase(s, warm_up=warm_up), s, records)
