"""Fit the answer model on a question set, and measure it with k-fold cross-validation.

Labels: a candidate unit is a correct answer when it comes from the question's expected document and section
(``locations.py``) and its quoted text matches the question's ``fact`` regex. The measures (``outcome``) also
count the other places a question lists (``also``). The unit ranker is a
linear scorer fitted listwise (softmax over each question's candidates: the probability mass on its correct
units is maximised, so the objective is the one the answer needs — the right unit first); the answer/decline
decision is a logistic regression over question-level features (answerable vs unanswerable questions), with the cut chosen on the training questions so that
at least ``DECLINE_TARGET`` of unanswerable ones are declined. The fitted model knows its training questions
(``known_questions.py``): each training question's known-question features are read against the other training
questions, and under cross-validation a held-out fold is read against the training folds only.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

from ..answers import AnswerResult, Answerer
from ..features import UNIT_FEATURES, Candidates, decline_features, with_known
from ..known_questions import KnownIndex, KnownQuestions
from ..model import AnswerModel, Linear, decline_probability
from ..question_words import WEIGHT, QuestionWords, vocabulary
from ..question_words import vectors as word_vectors
from ..question_types import clinical_scope
from .locations import fact_quoted, unit_answers, unit_located

DECLINE_TARGET = 0.95  # of the training questions, out of fold; cross-validation shows what new questions get
C_QUESTION = 0.01  # inverse L2 strength of the decline model (28 question features, a 384-dimension embedding, the words)
INNER_FOLDS = 5


@dataclass
class Example:
    item: dict  # the question-set entry
    cand: Candidates | None  # None when the scope guard's rules refuse the question
    labels: np.ndarray  # 1 for candidate units that answer it
    qv: np.ndarray | None = None  # the question's embedding
    @property
    def answerable(self) -> bool:
        return bool(self.item["answerable"])


def collect(answerer: Answerer, questions: list[dict], progress=lambda n: None, strict: bool = True) -> list[Example]:
    """Candidates and labels per question. ``strict`` (the default): only the question's own place is a correct
    unit; ``strict=False`` also its ``also`` places. Trained on all places the ranker was no better under 5-fold CV
    on three shuffles (fact in answer 0.599 against 0.604, declined 0.937 against 0.947), so it learns from one."""
    out = []
    for item in questions:
        if clinical_scope(item["question"]):
            out.append(Example(item, None, np.zeros(0), answerer.retriever.embedder.encode_query(item["question"])))
        else:
            cand = answerer.prepare(item["question"])
            units = answerer.units.units
            labels = np.array([item["answerable"] and unit_answers(item, units[int(r)], strict) for r in cand.rows],
                              dtype=np.float32)
            out.append(Example(item, cand, labels, cand.qv))
        progress(1)
    return out


def _standardiser(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and standard deviations (constant columns keep scale 1) for the fitted models."""
    scale = X.std(axis=0)
    scale[scale < 1e-6] = 1.0
    return X.mean(axis=0), scale


def rankable(examples: list[Example]) -> list[Example]:
    """The examples the unit ranker learns from: answerable, not refused, with a correct candidate."""
    return [e for e in examples if e.cand is not None and e.answerable and e.labels.sum() > 0]


def writer(item: dict) -> str:
    """Who wrote a question, from its id: the part before the dash ("a5-012" → "a5", "nu1-003" → "nu1") or the
    leading letters ("q393" → "q"). Each writer wrote from their own share of the documents in their own way,
    so holding out whole writers is how a new writer's questions are simulated."""
    qid = str(item.get("id") or "")
    if "-" in qid:
        return qid.split("-", 1)[0]
    letters = re.match(r"[A-Za-z]*", qid).group(0)
    return letters or qid


