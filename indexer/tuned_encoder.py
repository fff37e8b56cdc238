"""The tuned encoder: all-MiniLM-L6-v2 with its top transformer layers fine-tuned to match trainees' questions
to the answer units that answer them.

The base model was trained on general web text; it ranks "do i need to spray stuff going into the LAF?" close
to paragraphs about LAF cabinets in general rather than to "spray them with sterile 70% alcohol". Fine-tuning
its top layers on the development questions (``bot/answering/evaluation/encoder_tuning.py``, run by
``scripts/fit_answer_model.py``) teaches it the pack's own question-to-answer pairs. Only the tuned layers are
shipped (``tuned_encoder.npz`` next to this file, float16); the rest is the bundled model. The answer units are
embedded with it at index time (``tuned_vectors.npy`` in the snapshot) and the question once more at answer
time; the answer ranker reads the similarity as one more feature (``bot/answering/features.py``). Retrieval of
passages still uses the base model.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import numpy as np

from .embedding import BUNDLED, Embedder, model_id

WEIGHTS = Path(__file__).with_name("tuned_encoder.npz")


def tuned_id(model: str = BUNDLED, path: Path | None = None) -> str | None:
    """The tuned encoder's id (bundled model + a hash of the shipped layers), or None when there is none for
    ``model`` (only the bundled model has tuned layers)."""
    path = Path(path or WEIGHTS)
    if model_id(model) != BUNDLED or not path.exists():
        return None
    stat = path.stat()
    return f"{BUNDLED}+tuned-{_digest(str(path.resolve()), stat.st_mtime_ns, stat.st_size)}"


@functools.lru_cache(maxsize=8)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    """The layers file's hash, read once per version of the file (index builds, snapshot loads and doctor ask)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def save_layers(model, names: list[str], path: Path | None = None) -> None:
    """Write the named parameters of a SentenceTransformer (the tuned ones) as float16."""
    params = dict(model.named_parameters())
    np.savez(Path(path or WEIGHTS), **{n: params[n].detach().cpu().numpy().astype(np.float16) for n in names})


def load_layers(model, path: Path) -> None:
    """Overwrite a SentenceTransformer's parameters with the saved ones (names must all exist)."""
    import torch

    params = dict(model.named_parameters())
    with np.load(path) as data:
        missing = [n for n in data.files if n not in params]
        if missing:
            raise ValueError(f"{path} holds parameters this model does not have: {missing[:3]}")
        with torch.no_grad():
            for n in data.files:
                params[n].copy_(torch.from_numpy(data[n].astype(np.float32)))


class TunedEmbedder(Embedder):
    """The bundled model with the tuned layers loaded (lazily, one copy per process)."""

    def __init__(self, path: Path | None = None, batch_size: int = 32, device: str = "cpu"):
        super().__init__(BUNDLED, batch_size, device)
        self.path = Path(path or WEIGHTS)
        self.model_id = tuned_id(BUNDLED, self.path) or f"{BUNDLED}+tuned-missing"

    @property
    def first_tuned_layer(self) -> int | None:
        """The first transformer layer the shipped file replaces, when it holds only whole top layers (then the
        layers below are the base model's and a base forward pass's hidden states can be reused); else None."""
        if not hasattr(self, "_first"):
            with np.load(self.path) as data:
                names = list(data.files)
            layers = [int(n.split("encoder.layer.")[1].split(".")[0]) for n in names if "encoder.layer." in n]
            self._first = min(layers) if layers and len(layers) == len(names) else None
        return self._first

    def encode_from_hidden(self, hidden) -> np.ndarray:
        """The tuned sentence vector from the base model's hidden states before ``first_tuned_layer`` (one text,
        no padding: ``Embedder.encode_question``): the tuned layers, mean pooling, unit length."""
        import torch

        with torch.inference_mode():
            h = hidden
            for layer in self.model[0].auto_model.encoder.layer[self.first_tuned_layer:]:
                out = layer(h)
                h = out[0] if isinstance(out, tuple) else out
            vec = h[0].mean(dim=0).float().cpu().numpy()
        return (vec / max(float(np.linalg.norm(vec)), 1e-12)).astype(np.float32)

    def _cache_key(self) -> str:
        return self.model_id

    def _load(self):
        model = super()._load()
        load_layers(model, self.path)
        return model.eval()
