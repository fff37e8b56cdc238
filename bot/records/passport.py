"""Skills passport and training plan for one person, as data and as text, CSV or PDF."""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from bot.db import signoffs as so_db
from bot.db.models import Person, SignoffRequest

from .framework import Framework

EXPIRING_DAYS = 30


@dataclass
class HistoryLine:
    when: dt.datetime
    text: str


@dataclass
class PassportEntry:
    competency_id: str
    title: str
    state: str  # current | expiring | expired | pending | changes_requested
    request_id: int
    framework_version: str
    signed_by: str = ""
    signer_title: str = ""
    signed_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    history: list[HistoryLine] = field(default_factory=list)


@dataclass
class PlanItem:
    competency_id: str
    title: str
    band: int
    courses: list[tuple[str, str]]  # (doc id, title)
    guidance: list[tuple[str, str]]


@dataclass
class Passport:
    person: Person
    generated_at: dt.datetime
    framework_version: str
    entries: list[PassportEntry]
    plan: list[PlanItem]
    pathway: str | None = None

    def by_state(self, state: str) -> list[PassportEntry]:
        return [e for e in self.entries if e.state == state]


def _history(req: SignoffRequest) -> list[HistoryLine]:
    lines = [HistoryLine(req.created_at, f"requested ({req.framework_version})")]
    for s in req.signatures:
        text = f"{s.decision.replace('_', ' ')} by {s.printed_name}, {s.job_title} — {s.meaning}"
        if s.reason:
            text += f" ({s.reason})"
        if s.corrects_id:
            text += f" [corrects signature {s.corrects_id}]"
        lines.append(HistoryLine(s.signed_at, text))
    return lines


def build_passport(session: Session, framework: Framework, person: Person, now: dt.datetime) -> Passport:
    entries: dict[str, PassportEntry] = {}
    for req in so_db.requests_for_trainee(session, person.id):
        state = None
        approval = next((s for s in reversed(req.signatures) if s.decision == "approved"), None)
        if req.status in ("approved", "expired") and approval is not None:
            if req.expires_at is not None and req.expires_at <= now:
                state = "expired"
            elif req.expires_at is not None and req.expires_at <= now + dt.timedelta(days=EXPIRING_DAYS):
                state = "expiring"
            else:
                state = "current"
        elif req.status == "requested":
            state = "pending"
        elif req.status == "changes_requested":
            state = "changes_requested"
        if state is None:
            continue  # rejected, withdrawn and revoked requests stay in the history, not the passport
        entry = PassportEntry(req.competency_id, req.competency_title, state, req.id, req.framework_version,
                              history=_history(req))
        if approval is not None:
            entry.signed_by, entry.signer_title, entry.signed_at = approval.printed_name, approval.job_title, approval.signed_at
            entry.expires_at = req.expires_at
        previous = entries.get(req.competency_id)
        rank = {"current": 4, "expiring": 3, "pending": 2, "changes_requested": 2, "expired": 1}
        if previous is None or rank[state] >= rank[previous.state]:
            entries[req.competency_id] = entry
    plan = []
    role = framework.role(person.pathway, person.pathway_role)
    if role is not None:
        achieved = {cid for cid, e in entries.items() if e.state in ("current", "expiring")}
        for cid in role.requires:
            comp = framework.get(cid)
            if comp is None or cid in achieved:
                continue
            titled = lambda ids: [(d, framework.doc_titles.get(d, d)) for d in ids]  # noqa: E731
            plan.append(PlanItem(cid, comp.title, comp.band, titled(comp.courses), titled(comp.guidance)))
    order = {"current": 0, "expiring": 1, "expired": 2, "changes_requested": 3, "pending": 4}
    ordered = sorted(entries.values(), key=lambda e: (order[e.state], e.competency_id))
    pathway = f"{framework.pathways[person.pathway].title} — {role.title}" if role and person.pathway in framework.pathways else None
    return Passport(person, now, framework.version, ordered, plan, pathway)


def _d(when: dt.datetime | None) -> str:
    return when.strftime("%d %b %Y") if when else "—"


