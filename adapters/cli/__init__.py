"""`techserv` command line, one module per command group: ``knowledge`` (index, ask, eval, status),
``records`` (people, passport, audit, db), ``experts`` (experts, gaps), ``platforms`` (chat, start,
serve, doctor, teams package) and ``dashboard``. This module builds the typer app and registers them in `--help` order."""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import typer  # noqa: E402

from . import dashboard, experts, knowledge, platforms, records  # noqa: E402

app = typer.Typer(help="TechServ Assistant: cited answers from approved pharmacy technical services material.",
                  no_args_is_help=True, add_completion=False)

for command in (knowledge.index, knowledge.ask, platforms.chat, platforms.start, platforms.serve, dashboard.dashboard,
                knowledge.status):
    app.command()(command)
app.command("eval")(knowledge.eval_cmd)
app.add_typer(records.db_app, name="db")
app.add_typer(records.audit_app, name="audit")
app.add_typer(records.people_app, name="people")
app.command()(records.passport)
app.add_typer(experts.experts_app, name="experts")
for command in (experts.gaps, platforms.doctor):
    app.command()(command)
app.add_typer(platforms.teams_app, name="teams")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
