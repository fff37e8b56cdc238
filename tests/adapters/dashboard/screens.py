"""The one screenshot helper the browser tests call: a whole-page PNG in docs/screenshots/dashboard-<name>.png."""
from __future__ import annotations

from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def screenshot(driver, name: str, width: int = 1400, max_height: int = 2200) -> Path:
    driver.set_window_size(width, 700)  # measure the page itself, not the last window
    height = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
    driver.set_window_size(width, max(700, min(int(height) + 140, max_height)))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"dashboard-{name}.png"
    assert driver.save_screenshot(str(path)), f"could not save {path}"
    return path
