"""Optional ``<file>.meta.yaml`` next to a PDF/DOCX/HTML/TXT file carries its front matter."""
from __future__ import annotations

from pathlib import Path

import yaml

from .base import SourceError

SIDECAR_SUFFIX = ".meta.yaml"


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> dict:
    side = sidecar_path(path)
    if not side.exists():
        return {}
    try:
        data = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise SourceError(f"metadata file {side.name} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise SourceError(f"metadata file {side.name} must be a YAML mapping")
    return data
