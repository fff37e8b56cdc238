"""Build the Teams app package (manifest.json + icons, zipped) for sideloading or the org catalogue."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

NHS_BLUE = (0, 94, 184)
SCALE = 4  # drawn four times larger, then reduced, for smooth edges


def _symbol(size: int) -> tuple["Image.Image", "Image.Image"]:
    """The app's symbol as two masks at ``size``: a speech bubble, and the tick cut out of it
    (an answer, and a sign-off)."""
    from PIL import Image, ImageDraw

    big = size * SCALE
    bubble, tick = Image.new("L", (big, big), 0), Image.new("L", (big, big), 0)
    d = ImageDraw.Draw(bubble)
    m = big * 0.16  # margin: the symbol stays inside Teams' safe area
    top, bottom = big * 0.2, big * 0.7
    d.rounded_rectangle((m, top, big - m, bottom), radius=big * 0.12, fill=255)
    d.polygon([(big * 0.3, bottom - 1), (big * 0.3, big * 0.84), (big * 0.47, bottom - 1)], fill=255)
    t = ImageDraw.Draw(tick)
    t.line([(big * 0.34, big * 0.45), (big * 0.45, big * 0.56), (big * 0.66, big * 0.33)], fill=255,
           width=int(big * 0.075), joint="curve")
    reduce = lambda im: im.resize((size, size), Image.LANCZOS)  # noqa: E731
    return reduce(bubble), reduce(tick)


def _png(image) -> bytes:
    import io

    buf = io.BytesIO()
    image.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def colour_icon(size: int = 192) -> bytes:
    """Full-colour icon: a white speech bubble with an NHS-blue tick, on NHS blue."""
    from PIL import Image, ImageChops

    bubble, tick = _symbol(size)
    icon = Image.new("RGBA", (size, size), (*NHS_BLUE, 255))
    white = Image.new("RGBA", (size, size), (255, 255, 255, 255))
    icon.paste(white, mask=ImageChops.subtract(bubble, tick))
    return _png(icon)


def outline_icon(size: int = 32) -> bytes:
    """Outline icon: the same symbol in white on transparent (Teams requires white and transparency only)."""
    from PIL import Image, ImageChops

    bubble, tick = _symbol(size)
    icon = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    icon.putalpha(ImageChops.subtract(bubble, tick))
    return _png(icon)


def manifest(app_id: str, version: str = "1.0.0", website: str = "https://example.nhs.uk/techserv") -> dict:
    return {
        "$schema": "https://developer.microsoft.com/en-us/json-schemas/teams/v1.16/MicrosoftTeams.schema.json",
        "manifestVersion": "1.16", "version": version, "id": app_id,
        "developer": {"name": "TechServ Assistant", "websiteUrl": website, "privacyUrl": f"{website}/privacy",
                      "termsOfUseUrl": f"{website}/terms"},
        "name": {"short": "TechServ Assistant", "full": "TechServ Assistant for pharmacy technical services"},
        "description": {"short": "Cited answers, competency sign-offs and expert help.",
                        "full": "Answers practice questions by quoting approved guidance with document, section and "
                                "version; records mentor sign-offs as a skills passport; links trainees to experts."},
        "icons": {"color": "color.png", "outline": "outline.png"}, "accentColor": "#005EB8",
        "bots": [{"botId": app_id, "scopes": ["personal", "team", "groupChat"], "supportsFiles": False,
                  "isNotificationOnly": False,
                  "commandLists": [{"scopes": ["personal"], "commands": [
                      {"title": "help", "description": "What I can do"},
                      {"title": "signoff", "description": "Ask a mentor to sign off a competency"},
                      {"title": "/passport", "description": "Your skills passport and training plan"},
                      {"title": "my questions", "description": "Questions you sent to experts"}]}]}],
        "permissions": ["identity", "messageTeamMembers"], "validDomains": [],
    }


def build_package(app_id: str, target: Path, version: str = "1.0.0") -> Path:
    target = Path(target)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", json.dumps(manifest(app_id, version), indent=2))
        z.writestr("color.png", colour_icon())
        z.writestr("outline.png", outline_icon())
    return target
