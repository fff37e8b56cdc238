"""The aiohttp app serving /api/messages through botbuilder's CloudAdapter."""
from __future__ import annotations

import logging
from types import SimpleNamespace

import jwt
from aiohttp import web
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

from bot.conversation import Conversation

from .bot import TechServTeamsBot

log = logging.getLogger(__name__)
BOT_KEY = web.AppKey("bot", TechServTeamsBot)


def make_app(conversation: Conversation, *, app_id: str | None, app_password: str | None,
             app_type: str = "MultiTenant", tenant_id: str | None = None, allowed_tenants: set[str] | None = None,
             openid_metadata_url: str | None = None, token_issuer: str | None = None,
             credentials_factory=None, allow_unauthenticated: bool = False) -> web.Application:
    """Without an app id, requests are not authenticated: allowed only when ``allow_unauthenticated``
    is set explicitly (local emulator on 127.0.0.1), and the log says so loudly."""
    if not app_id:
        if not allow_unauthenticated:
            raise ValueError("Teams needs MicrosoftAppId and MicrosoftAppPassword; for a local emulator set "
                             "TECHSERV_TEAMS_ALLOW_UNAUTHENTICATED=true (127.0.0.1 only)")
        log.warning("TEAMS AUTHENTICATION IS OFF: requests to /api/messages are not verified. "
                    "Use this only with the Bot Framework Emulator on 127.0.0.1.")
    config = SimpleNamespace(APP_ID=app_id or "", APP_PASSWORD=app_password or "", APP_TYPE=app_type,
                             APP_TENANTID=tenant_id or "")
    if openid_metadata_url:
        config.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL = openid_metadata_url
    if token_issuer:
        config.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER = token_issuer
    auth = ConfigurationBotFrameworkAuthentication(config, credentials_factory=credentials_factory)
    adapter = CloudAdapter(auth)
    bot = TechServTeamsBot(conversation, app_id, allowed_tenants)
    bot.adapter = adapter

    async def on_error(turn, error):
        log.exception("Teams turn failed: %s", error)
        await turn.send_activity("Sorry, something went wrong on my side. Please try again in a moment.")

    adapter.on_turn_error = on_error

    async def messages(request: web.Request) -> web.Response:
        if app_id and not request.headers.get("Authorization", "").startswith("Bearer "):
            log.warning("refused a Teams request without a bearer token from %s", request.remote)
            return web.Response(status=401, text="missing bearer token")
        try:
            return await adapter.process(request, bot)
        except (PermissionError, jwt.InvalidTokenError) as exc:  # invalid, expired, wrong audience or service URL
            log.warning("refused a Teams request from %s: %s", request.remote, exc)
            return web.Response(status=401, text="unauthorized")

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app[BOT_KEY] = bot
    return app
