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
from dataclasses import dataclass

import numpy as np

from retriever.answer.decision import SIGNALS, AnswerModel, choose_threshold
from retriever.answer.extractive import Answerer, threshold_group
from retriever.evaluation.answers import share
from retriever.evaluation.fit import FOLDS, CrossValidation, Example, KnownForEach, groups_of
from retriever.evaluation.retrieval import EvalQuestion
from retriever.search.base import SearcherBase
from retriever.types import Lang

__all__ = ["Case", "draft_cases", "decide_out_of_fold", "fit_answer_model", "answer_table", "set_weights"]


@dataclass(frozen=True)
class Case:
    """One question's draft, as the decision sees it and as the figures count it."""

    question: EvalQuestion
    source: str
    group: int
    signals: dict[str, float]
    cited: list[str]  # the anchors the draft quotes
    by_rule: bool  # refused whatever the probability (a figure not quoted, another province)

    @property
    def correct(self) -> bool:
        return self.question.answerable and any(a in self.question.gold for a in self.cited)

    @property
    def english(self) -> bool:
        return threshold_group(Lang.from_str(self.question.lang)) == "en"


def draft_cases(searcher: SearcherBase, sets: dict[str, list[EvalQuestion]], examples: list[Example],
                cv: CrossValidation) -> list[Case]:
    """Every question drafted with a ranking model that never saw it."""
    groups = groups_of(examples)
    place = {(e.source, e.question.id): (int(f), int(g)) for e, f, g in zip(examples, cv.folds, groups)}
    saved = searcher.reranker
    answerers = []
    for model in cv.models:
        searcher.reranker = model
        answerers.append(Answerer(searcher, fitted=False))
    cases, spare = [], int(groups.max(initial=0)) + 1
    try:
        with KnownForEach(searcher) as known_for:
            for source, questions in sets.items():
                for n, q in enumerate(questions):
                    known_for(q.id)
                    fold, group = place.get((source, q.id), (n % FOLDS, -1))
                    if group < 0:
                        group, spare = spare, spare + 1
                    searcher.reranker = cv.models[fold]
                    answerer = answerers[fold]
                    draft = answerer.draft(q.question)
                    cases.append(Case(q, source, group, draft.signals, draft.anchors,
                                      answerer.rule_refusal(draft) is not None))
    finally:
        searcher.reranker = saved
    return cases


def _fit(rows: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """(weights, bias, mean, scale) of a logistic regression on standardised rows (scikit-learn's default C=1)."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = rows.mean(axis=0), rows.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(max_iter=1000).fit((rows - mean) / scale, labels)
    return model.coef_[0], float(model.intercept_[0]), mean, scale


def _probabilities(fitted: tuple, rows: np.ndarray) -> np.ndarray:
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


def _oof_probabilities(rows: np.ndarray, labels: np.ndarray, groups: np.ndarray, folds: int) -> np.ndarray:
    from sklearn.model_selection import GroupKFold

    out = np.zeros(len(rows))
    for train, test in GroupKFold(folds).split(rows, groups=groups):
        out[test] = _probabilities(_fit(rows[train], labels[train]), rows[test])
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
        inner = _oof_probabilities(rows[train], labels[train], groups[train], FOLDS - 1)
        threshold = choose_threshold(inner, labels[train], answerable[train], weights[train])
        thresholds.append(threshold)
        probabilities[test] = _probabilities(_fit(rows[train], labels[train]), rows[test])
        answer[test] = probabilities[test] >= threshold
    answer &= ~np.array([c.by_rule for c in cases])
    return probabilities, answer, thresholds


def fit_answer_model(cases: list[Case], probabilities: np.ndarray, training_sha256: str, info: dict) -> AnswerModel:
    """The final decision: fitted on every draft, its threshold chosen on the out-of-fold probabilities."""
    rows, labels, _ = _matrix(cases)
    weights, bias, mean, scale = _fit(rows, labels)
    threshold = choose_threshold(probabilities, labels, _answerable(cases), set_weights(cases))
    return AnswerModel(tuple(map(float, weights)), bias, tuple(map(float, mean)), tuple(map(float, scale)),
                       threshold, training_sha256, info)


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
