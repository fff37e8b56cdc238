"""The tuned encoder: its shipped layers load into the bundled model, the index embeds the answer units with it,
and an index embedded by other tuned layers is refused with the fix."""
import numpy as np
import pytest

from bot.answering.evaluation.encoder_tuning import TRAIN_LAYERS, finetune, trainable_names
from indexer.tuned_encoder import WEIGHTS, TunedEmbedder, load_layers, save_layers, tuned_id

TRIPLETS = [
    ("do i spray things going into the cabinet", "Spray items with sterile 70% alcohol and wipe them before they enter "
     "the cabinet.", "Laminar airflow cabinets need daily operator checks."),
    ("how long do settle plates stay open", "A single settle plate should not be left open for more than 4 hours.",
     "Settle plates are incubated before they are read."),
    ("who signs off my competency", "A mentor who holds the competency signs off the trainee.",
     "Competencies expire and must be revalidated."),
]


@pytest.fixture(scope="module")
def tuned_model():
    return finetune(TRIPLETS, seed=1)


def test_only_the_top_layers_learn(tuned_model, embedder):
    base = dict(embedder.model.named_parameters())
    names = set(trainable_names(tuned_model))
    layers = {int(n.split("encoder.layer.")[1].split(".")[0]) for n in names}
    assert layers == set(range(6 - TRAIN_LAYERS, 6))  # all-MiniLM-L6-v2 has six
    changed = {n for n, p in tuned_model.named_parameters() if not np.allclose(p.detach().numpy(), base[n].detach().numpy())}
    assert changed and changed <= names  # the embeddings and lower layers are the published model's


def test_saved_layers_reload_into_the_bundled_model(tuned_model, tmp_path):
    path = tmp_path / "tuned.npz"
    save_layers(tuned_model, trainable_names(tuned_model), path)
    reloaded = TunedEmbedder(path)
    text = ["spray items with alcohol before they go in"]
    a = tuned_model.encode(text, normalize_embeddings=True)[0]
    b = reloaded.encode(text)[0]
    assert float(a @ b) > 0.999  # float16 storage
    assert reloaded.model_id == tuned_id(path=path) and reloaded.model_id.startswith("all-MiniLM-L6-v2+tuned-")
    assert tuned_id("some/other-model", path) is None  # tuned layers belong to the bundled model only


def test_a_file_of_another_models_layers_is_refused(tmp_path, embedder):
    path = tmp_path / "bad.npz"
    np.savez(path, **{"bert.encoder.layer.9.output.dense.weight": np.zeros((2, 2), np.float16)})
    with pytest.raises(ValueError, match="does not have"):
        load_layers(embedder.model, path)


def test_the_index_embeds_answer_units_with_the_shipped_tuned_encoder(kb):
    units = kb.live.answerer.units
    assert WEIGHTS.exists(), "the tuned encoder's layers are shipped with the package"
    assert units.tuned_id == tuned_id() and units.tuned_vectors.shape == units.vectors.shape
    assert np.allclose(np.linalg.norm(units.tuned_vectors, axis=1), 1.0, atol=1e-3)
    assert not np.allclose(units.tuned_vectors, units.vectors)  # not the base model's vectors again


def test_an_index_embedded_by_other_tuned_layers_is_refused(kb):
    from dataclasses import replace

    from bot.answering.answers import Answerer
    from bot.answering.model import ModelError

    a = kb.live.answerer
    stale = replace(a.units, tuned_id="all-MiniLM-L6-v2+tuned-000000000000")
    with pytest.raises(ModelError, match="techserv index"):
        Answerer(a.retriever, a.chunks, stale, a.model)
    older = replace(a.units, tuned_vectors=None, tuned_id=None)  # a snapshot from before the tuned encoder
    with pytest.raises(ModelError, match="built before the tuned encoder.*techserv index"):
        Answerer(a.retriever, a.chunks, older, a.model)


def _examples(answerer):
    from bot.answering.evaluation.fit import Example

    units = answerer.units.units
    examples = []
    for question, doc_id, section, phrase in QUESTIONS:
        cand = answerer.prepare(question)
        labels = np.array([u.doc_id == doc_id and section in u.section and phrase in u.quote
                           for u in (units[int(r)] for r in cand.rows)], dtype=np.float32)
        examples.append(Example({"question": question, "answerable": True}, cand, labels, cand.qv))
    assert all(e.labels.sum() for e in examples)
    return examples


