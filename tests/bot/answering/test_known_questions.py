"""Known questions (the questions the answer model was fitted on) on the fixture corpus with the real model:
each points at the units that answer it in the current snapshot, a new question close to one lifts that unit
and its section, and fitting reads a question against the others, never against itself."""
import json

import numpy as np
import pytest

from bot.answering.features import KNOWN, QUESTION_FEATURES, UNIT_FEATURES, with_known
from bot.answering.known_questions import KnownIndex, KnownQuestions
from bot.answering.model import MODEL_PATH, AnswerModel, ModelError, known_path

ENTRIES = [
    {"id": "k1", "question": "grade B particle limit when operating?", "answerable": True, "doc_id": "fx-grades",
     "section": "Particle limits", "fact": "352 000"},
    {"id": "k2", "question": "what goes into the chemo spill kit", "answerable": True, "doc_id": "fx-spills",
     "section": "Using the spill kit", "fact": "absorbent pads"},
    {"id": "k3", "question": "what is the grade B limit for 25 micron particles", "answerable": True,
     "doc_id": "fx-grades", "section": "Particle limits", "fact": "a figure the pack never gives 123 456"},
    {"id": "k4", "question": "where do I park at the weekend", "answerable": False},
]


@pytest.fixture(scope="module")
def known(embedder):
    return KnownQuestions.from_items(ENTRIES, [embedder.encode_query(e["question"]) for e in ENTRIES])


@pytest.fixture(scope="module")
def index(kb, known):
    return KnownIndex(known, kb.live.snapshot.units)


def test_a_known_question_points_at_the_units_that_answer_it_now(kb, index):
    units = kb.live.snapshot.units.units
    assert index.rows[0] and all(units[r].doc_id == "fx-grades" and "352 000" in units[r].quote for r in index.rows[0])
    assert index.rows[1] and all("absorbent pads" in units[r].quote for r in index.rows[1])
    assert index.rows[2] == [] and index.rows[3] == []  # a fact no longer in the pack, an unanswerable question
    assert list(index.answerable) == [True, True, True, False]


def test_a_close_new_question_lifts_the_known_answer(kb, index):
    answerer = kb.live.answerer
    cand = with_known(answerer.prepare("whats the grade b particle limit in operation"), index)
    unit, gap, section = (cand.X[:, KNOWN][:, i] for i in range(3))
    best = int(np.argmax(unit))
    assert int(cand.rows[best]) in index.rows[0] and unit[best] > 0.7 and gap[best] == 0.0
    others = [i for i, r in enumerate(cand.rows) if int(r) not in index.rows[0]]
    assert unit[others].max() < unit[best]
    assert section[best] == unit[best]  # its section holds the known answer too
    a1, n1, a3, n3, margin = cand.known.tolist()
    assert a1 > n1 and margin == pytest.approx(a1 - n1)
    # an unanswerable question is closer to the unanswerable known question
    off = with_known(answerer.prepare("where can i park my car on saturday"), index)
    assert off.known[1] > off.known[0]


def test_fitting_reads_a_known_question_against_the_others_only(kb, index):
    answerer = kb.live.answerer
    cand = answerer.prepare(ENTRIES[1]["question"])
    with_self, without = with_known(cand, index), with_known(cand, index, exclude=1)
    rows = [i for i, r in enumerate(cand.rows) if int(r) in index.rows[1]]
    assert rows and with_self.X[rows, KNOWN.start].max() == pytest.approx(1.0, abs=2e-3)
    assert without.X[rows, KNOWN.start].max() < 0.9  # only the other known questions remain
    assert without.known[0] < with_self.known[0]


def test_no_known_questions_give_zero_features(kb):
    cand = with_known(kb.live.answerer.prepare("how often do i change gloves in the isolator"), None)
    assert not cand.X[:, KNOWN].any() and not cand.known.any()
    assert len(UNIT_FEATURES) == cand.X.shape[1] and QUESTION_FEATURES[-5:] == ["known_answerable",
        "known_unanswerable", "known_answerable_top3", "known_unanswerable_top3", "known_margin"]


def test_known_questions_round_trip_and_a_damaged_file_is_refused(tmp_path, known):
    path = tmp_path / "k.npz"
    known.save(path)
    again = KnownQuestions.load(path)
    assert again.entries == known.entries and np.allclose(again.vectors, known.vectors)
    model = AnswerModel.load()
    model.known = known
    model.save(tmp_path / "m.json")
    loaded = AnswerModel.load(tmp_path / "m.json")
    assert loaded.known.entries == known.entries and loaded.info["known_questions"]["count"] == len(ENTRIES)
    # the wrong known questions beside the weights, or none, are refused with the fix
    other = KnownQuestions(known.entries[:2], known.vectors[:2])
    other.save(known_path(tmp_path / "m.json"))
    with pytest.raises(ModelError, match="fit_answer_model.py"):
        AnswerModel.load(tmp_path / "m.json")
    known_path(tmp_path / "m.json").write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="fit_answer_model.py"):
        AnswerModel.load(tmp_path / "m.json")
    known_path(tmp_path / "m.json").unlink()
    with pytest.raises(ModelError, match="missing"):
        AnswerModel.load(tmp_path / "m.json")


def test_the_shipped_model_knows_its_questions():
    model = AnswerModel.load()
    info = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["info"]
    assert model.known is not None and len(model.known.entries) == info["known_questions"]["count"] >= 350
    assert model.known.dim == 384 and "knows" in model.describe()
