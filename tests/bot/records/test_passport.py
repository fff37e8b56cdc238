"""Skills passport and training plan, in text, CSV and PDF; reminders."""
import csv
import io

from pypdf import PdfReader

from bot.records.passport import render_csv, render_pdf, render_text
from bot.records.reminders import expiry_reminders, pending_reminders


def test_passport_states_signatures_and_plan(records, ids, clock):
    s = records.signoffs
    done = s.request(ids["tara"], "ASP-01", "sam@example.nhs.uk").request_id
    s.decide(ids["sam"], done, "approve")
    s.request(ids["tara"], "ASP-02", "sam@example.nhs.uk")
    p = records.passport(ids["tara"])
    current = p.by_state("current")
    assert [e.competency_id for e in current] == ["ASP-01"]
    assert current[0].signed_by == "Sam Mentor" and current[0].expires_at.year == 2027
    assert [e.competency_id for e in p.by_state("pending")] == ["ASP-02"]
    role = records.framework.role("aseptic-services", "asp-pharmacy-technician")
    plan_ids = [i.competency_id for i in p.plan]
    assert "ASP-01" not in plan_ids and set(plan_ids) == set(role.requires) - {"ASP-01"}
    assert all(i.courses or i.guidance for i in p.plan)
    assert p.pathway.startswith("Aseptic services")

    text = render_text(p)
    assert "ASP-01 Hand hygiene and glove technique — signed by Sam Mentor on 27 Nov 2026, expires 27 Nov 2027" in text
    rows = list(csv.DictReader(io.StringIO(render_csv(p))))
    assert rows[0]["competency_id"] == "ASP-01" and rows[0]["signed_by"] == "Sam Mentor"
    assert rows[0]["signed_at_utc"].startswith("2026-11-27T09:00:00")
    pdf = render_pdf(p)
    assert pdf.startswith(b"%PDF")
    extracted = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Training record" in extracted and "Sam Mentor" in extracted and "assessed as competent" in extracted


def test_reminders(records, ids, clock):
    s = records.signoffs
    old = s.request(ids["tara"], "ASP-01", "sam@example.nhs.uk").request_id
    clock.advance(days=8)
    s.request(ids["tara"], "ASP-02", "sam@example.nhs.uk")
    [note] = pending_reminders(records.sessions, 7, clock.now)
    assert note.person_id == ids["sam"] and f"SO-{old}" in note.text and "waiting 8 days" in note.text
    s.decide(ids["sam"], old, "approve")
    assert expiry_reminders(records.sessions, clock.now) == []
    clock.advance(days=350)
    notes = expiry_reminders(records.sessions, clock.now)
    assert sorted(n.person_id for n in notes) == sorted([ids["tara"], ids["sam"]])
    assert all("expires on" in n.text for n in notes)
