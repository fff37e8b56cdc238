"""Teams tests: real Activity JSON posted to the running aiohttp app; the Bot Connector, the OpenID
metadata and the token service are replaced by one small server on 127.0.0.1 that records calls."""
from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.request
import uuid

import jwt
import pytest
from aiohttp import web
from botframework.connector.auth import MicrosoftAppCredentials, ServiceClientCredentialsFactory
from cryptography.hazmat.primitives.asymmetric import rsa

from adapters.teams.app import make_app
from bot.conversation import Conversation
from bot.experts.escalations import sync_experts
from tests.conftest import FIXTURES
from tests.bot.conftest import clock, db_url, engine, framework, ids, records  # noqa: F401  (shared fixtures)

APP_ID, APP_PASSWORD, TENANT = "app-123", "secret", "tenant-1"
ISSUER = "https://local-issuer.test"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
MEMBERS = {"aad-tara": "tara@example.nhs.uk", "aad-sam": "sam@example.nhs.uk", "aad-jo": "jo@example.nhs.uk",
           "aad-penny": "penny@example.nhs.uk",
           "aad-mo": "mo@example.nhs.uk"}


class Loop:
    """An asyncio loop in a background thread hosting aiohttp apps on 127.0.0.1."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.runners = []

    def serve(self, app: web.Application) -> str:
        async def start():
            runner = web.AppRunner(app)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            self.runners.append(runner)
            return site._server.sockets[0].getsockname()[1]

        port = asyncio.run_coroutine_threadsafe(start(), self.loop).result(10)
        return f"http://127.0.0.1:{port}"

    def close(self):
        for r in self.runners:
            asyncio.run_coroutine_threadsafe(r.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)


class Connector:
    def __init__(self, fail_next: int = 0):
        self.calls: list[tuple[str, str, dict]] = []
        self.fail_next = fail_next
        app = web.Application()
        app.router.add_get("/openid", self.openid)
        app.router.add_get("/jwks", self.jwks)
        app.router.add_post("/token", self.token)
        app.router.add_get("/v3/conversations/{cid}/members/{uid}", self.member)
        app.router.add_route("*", "/v3/{tail:.*}", self.record)
        self.app = app

    async def openid(self, request):
        return web.json_response({"issuer": ISSUER, "jwks_uri": f"{self.url}/jwks",
                                  "id_token_signing_alg_values_supported": ["RS256"]})

    async def jwks(self, request):
        key = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
        key.update(kid="test-key", use="sig", endorsements=["msteams"])
        return web.json_response({"keys": [key]})

    async def token(self, request):
        return web.json_response({"access_token": "outgoing-token", "token_type": "Bearer", "expires_in": 3600})

    async def member(self, request):
        aad = request.match_info["uid"].replace("29:", "aad-")
        return web.json_response({"id": request.match_info["uid"], "aadObjectId": aad, "name": aad,
                                  "email": MEMBERS.get(aad), "userPrincipalName": MEMBERS.get(aad)})

    async def record(self, request):
        body = await request.json() if request.can_read_body else {}
        self.calls.append((request.method, request.path, body))
        if self.fail_next:
            self.fail_next -= 1
            return web.json_response({"error": {"code": "Throttled"}}, status=429, headers={"Retry-After": "1"})
        return web.json_response({"id": f"act-{uuid.uuid4().hex[:8]}"})

    def sent(self) -> list[dict]:
        return [b for m, p, b in self.calls if m == "POST" and "/activities" in p]

    def wait(self, count: int = 1, timeout: float = 20.0, method: str = "POST") -> list[tuple[str, str, dict]]:
        end = time.time() + timeout
        while time.time() < end:
            found = [c for c in self.calls if c[0] == method]
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"expected {count} {method} connector call(s), got {self.calls}")


class LocalCredentials(MicrosoftAppCredentials):
    """Client-credentials token from the local token service instead of Azure AD."""

    token_url = ""

    def get_access_token(self, force_refresh: bool = False) -> str:
        req = urllib.request.Request(self.token_url, data=b"grant_type=client_credentials", method="POST")
        with urllib.request.urlopen(req, timeout=5) as resp:
            return json.loads(resp.read())["access_token"]


class LocalCredentialsFactory(ServiceClientCredentialsFactory):
    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == APP_ID

    async def is_authentication_disabled(self) -> bool:
        return False

    async def create_credentials(self, app_id, oauth_scope, login_endpoint, validate_authority):
        return LocalCredentials(APP_ID, APP_PASSWORD)


def token(*, aud: str = APP_ID, service_url: str, exp: int | None = None, key=KEY) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": aud, "iat": now, "nbf": now - 5, "exp": exp or now + 600, "serviceurl": service_url}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "test-key"})


class TeamsHarness:
    def __init__(self, loop: Loop, connector: Connector, bot_url: str, app):
        from adapters.teams.app import BOT_KEY

        self.loop, self.connector, self.url, self.app = loop, connector, bot_url, app
        self.bot = app[BOT_KEY]

    def activity(self, text: str = "", *, user: str = "aad-tara", value: dict | None = None, tenant: str = TENANT,
                 activity_id: str | None = None, reply_to: str | None = None, mention: bool = False) -> dict:
        act = {"type": "message", "id": activity_id or f"a-{uuid.uuid4().hex[:8]}", "channelId": "msteams",
               "serviceUrl": self.connector.url, "timestamp": "2026-11-27T09:00:00.000Z",
               "from": {"id": user.replace("aad-", "29:"), "name": user, "aadObjectId": user},
               "recipient": {"id": f"28:{APP_ID}", "name": "TechServ"},
               "conversation": {"id": f"conv-{user}", "conversationType": "personal", "tenantId": tenant},
               "channelData": {"tenant": {"id": tenant}}, "text": text}
        if value is not None:
            act["value"] = value
        if reply_to:
            act["replyToId"] = reply_to
        if mention:
            act["text"] = f"<at>TechServ</at> {text}"
            act["entities"] = [{"type": "mention", "text": "<at>TechServ</at>",
                                "mentioned": {"id": f"28:{APP_ID}", "name": "TechServ"}}]
        return act

    def post(self, activity: dict, auth: str | None = "valid") -> int:
        headers = {"Content-Type": "application/json"}
        if auth == "valid":
            headers["Authorization"] = "Bearer " + token(service_url=activity["serviceUrl"])
        elif auth:
            headers["Authorization"] = auth
        req = urllib.request.Request(f"{self.url}/api/messages", data=json.dumps(activity).encode(), headers=headers,
                                     method="POST")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return 200 if 200 <= resp.status < 300 else resp.status  # the SDK answers 200 or 201
        except urllib.error.HTTPError as err:
            return err.code


@pytest.fixture
def teams(records, framework, clock, kb, built_env, embedder):
    from bot.service.wiring import Records

    recs = Records(records.sessions, framework, clock, embed=embedder.encode)
    sync_experts(recs.sessions, FIXTURES / "experts.yaml", clock)
    # separate loops: the SDK fetches tokens synchronously, so the connector must not share the bot's loop
    loop, connector_loop, connector = Loop(), Loop(), Connector()
    connector.url = connector_loop.serve(connector.app)
    LocalCredentials.token_url = f"{connector.url}/token"
    app = make_app(Conversation(kb, built_env, recs), app_id=APP_ID, app_password=APP_PASSWORD,
                   allowed_tenants={TENANT}, openid_metadata_url=f"{connector.url}/openid", token_issuer=ISSUER,
                   credentials_factory=LocalCredentialsFactory())
    harness = TeamsHarness(loop, connector, loop.serve(app), app)
    yield harness
    loop.close()
    connector_loop.close()