def test_cross_fitting_gives_each_question_the_cosine_of_an_encoder_that_did_not_train_on_it(kb, monkeypatch):
    """Real training on the fixture corpus's questions (two folds, then the final encoder on all)."""
    from bot.answering.evaluation import encoder_tuning
    from bot.answering.evaluation.encoder_tuning import cross_fit, encode, unit_texts
    from bot.answering.evaluation.fit import fold_split
    from bot.answering.features import TUNED

    answerer = kb.live.answerer
    examples = _examples(answerer)
    trained_on, real = [], encoder_tuning.finetune

    def spy(trips, seed=0, log=lambda s: None):
        trained_on.append({t[0] for t in trips})
        model = real(trips, seed, log)
        models.append(model)
        return model

    models = []
    monkeypatch.setattr(encoder_tuning, "finetune", spy)
    out, final = cross_fit(examples, answerer, folds=2)
    assert final is models[-1] and trained_on[-1] == {q for q, *_ in QUESTIONS}
    texts = unit_texts(answerer)
    for f, test in enumerate(fold_split(len(examples), 2)):
        held = {examples[i].cand.question for i in test}
        assert not held & trained_on[f]  # the fold's encoder never saw its questions
        V = encode(models[f], texts)
        for i in test:
            e = examples[i]
            expected = V[e.cand.rows] @ encode(models[f], [e.cand.question])[0]
            assert np.allclose(out[i].cand.tuned, expected, atol=1e-4)
            assert np.allclose(out[i].cand.X[:, TUNED][:, 0], expected, atol=1e-4)
            assert np.array_equal(np.delete(out[i].cand.X, np.r_[TUNED], axis=1), np.delete(e.cand.X, np.r_[TUNED], axis=1))


def test_a_refit_with_the_same_training_reuses_the_kept_encoders(kb, monkeypatch, tmp_path):
    """Each trained encoder is kept under the hash of its recipe and tuples; the same training again loads it
    (no training, the same features), and a changed training set trains anew."""
    from bot.answering.evaluation import encoder_tuning
    from bot.answering.evaluation.encoder_tuning import cross_fit, training_key, triplets, unit_texts

    answerer = kb.live.answerer
    examples = _examples(answerer)
    calls, real = [], encoder_tuning.finetune

    def spy(trips, seed=0, log=lambda s: None):
        calls.append(len(trips))
        return real(trips, seed, log)

    monkeypatch.setattr(encoder_tuning, "finetune", spy)
    first, final = cross_fit(examples, answerer, folds=2, cache=tmp_path)
    assert len(calls) == 3 and len(list(tmp_path.glob("*.npz"))) == 3  # two folds and the final encoder
    again, final_again = cross_fit(examples, answerer, folds=2, cache=tmp_path)
    assert len(calls) == 3  # nothing trained
    for a, b in zip(first, again):
        assert np.array_equal(a.cand.X, b.cand.X)
    text = ["how long can settle plates be left out"]
    assert np.allclose(final.encode(text), final_again.encode(text), atol=1e-6)
    cross_fit(examples[:3], answerer, folds=2, cache=tmp_path)  # other questions: other tuples, other keys
    # every training it ran is new in the cache (a fold whose training questions are the same is reused)
    assert len(calls) - 3 == len(list(tmp_path.glob("*.npz"))) - 3 >= 2
    texts = unit_texts(answerer)
    trips = triplets(examples, texts)
    key = training_key(trips, texts, 0)
    assert key == training_key(list(trips), list(texts), 0)
    assert key != training_key(trips[:-1], texts, 0) and key != training_key(trips, texts, 1)
    assert key != training_key(trips, texts[:-1], 0)  # the units changed
    monkeypatch.setitem(encoder_tuning.RECIPE, "epochs", encoder_tuning.EPOCHS + 1)
    assert training_key(trips, texts, 0) != key


QUESTIONS = [
    ("whats the grade b particle limit in operation", "fx-grades", "Particle limits", "352 000"),
    ("how long can settle plates be left out", "fx-settle", "Exposure time", "four hours"),
    ("what goes in a chemo spill kit", "fx-spills", "Using the spill kit", "absorbent pads"),
    ("can i add calcium straight after phosphate in TPN", "fx-pn", "Order of addition", "never added one straight after the other"),
]


@pytest.mark.parametrize("question", ["do i need to spray stuff going into the LAF?", "x", "why " * 300])
def test_the_question_is_encoded_once_for_both_encoders(embedder, question):
    """Answering reuses the base pass's lower-layer states for the tuned layers: same vectors as two passes."""
    tuned = TunedEmbedder()
    assert tuned.first_tuned_layer == 6 - TRAIN_LAYERS
    vec, tokens, ids = embedder.encode_tokens([question])[0]
    vec2, tokens2, ids2, hidden = embedder.encode_question(question, tuned.first_tuned_layer)
    assert np.array_equal(ids, ids2) and tokens.shape == tokens2.shape
    assert float(vec @ vec2) > 0.99999 and np.allclose(tokens.astype(np.float32), tokens2.astype(np.float32), atol=2e-3)
    assert float(tuned.encode_query(question) @ tuned.encode_from_hidden(hidden)) > 0.99999
