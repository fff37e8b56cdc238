"""`make run`'s first-run import of the example people, and `techserv start` printing the dashboard's
one-time local sign-in link beside the terminal chat."""
from __future__ import annotations

import re
import socket
import subprocess
import sys
import time

import httpx
from typer.testing import CliRunner

from adapters.cli import app
from tests.bot.conftest import ROOT

runner = CliRunner()
EXAMPLES = str(ROOT / "examples" / "people.yaml")


def _env(monkeypatch, tmp_path):
    for var in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "MicrosoftAppId", "MicrosoftAppPassword",
                "DATABASE_URL", "TECHSERV_DATABASE_URL", "TECHSERV_DASHBOARD_OIDC_ISSUER"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TECHSERV_KNOWLEDGE_DIR", str(ROOT / "knowledge"))
    monkeypatch.setenv("TECHSERV_VAR_DIR", str(tmp_path / "var"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        monkeypatch.setenv("TECHSERV_DASHBOARD_PORT", str(s.getsockname()[1]))


def test_first_run_imports_the_examples_once_and_only_into_sqlite(monkeypatch, tmp_path):
    _env(monkeypatch, tmp_path)
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/production")
    skipped = runner.invoke(app, ["people", "import", EXAMPLES, "--first-run"])
    assert skipped.exit_code == 0 and "DATABASE_URL is set" in skipped.output
    monkeypatch.delenv("DATABASE_URL")
    first = runner.invoke(app, ["people", "import", EXAMPLES, "--first-run"])
    text = " ".join(first.output.split())
    assert first.exit_code == 0 and "7 added" in text and "3 mentor assignments changed" in text, text
    again = runner.invoke(app, ["people", "import", EXAMPLES, "--first-run"])
    assert again.exit_code == 0 and "7 people are already registered" in " ".join(again.output.split())


def test_start_prints_a_working_local_dashboard_link(monkeypatch, tmp_path):
    """`techserv start` as a real process, as `make run` starts it: open the printed link, see the matrix."""
    _env(monkeypatch, tmp_path)
    assert runner.invoke(app, ["people", "import", EXAMPLES, "--first-run"]).exit_code == 0
    proc = subprocess.Popen([sys.executable, "-c", "from adapters.cli import main; main()", "start"], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines, link = [], None
        deadline = time.monotonic() + 120
        while link is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            found = re.search(r"http://127\.0\.0\.1:\d+/auth/local\?token=\S+", line)
            link = found.group(0) if found else None
        assert link, "".join(lines)
        client = httpx.Client(follow_redirects=True, timeout=30)
        page = client.get(link)
        assert page.status_code == 200 and page.url.path == "/matrix"
        assert "Ada Admin" in page.text and "Tara Trainee" in page.text and "Quinn Quality" in page.text
        assert client.get(link).status_code == 403  # one-time
        proc.stdin.write("quit\n")
        proc.stdin.flush()
        assert proc.wait(60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