def writer_split(items: list[dict], folds: int = 5) -> list[list[int]]:
    """k folds that never split a writer's questions (``GroupKFold``: writers spread to even fold sizes)."""
    from sklearn.model_selection import GroupKFold

    groups = [writer(it) for it in items]
    k = min(folds, len(set(groups)))
    if k < 2:
        return [list(range(len(items)))]
    return [test.tolist() for _, test in GroupKFold(k).split(np.zeros(len(items)), groups=groups)]


def fold_split(n: int, folds: int = 5, seed: int = 0) -> list[list[int]]:
    """The k folds (shuffled with a fixed seed) that cross-validation and the experiments hold out."""
    order = np.random.default_rng(seed).permutation(n)
    return [[int(i) for k, i in enumerate(order) if k % folds == f] for f in range(folds)]


def _fit_linear(X: np.ndarray, y: np.ndarray, names: list[str], C: float) -> Linear:
    return _fit_standardised(X, y, names, C)[0]


def _fit_standardised(X: np.ndarray, y: np.ndarray, names: list[str], C: float,
                      extra: np.ndarray | None = None) -> tuple[Linear, np.ndarray]:
    """Balanced logistic regression over standardised ``X`` and, beside it, ``extra`` columns taken as they are;
    returns the model over ``X`` and the coefficients of the extra columns."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = _standardiser(X)
    Z = (X - mean) / scale
    lr = LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
    lr.fit(Z if extra is None else np.hstack([Z, extra]), y)
    d = X.shape[1]
    return (Linear(list(names), mean.astype(np.float32), scale.astype(np.float32), lr.coef_[0][:d].astype(np.float32),
                   float(lr.intercept_[0])), lr.coef_[0][d:])


def _fit_pairwise(examples: list[Example], C: float, negatives: int = 40, seed: int = 0) -> Linear:
    """A linear ranker from (correct − wrong) pairs within each question (each question weighs the same)."""
    from sklearn.linear_model import LogisticRegression

    X = np.vstack([e.cand.X for e in examples])
    mean, scale = _standardiser(X)
    rng = np.random.default_rng(seed)
    diffs, weights = [], []
    for e in examples:
        Z = (e.cand.X - mean) / scale
        pos, neg = np.where(e.labels > 0)[0], np.where(e.labels == 0)[0]
        if len(neg) > negatives:  # the hardest negatives by dense similarity, plus a random few
            hard = neg[np.argsort(-e.cand.dense[neg])[: negatives // 2]]
            neg = np.unique(np.concatenate([hard, rng.choice(neg, negatives // 2, replace=False)]))
        pairs = [(p, n) for p in pos for n in neg]
        for p, n in pairs:
            diffs.append(Z[p] - Z[n])
            weights.append(1.0 / len(pairs))
    D = np.array(diffs, dtype=np.float32)
    w = np.array(weights, dtype=np.float32)
    lr = LogisticRegression(C=C, fit_intercept=False, max_iter=5000)
    lr.fit(np.vstack([D, -D]), np.concatenate([np.ones(len(D)), np.zeros(len(D))]), sample_weight=np.concatenate([w, w]))
    return Linear(list(UNIT_FEATURES), mean.astype(np.float32), scale.astype(np.float32), lr.coef_[0].astype(np.float32), 0.0)


def _fit_listwise(examples: list[Example], C: float) -> Linear:
    """A linear ranker maximising, per question, the softmax probability of its correct units among all its
    candidates (each question weighs the same; L2 penalty ``1 / (2 C n)`` per weight, C as in scikit-learn)."""
    from scipy.optimize import minimize

    X = np.vstack([e.cand.X for e in examples])
    mean, scale = _standardiser(X)
    data = [(((e.cand.X - mean) / scale).astype(np.float64), e.labels > 0) for e in examples]
    n, lam = len(data), 1.0 / (C * len(data))

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = 0.5 * lam * float(w @ w), lam * w
        for Z, pos in data:
            s = Z @ w
            e = np.exp(s - s.max())
            p_all, p_pos = e / e.sum(), e * pos / e[pos].sum()
            value -= float(np.log(e[pos].sum() / e.sum())) / n
            grad = grad - ((p_pos - p_all) @ Z) / n
        return value, grad

    w = minimize(loss, np.zeros(X.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 500}).x
    return Linear(list(UNIT_FEATURES), mean.astype(np.float32), scale.astype(np.float32), w.astype(np.float32), 0.0)


def choose_threshold(p_pos: list[float], p_neg: list[float], target: float = DECLINE_TARGET) -> float:
    """The lowest cut that declines at least ``target`` of the negatives (most answered at that rate)."""
    if not p_neg or not p_pos:
        return 0.5
    neg = np.sort(np.array(p_neg))
    k = int(np.ceil(target * len(neg)))  # this many negatives must fall below the cut
    cut = float(neg[min(k, len(neg)) - 1]) + 1e-4
    return round(min(max(cut, 0.05), 0.95), 4)


def _fit_decline(Q: np.ndarray, texts: list[str], y: np.ndarray, names: list[str], C: float,
                 weight: float = WEIGHT) -> tuple[Linear, QuestionWords | None]:
    """The answer/decline logistic regression over the standardised question features and the questions'
    weighted TF-IDF words (vocabulary from these questions only); ``weight`` 0: features only."""
    idf = vocabulary(texts) if weight > 0 else {}
    linear, word_coef = _fit_standardised(Q, y, names, C, word_vectors(texts, idf, weight) if idf else None)
    return linear, (QuestionWords(idf, word_coef.astype(np.float64), weight) if idf else None)


def _out_of_fold(Q: np.ndarray, texts: list[str], y: np.ndarray, names: list[str], C: float, weight: float = WEIGHT,
                 folds: int = INNER_FOLDS) -> np.ndarray:
    """Each training question's P(answerable) from a decline model fitted without it (stratified folds; each
    fold's word vocabulary from its own training questions)."""
    from sklearn.model_selection import StratifiedKFold

    if min(int(y.sum()), int(len(y) - y.sum())) < folds:
        return decline_probability(*_fit_decline(Q, texts, y, names, C, weight), Q, texts)
    p = np.zeros(len(y))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(Q, y):
        model = _fit_decline(Q[train], [texts[i] for i in train], y[train], names, C, weight)
        p[test] = decline_probability(*model, Q[test], [texts[i] for i in test])
    return p


