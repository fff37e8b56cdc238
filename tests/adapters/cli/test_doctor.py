"""`techserv doctor` on a fresh checkout, then after indexing, and with platform settings."""
import json

from typer.testing import CliRunner

from adapters.cli import app
from bot.config import Settings
from bot.service.doctor import run_checks

runner = CliRunner()


def states(settings):
    return {c.name: c for c in run_checks(settings)}


def test_fresh_then_ready(tmp_path, corpus_dir, embedder, monkeypatch):
    monkeypatch.setenv("TECHSERV_KNOWLEDGE_DIR", str(corpus_dir.parent))
    monkeypatch.setenv("TECHSERV_VAR_DIR", str(tmp_path / "var"))
    for var in ("DATABASE_URL", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "MicrosoftAppId",
                "MicrosoftAppPassword"):
        monkeypatch.delenv(var, raising=False)
    fresh = states(Settings())
    assert fresh["search index"].status == "fail" and fresh["search index"].fix == "run `techserv index`"
    assert fresh["database"].status == "warn" and "created on start" in fresh["database"].fix
    assert fresh["embedding model"].status == "ok"
    assert fresh["answer model"].status == "ok" and "fitted" in fresh["answer model"].detail
    assert fresh["Slack"].status == "off" and fresh["Teams"].status == "off"
    assert fresh["competencies.yaml"].status == "fail"  # the fixture corpus has no framework
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 1
    assert runner.invoke(app, ["index"]).exit_code == 0  # also creates and migrates the database
    ready = states(Settings())
    assert ready["search index"].status == "ok" and ready["database"].status == "ok"
    assert "schema revision 0009" in ready["database"].detail
    # an index whose answer units were embedded by other tuned-encoder layers (the layers were refitted)
    from indexer.snapshot import MANIFEST, read_manifest

    manifest_path = Settings().index_dir / read_manifest(Settings().index_dir)["version"] / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    manifest["settings"]["tuned"] = "all-MiniLM-L6-v2+tuned-000000000000"
    manifest_path.write_text(json.dumps(manifest))
    stale = states(Settings())["search index"]
    assert stale.status == "fail" and "another tuned encoder" in stale.detail and stale.fix.startswith("run `techserv index`")


def test_platform_settings_are_checked(monkeypatch, tmp_path):
    monkeypatch.setenv("TECHSERV_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-wrong-kind")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    monkeypatch.setenv("MicrosoftAppId", "app")
    monkeypatch.delenv("MicrosoftAppPassword", raising=False)
    checks = states(Settings())
    assert checks["Slack"].status == "fail" and "xoxb-" in checks["Slack"].detail
    assert checks["Teams"].status == "fail" and "both be set" in checks["Teams"].detail
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("MicrosoftAppPassword", "pw")
    checks = states(Settings())
    assert checks["Slack"].status == "warn" and "SLACK_TEAM_ID" in checks["Slack"].fix
    assert checks["Teams"].status == "ok"


def test_dashboard_settings_are_checked(tmp_path):
    local = states(Settings(var_dir=tmp_path))["dashboard"]
    assert local.status == "off" and "local mode" in local.detail
    half = states(Settings(var_dir=tmp_path, dashboard_oidc_issuer="https://login.microsoftonline.com/t/v2.0"))
    assert half["dashboard"].status == "fail" and "_CLIENT_ID" in half["dashboard"].detail
    full = states(Settings(var_dir=tmp_path, dashboard_oidc_issuer="https://slack.com", dashboard_oidc_client_id="1.2",
                           dashboard_oidc_client_secret="s"))["dashboard"]
    assert full.status == "warn" and "TECHSERV_DASHBOARD_PUBLIC_URL" in full.fix and "TECHSERV_DASHBOARD_SECRET" in full.fix
    ready = states(Settings(var_dir=tmp_path, dashboard_oidc_issuer="https://slack.com", dashboard_oidc_client_id="1.2",
                            dashboard_oidc_client_secret="s", dashboard_public_url="https://techserv.example.nhs.uk",
                            dashboard_secret="x" * 40))["dashboard"]
    assert ready.status == "ok" and "https://slack.com" in ready.detail
