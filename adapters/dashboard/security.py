"""Security headers on every response, Server-Timing for the app's own time, and the CSRF refusal page.

CSRF itself is asgi-csrf (a signed double-submit token in a cookie and a hidden form field), wrapped
around the app in ``app.make_app``; this module only renders its refusal."""
from __future__ import annotations

import html
import time

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")


class SecurityHeaders:
    """Pure ASGI middleware (no body buffering): adds the headers and ``Server-Timing: app;dur=…``."""

    def __init__(self, app, hsts: bool = False):
        self.app = app
        self.headers = [
            (b"content-security-policy", CSP.encode()),
            (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
        ]
        if hsts:
            self.headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        static = scope.get("path", "").startswith("/static/")

        async def wrapped(event):
            if event["type"] == "http.response.start":
                headers = [(k, v) for k, v in event.get("headers", []) if k.lower() not in dict(self.headers)]
                headers += self.headers
                if not static:  # personal data: never kept by browsers or proxies
                    headers.append((b"cache-control", b"no-store"))
                headers.append((b"server-timing", f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()))
                event = {**event, "headers": headers}
            await send(event)

        await self.app(scope, receive, wrapped)


async def csrf_refused(scope, send, message_id) -> None:
    body = ("<!doctype html><html lang=en><head><meta charset=utf-8><title>Form refused — TechServ dashboard</title>"
            "<link rel=stylesheet href=/static/dashboard.css></head><body><header class=top><a class=brand href=/>TechServ "
            "<span>dashboard</span></a></header><main><section class=narrow><h1>This form was refused</h1>"
            "<p>Its security token was missing or did not match, so nothing was done. This protects you from "
            "forms on other sites posting here in your name.</p><p>Go back, reload the page and try again. If it "
            f"keeps happening, sign out and in again.</p><p class=muted>({html.escape(getattr(message_id, 'name', str(message_id)))})</p>"
            "<p><a href=/>Back to the dashboard</a></p></section></main></body></html>").encode()
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