def _knowable(examples: list[Example]) -> list[Example]:
    """The examples a model fitted on them knows: those the scope guard's rules did not refuse."""
    return [e for e in examples if e.cand is not None and e.qv is not None]


def known_questions(examples: list[Example]) -> KnownQuestions:
    """The questions a model fitted on ``examples`` knows, in order."""
    kept = _knowable(examples)
    return KnownQuestions.from_items([e.item for e in kept], [e.qv for e in kept])


def with_known_questions(examples: list[Example], index: KnownIndex, known_from: list[Example] | None = None) -> list[Example]:
    """The examples with their known-question features from ``index``; an example that is itself one of
    ``known_from`` (the questions ``index`` was built from, in order) is read against the others only."""
    position = {id(e): j for j, e in enumerate(_knowable(known_from or []))}
    return [Example(e.item, with_known(e.cand, index, position.get(id(e))), e.labels, e.qv) if e.cand is not None else e
            for e in examples]


def fit(examples: list[Example], answerer: Answerer, C_units: float = 0.1, C_question: float = C_QUESTION,
        target: float = DECLINE_TARGET, ranker: str = "listwise", C_clinical: float = 1.0,
        clinical_threshold: float = 0.7, word_weight: float = WEIGHT) -> AnswerModel:
    known = known_questions(examples)
    examples = with_known_questions(examples, KnownIndex(known, answerer.units), examples)
    ranked = rankable(examples)
    if ranker == "listwise":
        units = _fit_listwise(ranked, C_units)
    elif ranker == "pairwise":
        units = _fit_pairwise(ranked, C_units)
    else:
        X = np.vstack([e.cand.X for e in ranked])
        y = np.concatenate([e.labels for e in ranked])
        units = _fit_linear(X, y, UNIT_FEATURES, C_units)
    scored = [e for e in examples if e.cand is not None]
    Q = np.vstack([answerer.features.decline_vector(e.cand, units.logit(e.cand.X) if len(e.cand.X) else np.zeros(0))
                   for e in scored])
    yq = np.array([e.answerable for e in scored], dtype=np.float32)
    names = decline_features(len(scored[0].cand.qv))
    texts = [e.cand.question for e in scored]
    question, words = _fit_decline(Q, texts, yq, names, C_question, word_weight)
    p = _out_of_fold(Q, texts, yq, names, C_question, word_weight)
    threshold = choose_threshold([float(v) for v, a in zip(p, yq) if a], [float(v) for v, a in zip(p, yq) if not a], target)
    clinical = None
    with_vectors = [e for e in examples if e.qv is not None]
    yc = np.array([e.item.get("kind") == "clinical" for e in with_vectors], dtype=np.float32)
    if yc.sum() >= 5:
        E = np.vstack([e.qv for e in with_vectors])
        clinical = _fit_linear(E, yc, [f"e{i}" for i in range(E.shape[1])], C_clinical)
    info = {"fitted": True, "fitted_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "questions": len(examples), "ranker_questions": len(ranked), "decline_target": target,
            "C_units": C_units, "C_question": C_question, "ranker": ranker, "word_weight": word_weight,
            "words": len(words.idf) if words else 0, "known_questions": known.fingerprint()}
    return AnswerModel(units, question, threshold, info, clinical, clinical_threshold, words=words, known=known)


