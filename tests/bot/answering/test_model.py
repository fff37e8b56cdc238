"""The shipped answer model: it loads, says what it was fitted on, and a missing, corrupt or stale
file is refused with the fix instead of silently answering with unfitted weights."""
import json

import numpy as np
import pytest

from bot.answering.features import UNIT_FEATURES, decline_features
from bot.answering.model import MODEL_PATH, AnswerModel, ModelError
from bot.service.doctor import _answer_model


def test_the_shipped_model_is_fitted_and_complete():
    model = AnswerModel.load()
    assert model.info["fitted"] is True and model.info["questions"] >= 350
    assert model.units.features == UNIT_FEATURES and model.answerable.features == decline_features(384)
    assert model.embedding_dim == 384
    assert 0.0 < model.threshold < 1.0 and model.clinical is not None
    assert "cross_validated" in model.info and "fact in answer" in model.describe()
    # a candidate better on the ranker's own strongest feature ranks higher
    strongest = int(np.argmax(model.units.coef))
    assert model.units.coef[strongest] > 0
    x = model.units.mean.copy()
    hi = x.copy()
    hi[strongest] += model.units.scale[strongest]
    assert model.rank(np.stack([x, hi]))[1] > model.rank(np.stack([x, hi]))[0]


def test_save_and_load_round_trip(tmp_path):
    model = AnswerModel.load()
    path = tmp_path / "m.json"
    model.save(path)
    again = AnswerModel.load(path)
    assert again.threshold == model.threshold and again.info == model.info
    X = np.random.default_rng(0).normal(size=(5, len(UNIT_FEATURES))).astype(np.float32)
    assert np.allclose(again.rank(X), model.rank(X), atol=1e-3)


@pytest.mark.parametrize("damage", ["missing", "not json", "no threshold", "other features"])
def test_a_damaged_model_is_refused_with_the_fix(tmp_path, damage):
    path = tmp_path / "m.json"
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    if damage == "not json":
        path.write_text("{ truncated", encoding="utf-8")
    elif damage == "no threshold":
        del data["threshold"]
        path.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "other features":
        data["units"]["features"] = data["units"]["features"][:-1]
        path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError, match="fit_answer_model.py"):
        AnswerModel.load(path)


def test_doctor_reports_a_missing_model(monkeypatch, tmp_path):
    assert _answer_model().status == "ok"
    monkeypatch.setattr("bot.answering.model.MODEL_PATH", tmp_path / "gone.json")
    check = _answer_model()
    assert check.status == "fail" and "missing" in check.detail and "fit_answer_model.py" in check.fix


def test_a_model_fitted_on_another_embedding_size_is_refused_with_the_fix(kb):
    """The decline part reads the question's embedding: a model fitted for another embedding model cannot be
    used with this index (it would fail on the first question, or worse, read the wrong numbers)."""
    from bot.answering.answers import Answerer

    live = kb.live
    fitted_elsewhere = AnswerModel.default(768)
    fitted_elsewhere.info["fitted"] = True
    with pytest.raises(ModelError, match="fit_answer_model.py"):
        Answerer(live.retriever, live.snapshot.chunks, live.snapshot.units, fitted_elsewhere)
    Answerer(live.retriever, live.snapshot.chunks, live.snapshot.units, AnswerModel.load())  # the shipped one fits
    # the unfitted default only serves the fitting script's features, for any embedding model
    Answerer(live.retriever, live.snapshot.chunks, live.snapshot.units, AnswerModel.default(768))
