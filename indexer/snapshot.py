"""Snapshot format: one folder per version, published atomically through a CURRENT pointer.

    var/index/
      CURRENT                 ← the live version's folder name (replaced atomically)
      20261127T020000Z-ab12cd34/
        manifest.json         ← documents, hashes, versions, model, counts, errors
        chunks.jsonl          ← one chunk per line, row order = index row order
        dense.faiss           ← FAISS index (row i ↔ chunk line i)
        sparse/               ← bm25s index
        units.jsonl, unit_*   ← answer units, their embeddings and BM25 (indexer/unit_table.py)
      .building-…/            ← a build in progress (never read; removed when stale)
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .chunking import Chunk
from .dense import DenseIndex
from .sparse import SparseIndex
from .unit_table import UnitTable

POINTER = "CURRENT"
MANIFEST = "manifest.json"
FORMAT = 5


class SnapshotError(Exception):
    pass


@dataclass
class Snapshot:
    folder: Path
    manifest: dict
    chunks: list[Chunk]
    dense: DenseIndex
    sparse: SparseIndex
    units: UnitTable

    @property
    def version(self) -> str:
        return self.manifest["version"]


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_snapshot(staging: Path, manifest: dict, chunks: list[Chunk], dense: DenseIndex, sparse: SparseIndex,
                   units: UnitTable) -> None:
    """Write every file into ``staging`` (a private folder) and flush it to disk."""
    staging.mkdir(parents=True, exist_ok=False)
    with open(staging / "chunks.jsonl", "w", encoding="utf-8") as fh:
        for c in chunks:
            fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    dense.save(staging / "dense.faiss")
    sparse.save(staging / "sparse")
    units.save(staging)
    manifest = {**manifest, "format": FORMAT}
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    for f in staging.rglob("*"):
        if f.is_file():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(staging)


def publish(root: Path, staging: Path, version: str, keep: int = 3) -> Path:
    """Move a complete staging folder into place, then switch CURRENT to it in one rename."""
    final = root / version
    if final.exists():
        raise SnapshotError(f"snapshot {version} already exists")
    os.replace(staging, final)
    tmp = root / f".{POINTER}.tmp"
    tmp.write_text(version + "\n", encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, root / POINTER)
    _fsync_dir(root)
    prune(root, keep=keep)
    return final


def current_version(root: Path) -> str | None:
    pointer = root / POINTER
    if pointer.exists():
        version = pointer.read_text(encoding="utf-8").strip()
        if version and (root / version / MANIFEST).exists():
            return version
    # pointer lost: fall back to the newest complete snapshot
    complete = sorted(p.name for p in root.glob("[0-9]*") if (p / MANIFEST).exists()) if root.exists() else []
    return complete[-1] if complete else None


def read_manifest(root: Path, version: str | None = None) -> dict | None:
    version = version or current_version(root)
    if not version:
        return None
    return json.loads((root / version / MANIFEST).read_text(encoding="utf-8"))


def load_chunks(folder: Path) -> list[Chunk]:
    with open(folder / "chunks.jsonl", encoding="utf-8") as fh:
        return [Chunk(**json.loads(line)) for line in fh if line.strip()]


def load_snapshot(root: Path, version: str | None = None) -> Snapshot:
    version = version or current_version(root)
    if not version:
        raise SnapshotError(f"no index in {root}: run `techserv index` first")
    folder = root / version
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise SnapshotError(f"snapshot {version} has format {manifest.get('format')}, expected {FORMAT}: "
                            "rebuild with `techserv index --full`")
    chunks = load_chunks(folder)
    dense = DenseIndex.load(folder / "dense.faiss")
    sparse = SparseIndex.load(folder / "sparse")
    units = UnitTable.load(folder, len(chunks))
    if dense.size != len(chunks) or sparse.size != len(chunks) or len(units.units) != len(units.vectors):
        raise SnapshotError(f"snapshot {version} is inconsistent ({len(chunks)} chunks, "
                            f"{dense.size} vectors, {sparse.size} BM25 rows): rebuild with `techserv index --full`")
    return Snapshot(folder=folder, manifest=manifest, chunks=chunks, dense=dense, sparse=sparse, units=units)


def prune(root: Path, keep: int = 3) -> None:
    """Remove old snapshots beyond ``keep`` (never the live one) and stale staging folders."""
    live = current_version(root)
    versions = sorted(p.name for p in root.glob("[0-9]*") if p.is_dir())
    for name in versions[:-keep] if keep > 0 else []:
        if name != live:
            shutil.rmtree(root / name, ignore_errors=True)
    for staging in root.glob(".building-*"):
        age = dt.datetime.now().timestamp() - staging.stat().st_mtime
        if age > 3600:
            shutil.rmtree(staging, ignore_errors=True)
