"""Fitting the answer-or-refuse decision with grouped cross-validation, and its honest figures.

Every question of the given sets, answerable or not, is drafted (:meth:`Answerer.draft`, every document searched)
with a ranking model that never saw it: the ranking's own out-of-fold models (:class:`CrossValidation`) for the
answerable ones, any of them for the unanswerable (no ranking model trains on those). A draft is *correct* when its
question is answerable and it quotes a gold clause. A logistic regression over the drafts'
:data:`~retriever.answer.decision.SIGNALS` predicts correctness; grouped folds (the ranking's groups, each
unanswerable question its own) give out-of-fold probabilities, and each fold's threshold is chosen on an inner
cross-validation of its training part for :data:`~retriever.answer.decision.TARGET_PRECISION` and
:data:`~retriever.answer.decision.TARGET_REFUSALS`, every question set weighing the same. The final model is
fitted on all drafts, with the threshold chosen on all out-of-fold probabilities.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from retriever.answer.decision import (HAND_SENTENCE_WEIGHTS, SENTENCE_FEATURES, SIGNALS, AnswerModel,
                                       choose_threshold)
from retriever.answer.extractive import Answerer, threshold_group
from retriever.evaluation.answers import share
from retriever.evaluation.fit import FOLDS, CrossValidation, Example, KnownForEach, groups_of
from retriever.evaluation.retrieval import EvalQuestion
from retriever.search.base import SearcherBase
from retriever.types import Lang

__all__ = ["Case", "draft_cases", "fit_sentence_weights", "holds_evidence", "decide_out_of_fold", "fit_answer_model",
           "answer_table", "set_weights", "fit_logistic", "logistic_probabilities", "out_of_fold_probabilities"]


@dataclass(frozen=True)
class Case:
    """One question's draft, as the decision sees it and as the figures count it."""

    question: EvalQuestion
    source: str
    group: int
    signals: dict[str, float]
    cited: list[str]  # the anchors the draft quotes
    by_rule: bool  # refused whatever the probability (a figure not quoted, another province)
    sentences: np.ndarray = field(default_factory=lambda: np.zeros((0, len(SENTENCE_FEATURES))))  # every scored one
    sentence_evidence: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # holds_evidence()

    @property
    def correct(self) -> bool:
        return self.question.answerable and any(a in self.question.gold for a in self.cited)

    @property
    def english(self) -> bool:
        return threshold_group(Lang.from_str(self.question.lang)) == "en"


def holds_evidence(question: EvalQuestion, scored: list[tuple]) -> np.ndarray:
    """Per scored sentence: whether it is a sentence of a gold clause that holds (part of) one of the question's
    verbatim evidence spans."""
    out = np.zeros(len(scored), dtype=bool)
    for i, row in enumerate(scored):
        clause, sentence = row[2], row[4]
        if clause.anchor in question.gold:
            spans = [(start, start + len(ev)) for ev in question.evidence if (start := clause.text.find(ev)) >= 0]
            out[i] = any(start < sentence.end and sentence.start < end for start, end in spans)
    return out


def draft_cases(searcher: SearcherBase, sets: dict[str, list[EvalQuestion]], examples: list[Example],
                cv: CrossValidation, sentence_weights: tuple[float, ...] | None = None) -> list[Case]:
    """Every question drafted with a ranking model that never saw it, its sentences scored by ``sentence_weights``
    (by default the hand weights)."""
    groups = groups_of(examples)
    place = {(e.source, e.question.id): (int(f), int(g)) for e, f, g in zip(examples, cv.folds, groups)}
    saved = searcher.reranker
    answerers = []
    for model in cv.models:
        searcher.reranker = model
        answerers.append(Answerer(searcher, fitted=False, sentence_weights=sentence_weights))
    cases, spare = [], int(groups.max(initial=0)) + 1
    try:
        with KnownForEach(searcher) as known_for:
            for source, questions in sets.items():
                for n, q in enumerate(questions):
                    known_for(q)
                    fold, group = place.get((source, q.id), (n % FOLDS, -1))
                    if group < 0:
                        group, spare = spare, spare + 1
                    searcher.reranker = cv.models[fold]
                    answerer = answerers[fold]
                    draft = answerer.draft(q.question)
                    features = np.array([row.features for row in draft.sentences]).reshape(-1, len(SENTENCE_FEATURES))
                    cases.append(Case(q, source, group, draft.signals, draft.anchors,
                                      answerer.rule_refusal(draft) is not None, features,
                                      holds_evidence(q, draft.sentences)))
    finally:
        searcher.reranker = saved
    return cases


