"""The dashboard's pages over real HTTP: local one-time sign-in, headers, escaping, CSRF, downloads,
the knowledge page's actions (through the escalation and document-owner services, audited)."""
from __future__ import annotations

import re

import httpx
import pytest
import yaml
from sqlalchemy import text

from adapters.dashboard.auth import LocalSignIn
from adapters.dashboard.server import DashboardError, plan
from bot.conversation import Conversation
from bot.experts.escalations import sync_experts
from bot.messages import Incoming
from bot.records.people import import_people
from tests.bot.conftest import PEOPLE
from tests.conftest import FIXTURES

from .conftest import csrf, dashboard_settings


def local_client(serve_dashboard, records, email="ada@example.nhs.uk", **kw):
    signer = LocalSignIn(900)
    url, ctx = serve_dashboard(local=signer, **kw)
    link = f"/auth/local?token={signer.issue(records.person_by_email(email).id)}"
    client = httpx.Client(base_url=url, follow_redirects=True, timeout=60)
    return client, link, ctx


def test_local_link_signs_in_once(serve_dashboard, records):
    client, link, _ = local_client(serve_dashboard, records)
    page = client.get(link)
    assert page.url.path == "/matrix" and "Ada Admin" in page.text
    again = httpx.get(client.base_url.join(link))
    assert again.status_code == 403 and "already used" in again.text
    expired = LocalSignIn(ttl_seconds=0)
    assert expired.redeem(expired.issue(1)) is None and expired.redeem("made-up") is None


def test_headers_escaping_and_sign_in_required(serve_dashboard, records, tmp_path):
    hostile = {k: v for k, v in PEOPLE[0].items() if k != "slack"} | {"name": "<script>alert(\"x\")</script>", "email": "evil@example.nhs.uk"}
    (tmp_path / "evil.yaml").write_text(yaml.safe_dump({"people": [hostile]}))
    import_people(records.sessions, tmp_path / "evil.yaml")
    client, link, _ = local_client(serve_dashboard, records)
    assert httpx.get(client.base_url.join("/matrix")).headers["location"] == "/login"
    page = client.get(link)
    assert '<script>alert' not in page.text and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    h = page.headers
    assert "frame-ancestors 'none'" in h["content-security-policy"] and "script-src" not in h["content-security-policy"]
    assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "no-referrer" and h["cache-control"] == "no-store"
    assert re.fullmatch(r"app;dur=\d+\.\d", h["server-timing"])
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "Use the menu" in missing.text and missing.headers["x-frame-options"] == "DENY"


def test_csrf_and_verify_chain(serve_dashboard, records, engine):
    client, link, _ = local_client(serve_dashboard, records)
    client.get(link)
    refused = client.post("/audit/verify", data={})
    assert refused.status_code == 403 and "This form was refused" in refused.text
    forged = client.post("/audit/verify", data={"csrftoken": "forged"})
    assert forged.status_code == 403
    ok = client.post("/audit/verify", data={"csrftoken": csrf(client, "/audit")})
    with records.sessions() as s:
        from bot.records.audit import verify_chain

        expected = verify_chain(s).checked
    assert f"Audit trail intact: {expected} events verified." in ok.text
    with engine.begin() as conn:  # an attacker with database access disables the guard and edits an event
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change"))
        else:
            conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(text("UPDATE audit_events SET reason = 'edited' WHERE id = 2"))
    broken = client.post("/audit/verify", data={"csrftoken": csrf(client, "/audit")})
    assert "Audit trail BROKEN at event 2" in broken.text
    # logging out needs the token too
    assert client.post("/logout", data={}).status_code == 403


