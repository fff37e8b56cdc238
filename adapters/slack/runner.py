"""Run the Slack app: Socket Mode (SLACK_APP_TOKEN, no public URL) or HTTP mode (SLACK_SIGNING_SECRET)."""
from __future__ import annotations

import logging
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIServer, make_server

from bot.config import Settings
from bot.conversation import Conversation

from .app import SlackAdapter

log = logging.getLogger(__name__)


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def build(settings: Settings, conversation: Conversation) -> SlackAdapter:
    return SlackAdapter(conversation, token=settings.slack_bot_token,
                        signing_secret=None if settings.slack_app_token else settings.slack_signing_secret,
                        team_id=settings.slack_team_id)


def run(settings: Settings, conversation: Conversation, adapter: SlackAdapter | None = None) -> None:
    adapter = adapter or build(settings, conversation)
    if settings.slack_app_token:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        log.info("Slack: Socket Mode")
        SocketModeHandler(adapter.app, settings.slack_app_token).start()
        return
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    server = make_server(settings.slack_host, settings.slack_port, SlackRequestHandler(adapter.app),
                         server_class=ThreadingWSGIServer)
    log.info("Slack: HTTP mode on %s:%s/slack/events", settings.slack_host, settings.slack_port)
    server.serve_forever()
