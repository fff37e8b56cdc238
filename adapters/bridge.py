"""When Slack and Teams run in one process, each hands the other the notifications it cannot deliver,
so a mentor is reached on whichever platform they use."""
from __future__ import annotations

import asyncio


def connect(slack_adapter, teams_bot, teams_loop: asyncio.AbstractEventLoop) -> None:
    def to_teams(notes, use_fallback: bool = True):
        asyncio.run_coroutine_threadsafe(teams_bot.deliver(notes, use_fallback=False), teams_loop).result(60)

    slack_adapter.fallback = to_teams
    teams_bot.fallback = lambda notes, use_fallback=False: slack_adapter.deliver(notes, use_fallback=False)
