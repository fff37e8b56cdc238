"""The live knowledge base: a loaded snapshot with its retriever and answerer, swappable as a whole."""
from __future__ import annotations

import atexit
import threading
from dataclasses import dataclass

from bot.config import Settings
from indexer.embedding import Embedder
from indexer.snapshot import Snapshot, current_version, load_snapshot

from .answers import Answerer
from .blas import single_blas_thread
from .model import AnswerModel
from .glossary import Glossary
from .retrieval import Retriever


@dataclass(frozen=True)
class LoadedIndex:
    snapshot: Snapshot
    retriever: Retriever
    answerer: Answerer

    @property
    def version(self) -> str:
        return self.snapshot.version


class KnowledgeBase:
    """Holds the live index; ``reload()`` builds the new one aside and swaps a single reference,
    so a question in flight finishes on the index it started with."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, model: AnswerModel | None = None,
                 warm_up: bool = False):
        single_blas_thread()  # answering is many small matrix products beside PyTorch: see blas.py
        self.settings = settings
        self.embedder = embedder or Embedder(settings.model)
        self.glossary = Glossary.load(settings.glossary_path)
        self.model = model  # None: the shipped answer model (bot/answering/answer_model.json)
        self._live: LoadedIndex | None = None
        self._lock = threading.Lock()
        self.warm_up = warm_up  # long-running processes: prepare each loaded snapshot's soft-match vectors aside
        self._warm_stop: threading.Event | None = None
        self._warm_thread: threading.Thread | None = None
        if warm_up:  # a model call cut off by interpreter exit aborts the process ("terminate called ...")
            atexit.register(self.stop_warm_up)

    def stop_warm_up(self, wait: float = 10.0) -> None:
        """End the background warm-up after its current batch (waiting up to ``wait`` seconds for it)."""
        if self._warm_stop is not None:
            self._warm_stop.set()
        if wait and self._warm_thread is not None:
            self._warm_thread.join(wait)

    def _load(self, version: str | None = None) -> LoadedIndex:
        s = self.settings
        snap = load_snapshot(s.index_dir, version)
        retriever = Retriever(snap.dense, snap.sparse, self.embedder, self.glossary, candidates=s.candidates)
        answerer = Answerer(retriever, snap.chunks, snap.units, self.model, min_confidence=s.min_confidence,
                            max_units=s.max_answer_units)
        if self.warm_up:  # the previous snapshot's warm-up stops: its vectors are not needed once this one is live
            self.stop_warm_up(wait=0)
            self._warm_stop = threading.Event()
            self._warm_thread = threading.Thread(target=answerer.features.soft.warm, kwargs={"stop": self._warm_stop},
                                                 daemon=True, name=f"warm-{snap.version}")
            self._warm_thread.start()
        return LoadedIndex(snap, retriever, answerer)

    @property
    def live(self) -> LoadedIndex:
        if self._live is None:
            with self._lock:
                if self._live is None:
                    self._live = self._load()
        return self._live

    @property
    def version(self) -> str | None:
        """The live version, or None when nothing is loaded yet."""
        return self._live.version if self._live is not None else None

    def reload(self, version: str | None = None) -> bool:
        """Swap to ``version`` (default: the published one) if it differs; returns True when swapped."""
        version = version or current_version(self.settings.index_dir)
        if self._live is not None and version == self._live.version:
            return False
        fresh = self._load(version)
        with self._lock:
            self._live = fresh
        return True
