"""Find indexable files under the knowledge folders."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .sources import parser_for
from .sources.sidecar import sidecar_path


@dataclass(frozen=True)
class SourceFile:
    path: Path
    rel: str  # path shown to people and stored in citations
    sha256: str


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith((".", "_")) for part in path.relative_to(root).parts)


def file_hash(path: Path) -> str:
    h = hashlib.sha256(path.read_bytes())
    side = sidecar_path(path)
    if side.exists():
        h.update(b"\0sidecar\0" + side.read_bytes())
    return h.hexdigest()


def discover(roots: list[Path]) -> list[SourceFile]:
    """Every supported file under ``roots`` (folders or single files), skipping hidden and ``_`` folders."""
    found: list[SourceFile] = []
    for root in roots:
        root = Path(root)
        if root.is_file():
            candidates, base = [root], root.parent
        elif root.is_dir():
            candidates, base = sorted(p for p in root.rglob("*") if p.is_file()), root
        else:
            continue
        for path in candidates:
            if _hidden(path, base) or parser_for(path) is None:
                continue
            rel = f"{root.name}/{path.relative_to(base).as_posix()}" if root.is_dir() else path.name
            found.append(SourceFile(path=path, rel=rel, sha256=file_hash(path)))
    return found
