"""The cohort matrix: people × competencies, each cell in the same state the skills passport gives
(current / expiring / expired / awaiting / returned / not started), built from one query per table."""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy.orm import Session

from bot.db import people as people_db
from bot.db import signoffs as so_db
from bot.db.models import Person

from .access import Scope
from .framework import Competency, Framework
from .passport import EXPIRING_DAYS

# the passport's state names → the matrix's words; rank picks the best of several requests (as the passport)
STATE_WORDS = {"current": "current", "expiring": "expiring", "expired": "expired", "pending": "awaiting",
               "changes_requested": "returned"}
RANK = {"current": 4, "expiring": 3, "pending": 2, "changes_requested": 2, "expired": 1}
CELL_STATES = ("current", "expiring", "expired", "awaiting", "returned", "not_started")


class Cell(NamedTuple):
    state: str  # one of CELL_STATES, or "" when the competency is not in the person's role and has no record
    request_id: int | None = None
    when: dt.datetime | None = None  # the expiry of a signed competency


EMPTY, NOT_STARTED = Cell(""), Cell("not_started")  # shared: most cells of a big matrix are one of these


@dataclass
class Row:
    person: Person
    role_title: str
    cells: list[Cell]
    required: int = 0
    achieved: int = 0


@dataclass
class Matrix:
    columns: list[Competency]
    rows: list[Row]
    generated_at: dt.datetime
    pathway: str | None = None
    counts: dict[str, int] = field(default_factory=dict)


def request_state(status: str, expires_at: dt.datetime | None, now: dt.datetime) -> str | None:
    """The passport state of one request (``build_passport``'s rule); None for closed requests."""
    if status in ("approved", "expired"):
        if expires_at is not None and expires_at <= now:
            return "expired"
        if expires_at is not None and expires_at <= now + dt.timedelta(days=EXPIRING_DAYS):
            return "expiring"
        return "current"
    if status in ("requested", "changes_requested"):
        return "pending" if status == "requested" else "changes_requested"
    return None  # rejected, withdrawn, revoked: history only


def build_matrix(session: Session, framework: Framework, scope: Scope, now: dt.datetime, *, site: str | None = None,
                 band: str | None = None, pathway: str | None = None, mentor_id: int | None = None) -> Matrix:
    only = people_db.trainee_ids_of(session, mentor_id) if mentor_id is not None else None
    people = people_db.people_in_scope(session, **scope.query, site=site, band=band, pathway=pathway, only=only,
                                       on_matrix=True)
    best: dict[int, dict[str, tuple[str, int, dt.datetime | None]]] = {p.id: {} for p in people}
    soon = now + dt.timedelta(days=EXPIRING_DAYS)
    for trainee_id, comp_id, status, expires_at, request_id in so_db.matrix_cells(session, list(best)):
        if status in ("approved", "expired"):  # request_state(), inlined: this loop runs once per request
            state = "current" if expires_at is None or expires_at > soon else "expiring" if expires_at > now else "expired"
        else:
            state = status if status == "changes_requested" else "pending"
        mine = best[trainee_id]
        previous = mine.get(comp_id)
        if previous is None or RANK[state] >= RANK[previous[0]]:
            mine[comp_id] = (state, request_id, expires_at)
    required: dict[int, set[str]] = {}
    titles: dict[int, str] = {}
    for p in people:
        role = framework.role(p.pathway, p.pathway_role)
        required[p.id] = set(role.requires) if role else set()
        titles[p.id] = role.title if role else ""
    if pathway and pathway in framework.pathways:
        column_ids = {c for r in framework.pathways[pathway].roles for c in r.requires}
    else:
        column_ids = set().union(*required.values()) if required else set()
    column_ids |= {comp_id for mine in best.values() for comp_id in mine}
    columns = [framework.competencies[c] for c in sorted(column_ids) if c in framework.competencies]
    counts = dict.fromkeys(CELL_STATES, 0)
    rows = []
    column_ids = [c.id for c in columns]
    for p in people:
        needed, cells, achieved, mine = required[p.id], [], 0, best[p.id]
        for comp_id in column_ids:
            found = mine.get(comp_id)
            if found is not None:
                word = STATE_WORDS[found[0]]
                cells.append(Cell(word, found[1], found[2]))
                counts[word] += 1
                achieved += comp_id in needed and found[0] in ("current", "expiring")
            elif comp_id in needed:
                cells.append(NOT_STARTED)
                counts["not_started"] += 1
            else:
                cells.append(EMPTY)
        rows.append(Row(p, titles[p.id], cells, len(needed), achieved))
    label = framework.pathways[pathway].title if pathway in framework.pathways else None
    return Matrix(columns, rows, now, label, counts)


def _safe(value: str) -> str:
    """Spreadsheet-safe text: a leading = + - @ would be run as a formula by Excel."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def render_matrix_csv(m: Matrix) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["name", "email", "site", "band", "pathway", "role", "achieved", "required"] + [c.id for c in m.columns])
    for r in m.rows:
        p = r.person
        w.writerow([_safe(x) for x in (p.name, p.email, p.site, p.band, p.pathway or "", r.role_title)]
                   + [r.achieved, r.required] + [c.state.replace("_", " ") for c in r.cells])
    return buf.getvalue()
