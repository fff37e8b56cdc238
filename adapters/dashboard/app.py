"""The dashboard's Starlette app: sign-in routes, the viewer of each request, rendering and middleware.
The pages themselves are in ``pages.py``."""
from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup
from asgi_csrf import asgi_csrf
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from bot.config import Settings
from bot.db import people as people_db
from bot.db.models import Person
from bot.records.access import Scope, scope_for

from .auth import OIDC, LocalSignIn, SignInRefused
from .security import SecurityHeaders, csrf_refused

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
POST_PATHS = {"/logout", "/audit/verify", "/knowledge/escalate", "/knowledge/owner"}
MARKS = {"current": "✓", "expiring": "!", "expired": "✗", "awaiting": "…", "returned": "↩", "not_started": "·", "": ""}


class NotSignedIn(Exception):
    pass


@dataclass
class Dashboard:
    """Everything the pages need, passed in (no globals)."""
    settings: Settings
    conversation: object  # bot.conversation.Conversation: .records, .kb
    deliver: Callable
    oidc: OIDC | None
    local: LocalSignIn | None
    templates: Jinja2Templates

    @property
    def records(self):
        return self.conversation.records

    @property
    def kb(self):
        return self.conversation.kb


def _filters(tz: str) -> dict:
    zone = ZoneInfo(tz)

    def local(when: dt.datetime | None, fmt: str = "%d %b %Y %H:%M") -> str:
        return when.astimezone(zone).strftime(fmt) if when else "—"

    def isolocal(text: str | None) -> str:
        try:
            return local(dt.datetime.fromisoformat(text))
        except (TypeError, ValueError):
            return text or "—"

    def record(ev) -> str:
        prefix = {"signoff_request": "SO-", "escalation": "E-", "verified_answer": "VA-", "person": "P-"}.get(ev.entity)
        return f"{prefix}{ev.entity_id}" if prefix else f"{ev.entity} {ev.entity_id}"

    plain = {state: Markup(f'<td class="c {state}">{mark}</td>') for state, mark in MARKS.items()}

    def cells(row_cells) -> Markup:
        """One matrix row's cells as HTML, built here rather than in a Jinja loop (35,000 cells per page).
        Only fixed words, integers and formatted dates go in, so nothing needs escaping."""
        out = []
        for state, request_id, when in row_cells:
            if request_id is None:
                out.append(plain[state])
            else:
                date = f" · {when.astimezone(zone):%d %b %Y}" if when else ""
                out.append(f'<td class="c {state}" title="{state} · SO-{int(request_id)}{date}">{MARKS[state]}</td>')
        return Markup("".join(out))

    return {"local": local, "day": lambda when: local(when, "%d %b %Y"), "isolocal": isolocal, "record": record,
            "cells": cells}


def make_templates(settings: Settings) -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(_filters(settings.timezone))
    env.globals.update(marks=MARKS, tz=settings.timezone)
    return Jinja2Templates(env=env)


# -- per request ------------------------------------------------------------------------------------------
def viewer(request: Request) -> tuple[Person, Scope]:
    """The signed-in person and what they may see, read fresh from the database."""
    ctx: Dashboard = request.app.state.ctx
    pid = request.session.get("pid")
    if not isinstance(pid, int):
        raise NotSignedIn()
    with ctx.records.sessions() as session:
        person = people_db.get_person(session, pid)
        if person is None or not person.active:
            request.session.clear()
            raise NotSignedIn()
        return person, scope_for(session, person, ctx.settings.dashboard_lead_scope)


def flash(request: Request, text: str, ok: bool = True) -> None:
    request.session.setdefault("flash", []).append(["ok" if ok else "error", text])


def render(request: Request, template: str, status: int = 200, **context) -> Response:
    ctx: Dashboard = request.app.state.ctx
    person, scope = context.pop("who", (None, None)) or (None, None)
    flashes = request.session.pop("flash", []) if "session" in request.scope else []
    base = {"csrftoken": request.scope["csrftoken"](), "me": person, "scope": scope, "flashes": flashes,
            "oidc": ctx.oidc, "local_mode": ctx.local is not None, "active": context.get("active", "")}
    return ctx.templates.TemplateResponse(request, template, {**base, **context}, status_code=status)


def refuse(request: Request, status: int, title: str, detail: str, who=None) -> Response:
    return render(request, "message.html", status, title=title, detail=detail, who=who)


def _sign_in(request: Request, person_id: int, via: str) -> None:
    nxt = request.session.get("next", "/")
    request.session.clear()  # no state from before sign-in survives it (session fixation)
    request.session.update({"pid": person_id, "via": via, "at": dt.datetime.now(dt.timezone.utc).isoformat()})
    request.session["next"] = nxt


def _next_path(request: Request) -> str:
    nxt = request.session.pop("next", "/")
    return nxt if isinstance(nxt, str) and nxt.startswith("/") and not nxt.startswith("//") else "/"


