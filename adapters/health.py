"""/healthz (the process is up) and /readyz (database reachable, index loaded, its version and age)."""
from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def readiness(kb, records) -> tuple[bool, dict]:
    from bot.db import check_connection

    info: dict = {}
    ok = True
    try:
        check_connection(records.sessions.kw["bind"])
        info["database"] = "ok"
    except Exception as exc:  # noqa: BLE001
        ok, info["database"] = False, str(exc)
    try:
        live = kb.live
        built = dt.datetime.fromisoformat(live.snapshot.manifest["built_at"])
        info["index"] = {"version": live.version, "age_seconds": int((dt.datetime.now(dt.timezone.utc) - built).total_seconds()),
                         "chunks": len(live.snapshot.chunks)}
    except Exception as exc:  # noqa: BLE001
        ok, info["index"] = False, str(exc)
    return ok, info


def serve_health(kb, records, host: str = "0.0.0.0", port: int = 8080) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            if self.path == "/healthz":
                status, body = 200, {"status": "ok"}
            elif self.path == "/readyz":
                ready, info = readiness(kb, records)
                status, body = (200 if ready else 503), {"status": "ready" if ready else "not ready", **info}
            else:
                status, body = 404, {"error": "not found"}
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True, name="health").start()
    return server