def test_downloads_and_filters(serve_dashboard, records, ids):
    records.signoffs.request(ids["tara"], "ASP-01", "sam@example.nhs.uk", "observed")
    client, link, _ = local_client(serve_dashboard, records)
    client.get(link)
    page = client.get("/matrix", params={"pathway": "aseptic-services", "site": "Site A"})
    assert "Tara Trainee" in page.text and "Jo Junior" not in page.text and 'class="c awaiting"' in page.text
    csv = client.get("/matrix.csv", params={"pathway": "aseptic-services"})
    assert csv.headers["content-type"].startswith("text/csv") and "attachment" in csv.headers["content-disposition"]
    assert csv.text.splitlines()[1].startswith("Tara Trainee,tara@example.nhs.uk,Site A,4,aseptic-services")
    pdf = client.get(f"/people/{ids['tara']}/passport.pdf")
    assert pdf.content.startswith(b"%PDF") and 'filename="training-record-tara.pdf"' in pdf.headers["content-disposition"]
    person = client.get(f"/people/{ids['tara']}").text
    assert "ASP-01" in person and "awaiting sign-off" in person and "Training plan" in person
    bad = client.get("/audit", params={"record": "nonsense", "from": "yesterday"}).text
    assert "not a record reference" in bad and "not a date" in bad


def test_knowledge_page_actions_go_through_the_services(serve_dashboard, records, ids, kb, embedder, clock):
    records._embed = embedder.encode
    sync_experts(records.sessions, FIXTURES / "experts.yaml", clock)
    conv = Conversation(kb, dashboard_settings(__import__("pathlib").Path("/tmp"), None), records)
    reply = conv.handle(Incoming(text="where can I park my bike at the hospital", user_id="tara@example.nhs.uk"))[0]
    assert reply.kind.value == "declined"
    client, link, ctx = local_client(serve_dashboard, records, kb=kb)
    client.get(link)
    page = client.get("/knowledge")
    assert page.status_code == 200 and "where can I park my bike at the hospital" in page.text
    assert kb.live.version in page.text and "fx-grades" in page.text
    token = csrf(client, "/knowledge")
    done = client.post("/knowledge/escalate", data={"csrftoken": token, "question": "where can I park my bike at the hospital"})
    assert "sent your question to" in done.text, re.findall(r"class=\"flash[^<]*", done.text)
    assert ctx.delivered and ctx.delivered[0].kind == "escalation_assigned"
    form = client.get("/knowledge/owner", params={"doc": "fx-grades", "topic": "bike"})
    assert "Knowledge gap: bike" in form.text
    assigned = client.post("/knowledge/owner", data={"csrftoken": csrf(client, "/knowledge/owner"), "doc_id": "fx-grades",
                                                     "owner": "sam@example.nhs.uk", "reason": "Knowledge gap: bike"})
    assert "Sam Mentor now owns" in assigned.text and ctx.delivered[-1].person_id == ids["sam"]
    trail = client.get("/audit").text
    assert "escalation.opened" in trail and "document.owner_assigned" in trail
    with records.sessions() as s:
        from bot.db.audit import filter_events

        opened = filter_events(s, entity="escalation")[0]
    assert opened.actor == "ada@example.nhs.uk"


def test_plan_says_what_to_do(tmp_path, records):
    s = dashboard_settings(tmp_path, None)
    conv = Conversation(None, s, records)
    with pytest.raises(DashboardError, match="--local"):
        plan(s, conv, print, local=False)
    with pytest.raises(DashboardError, match="not registered"):
        plan(s, conv, print, local=True, as_email="ghost@example.nhs.uk")
    p = plan(s, conv, print, local=True, port=0)
    assert p.host == "127.0.0.1" and p.link.startswith(f"http://127.0.0.1:{p.port}/auth/local?token=")
    bad = dashboard_settings(tmp_path, "http://idp.example.org")
    with pytest.raises(DashboardError, match="https"):
        plan(bad, conv, print, local=False)


def test_owner_assignment_refused_for_a_mentor_says_why(serve_dashboard, records, kb):
    client, link, ctx = local_client(serve_dashboard, records, email="sam@example.nhs.uk", kb=kb)
    client.get(link)
    assert client.get("/knowledge").status_code == 403
    page = client.post("/knowledge/owner", data={"csrftoken": csrf(client, "/matrix"), "doc_id": "fx-grades",
                                                 "owner": "sam@example.nhs.uk", "reason": "mine now"})
    assert "Only administrators and training / QA leads" in page.text or "Only an administrator" in page.text
    assert not ctx.delivered and records.owners.current() == {}
