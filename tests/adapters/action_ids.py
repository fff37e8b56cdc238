"""The action ids a platform's renderers can put on a button: every ``Action("…")`` written in the
shared core (bot/) and in that platform's adapter. A new action anywhere in bot/ — a "Show the whole
section" button, say — shows up here, and the per-platform tests fail until the adapter handles it."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ACTION = re.compile(r"""\bAction\(\s*["']([a-z][a-z0-9_]*)["']""")


def emitted_action_ids(platform: str) -> dict[str, list[str]]:
    """{action id: [files that create it]} for bot/ and adapters/<platform>/."""
    found: dict[str, list[str]] = {}
    for folder in (ROOT / "bot", ROOT / "adapters" / platform):
        for path in sorted(folder.rglob("*.py")):
            for action_id in ACTION.findall(path.read_text(encoding="utf-8")):
                found.setdefault(action_id, []).append(str(path.relative_to(ROOT)))
    return found
