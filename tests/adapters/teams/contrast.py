"""Text contrast of an Adaptive Card in Microsoft's Teams host configs (light and dark), by WCAG 2.x:
each TextBlock's colour in its container's style against that container's background."""
from __future__ import annotations

import json
from pathlib import Path

HOST_CONFIGS = Path(__file__).resolve().parents[3] / "scripts" / "screenshots" / "host-config"
THEMES = ("light", "dark")
AA = 4.5  # WCAG AA for normal-size text


def host_config(theme: str) -> dict:
    return json.loads((HOST_CONFIGS / f"microsoft-teams-{theme}.json").read_text())


def _rgba(colour: str) -> tuple[float, float, float, float]:
    h = colour.lstrip("#")
    a, h = (int(h[:2], 16) / 255, h[2:]) if len(h) == 8 else (1.0, h)  # host configs use #AARRGGBB
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), a


def _over(top: tuple, bottom: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b, a = top
    return tuple(a * c + (1 - a) * d for c, d in zip((r, g, b), bottom))


def _luminance(rgb) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(fg, bg) -> float:
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_contrasts(card: dict, theme: str) -> list[tuple[str, float]]:
    """(text, contrast) for every TextBlock of the card in the theme."""
    config = host_config(theme)
    styles = config["containerStyles"]
    page = _over(_rgba(styles["default"]["backgroundColor"]), (255, 255, 255))
    out = []

    def walk(node, style: str, background):
        if isinstance(node, list):
            for item in node:
                walk(item, style, background)
            return
        if not isinstance(node, dict):
            return
        if node.get("type") == "Container" and node.get("style"):
            style = node["style"].lower()
            background = _over(_rgba(styles[style]["backgroundColor"]), background)
        if node.get("type") == "TextBlock":
            colour = (node.get("color") or "default").lower()
            shade = "subtle" if node.get("isSubtle") else "default"
            fg = _over(_rgba(styles[style]["foregroundColors"][colour][shade]), background)
            out.append((node["text"], ratio(fg, background)))
        for key in ("body", "items", "columns"):
            if key in node:
                walk(node[key], style, background)

    walk(card, "default", page)
    return out