def fit_logistic(rows: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """(weights, bias, mean, scale) of a logistic regression on standardised rows (scikit-learn's default C=1)."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = rows.mean(axis=0), rows.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(max_iter=1000).fit((rows - mean) / scale, labels)
    return model.coef_[0], float(model.intercept_[0]), mean, scale


def logistic_probabilities(fitted: tuple, rows: np.ndarray) -> np.ndarray:
    """The probabilities a regression of :func:`fit_logistic` gives ``rows``."""
    weights, bias, mean, scale = fitted
    return 1.0 / (1.0 + np.exp(-(((rows - mean) / scale) @ weights + bias)))


def _matrix(cases: list[Case]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = np.array([[c.signals[name] for name in SIGNALS] for c in cases], dtype=np.float64)
    return rows, np.array([c.correct for c in cases], dtype=int), np.array([c.group for c in cases])


def _answerable(cases: list[Case]) -> np.ndarray:
    return np.array([c.question.answerable for c in cases], dtype=bool)


def set_weights(cases: list[Case]) -> np.ndarray:
    """Each question's weight in the precision and refusal share that set the threshold: one over its set's size,
    so every set of questions (every population of writers) counts the same, however many questions it holds.

    Pooled, the largest set decides alone: round 5 added 692 questions on the clauses asked about least, and the
    pooled threshold of a model fitted on the team's sets rose from 0.51 to 0.65 although nobody asks differently."""
    sizes = Counter(c.source for c in cases)
    return np.array([1.0 / sizes[c.source] for c in cases])


def out_of_fold_probabilities(rows: np.ndarray, labels: np.ndarray, groups: np.ndarray, folds: int,
                              fit: Callable[[np.ndarray, np.ndarray], Any] = fit_logistic,
                              probabilities: Callable[[Any, np.ndarray], np.ndarray] = logistic_probabilities
                              ) -> np.ndarray:
    """Each row's probability by a model fitted without its group (grouped ``folds``-fold); by default the
    regression of :func:`fit_logistic` (a benchmark passes another model's ``fit`` and ``probabilities``)."""
    from sklearn.model_selection import GroupKFold

    out = np.zeros(len(rows))
    for train, test in GroupKFold(folds).split(rows, groups=groups):
        out[test] = probabilities(fit(rows[train], labels[train]), rows[test])
    return out


def decide_out_of_fold(cases: list[Case]) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """(out-of-fold probabilities, out-of-fold decisions to answer, each fold's threshold)."""
    from sklearn.model_selection import GroupKFold

    rows, labels, groups = _matrix(cases)
    weights, answerable = set_weights(cases), _answerable(cases)
    probabilities = np.zeros(len(cases))
    answer = np.zeros(len(cases), dtype=bool)
    thresholds = []
    for train, test in GroupKFold(FOLDS).split(rows, groups=groups):
        inner = out_of_fold_probabilities(rows[train], labels[train], groups[train], FOLDS - 1)
        threshold = choose_threshold(inner, labels[train], answerable[train], weights[train])
        thresholds.append(threshold)
        probabilities[test] = logistic_probabilities(fit_logistic(rows[train], labels[train]), rows[test])
        answer[test] = probabilities[test] >= threshold
    answer &= ~np.array([c.by_rule for c in cases])
    return probabilities, answer, thresholds


def fit_answer_model(cases: list[Case], probabilities: np.ndarray, training_sha256: str, info: dict,
                     sentence_weights: tuple[float, ...] | None = None) -> AnswerModel:
    """The final decision: fitted on every draft, its threshold chosen on the out-of-fold probabilities; it keeps
    the sentence weights the drafts were made with."""
    rows, labels, _ = _matrix(cases)
    weights, bias, mean, scale = fit_logistic(rows, labels)
    threshold = choose_threshold(probabilities, labels, _answerable(cases), set_weights(cases))
    return AnswerModel(tuple(map(float, weights)), bias, tuple(map(float, mean)), tuple(map(float, scale)),
                       threshold, training_sha256, info, sentence_weights)


def _best_holds_evidence(case: Case, weights: np.ndarray) -> bool:
    """Whether the sentence that scores best under ``weights`` holds the question's evidence."""
    return bool(case.sentence_evidence[int(np.argmax(case.sentences @ weights))])


def _sentence_fit(cases: list[Case]) -> np.ndarray | None:
    """Weights of :data:`SENTENCE_FEATURES`: a logistic regression of "holds the evidence" on the raw features of
    every scored sentence, its coefficients (negative ones set to 0) scaled to sum to 1 as the hand weights do (the
    answerer compares scores as ratios: :data:`~retriever.answer.extractive.KEY_SENTENCE`); None when no feature
    helps."""
    from sklearn.linear_model import LogisticRegression

    rows = np.vstack([c.sentences for c in cases])
    labels = np.concatenate([c.sentence_evidence for c in cases])
    coef = np.clip(LogisticRegression(max_iter=1000).fit(rows, labels).coef_[0], 0.0, None)
    return coef / coef.sum() if coef.sum() > 0 else None


def fit_sentence_weights(cases: list[Case]) -> tuple[tuple[float, ...] | None, list[str]]:
    """The sentence weights fitted on every question whose draft scored a sentence holding one of its evidence spans,
    and a report: how often the best-scored sentence holds the evidence, out-of-fold (grouped) and with the hand
    weights. None (the hand weights stay) when such questions fall in fewer groups than folds, or no feature helps."""
    from sklearn.model_selection import GroupKFold

    usable = [c for c in cases if c.sentence_evidence.any()]
    if len({c.group for c in usable}) < FOLDS:
        return None, [f"Sentence weights: by hand ({len(usable)} questions whose drafts hold their evidence spans, "
                      "too few to fit)."]
    hand = np.array(HAND_SENTENCE_WEIGHTS)
    groups = np.array([c.group for c in usable])
    oof = np.zeros(len(usable), dtype=bool)
    for train, test in GroupKFold(FOLDS).split(usable, groups=groups):
        weights = _sentence_fit([usable[i] for i in train])
        oof[test] = [_best_holds_evidence(usable[i], hand if weights is None else weights) for i in test]
    fitted = _sentence_fit(usable)
    if fitted is None:
        return None, ["Sentence weights: by hand (no feature predicts the evidence)."]
    by_hand = [_best_holds_evidence(c, hand) for c in usable]
    lines = [f"Sentence weights ({', '.join(SENTENCE_FEATURES)}): fitted {', '.join(f'{w:.3f}' for w in fitted)} "
             f"(by hand {', '.join(f'{w:.2f}' for w in hand)}). The best-scored sentence holds the evidence in "
             f"{share(list(oof))} of {len(usable)} questions out-of-fold (grouped {FOLDS}-fold), "
             f"{share(by_hand)} with the hand weights (questions whose drafts scored a sentence holding their "
             "evidence)."]
    return tuple(map(float, fitted)), lines


def answer_table(cases: list[Case], decisions: dict[str, np.ndarray]) -> str:
    """Markdown: per question set, answered citing a gold clause (Chinese, English/mixed), unanswerables refused,
    precision of the answers given (they cite a gold clause) and of the quoted clauses; one row per decision."""
    lines = ["| set | decision | answered citing gold, Chinese | English/mixed | unanswerables refused | "
             "answers citing gold | quoted clauses that are gold |", "|---|---|---|---|---|---|---|"]
    for source in sorted({c.source for c in cases}):
        idx = [i for i, c in enumerate(cases) if c.source == source]
        for name, answer in decisions.items():
            zh = [bool(answer[i]) and cases[i].correct for i in idx
                  if cases[i].question.answerable and not cases[i].english]
            en = [bool(answer[i]) and cases[i].correct for i in idx if cases[i].question.answerable and cases[i].english]
            refused = [not answer[i] for i in idx if not cases[i].question.answerable]
            given = [cases[i].correct for i in idx if answer[i]]
            quoted = [a in cases[i].question.gold for i in idx if answer[i] for a in cases[i].cited]
            lines.append(f"| {source} | {name} | {share(zh)} | {share(en)} | {share(refused)} | {share(given)} | "
                         f"{share(quoted)} |")
    return "\n".join(lines)
