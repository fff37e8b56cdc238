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
    assert ("ASP-01 Hand hygiene and glove technique — signed by Sam Mentor (Senior Pharmacy Technician, band 6) on "
            "2026-11-27 09:00 UTC, expires 2027-11-27 09:00 UTC [SO-1]") in text
    rows = list(csv.DictReader(io.StringIO(render_csv(p))))
    assert [(r["competency_id"], r["event"]) for r in rows[:3]] == [("ASP-01", "requested"), ("ASP-01", "approved"),
                                                                   ("ASP-02", "requested")]
    signed = rows[1]
    assert signed["signed_by"] == "Sam Mentor" and signed["signer_band"] == "6" and signed["signature_id"] == "SIG-1"
    assert signed["signed_at_utc"].startswith("2026-11-27T09:00:00") and signed["expires_at_utc"].startswith("2027-11-27T09:00")
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


def _every_kind_of_record(records, ids, clock):
    """Approved; changes requested then approved; rejected; approved then corrected; withdrawn; pending."""
    s, tara, sam = records.signoffs, ids["tara"], ids["sam"]

    def step():
        clock.advance(hours=1)

    ok = s.request(tara, "ASP-01", "sam@example.nhs.uk", "observed on 3 sessions").request_id
    step(); s.decide(sam, ok, "approve")
    again = s.request(tara, "ASP-02", "sam@example.nhs.uk", "one session").request_id
    step(); s.decide(sam, again, "changes", "one more observed session please")
    step(); s.request(tara, "ASP-02", "sam@example.nhs.uk", "two sessions now", ["https://ev.example/asp02"])
    step(); s.decide(sam, again, "approve")
    rejected = s.request(tara, "ASP-03", "sam@example.nhs.uk", "gowning qualification run").request_id
    step(); s.decide(sam, rejected, "reject", "touched the outside of the gown with bare hands")
    revoked = s.request(tara, "ASP-04", "sam@example.nhs.uk", "ANTT observed").request_id
    step(); s.decide(sam, revoked, "approve")
    step(); s.correct(sam, revoked, "signed against the wrong trainee's observation sheet")
    withdrawn = s.request(tara, "ASP-05", "sam@example.nhs.uk", "transfer disinfection").request_id
    step(); s.withdraw(tara, withdrawn, "asked the wrong mentor")
    pending = s.request(tara, "ASP-06", "sam@example.nhs.uk", "isolator operation").request_id
    return {"approved": ok, "approved after changes": again, "rejected": rejected, "revoked": revoked,
            "withdrawn": withdrawn, "pending": pending}


def _signatures_of(records, person_id):
    from sqlalchemy import select

    from bot.db.models import Signature, SignoffRequest

    with records.sessions() as session:
        rows = session.execute(select(Signature.id, Signature.decision, SignoffRequest.id, SignoffRequest.status)
                               .join(SignoffRequest, Signature.request_id == SignoffRequest.id)
                               .where(SignoffRequest.trainee_id == person_id)).all()
    return [(sig, decision, f"SO-{req}", status) for sig, decision, req, status in rows]


def test_passport_pdf_and_csv_list_every_request(records, ids, clock):
    """Rejected, withdrawn and revoked requests stay on the record an inspector reads."""
    made = _every_kind_of_record(records, ids, clock)
    p = records.passport(ids["tara"])
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(p))).pages)
    csv_text = render_csv(p)
    gaps = [f"the passport {name} leaves out " + ", ".join(missing) for name, text in (("PDF", pdf_text), ("CSV", csv_text))
            if (missing := [f"SO-{rid} ({kind})" for kind, rid in made.items() if f"SO-{rid}" not in text])]
    assert not gaps, "; ".join(gaps)


def test_passport_pdf_and_csv_carry_every_signature_id(records, ids, clock):
    """Every signature in the database for the person appears, by its id, in the PDF and the CSV."""
    _every_kind_of_record(records, ids, clock)
    signatures = _signatures_of(records, ids["tara"])
    assert len(signatures) == 6
    p = records.passport(ids["tara"])
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(p))).pages)
    rows = list(csv.DictReader(io.StringIO(render_csv(p))))
    csv_ids = {r.get("signature_id") for r in rows}
    gaps = []
    for name, present in (("PDF", lambda sig: f"SIG-{sig}" in pdf_text), ("CSV", lambda sig: f"SIG-{sig}" in csv_ids)):
        missing = [f"SIG-{sig} {decision} on {req} ({status})" for sig, decision, req, status in signatures
                   if not present(sig)]
        if missing:
            gaps.append(f"the passport {name} leaves out {len(missing)} of {len(signatures)} signatures: "
                        + ", ".join(missing))
    assert not gaps, "\n".join(gaps)


def test_pdf_prints_non_latin_names_and_names_the_person_on_every_numbered_page(records, ids, clock, tmp_path):
    """The bundled DejaVu font prints Polish, Vietnamese and Greek names; long records run over pages
    that each carry the person's name, the generation time and "page n of N"."""
    import yaml

    from bot.records.people import import_people

    people = tmp_path / "more-people.yaml"
    people.write_text(yaml.safe_dump({"people": [
        {"name": "Nguyễn Thị Σοφία", "email": "sofia@example.nhs.uk", "job_title": "Trainee Pharmacy Technician",
         "band": "4", "site": "Site A", "roles": ["trainee"]},
        {"name": "Łukasz Żółć", "email": "lukasz@example.nhs.uk", "job_title": "Lead Pharmacy Technician",
         "band": "7", "site": "Site A", "roles": ["mentor"]}]}, allow_unicode=True))
    import_people(records.sessions, people, clock=clock)
    sofia, lukasz = (records.person_by_email(e).id for e in ("sofia@example.nhs.uk", "lukasz@example.nhs.uk"))
    s = records.signoffs
    for cid in [c for c in records.framework.competencies if c.startswith("ASP-")][:10]:
        rid = s.request(sofia, cid, "lukasz@example.nhs.uk", "observed on three sessions — “clean technique” " * 8,
                        [f"https://evidence.example/{cid}/{n}" for n in range(3)]).request_id
        clock.advance(minutes=30)
        s.decide(lukasz, rid, "approve", "Zażółć gęślą jaźń")
    p = records.passport(sofia)
    reader = PdfReader(io.BytesIO(render_pdf(p)))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 2
    for n, text in enumerate(pages, 1):
        assert "Nguyễn Thị Σοφία" in text and "generated 2026-11-27" in text and f"page {n} of {len(pages)}" in text
    whole = " ".join(" ".join(pages).split())  # wrapped lines joined
    assert "Łukasz Żółć, Lead Pharmacy Technician, band 7 — assessed as competent" in whole
    assert "Zażółć gęślą jaźń" in whole and "“clean technique”" in whole and "?" not in whole
    assert all(f"https://evidence.example/ASP-01/{n}" in whole for n in range(3))
    assert "expires 2027-11-27 09:30 UTC" in whole  # the first approval, with its time and zone