def outcome(e: Example, result: AnswerResult) -> dict:
    """What one question got: the measures `techserv eval` reports."""
    item = e.item
    row = {"id": item.get("id"), "question": item["question"], "answerable": e.answerable, "kind": item.get("kind"),
           "answered": result.answered, "guard": result.scope == "clinical", "confidence": result.confidence,
           "quoted": bool(result.answered and result.quotes)}
    if e.answerable:  # any place the set lists for the question; *_strict: only its first (doc_id/section/fact)
        quotes = result.quotes if result.answered else []
        first = result.units[0] if result.answered and result.units else None
        for suffix, strict in (("", False), ("_strict", True)):
            row["fact_in_answer" + suffix] = fact_quoted(item, quotes, strict)
            row["first_unit_section" + suffix] = bool(first and unit_located(item, first, strict))
        row["top"] = [q.citation.doc_id + " > " + q.citation.section for q in result.quotes[:1]]
    return row


def apply(e: Example, answerer: Answerer, model: AnswerModel | None = None, threshold: float | None = None) -> dict:
    if e.cand is None:
        return outcome(e, AnswerResult([], 0.0, False, scope="clinical"))
    return outcome(e, answerer.decide(e.cand, model, threshold))


def cross_validate(examples: list[Example], answerer: Answerer, folds: int = 5, seed: int = 0,
                   by_writer: bool = False, **kw) -> list[dict]:
    """Every question answered by a model fitted without it (k folds, shuffled with a fixed seed; ``by_writer``:
    folds that hold out whole writers, ``writer_split``)."""
    rows: list[dict | None] = [None] * len(examples)
    splits = writer_split([e.item for e in examples], folds) if by_writer else fold_split(len(examples), folds, seed)
    for test in splits:
        held = set(test)
        model = fit([e for i, e in enumerate(examples) if i not in held], answerer, **kw)
        index = KnownIndex(model.known, answerer.units)  # the held-out fold is read against the training questions
        for i in test:
            rows[i] = apply(with_known_questions([examples[i]], index)[0], answerer, model)
    return rows  # type: ignore[return-value]
