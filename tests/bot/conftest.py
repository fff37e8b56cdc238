"""Records tests run on SQLite *and* PostgreSQL (127.0.0.1:5432). PostgreSQL being unreachable is
a failure, never a skip: `make test` starts it (scripts/ensure-postgres.sh) when it is down."""
from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, text

from bot.db import make_engine, session_factory, upgrade
from bot.records.framework import Framework
from bot.records.people import import_people
from bot.service.wiring import Records

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = os.environ.get("TECHSERV_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")

PEOPLE = [
    {"name": "Tara Trainee", "email": "tara@example.nhs.uk", "job_title": "Pharmacy Technician", "band": "4",
     "site": "Site A", "roles": ["trainee"], "pathway": "aseptic-services", "pathway_role": "asp-pharmacy-technician",
     "slack": {"team_id": "T1", "user_id": "U-TARA"}},
    {"name": "Sam Mentor", "email": "sam@example.nhs.uk", "job_title": "Senior Pharmacy Technician", "band": "6",
     "site": "Site A", "roles": ["mentor"]},
    {"name": "Mo Mentor", "email": "mo@example.nhs.uk", "job_title": "Senior Pharmacy Technician", "band": "6",
     "site": "Site B", "roles": ["mentor"], "teams": {"tenant_id": "tenant-1", "aad_object_id": "aad-mo"}},
    {"name": "Jo Junior", "email": "jo@example.nhs.uk", "job_title": "Pharmacy Support Worker", "band": "3",
     "site": "Site A", "roles": ["trainee", "mentor"]},
    {"name": "Ada Admin", "email": "ada@example.nhs.uk", "job_title": "Education and Training Lead", "band": "8a",
     "site": "Site A", "roles": ["admin", "mentor"]},
]


class Clock:
    def __init__(self):
        self.now = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += dt.timedelta(**kw)


@pytest.fixture(scope="session")
def framework() -> Framework:
    return Framework.load(ROOT / "knowledge")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'records.db'}"
        return
    name = f"techserv_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 — turn any connection problem into a loud failure
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL} ({exc}). Run `make test`, which starts it "
                    "(scripts/ensure-postgres.sh), or set TECHSERV_TEST_POSTGRES_URL.", pytrace=False)
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def engine(db_url):
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def records(engine, framework, clock, tmp_path) -> Records:
    recs = Records(session_factory(engine), framework, clock)
    people = tmp_path / "people.yaml"
    people.write_text(yaml.safe_dump({"people": PEOPLE}))
    import_people(recs.sessions, people, clock=clock)
    return recs


@pytest.fixture
def ids(records) -> dict[str, int]:
    return {p["email"].split("@")[0]: records.person_by_email(p["email"]).id for p in PEOPLE}
