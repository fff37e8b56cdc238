"""Delivery of scheduler notifications (reminders, re-index reports) to whichever platform runs here."""
from __future__ import annotations

import asyncio
import logging

log = logging.getLogger(__name__)


class Delivery:
    def __init__(self):
        self.slack = None  # SlackAdapter
        self.teams_bot = None  # TechServTeamsBot
        self.teams_loop: asyncio.AbstractEventLoop | None = None

    def __call__(self, notes) -> None:
        if not notes:
            return
        if self.slack is not None:
            self.slack.deliver(notes)  # hands Teams-only people to Teams when both run
        elif self.teams_bot is not None and self.teams_loop is not None:
            asyncio.run_coroutine_threadsafe(self.teams_bot.deliver(notes), self.teams_loop).result(120)
        else:
            for note in notes:
                log.info("notification for person %s (%s), no chat platform running: %s",
                         note.person_id, note.kind, note.text)