# -- sign-in routes ---------------------------------------------------------------------------------------
def login(request: Request) -> Response:
    return render(request, "login.html", title="Sign in")


async def login_oidc(request: Request) -> Response:
    ctx: Dashboard = request.app.state.ctx
    if ctx.oidc is None:
        return refuse(request, 404, "No identity provider", "This dashboard has no OpenID Connect provider configured: "
                      "use the sign-in link printed by `techserv dashboard --local`, or ask your administrator.")
    base = (ctx.settings.dashboard_public_url or str(request.base_url)).rstrip("/")
    try:
        return await ctx.oidc.redirect(request, f"{base}/auth/callback")
    except SignInRefused as exc:
        return refuse(request, 502, "Sign-in is unavailable", str(exc))


async def callback(request: Request) -> Response:
    ctx: Dashboard = request.app.state.ctx
    if ctx.oidc is None:
        return refuse(request, 404, "No identity provider", "OpenID Connect sign-in is not configured here.")
    try:
        claims = await ctx.oidc.callback(request)
    except SignInRefused as exc:
        log.warning("dashboard sign-in refused: %s", exc)
        return refuse(request, 403, "Sign-in refused", str(exc))
    person = ctx.records.person_by_email(claims.email)
    if person is None or not person.active:
        log.warning("dashboard sign-in refused: %s is not registered", claims.email)
        return refuse(request, 403, "Sign-in refused", f"{claims.email} is not registered in TechServ Assistant. "
                      "Ask your training lead to add you (techserv people import), then sign in again.")
    _sign_in(request, person.id, "oidc")
    log.info("dashboard sign-in: person %s via %s", person.id, claims.issuer)
    return RedirectResponse(_next_path(request), status_code=303)


def local_link(request: Request) -> Response:
    ctx: Dashboard = request.app.state.ctx
    person_id = ctx.local.redeem(request.query_params.get("token", "")) if ctx.local else None
    if person_id is None:
        return refuse(request, 403, "This sign-in link cannot be used",
                      "It has expired or was already used (each link works once). Restart `techserv dashboard --local` "
                      "(or `make run`) to print a new one.")
    _sign_in(request, person_id, "local")
    log.info("dashboard sign-in: person %s via a one-time local link", person_id)
    return RedirectResponse(_next_path(request), status_code=303)


def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


# -- errors -------------------------------------------------------------------------------------------------
async def _not_signed_in(request: Request, exc: NotSignedIn) -> Response:
    if request.method == "GET":
        request.session["next"] = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login", status_code=303)
    return refuse(request, 401, "Signed out", "Your session has ended: sign in again, then repeat what you were doing.")


async def _http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 404:
        return refuse(request, 404, "Not found", "There is no such page. Use the menu above.")
    if exc.status_code == 405:
        return refuse(request, 405, "Not allowed", "That address does not take this kind of request. Use the page's own buttons.")
    return refuse(request, exc.status_code, "Error", str(exc.detail))


def make_app(settings: Settings, conversation, deliver: Callable, *, oidc: OIDC | None = None,
             local: LocalSignIn | None = None, secret: str | None = None, secure_cookies: bool | None = None):
    """The whole ASGI app: SecurityHeaders(CSRF(Starlette(sessions, routes)))."""
    from . import pages

    secret = secret or settings.dashboard_secret or secrets.token_urlsafe(48)
    if secure_cookies is None:
        secure_cookies = (settings.dashboard_public_url or "").startswith("https://")
    routes = [
        Route("/", pages.home), Route("/login", login), Route("/login/oidc", login_oidc), Route("/auth/callback", callback),
        Route("/auth/local", local_link), Route("/logout", logout, methods=["POST"]),
        Route("/matrix", pages.matrix), Route("/matrix.csv", pages.matrix_csv),
        Route("/people/{person_id:int}", pages.person), Route("/people/{person_id:int}/passport.pdf", pages.passport_pdf),
        Route("/queues", pages.queues_page), Route("/knowledge", pages.knowledge),
        Route("/knowledge/escalate", pages.escalate_gap, methods=["POST"]),
        Route("/knowledge/owner", pages.owner_form), Route("/knowledge/owner", pages.assign_owner, methods=["POST"]),
        Route("/audit", pages.audit), Route("/audit/verify", pages.audit_verify, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(
        SessionMiddleware, secret_key=secret, session_cookie="techserv_session", same_site="lax",
        https_only=secure_cookies, max_age=int(settings.dashboard_session_hours * 3600))],
        exception_handlers={NotSignedIn: _not_signed_in, HTTPException: _http_error})
    app.state.ctx = Dashboard(settings, conversation, deliver, oidc, local, make_templates(settings))
    protected = asgi_csrf(app, signing_secret=secret, cookie_secure=secure_cookies, cookie_samesite="Strict",
                          always_protect=POST_PATHS, send_csrf_failed=csrf_refused)
    wrapped = SecurityHeaders(protected, hsts=secure_cookies)
    wrapped.state = app.state  # tests and the server reach the context through the outer app
    return wrapped
