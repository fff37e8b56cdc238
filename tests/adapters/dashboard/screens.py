"""The one screenshot helper the browser tests call: a whole-page PNG ``dashboard-<name>.png``.

A test run writes them to a temporary folder (so `make test` leaves the checkout clean); `make screenshots`
sets ``TECHSERV_SCREENSHOTS_DIR=docs/screenshots`` to refresh the README's pictures.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def screenshots_dir() -> Path:
    chosen = os.environ.get("TECHSERV_SCREENSHOTS_DIR")
    return Path(chosen) if chosen else Path(tempfile.gettempdir()) / "techserv-dashboard-screenshots"


def screenshot(driver, name: str, width: int = 1400, max_height: int = 2200) -> Path:
    driver.set_window_size(width, 700)  # measure the page itself, not the last window
    height = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
    driver.set_window_size(width, max(700, min(int(height) + 140, max_height)))
    folder = screenshots_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"dashboard-{name}.png"
    assert driver.save_screenshot(str(path)), f"could not save {path}"
    return path
