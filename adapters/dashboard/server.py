"""Running the dashboard under uvicorn: in the foreground (`techserv dashboard`) or in a thread beside
the chat adapters (`techserv serve`, `techserv start`)."""
from __future__ import annotations

import asyncio
import gc
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import uvicorn

from bot.config import Settings
from bot.db import people as people_db

from .app import make_app
from .auth import OIDC, LocalSignIn


class DashboardError(Exception):
    """The dashboard cannot start; the message says what to do."""


@dataclass
class Plan:
    app: object
    host: str
    port: int
    link: str | None  # the one-time sign-in link in local mode
    mode: str  # "oidc" | "local"


def local_admin(records, email: str | None = None):
    """Who the one-time link signs in: ``email``, or the first active administrator."""
    with records.sessions() as session:
        if email:
            person = people_db.person_by_email(session, email)
            if person is None or not person.active:
                raise DashboardError(f"{email} is not registered: check the email or run `techserv people list`.")
            return person
        admins = people_db.list_people(session, "admin")
    if not admins:
        raise DashboardError("No administrator is registered, so there is no one to sign in: import people with an "
                             "admin role (`techserv people import examples/people.yaml` on a laptop) or pass --as EMAIL.")
    return admins[0]


def plan(settings: Settings, conversation, deliver, *, local: bool, as_email: str | None = None,
         port: int | None = None) -> Plan:
    """Decide how to run: OpenID Connect on TECHSERV_DASHBOARD_HOST, or local mode on 127.0.0.1 with a link."""
    port = settings.dashboard_port if port is None else port
    if not local and not settings.dashboard_oidc_configured:
        raise DashboardError("No identity provider is configured: set TECHSERV_DASHBOARD_OIDC_ISSUER, "
                             "TECHSERV_DASHBOARD_OIDC_CLIENT_ID and TECHSERV_DASHBOARD_OIDC_CLIENT_SECRET (README › "
                             "Dashboard), or run `techserv dashboard --local` on this computer.")
    issuer = urlsplit(settings.dashboard_oidc_issuer or "")
    if settings.dashboard_oidc_configured and issuer.scheme != "https" and issuer.hostname not in ("127.0.0.1", "localhost"):
        raise DashboardError(f"TECHSERV_DASHBOARD_OIDC_ISSUER must be an https:// address (got {settings.dashboard_oidc_issuer}).")
    oidc = OIDC(settings) if settings.dashboard_oidc_configured else None
    if not local:
        return Plan(make_app(settings, conversation, deliver, oidc=oidc), settings.dashboard_host, port, None, "oidc")
    signer = LocalSignIn(settings.dashboard_link_minutes * 60)
    person = local_admin(conversation.records, as_email)
    app = make_app(settings, conversation, deliver, oidc=oidc, local=signer)
    port = port or _free_port()
    return Plan(app, "127.0.0.1", port, f"http://127.0.0.1:{port}/auth/local?token={signer.issue(person.id)}", "local")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Running:
    """A uvicorn server on its own thread and event loop."""

    def __init__(self, app, host: str, port: int):
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off",
                                proxy_headers=False)
        self.server = uvicorn.Server(config)
        self.url = f"http://{host}:{port}"
        self.thread = threading.Thread(target=self._run, daemon=True, name="dashboard")
        self.error: BaseException | None = None

    def _run(self):
        try:
            asyncio.run(self.server.serve())
        except BaseException as exc:  # noqa: BLE001 — reported by start()
            self.error = exc

    def start(self, timeout: float = 15) -> "Running":
        settle_heap()
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise DashboardError(f"the dashboard did not start on {self.url} (is the port in use? set "
                                     "TECHSERV_DASHBOARD_PORT)" + (f": {self.error}" if self.error else ""))
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def settle_heap() -> None:
    """Move everything loaded so far (index, model, framework) out of the garbage collector's way: a
    matrix page allocates tens of thousands of small objects, and each full collection would otherwise
    walk the whole heap (this halved the 500 × 70 matrix's server time)."""
    gc.collect()
    gc.freeze()


def run_forever(p: Plan) -> None:
    settle_heap()
    uvicorn.run(p.app, host=p.host, port=p.port, log_level="warning", access_log=False, lifespan="off")
