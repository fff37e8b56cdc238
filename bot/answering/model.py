"""The fitted answer model: weights that rank candidate units and decide answer-or-decline.

Both parts are logistic regressions over standardised features (``bot/answering/features.py``; the
answer/decline part reads the question-level features and the question's embedding, plus a learnt weight
per question word: ``question_words.py``),
fitted by ``scripts/fit_answer_model.py`` on the development question set and shipped as
``answer_model.json`` next to this file. At run time they are two dot products: no scikit-learn.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .features import QUESTION_FEATURES, UNIT_FEATURES, decline_features
from .known_questions import KnownQuestions, KnownQuestionsError
from .question_words import QuestionWords

MODEL_PATH = Path(__file__).with_name("answer_model.json")


def known_path(model_path: Path) -> Path:
    """Where a model's known questions live: beside it (``answer_model.json`` → ``answer_model.known.npz``)."""
    return Path(model_path).with_suffix(".known.npz")


class ModelError(Exception):
    pass


@dataclass
class Linear:
    features: list[str]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def logit(self, X: np.ndarray) -> np.ndarray:
        if X.ndim == 1:
            X = X[None, :]
        return ((X - self.mean) / self.scale) @ self.coef + self.intercept

    def probability(self, X: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logit(X)))

    def to_dict(self) -> dict:
        return {"features": self.features, "mean": self.mean.round(6).tolist(), "scale": self.scale.round(6).tolist(),
                "coef": self.coef.round(6).tolist(), "intercept": round(float(self.intercept), 6)}

    @classmethod
    def from_dict(cls, d: dict, expected: list[str]) -> "Linear":
        if d["features"] != expected:
            raise ModelError("the answer model was fitted on other features than this code computes: "
                             "refit it with `python scripts/fit_answer_model.py`")
        return cls(d["features"], np.array(d["mean"], np.float32), np.array(d["scale"], np.float32),
                   np.array(d["coef"], np.float32), float(d["intercept"]))


def decline_probability(answerable: Linear, words: QuestionWords | None, Q: np.ndarray,
                        questions: list[str]) -> np.ndarray:
    """P(answerable) per row of ``Q`` (``FeatureBuilder.decline_vector``) and its question's text: the linear
    part plus, when the model has them, the question words' part of the logit."""
    logit = answerable.logit(Q) + (words.matrix(questions) @ words.coef if words else 0.0)
    return 1.0 / (1.0 + np.exp(-logit))


def _decline_names(d: dict) -> list[str]:
    """The feature names a saved decline model must have: this code's question features and an embedding."""
    return decline_features(max(len(d.get("features", [])) - len(QUESTION_FEATURES), 0))


@dataclass
class AnswerModel:
    units: Linear  # ranks candidate units (logit: higher is a better answer)
    answerable: Linear  # P(the material answers the question)
    threshold: float  # answer when P(answerable) >= threshold
    info: dict
    clinical: Linear | None = None  # P(about an individual patient's clinical care), over the question embedding
    clinical_threshold: float = 0.7
    clinical_decline: float = 0.3  # P(clinical) at or above this is never answered with a quote (declined instead)
    words: QuestionWords | None = None  # the question's words' part of the answer/decline logit
    known: KnownQuestions | None = None  # the questions it was fitted on (``known_questions.py``)

    def rank(self, X: np.ndarray) -> np.ndarray:
        return self.units.logit(X) if len(X) else np.zeros(0, np.float32)

    @property
    def embedding_dim(self) -> int:
        """The question-embedding size the decline model was fitted on (0: it reads none)."""
        return len(self.answerable.features) - len(QUESTION_FEATURES)

    def p_answerable(self, q: np.ndarray, question: str = "") -> float:
        """P(answerable) from ``FeatureBuilder.decline_vector`` (question features, then the embedding) and,
        when the model has them, the question's words."""
        return float(decline_probability(self.answerable, self.words, q, [question])[0])

    def p_clinical(self, qv: np.ndarray | None) -> float:
        if self.clinical is None or qv is None:
            return 0.0
        return float(self.clinical.probability(qv)[0])

    def save(self, path: Path = MODEL_PATH) -> None:
        """The weights as JSON and, beside them, the known questions they were fitted with."""
        if self.known is not None:
            self.info = {**self.info, "known_questions": self.known.fingerprint()}
            self.known.save(known_path(path))
        data = {"units": self.units.to_dict(), "answerable": self.answerable.to_dict(),
                "threshold": round(self.threshold, 4), "info": self.info,
                "clinical": self.clinical.to_dict() if self.clinical else None,
                "clinical_threshold": self.clinical_threshold, "clinical_decline": self.clinical_decline,
                "answerable_words": self.words.to_dict() if self.words else None}
        Path(path).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path | None = None) -> "AnswerModel":
        """The fitted model; ModelError (saying how to fix it) when the file is missing or unreadable —
        never a silent fall-back to unfitted weights."""
        path = Path(path or MODEL_PATH)
        refit = "reinstall the package or refit it with `python scripts/fit_answer_model.py`"
        if not path.exists():
            raise ModelError(f"the answer model {path} is missing: {refit}")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            clinical = data.get("clinical")
            known = None
            if (data.get("info") or {}).get("known_questions"):
                known = KnownQuestions.load(known_path(path))
                if known.fingerprint() != data["info"]["known_questions"]:
                    raise ModelError(f"the known questions beside {path} are not the ones the model was fitted with: {refit}")
            return cls(Linear.from_dict(data["units"], UNIT_FEATURES),
                       Linear.from_dict(data["answerable"], _decline_names(data["answerable"])), float(data["threshold"]),
                       data.get("info", {}),
                       Linear.from_dict(clinical, clinical["features"]) if clinical else None,
                       float(data.get("clinical_threshold", 0.7)), float(data.get("clinical_decline", 0.3)),
                       QuestionWords.from_dict(data["answerable_words"]) if data.get("answerable_words") else None,
                       known)
        except ModelError:
            raise
        except KnownQuestionsError as exc:
            raise ModelError(str(exc)) from exc
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ModelError(f"the answer model {path} is not readable ({type(exc).__name__}: {exc}): {refit}") from exc

    def describe(self) -> str:
        info = self.info
        if not info.get("fitted"):
            return "unfitted default weights"
        cv = info.get("cross_validated") or {}
        return (f"fitted {str(info.get('fitted_at', '?'))[:10]} on {info.get('questions', '?')} questions; "
                f"answers when P(answerable) ≥ {self.threshold}; {info.get('folds', '?')}-fold CV: fact in answer "
                f"{cv.get('fact_in_answer')}, declined {cv.get('decline_rate_unanswerable')}"
                + (f"; knows {len(self.known.entries)} questions" if self.known else ""))

    @classmethod
    def default(cls, dim: int = 384) -> "AnswerModel":
        """Hand-set weights used only before the first fit (so the fitting script can run)."""
        def linear(names, weights):
            coef = np.array([weights.get(n, 0.0) for n in names], np.float32)
            return Linear(list(names), np.zeros(len(names), np.float32), np.ones(len(names), np.float32), coef, 0.0)
        units = linear(UNIT_FEATURES, {"dense_unit": 4.0, "coverage": 1.0, "chunk_score": 1.2, "section_retrieved": 0.5})
        answerable = linear(decline_features(dim), {"top_dense": 12.0})
        answerable.intercept = -6.0
        return cls(units, answerable, 0.5, {"fitted": False})
