"""How each sign-off outcome is shown on every platform: one icon and one label per decision, and the
Adaptive Card container style that carries its colour in Teams (a tinted background with default
text keeps 4.5:1 contrast in both Teams themes, which coloured text such as `Good` or `Warning` on
the light theme does not)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutcomeLook:
    icon: str
    label: str
    teams_style: str  # Adaptive Card ContainerStyle


OUTCOMES = {
    "approved": OutcomeLook("✅", "Approved", "good"),
    "changes_requested": OutcomeLook("✏️", "Returned for more evidence", "warning"),
    "rejected": OutcomeLook("⛔", "Not approved", "attention"),
    "withdrawn": OutcomeLook("↩️", "Withdrawn", "emphasis"),
    "revoked": OutcomeLook("⚠️", "Approval withdrawn by a correction", "attention"),
    "expired": OutcomeLook("⌛", "Expired", "warning"),
    "requested": OutcomeLook("⏳", "Waiting for a decision", "emphasis"),
}
WARNING = OutcomeLook("⚠️", "Check before relying on it", "warning")


def look(outcome: str | None) -> OutcomeLook | None:
    return OUTCOMES.get(outcome) if outcome else None