def render_text(p: Passport) -> str:
    lines = [f"Skills passport — {p.person.name} ({p.person.job_title or 'no job title'}, band {p.person.band}, "
             f"{p.person.site or 'no site'})",
             f"Framework {p.framework_version} · generated {p.generated_at:%Y-%m-%d %H:%M} UTC"]
    if p.pathway:
        lines.append(f"Pathway: {p.pathway}")
    titles = {"current": "Current", "expiring": f"Expiring within {EXPIRING_DAYS} days", "expired": "Expired",
              "changes_requested": "Returned for more evidence", "pending": "Awaiting sign-off"}
    for state, title in titles.items():
        items = p.by_state(state)
        lines.append(f"\n{title} ({len(items)})")
        for e in items:
            signed = f" — signed by {e.signed_by} on {_d(e.signed_at)}" if e.signed_by else ""
            expiry = f", expires {_d(e.expires_at)}" if e.expires_at else (", no expiry" if e.signed_by else "")
            lines.append(f"  {e.competency_id} {e.title}{signed}{expiry} [SO-{e.request_id}]")
    lines.append(f"\nTraining plan: {len(p.plan)} competencies still to achieve")
    for item in p.plan:
        lines.append(f"  {item.competency_id} {item.title} (band {item.band})")
        for doc_id, title in item.courses + item.guidance:
            lines.append(f"      read: {title} [{doc_id}]")
    return "\n".join(lines)


def render_csv(p: Passport) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["person_email", "competency_id", "title", "state", "signed_by", "signer_job_title",
                "signed_at_utc", "expires_at_utc", "framework_version", "request"])
    for e in p.entries:
        w.writerow([p.person.email, e.competency_id, e.title, e.state, e.signed_by, e.signer_title,
                    e.signed_at.isoformat() if e.signed_at else "", e.expires_at.isoformat() if e.expires_at else "",
                    e.framework_version, f"SO-{e.request_id}"])
    for item in p.plan:
        w.writerow([p.person.email, item.competency_id, item.title, "not yet achieved", "", "", "", "", p.framework_version, ""])
    return buf.getvalue()


def render_pdf(p: Passport) -> bytes:
    """A printable training record: each competency with its signature and full history."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(True, margin=15)
    font, latin1 = _font(pdf)
    pdf.add_page()

    def write(text: str, size: int = 9, bold: bool = False, height: float = 5) -> None:
        if latin1:  # core PDF fonts cover Latin-1 only
            text = text.replace("—", "-").replace("–", "-").replace("≥", ">=").encode("latin-1", "replace").decode("latin-1")
        pdf.set_font(font, "B" if bold else "", size)
        pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")

    write(f"Training record — {p.person.name}", 15, True, 8)
    write(f"{p.person.job_title}, band {p.person.band}, {p.person.site} · {p.person.email}\n"
          f"Competency framework {p.framework_version} · generated {p.generated_at:%Y-%m-%d %H:%M} UTC"
          + (f"\nPathway: {p.pathway}" if p.pathway else ""))
    for e in p.entries:
        pdf.ln(3)
        write(f"{e.competency_id} {e.title} — {e.state.replace('_', ' ')}", 11, True, 6)
        if e.signed_by:
            write(f"Signed: {e.signed_by} ({e.signer_title}) on {e.signed_at:%Y-%m-%d %H:%M} UTC · "
                  f"expires {_d(e.expires_at)} · framework {e.framework_version} · SO-{e.request_id}")
        for h in e.history:
            write(f"   {h.when:%Y-%m-%d %H:%M} UTC  {h.text}")
    if p.plan:
        pdf.ln(3)
        write("Still to achieve", 11, True, 6)
        for item in p.plan:
            write(f"{item.competency_id} {item.title} (band {item.band})")
    return bytes(pdf.output())


def _font(pdf) -> tuple[str, bool]:
    """DejaVu when the system has it (full Unicode), else Helvetica (Latin-1 only)."""
    from pathlib import Path

    regular = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    bold = regular.with_name("DejaVuSans-Bold.ttf")
    if regular.exists() and bold.exists():
        pdf.add_font("body", "", str(regular))
        pdf.add_font("body", "B", str(bold))
        return "body", False
    return "Helvetica", True
