"""Slack tests the bolt-python way: signed HTTP requests into the app served on 127.0.0.1, and the
Slack Web API replaced by a small recording server on 127.0.0.1 (it can answer 429)."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from adapters.slack.app import SlackAdapter
from bot.conversation import Conversation
from bot.experts.escalations import sync_experts
from tests.conftest import FIXTURES
from tests.bot.conftest import clock, db_url, engine, framework, ids, records  # noqa: F401  (shared fixtures)

SECRET = "test-signing-secret"
TEAM = "T-HOME"
USERS = {"U-TARA": "tara@example.nhs.uk", "U-SAM": "sam@example.nhs.uk", "U-MO": "mo@example.nhs.uk",
         "U-PENNY": "penny@example.nhs.uk", "U-JO": "jo@example.nhs.uk", "U-NOBODY": "nobody@example.nhs.uk"}


class FakeSlackAPI:
    """Records every Web API call; ``fail_next[method] = n`` answers the next n calls with 429."""

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []
        self.fail_next: dict[str, int] = {}
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                method = self.path.rsplit("/", 1)[-1]
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(raw or "{}")
                else:
                    params = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
                for key in ("blocks", "view"):
                    if isinstance(params.get(key), str):
                        params[key] = json.loads(params[key])
                with api.lock:
                    if api.fail_next.get(method):
                        api.fail_next[method] -= 1
                        api.calls.append((method + ":429", params))
                        self.send_response(429)
                        self.send_header("Retry-After", "1")
                        self.send_header("Content-Type", "application/json")
                        self.end_headers()
                        self.wfile.write(b'{"ok": false, "error": "ratelimited"}')
                        return
                    api.calls.append((method, params))
                body = api.answer(method, params)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(body).encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/"

    def answer(self, method: str, params: dict) -> dict:
        if method == "auth.test":
            return {"ok": True, "user_id": "U-BOT", "bot_id": "B-BOT", "team_id": TEAM, "user": "techserv"}
        if method == "users.info":
            user = params.get("user")
            return {"ok": True, "user": {"id": user, "profile": {"email": USERS.get(user, "")}}}
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            return {"ok": True, "channel": params.get("channel"), "ts": f"{time.time():.6f}"}
        return {"ok": True}

    def of(self, method: str) -> list[dict]:
        with self.lock:
            return [p for m, p in self.calls if m == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 20.0, where=None) -> list[dict]:
        """Wait until ``count`` calls of ``method`` (those matching ``where``, if given) were recorded."""
        end = time.time() + timeout
        while time.time() < end:
            found = [p for p in self.of(method) if where is None or where(p)]
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"expected {count} {method} call(s), got {self.of(method)}; all calls: "
                             f"{[m for m, _ in self.calls]}")

    def close(self):
        self.server.shutdown()


class Quiet(WSGIRequestHandler):
    def log_message(self, *a):
        pass


class SlackHarness:
    def __init__(self, adapter: SlackAdapter, api: FakeSlackAPI):
        self.adapter, self.api = adapter, api
        handler = SlackRequestHandler(adapter.app)
        self.server = make_server("127.0.0.1", 0, handler, handler_class=Quiet)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/slack/events"

    def post(self, body: str, content_type: str, *, secret: str = SECRET, age: int = 0,
             headers: dict | None = None) -> tuple[int, str]:
        ts = str(int(time.time()) - age)
        sig = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
        req = urllib.request.Request(self.url, data=body.encode(), method="POST", headers={
            "Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig, **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    def event(self, event: dict, event_id: str, team: str = TEAM, retry: int | None = None) -> int:
        body = json.dumps({"token": "x", "team_id": team, "api_app_id": "A1", "type": "event_callback",
                           "event_id": event_id, "event_time": int(time.time()), "event": event})
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return self.post(body, "application/json", headers=headers)[0]

    def command(self, command: str, text: str, user: str, channel: str = "C-GEN") -> int:
        form = {"token": "x", "team_id": TEAM, "team_domain": "nhs", "channel_id": channel, "channel_name": "general",
                "user_id": user, "user_name": user.lower(), "command": command, "text": text,
                "api_app_id": "A1", "response_url": "http://127.0.0.1:1/unused", "trigger_id": f"trig-{time.time()}"}
        return self.post(urllib.parse.urlencode(form), "application/x-www-form-urlencoded")[0]

    def interactive(self, payload: dict) -> int:
        return self.post(urllib.parse.urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")[0]

    def click(self, action_id: str, value: str, user: str, message: dict | None = None, team: str = TEAM,
              channel: str = "D-DM", action_ts: str | None = None) -> int:
        return self.interactive({
            "type": "block_actions", "team": {"id": team, "domain": "nhs"}, "user": {"id": user, "team_id": team},
            "api_app_id": "A1", "trigger_id": f"trig-{time.time()}", "channel": {"id": channel},
            "container": {"type": "message", "channel_id": channel, "message_ts": (message or {}).get("ts", "1.0")},
            "message": message or {"ts": "1.0", "text": "", "blocks": []},
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b1", "value": value,
                         "action_ts": action_ts or f"{time.time():.6f}"}]})

    def submit(self, callback_id: str, user: str, values: dict, metadata: str = "", team: str = TEAM) -> int:
        return self.interactive({
            "type": "view_submission", "team": {"id": team, "domain": "nhs"}, "user": {"id": user, "team_id": team},
            "api_app_id": "A1", "trigger_id": f"trig-{time.time()}",
            "view": {"id": f"V-{time.time()}", "type": "modal", "callback_id": callback_id,
                     "private_metadata": metadata, "state": {"values": values}, "hash": "h"}})

    def close(self):
        self.server.shutdown()


@pytest.fixture
def slack(records, framework, clock, kb, built_env, embedder):
    from bot.service.wiring import Records

    recs = Records(records.sessions, framework, clock, embed=embedder.encode)
    sync_experts(recs.sessions, FIXTURES / "experts.yaml", clock)
    api = FakeSlackAPI()
    client = WebClient(token="xoxb-test", base_url=api.url)
    adapter = SlackAdapter(Conversation(kb, built_env, recs), token="xoxb-test", signing_secret=SECRET,
                           client=client, team_id=TEAM)
    harness = SlackHarness(adapter, api)
    yield harness
    harness.close()
    api.close()
