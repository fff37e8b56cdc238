"""Dashboard figure for `make bench`: the cohort matrix for 500 people × 70 competencies, rendered by the
real app under uvicorn on 127.0.0.1 (SQLite, the embedded default). Server-side time is the app's own
``Server-Timing: app;dur`` (query + matrix + template); the client time adds HTTP on loopback.

    python -m benchmarks.dashboard [--people 500] [--competencies 70] [--requests 20]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np


def synthetic_framework(n: int):
    from bot.records.framework import Competency, Framework, Pathway, PathwayRole

    comps = {f"BEN-{i:02d}": Competency(f"BEN-{i:02d}", f"Benchmark competency {i}", "bench", 2 + i % 6, "", (), "mentor",
                                        4, 12, (), ()) for i in range(1, n + 1)}
    role = PathwayRole("bench-role", "Benchmark technician", "5", tuple(comps))
    return Framework("bench-1", comps, {"bench": Pathway("bench", "Benchmark pathway", [role])})


def populate(sessions, framework, people: int, now: dt.datetime, rng: random.Random) -> int:
    """People and sign-off requests in every state, written with the bot/db functions in one transaction."""
    from bot.db import people as people_db
    from bot.db import signoffs as so_db

    comps = list(framework.competencies)
    made = 0
    with sessions.begin() as s:
        admin = people_db.add_person(s, name="Bench Admin", email="admin@bench.nhs.uk", band="8a", band_level=8,
                                     roles=["admin", "mentor"], now=now, site="Bench Trust")
        for i in range(people):
            p = people_db.add_person(s, name=f"Person {i:03d}", email=f"p{i}@bench.nhs.uk", band="5", band_level=5,
                                     roles=["trainee"], now=now, site="Bench Trust", pathway="bench",
                                     pathway_role="bench-role")
            for comp in rng.sample(comps, rng.randint(20, 60)):
                req = so_db.create_request(s, trainee_id=p.id, mentor_id=admin.id, competency_id=comp,
                                           competency_title=comp, framework_version="bench-1", evidence_text="",
                                           evidence_links=[], now=now - dt.timedelta(days=rng.randint(0, 500)))
                status = rng.choice(["requested", "changes_requested", "approved", "approved", "approved", "expired",
                                     "rejected", "withdrawn"])
                if status != "requested":
                    expires = now + dt.timedelta(days=rng.randint(-100, 400)) if status in ("approved", "expired") else None
                    so_db.transition(s, req.id, ("requested",), status, now, decided_at=now, expires_at=expires)
                made += 1
    return made


def bench_matrix(people: int = 500, competencies: int = 70, requests: int = 20) -> dict:
    from adapters.dashboard.app import make_app
    from adapters.dashboard.auth import LocalSignIn
    from adapters.dashboard.server import Running, _free_port
    from bot.config import Settings
    from bot.conversation import Conversation
    from bot.db import make_engine, session_factory, upgrade
    from bot.service.wiring import Records

    tmp = Path(tempfile.mkdtemp(prefix="techserv-dash-bench-"))
    s = Settings(var_dir=tmp)
    engine = make_engine(s.database_url)
    upgrade(engine)
    framework = synthetic_framework(competencies)
    now = dt.datetime.now(dt.timezone.utc)
    records = Records(session_factory(engine), framework, embed=lambda texts: np.zeros((len(texts), 4), "float32"))
    t = time.perf_counter()
    n_requests = populate(records.sessions, framework, people, now, random.Random(7))
    fill_s = time.perf_counter() - t
    signer = LocalSignIn(600)
    app = make_app(s, Conversation(None, s, records), lambda notes: None, local=signer)
    server = Running(app, "127.0.0.1", _free_port()).start()
    try:
        client = httpx.Client(base_url=server.url, follow_redirects=True, timeout=60)
        client.get(f"/auth/local?token={signer.issue(records.person_by_email('admin@bench.nhs.uk').id)}")
        server_ms, client_ms, size = [], [], 0
        for i in range(requests + 2):
            t = time.perf_counter()
            resp = client.get("/matrix")
            elapsed = (time.perf_counter() - t) * 1000
            assert resp.status_code == 200 and resp.text.count("<tr>") == people + 1, "the matrix did not render"
            if i >= 2:  # two warm-up requests
                server_ms.append(float(re.search(r"dur=([\d.]+)", resp.headers["server-timing"]).group(1)))
                client_ms.append(elapsed)
                size = len(resp.content)
    finally:
        server.stop()
    pct = lambda xs, p: float(np.percentile(np.array(xs), p))  # noqa: E731
    return {"people": people, "competencies": competencies, "requests_in_db": n_requests, "cells": people * competencies,
            "fill_s": round(fill_s, 1), "server_p50_ms": round(statistics.median(server_ms), 1),
            "server_p95_ms": round(pct(server_ms, 95), 1), "client_p50_ms": round(statistics.median(client_ms), 1),
            "html_kib": round(size / 1024)}


def report(r: dict) -> str:
    return (f"  matrix {r['people']} people × {r['competencies']} competencies ({r['cells']:,} cells, "
            f"{r['requests_in_db']:,} sign-off requests, {r['html_kib']} KiB of HTML): server-side p50 "
            f"{r['server_p50_ms']} ms, p95 {r['server_p95_ms']} ms (target < 300 ms); through HTTP p50 {r['client_p50_ms']} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=500)
    ap.add_argument("--competencies", type=int, default=70)
    ap.add_argument("--requests", type=int, default=20, help="timed page loads")
    a = ap.parse_args()
    print(report(bench_matrix(a.people, a.competencies, a.requests)))


if __name__ == "__main__":
    main()
