"""Build the Teams app package (manifest.json + icons, zipped) for sideloading or the org catalogue."""
from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path

NHS_BLUE = (0, 94, 184)


def png(size: int, rgb: tuple[int, int, int], transparent_outside: bool = False) -> bytes:
    """A square PNG: filled (colour icon) or a white ring on transparent (outline icon)."""
    rows = []
    c = (size - 1) / 2
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            if transparent_outside:
                d = ((x - c) ** 2 + (y - c) ** 2) ** 0.5
                on = size * 0.3 <= d <= size * 0.45
                row += bytes((255, 255, 255, 255 if on else 0))
            else:
                row += bytes((*rgb, 255))
        rows.append(bytes(row))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")


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
        "bots": [{"botId": app_id, "scopes": ["personal", "team", "groupchat"], "supportsFiles": False,
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
        z.writestr("color.png", png(192, NHS_BLUE))
        z.writestr("outline.png", png(32, NHS_BLUE, transparent_outside=True))
    return target
