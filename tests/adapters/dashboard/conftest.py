"""Dashboard tests: the real app under uvicorn on 127.0.0.1, real HTTP into it, and a local identity
provider stand-in (discovery, JWKS, authorize, token) with an RSA key made here."""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from adapters.dashboard.auth import OIDC, LocalSignIn
from adapters.dashboard.app import make_app
from adapters.dashboard.server import Running, _free_port
from bot.config import Settings
from bot.conversation import Conversation
from tests.bot.conftest import ROOT, clock, db_url, engine, framework, ids, records  # noqa: F401  (shared fixtures)

CLIENT_ID, CLIENT_SECRET = "dashboard-client", "dashboard-secret"


class IdentityProvider:
    """A stand-in OpenID provider. ``user`` is who signs in next; ``issue`` overrides claims of the next
    ID token (wrong issuer, audience, expiry…)."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.user: dict = {}
        self.issue: dict = {}
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _json(self, body, status=200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                if url.path == "/.well-known/openid-configuration":
                    return self._json(idp.discovery())
                if url.path == "/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(idp.key.public_key()))
                    return self._json({"keys": [{**jwk, "kid": "test-key", "use": "sig", "alg": "RS256"}]})
                if url.path == "/authorize":  # the user "signs in" at once and is sent back with a code
                    q = dict(urllib.parse.parse_qsl(url.query))
                    code = secrets.token_urlsafe(16)
                    idp.codes[code] = q
                    back = f"{q['redirect_uri']}?{urllib.parse.urlencode({'code': code, 'state': q['state']})}"
                    self.send_response(302)
                    self.send_header("Location", back)
                    self.end_headers()
                    return
                self._json({"error": "not found"}, 404)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                idp.token_requests.append(form)
                q = idp.codes.pop(form.get("code", ""), None)
                if q is None or form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                    return self._json({"error": "invalid_grant"}, 400)
                if q.get("code_challenge"):  # PKCE S256
                    digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                    if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != q["code_challenge"]:
                        return self._json({"error": "invalid_grant", "error_description": "PKCE"}, 400)
                now = int(time.time())
                claims = {"iss": idp.url, "aud": CLIENT_ID, "sub": "sub-" + idp.user.get("email", "x"), "iat": now,
                          "exp": now + 600, "nonce": q.get("nonce"), **idp.user, **idp.issue}
                token = jwt.encode(claims, idp.key, algorithm="RS256", headers={"kid": "test-key"})
                self._json({"access_token": "at-" + secrets.token_hex(4), "token_type": "Bearer", "expires_in": 600,
                            "id_token": token})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.discovery_issuer = self.url
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def discovery(self) -> dict:
        return {"issuer": self.discovery_issuer, "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token", "jwks_uri": f"{self.url}/jwks",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_post"]}

    def close(self):
        self.server.shutdown()


@pytest.fixture
def idp():
    provider = IdentityProvider()
    yield provider
    provider.close()


def dashboard_settings(tmp_path: Path, issuer: str | None, **extra) -> Settings:
    values = {"knowledge_dir": ROOT / "knowledge", "var_dir": tmp_path / "var"}
    if issuer:
        values |= {"dashboard_oidc_issuer": issuer, "dashboard_oidc_client_id": CLIENT_ID,
                   "dashboard_oidc_client_secret": CLIENT_SECRET, "dashboard_oidc_name": "Test IdP"}
    return Settings(**values, **extra)


class Delivered(list):
    """The deliver callable: keeps what the dashboard asked to deliver (the chat platforms are not running)."""

    def __call__(self, notes):
        self.extend(notes)


@pytest.fixture
def serve_dashboard(tmp_path, records):
    """Start the dashboard on a free port: ``serve_dashboard(issuer=..., kb=..., local=...)`` → (url, ctx)."""
    running = []

    def start(issuer: str | None = None, kb=None, local: LocalSignIn | None = None, **extra):
        s = dashboard_settings(tmp_path, issuer, **extra)
        delivered = Delivered()
        app = make_app(s, Conversation(kb, s, records), delivered, oidc=OIDC(s) if issuer else None, local=local)
        server = Running(app, "127.0.0.1", _free_port()).start()
        running.append(server)
        app.state.ctx.delivered = delivered
        return server.url, app.state.ctx

    yield start
    for server in running:
        server.stop()


def sign_in(url: str, idp: IdentityProvider, email: str, **issue) -> tuple[httpx.Client, httpx.Response]:
    """Sign in through the stand-in; returns the client (with its cookies) and the final response."""
    idp.user, idp.issue = {"email": email, "email_verified": True, "name": email.split("@")[0]}, issue
    client = httpx.Client(base_url=url, follow_redirects=True, timeout=30)
    return client, client.get("/login/oidc")


def csrf(client: httpx.Client, path: str) -> str:
    import re

    page = client.get(path).text
    return re.search(r'name="csrftoken" value="([^"]+)"', page).group(1)
