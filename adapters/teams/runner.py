"""Run the Teams endpoint (aiohttp) for `techserv start`."""
from __future__ import annotations

import logging

from aiohttp import web

from bot.config import Settings
from bot.conversation import Conversation

from .app import make_app

log = logging.getLogger(__name__)


def build(settings: Settings, conversation: Conversation) -> tuple[web.Application, str]:
    host = settings.teams_host
    if not settings.microsoft_app_id:
        host = "127.0.0.1"  # unauthenticated mode never listens beyond this machine
    app = make_app(conversation, app_id=settings.microsoft_app_id, app_password=settings.microsoft_app_password,
                   app_type=settings.microsoft_app_type, tenant_id=settings.microsoft_app_tenant_id,
                   allowed_tenants=settings.teams_tenants,
                   allow_unauthenticated=settings.teams_allow_unauthenticated)
    return app, host


def run(settings: Settings, conversation: Conversation, slack_adapter=None, delivery=None) -> None:
    """Serve Teams; with ``slack_adapter`` the two platforms pass each other undeliverable notifications."""
    import asyncio

    from .app import BOT_KEY

    app, host = build(settings, conversation)

    async def on_startup(app_):
        loop = asyncio.get_running_loop()
        if slack_adapter is not None:
            from adapters.bridge import connect

            connect(slack_adapter, app_[BOT_KEY], loop)
        if delivery is not None:
            delivery.teams_bot, delivery.teams_loop = app_[BOT_KEY], loop

    app.on_startup.append(on_startup)
    log.info("Teams: listening on %s:%s/api/messages", host, settings.teams_port)
    web.run_app(app, host=host, port=settings.teams_port, print=None)
