"""Knowledge commands: index, ask, status, eval."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
import yaml
from rich.table import Table

from .common import build_config, console, export_verified, make_conversation, out, progress_bars, settings


def index(
    full: bool = typer.Option(False, "--full", help="Rebuild every document and index from scratch."),
    source: Optional[list[Path]] = typer.Option(None, "--source", help="Folder or file to index "
                                                "(repeatable; default: the knowledge folder)."),
    as_json: bool = typer.Option(False, "--json", help="Print the build report as JSON."),
) -> None:
    """Build or refresh the search index of the knowledge folder (incremental unless --full)."""
    from indexer.build import build_index, report_json

    s = settings()
    if not source:  # the knowledge folder plus published verified answers from the records database
        source = [s.knowledge_dir, s.verified_dir]
        export_verified(s)
    cfg = build_config(s, source)
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


def _reply_json(reply) -> dict:
    from bot.messages import ReplyKind

    return {
        "answer": reply.text if reply.kind is ReplyKind.ANSWER else None,
        "status": reply.kind.value,
        "message": reply.text,
        "confidence": reply.confidence,
        "citations": [{"doc_id": c.doc_id, "title": c.title, "section": c.section, "version": c.version,
                       "effective": c.effective, "path": c.path, "overdue_review": c.overdue_review}
                      for c in reply.citations],
        "quotes": [{"text": q.text, "doc_id": q.citation.doc_id, "section": q.citation.section}
                   | ({"context": q.context} if q.context else {}) for q in reply.quotes],
        "warnings": reply.warnings,
        "index_version": reply.index_version,
    } | ({"taking_as": reply.question} if reply.preface else {})


def ask(
    question: Optional[str] = typer.Argument(None, help="The question, in quotes."),
    as_json: bool = typer.Option(False, "--json", help="Print the answer as JSON."),
    file: Optional[Path] = typer.Option(None, "--file", help="Answer every line of this file (`-` for stdin): "
                                        "one question a line, one JSON object a line out (with --json)."),
) -> None:
    """Answer one question (or a file of them) from the indexed material, with citations."""
    from adapters.console import render
    from bot.messages import Incoming, ReplyKind

    if (question is None) == (file is None):
        console.print("[red]Give one question in quotes, or --file QUESTIONS.txt (one a line, `-` for stdin).[/]")
        raise typer.Exit(2)
    conversation = make_conversation()
    if file is not None:
        if str(file) != "-" and not file.exists():
            console.print(f"[red]No such file: {file}[/]")
            raise typer.Exit(2)
        lines = sys.stdin.read().splitlines() if str(file) == "-" else file.read_text(encoding="utf-8").splitlines()
        for n, line in enumerate(q for q in lines if q.strip()):  # each line is its own thread: no follow-ups
            [reply] = conversation.handle(Incoming(text=line, user_id="cli", platform="console", thread=f"batch-{n}"))
            if as_json:
                print(json.dumps({"question": line} | _reply_json(reply), ensure_ascii=False), flush=True)
            else:
                out.print(f"[bold]{line}[/]")
                out.print(render(reply))
        return
    reply = conversation.handle(Incoming(text=question, user_id="cli", platform="console"))[0]
    if as_json:
        out.print_json(json.dumps(_reply_json(reply)))
    else:
        out.print(render(reply))
    if reply.kind is ReplyKind.INVALID:
        raise typer.Exit(1)


def status(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Show the live index: version, age, documents, skipped files and documents past review."""
    import datetime as dt

    from indexer.snapshot import read_manifest

    s = settings()
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


def eval_cmd(
    dataset: Path = typer.Argument(..., help="A BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv) "
                                   "or a question set YAML such as tests/eval/questions.yaml."),
    mode: str = typer.Option("hybrid", "--mode", help="bm25 | dense | hybrid | all"),
    fusion: str = typer.Option("adaptive", "--fusion", help="Hybrid fusion: adaptive (default), convex or rrf."),
    alpha: float = typer.Option(0.5, "--alpha", help="BM25 weight in convex fusion (the cap in adaptive)."),
    folds: int = typer.Option(5, "--folds", help="Question sets: cross-validation folds (refit the answer model "
                              "without each fold); 0 = only the shipped model."),
    repeats: int = typer.Option(3, "--repeats", help="Question sets: shuffles of the folds, averaged."),
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as JSON."),
) -> None:
    """Measure quality: nDCG@10, Recall@10/100, MRR@10 (BEIR folder) or, for a question set (YAML), retrieval hit
    rates and answer quality (fact in answer, first unit's section, answered, declined, clinical guard) with the
    shipped model and cross-validated."""
    from indexer.embedding import Embedder

    modes = ["bm25", "dense", "hybrid"] if mode == "all" else [mode]
    if any(m not in ("bm25", "dense", "hybrid") for m in modes) or fusion not in ("adaptive", "convex", "rrf"):
        console.print("[red]--mode must be bm25, dense, hybrid or all; --fusion adaptive, convex or rrf[/]")
        raise typer.Exit(2)
    s = settings()
    if dataset.is_file() and dataset.suffix in (".yaml", ".yml"):
        from bot.answering.evaluation.questions import evaluate_questions, render_question_report

        from indexer.snapshot import SnapshotError

        try:
            with progress_bars(not as_json and sys.stderr.isatty()) as factory:
                report = evaluate_questions(dataset, s, mode=modes[0], folds=folds, progress=factory,
                                            repeats=repeats)
        except (SnapshotError, ValueError, yaml.YAMLError) as exc:
            console.print(f"[red]{exc}[/]")
            raise typer.Exit(2)
        out.print_json(json.dumps(report)) if as_json else out.print(render_question_report(report))
        return
    from bot.answering.evaluation.beir import DatasetError, run_beir

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
