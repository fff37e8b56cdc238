"""The listwise unit ranker learns, from each question's candidates, what puts the correct unit first."""
import numpy as np

from bot.answering.evaluation.fit import Example, _fit_listwise
from bot.answering.features import UNIT_FEATURES, Candidates


def _questions(n: int, seed: int) -> list[Example]:
    """Synthetic questions: 30 candidates each, one correct; the correct one is likelier to have a high
    'dense_unit' and a low 'log_length' (noisy, so neither alone is always right)."""
    rng = np.random.default_rng(seed)
    d, i_dense, i_len = len(UNIT_FEATURES), UNIT_FEATURES.index("dense_unit"), UNIT_FEATURES.index("log_length")
    out = []
    for q in range(n):
        X = rng.normal(size=(30, d)).astype(np.float32)
        labels = np.zeros(30, np.float32)
        pos = int(rng.integers(30))
        labels[pos] = 1
        X[pos, i_dense] += 2.0
        X[pos, i_len] -= 2.0
        cand = Candidates(f"q{q}", "other", np.arange(30), X, [])
        out.append(Example({"question": f"q{q}", "answerable": True}, cand, labels))
    return out


def test_listwise_ranker_puts_the_correct_unit_first_on_new_questions():
    model = _fit_listwise(_questions(200, seed=1), C=0.1)
    coef = dict(zip(UNIT_FEATURES, model.coef))
    assert coef["dense_unit"] > 0.5 and coef["log_length"] < -0.5
    assert max(abs(v) for k, v in coef.items() if k not in ("dense_unit", "log_length")) < 0.5 * coef["dense_unit"]
    test = _questions(200, seed=2)
    first = [e.labels[int(np.argmax(model.logit(e.cand.X)))] for e in test]
    # either signal alone puts the correct unit first for about half; both together for most
    alone = [e.labels[int(np.argmax(e.cand.X[:, UNIT_FEATURES.index("dense_unit")]))] for e in test]
    assert np.mean(first) >= 0.65 and np.mean(first) > np.mean(alone) + 0.15


def _decline_data(n: int, seed: int, noise: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Answerable (1) vs unanswerable (0) questions: one informative feature and many noise ones."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.7).astype(np.float32)
    X = rng.normal(size=(n, 1 + noise)).astype(np.float32)
    X[:, 0] += 1.5 * y
    return X, y


def test_the_decline_cut_is_chosen_on_questions_the_model_did_not_see():
    """A cut set on the fitted model's own training probabilities declines the target share of *those*
    questions but fewer new ones (the model has memorised them); the out-of-fold cut holds on new ones."""
    from bot.answering.evaluation.fit import _fit_linear, _out_of_fold, choose_threshold

    X, y = _decline_data(300, seed=3)
    names = [f"f{i}" for i in range(X.shape[1])]
    model = _fit_linear(X, y, names, C=0.1)

    def cut(p):
        return choose_threshold([v for v, a in zip(p, y) if a], [v for v, a in zip(p, y) if not a], 0.9)
    in_sample, out_of_fold = cut(model.probability(X)), cut(_out_of_fold(X, [""] * len(y), y, names, C=0.1, weight=0))
    Xn, yn = _decline_data(2000, seed=4)
    p_new = model.probability(Xn)[yn == 0]
    declined_in, declined_oof = np.mean(p_new < in_sample), np.mean(p_new < out_of_fold)
    assert declined_in < 0.75 and declined_oof >= 0.85  # target 0.9: 0.68 and 0.87 on these seeds


def test_the_decline_model_learns_from_the_question_words():
    """Requests the pack never answers (a bleep number, a brand) lower P(answerable) through their words, the
    same vectors at fit and run time, and the weights survive the model file."""
    from bot.answering.evaluation.fit import _fit_decline
    from bot.answering.model import decline_probability
    from bot.answering.question_words import QuestionWords, vocabulary, vectors

    rng = np.random.default_rng(5)
    topics = ["grade b settle plate limit", "isolator glove test", "pn calcium phosphate", "tc99m generator elution"]
    texts, y = [], []
    for i in range(240):
        topic = topics[i % 4]
        if i % 3 == 0:
            texts.append(f"whats the bleep number for {topic} queries"), y.append(0.0)
        else:
            texts.append(f"what does the guidance say about {topic}"), y.append(1.0)
    y = np.array(y, np.float32)
    Q = rng.normal(size=(len(y), 3)).astype(np.float32)  # features that carry nothing
    linear, words = _fit_decline(Q, texts, y, ["a", "b", "c"], C=0.1)
    coef = dict(zip(words.idf, words.coef))
    assert coef["bleep"] < 0 < coef["guidance"]
    assert "settle" in words.idf and words.idf["bleep"] > words.idf["what"]
    new = ["bleep number for the isolator glove test?", "what does the guidance say about tc99m generator elution"]
    p = decline_probability(linear, words, rng.normal(size=(2, 3)).astype(np.float32), new)
    assert p[0] < 0.5 < p[1]
    # run time: the same numbers from the model file's words
    again = QuestionWords.from_dict(words.to_dict())
    assert np.allclose(vectors(new, vocabulary(texts)), again.matrix(new))
    assert abs(again.logit(new[0]) - float(words.matrix(new[:1])[0] @ words.coef)) < 1e-4
    assert again.logit("nothing known here") == 0.0


def test_writers_are_read_from_ids_and_folds_never_split_a_writer():
    from bot.answering.evaluation.fit import writer, writer_split

    assert [writer({"id": i}) for i in ("a5-012", "nu1-003", "q393", "h12", "")] == ["a5", "nu1", "q", "h", ""]
    items = [{"id": f"{w}-{n:03d}"} for w in ("a5", "b5", "c6", "d6", "e6", "f6", "g7") for n in range(10 + len(w))]
    folds = writer_split(items, 5)
    assert sorted(i for f in folds for i in f) == list(range(len(items)))  # every question once
    owners = [{writer(items[i]) for i in f} for f in folds]
    assert len(folds) == 5 and all(not (a & b) for k, a in enumerate(owners) for b in owners[k + 1:])
    assert writer_split(items[:5], 5) == [list(range(5))]  # one writer: nothing to hold out
