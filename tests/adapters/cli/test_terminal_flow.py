"""The issue's end-to-end check in the terminal: request → approve → passport → audit verify → tamper."""
import sqlite3

import pytest
import yaml
from typer.testing import CliRunner

from adapters.cli import app
from bot.conversation import Conversation
from bot.messages import Incoming, ReplyKind
from bot.service.wiring import Records
from tests.bot.conftest import PEOPLE, ROOT

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("TECHSERV_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TECHSERV_KNOWLEDGE_DIR", str(ROOT / "knowledge"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    people = tmp_path / "people.yaml"
    people.write_text(yaml.safe_dump({"people": PEOPLE}))
    result = runner.invoke(app, ["people", "import", str(people)])
    assert result.exit_code == 0 and "5 added" in result.stdout, result.output
    return tmp_path


def say(conversation, email, text, event_id=None):
    [reply] = conversation.handle(Incoming(text=text, user_id=email, platform="console", event_id=event_id))
    return reply


def test_request_approve_passport_and_audit(cli_env):
    from bot.config import Settings

    s = Settings()
    conv = Conversation(kb=None, settings=s, records=Records.open(s))
    r = say(conv, "tara@example.nhs.uk", "/signoff ASP-01 sam@example.nhs.uk observed on 3 sessions https://ev.example/1")
    assert r.kind is ReplyKind.RECORD and "sent to Sam Mentor" in r.text
    assert r.notifications[0].person_id == conv.records.person_by_email("sam@example.nhs.uk").id
    req = r.text.split()[2]  # "Sign-off request SO-1 for …"
    assert req.startswith("SO-")
    assert "SO-" in say(conv, "sam@example.nhs.uk", "/pending").text
    own = say(conv, "tara@example.nhs.uk", f"/approve {req}")
    assert own.kind is ReplyKind.INVALID and "cannot sign off your own" in own.text
    ok = say(conv, "sam@example.nhs.uk", f"/approve {req} watched three preparations", event_id="e1")
    assert ok.kind is ReplyKind.RECORD and "approved" in ok.text
    assert "Already recorded" in say(conv, "sam@example.nhs.uk", f"/approve {req}", event_id="e1").text
    passport = say(conv, "tara@example.nhs.uk", "/passport").text
    assert "ASP-01 Hand hygiene and glove technique — signed by Sam Mentor" in passport and "expires" in passport
    assert "Training plan:" in say(conv, "tara@example.nhs.uk", "/plan").text
    assert "don't know who you are" in say(conv, "stranger@example.nhs.uk", "/passport").text
    assert "/signoff COMPETENCY" in say(conv, "tara@example.nhs.uk", "/records").text

    out = runner.invoke(app, ["passport", "tara@example.nhs.uk"])
    assert out.exit_code == 0 and "signed by Sam Mentor" in out.stdout
    pdf = cli_env / "tara.pdf"
    assert runner.invoke(app, ["passport", "tara@example.nhs.uk", "--format", "pdf", "-o", str(pdf)]).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert runner.invoke(app, ["passport", "nobody@example.nhs.uk"]).exit_code == 2

    verify = runner.invoke(app, ["audit", "verify"])
    assert verify.exit_code == 0 and "Audit trail intact" in verify.stdout

    db = sqlite3.connect(cli_env / "var" / "techserv.db")
    target = db.execute("SELECT id FROM audit_events WHERE action = 'signoff.approved'").fetchone()[0]
    db.execute("DROP TRIGGER audit_events_no_update")
    db.execute("UPDATE audit_events SET actor = 'mo@example.nhs.uk' WHERE id = ?", (target,))
    db.commit()
    db.close()
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1 and f"BROKEN at event {target}" in broken.output


def test_platform_identities_resolve_to_people(cli_env):
    from bot.config import Settings

    records = Records.open(Settings())
    tara = records.person_for(Incoming(text="", user_id="T1:U-TARA", platform="slack"))
    mo = records.person_for(Incoming(text="", user_id="tenant-1:aad-mo", platform="teams"))
    assert (tara.email, mo.email) == ("tara@example.nhs.uk", "mo@example.nhs.uk")
    assert records.person_for(Incoming(text="", user_id="T1:U-OTHER", platform="slack")) is None


def test_database_down_gives_a_clear_error(cli_env, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/nowhere")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 2 and "cannot reach the database at postgresql" in result.output
    assert "Check DATABASE_URL" in result.output


def test_people_import_rejects_bad_rows(cli_env, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"people": [{"name": "X", "email": "x@example.nhs.uk", "band": "4",
                                               "roles": ["wizard"]}]}))
    result = runner.invoke(app, ["people", "import", str(bad)])
    assert result.exit_code == 2 and "unknown roles ['wizard']" in result.output and "nothing was imported" in result.output


def test_experts_and_gaps_commands(cli_env):
    listed = runner.invoke(app, ["experts", "list"])
    assert listed.exit_code == 0 and "available" in listed.stdout
    synced = runner.invoke(app, ["experts", "sync"])  # already synced when the records were opened
    assert synced.exit_code == 0 and "0 added, 0 updated, 19 unchanged" in synced.stdout
    empty = runner.invoke(app, ["gaps", "--since", "2026-01-01"])
    assert empty.exit_code == 0 and "0 questions were declined" in empty.stdout
    assert runner.invoke(app, ["gaps", "--since", "last tuesday"]).exit_code == 2
    csv_out = runner.invoke(app, ["gaps", "--format", "csv"])
    assert csv_out.exit_code == 0 and csv_out.stdout.startswith("topic,topic_size,question")
