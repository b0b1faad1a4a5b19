"""Fitting the ranking model with grouped cross-validation, and its honest figures.

For every answerable question of the given sets (the team's own and the dev set), the fused candidates of a search
over every document and their :data:`~retriever.search.rerank.FEATURES` are collected; a LambdaMART model (LightGBM)
learns to put the gold clauses first. Questions that share a gold clause form one group, and a group is never split
between training and test folds, so a paraphrase of a test question is never trained on.

Figures: out-of-fold (each question ranked by a model that never saw its group; the hyperparameters chosen by an inner
cross-validation inside each training part), in-sample (the final model on its own training questions) and the fused
order without a model, per question set and language. The final model is fitted on all questions with the
hyperparameters that cross-validation prefers, and saved as JSON with the hash of its training data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import numpy as np

from retriever.analysis.normalize import normalize_query
from retriever.analysis.tuned_english import pairs_sha256, question_pairs, team_halves
from retriever.config import TUNED_DIR
from retriever.evaluation.retrieval import EvalQuestion, load_questions
from retriever.search.base import SearcherBase
from retriever.search.filters import Filters
from retriever.search.known_questions import KnownQuestions, writer_of
from retriever.search.rerank import RERANK_DEPTH, Reranker
from retriever.types import Mode

__all__ = ["Example", "collect", "groups_of", "GRID", "FOLDS", "SEEDS", "CrossValidation", "cross_validate",
           "final_params", "fit_model", "recall", "training_hash", "known_questions", "KnownForEach",
           "ready_to_collect"]

GRID = ({"n_estimators": 100, "num_leaves": 4}, {"n_estimators": 200, "num_leaves": 4},
        {"n_estimators": 200, "num_leaves": 7}, {"n_estimators": 400, "num_leaves": 4},
        {"n_estimators": 800, "num_leaves": 4})
"""The hyperparameters tried (small trees: a few hundred questions); learning rate 0.05, rows and columns
subsampled at 0.8, at least 20 candidates per leaf. 800 trees were added when 512 questions made the inner
cross-validation choose 400, the largest, in three of five folds (with the sentence features added next, 200 or
400 won)."""
FOLDS = 5
SEEDS = 5
"""Boosters per model (:func:`_ensemble`), their mean score ranking (bagging over the random row and column sampling).
One booster moved with every refit: a feature that only five dev questions could use (a quoted phrase found word for
word) reseeded the column sampling of every tree, and the held-out dev R@1 went 0.912 → 0.878. Five boosters cost
little: the held-out fit took 438 s with one and 461 s with five (`benchmarks/held_out.py`, this 2-core machine), warm
`ask` p50 / p95 48 / 96 → 47 / 93 ms; the inner choice of hyperparameters keeps one booster."""


@dataclass(frozen=True)
class Example:
    """One question with its candidates' anchors, features and labels."""

    question: EvalQuestion
    source: str  # the question set's name
    anchors: list[str]
    rows: np.ndarray
    labels: np.ndarray


def collect(searcher: SearcherBase, sets: dict[str, list[EvalQuestion]]) -> list[Example]:
    """The candidates and features of every answerable question, all documents searched (as ``ask`` does); each
    question described by the known questions of the other writers (:class:`KnownForEach`)."""
    out = []
    with KnownForEach(searcher) as known_for:
        for source, questions in sets.items():
            for q in questions:
                if not (q.answerable and q.gold):
                    continue
                known_for(q)
                analyzed = searcher.analyzer.analyze(normalize_query(q.question), Mode.HYBRID, searcher.translator)
                ranked, rows = searcher.candidates(analyzed, Filters(), None, RERANK_DEPTH)
                anchors = [r.record.anchor for r in ranked]
                out.append(Example(q, source, anchors, rows, np.array([a in q.gold for a in anchors], dtype=int)))
    return out


class KnownForEach:
    """While fitting, each question is described by the known questions of every writer but its own
    (:meth:`~retriever.search.known_questions.KnownQuestions.leaving_out`) and by a tuned English model that was not
    tuned on it (``searcher.tuned_cross_fit``, set by :func:`ready_to_collect`); the searcher's own are put back
    after."""

    def __init__(self, searcher: SearcherBase) -> None:
        self.searcher = searcher
        self.known = searcher.known_questions
        self.tuned = searcher.tuned
        self._views: dict[str, KnownQuestions] = {}

    def __enter__(self) -> Self:
        return self

    def __call__(self, question: EvalQuestion) -> None:
        self.searcher.tuned = self.searcher.tuned_cross_fit.get(question.question, self.tuned)
        if self.known is None:
            return
        writer = writer_of(question.id)
        if writer not in self._views:
            self._views[writer] = self.known.leaving_out(writer)
        self.searcher.known_questions = self._views[writer]

    def __exit__(self, *exc: object) -> None:
        self.searcher.known_questions = self.known
        self.searcher.tuned = self.tuned


def groups_of(examples: list[Example]) -> np.ndarray:
    """A group id per example: questions that share a gold clause belong together (union-find)."""
    parent = list(range(len(examples)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, e in enumerate(examples):
        for anchor in e.question.gold:
            if anchor in first:
                parent[find(i)] = find(first[anchor])
            else:
                first[anchor] = i
    return np.array([find(i) for i in range(len(examples))])


def _train(examples: list[Example], params: dict, seed: int = 0) -> object:
    import lightgbm

    usable = [e for e in examples if len(e.anchors)]
    model = lightgbm.LGBMRanker(objective="lambdarank", learning_rate=0.05, min_child_samples=20, subsample=0.8,
                                deterministic=True, force_col_wise=True, n_jobs=1,  # the same model every fit
                                subsample_freq=1, colsample_bytree=0.8, random_state=seed, verbose=-1, **params)
    return model.fit(np.vstack([e.rows for e in usable]), np.concatenate([e.labels for e in usable]),
                     group=[len(e.anchors) for e in usable])


def _ensemble(examples: list[Example], params: dict, training_sha256: str, info: dict, seed: int = 0) -> Reranker:
    """:data:`SEEDS` boosters fitted alike but for the seed of their row and column sampling (``seed`` onwards);
    their mean ranks."""
    seeds = range(seed, seed + SEEDS)
    boosters = tuple(_train(examples, params, s).booster_.model_to_string() for s in seeds)
    return Reranker(boosters, training_sha256, info | {"params": params, "seeds": SEEDS, "first_seed": seed})


def recall(examples: list[Example], scores: list[np.ndarray], at: int) -> float:
    """Share of examples with a gold clause among the ``at`` best-scored candidates."""
    hits = [bool(e.labels[np.argsort(-s, kind="stable")[:at]].any()) if len(s) else False
            for e, s in zip(examples, scores)]
    return sum(hits) / len(hits) if hits else 0.0


def _oof(examples: list[Example], params: dict, groups: np.ndarray, folds: int = FOLDS,
         seed: int = 0) -> list[np.ndarray]:
    from sklearn.model_selection import GroupKFold

    scores: list[np.ndarray] = [np.zeros(0)] * len(examples)
    for train, test in GroupKFold(folds).split(np.zeros(len(examples)), groups=groups):
        model = _train([examples[i] for i in train], params, seed)
        for i in test:
            scores[i] = model.predict(examples[i].rows) if len(examples[i].anchors) else np.zeros(0)
    return scores


def _qualities(examples: list[Example], groups: np.ndarray, seed: int = 0) -> tuple[float, ...]:
    """Each :data:`GRID` point's cross-validated R@1 + R@5 on these examples (inner grouped 4-fold)."""
    def quality(params: dict) -> float:
        scores = _oof(examples, params, groups, folds=4, seed=seed)
        return recall(examples, scores, 1) + recall(examples, scores, 5)

    return tuple(quality(params) for params in GRID)


def _best(qualities: Sequence[float]) -> dict:
    """The :data:`GRID` point of the highest quality (the first, the smaller model, on a tie)."""
    return GRID[int(np.argmax(qualities))]


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-fold scores per example, the outer fold of each example, each fold's model and hyperparameters."""

    scores: list[np.ndarray]
    folds: np.ndarray
    models: list[Reranker]
    chosen: list[dict]
    qualities: list[tuple[float, ...]]  # each fold's inner cross-validated quality of each GRID point


def cross_validate(examples: list[Example], seed: int = 0, params: dict | None = None) -> CrossValidation:
    """Out-of-fold scores, each fold's hyperparameters chosen by an inner grouped cross-validation, or ``params`` in
    every fold when given (no inner search, no qualities); ``seed``: the first random seed of the boosters' sampling
    (another seed measures how much a figure owes to chance)."""
    from sklearn.model_selection import GroupKFold

    groups = groups_of(examples)
    scores: list[np.ndarray] = [np.zeros(0)] * len(examples)
    folds = np.zeros(len(examples), dtype=int)
    chosen, models, qualities = [], [], []
    for fold, (train, test) in enumerate(GroupKFold(FOLDS).split(np.zeros(len(examples)), groups=groups)):
        part = [examples[i] for i in train]
        if params is None:
            qualities.append(_qualities(part, groups[train], seed))
        chosen.append(params if params is not None else _best(qualities[-1]))
        model = _ensemble(part, chosen[-1], "", {"fold": fold}, seed)
        models.append(model)
        for i in test:
            folds[i] = fold
            scores[i] = model.scores(examples[i].rows)
    return CrossValidation(scores, folds, models, chosen, qualities)


def training_hash(paths: list[Path]) -> str:
    """The sha256 of the question files a model was fitted on."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def final_params(cv: CrossValidation) -> dict:
    """The final model's hyperparameters: the best mean quality over the outer folds' inner cross-validations (20
    fits per grid point). One more 4-fold run on all questions, as before, was noisier: in one refit it chose 200
    trees of 7 leaves, which no outer fold had chosen."""
    return _best(np.mean(cv.qualities, axis=0))


def fit_model(examples: list[Example], paths: list[Path], info: dict, params: dict, seed: int = 0) -> Reranker:
    """The final model: fitted on all questions with ``params`` (:func:`final_params`), seeds from ``seed``."""
    return _ensemble(examples, params, training_hash(paths), info, seed)


def load_sets(paths: list[Path]) -> dict[str, list[EvalQuestion]]:
    """Question sets by file stem (questions, dev-questions …)."""
    return {path.stem: load_questions(path) for path in paths}


def ready_to_collect(searcher: SearcherBase, known: list[Path]) -> None:
    """Set ``searcher`` up as fitting collects: no ranking model (the fused candidates, whatever model is shipped),
    the questions of ``known`` (the team's own sets) as its known questions, and the English model tuned on the team's
    English questions, with the two models tuned on each half of them (:class:`KnownForEach` describes a question
    the full model was tuned on by the half model that never saw it)."""
    searcher.reranker = None
    sets = load_sets(known)
    searcher.known_questions = known_questions(sets, searcher.analyzer.embedders)
    searcher.tuned = searcher.tuned_english()
    halves = team_halves(*question_pairs([q for found in sets.values() for q in found], searcher.clause_english))
    models = [searcher.tuned_english(folder, half) for folder, half in zip(half_folders(halves), halves)]
    # a question of one half is described by the other half's model
    searcher.tuned_cross_fit = {q: models[1 - n] for n, half in enumerate(halves) for q, _ in half}


def half_folders(halves: Sequence[Sequence[tuple[str, str]]]) -> list[Path]:
    """Where the models tuned on each half live: beside the full model, named by the half's pairs, so fitting on
    other sets (the test of ``fit`` on the own set) never overwrites the team's."""
    return [TUNED_DIR.with_name(f"{TUNED_DIR.name}-half-{n}-{pairs_sha256(half)[:12]}")
            for n, half in enumerate(halves, 1)]


def known_questions(sets: dict[str, list[EvalQuestion]], embedders: dict) -> KnownQuestions:
    """The questions of ``sets`` (the team's own) as known questions, embedded by every embedder: the answerable
    ones with their gold clauses, the near-misses with none."""
    pairs = [(q.id, normalize_query(q.question).text, tuple(q.gold) if q.answerable else ())
             for questions in sets.values() for q in questions if q.gold or not q.answerable]
    return KnownQuestions.embed(pairs, embedders)


def describe(examples: list[Example]) -> dict:
    """Counts for the model's info."""
    return {"questions": len(examples), "groups": len(set(groups_of(examples).tolist())),
            "candidates": int(sum(len(e.anchors) for e in examples)),
            "sets": sorted({e.source for e in examples})}


def dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1)


def table(examples: list[Example], columns: dict[str, list[np.ndarray]],
          kind: Callable[[EvalQuestion], str] | None = None,
          candidates: dict[str, list[Example]] | None = None) -> str:
    """Markdown: R@1 / R@5 per question set and language (and all), one column pair per scoring; with ``kind`` (what
    documents a question needs), also per language for the questions on laws only. ``candidates``: by column, the
    examples its scores rank when they are not ``examples``'s (the same questions, other candidates: a leg left
    out)."""
    keys: dict[tuple[str, str], list[int]] = {}
    for i, e in enumerate(examples):
        rows = [(e.source, e.question.lang), (e.source, "all")]
        if kind is not None and kind(e.question) == "law":
            rows.append((e.source, f"{e.question.lang} · law"))
        for key in rows:
            keys.setdefault(key, []).append(i)
    head = "| set | language | n | " + " | ".join(f"{name} R@1 | {name} R@5" for name in columns) + " |"
    lines = [head, "|---|---|---|" + "---|---|" * len(columns)]
    for (source, lang), idx in sorted(keys.items(), key=lambda kv: (kv[0][0], kv[0][1] == "all", kv[0][1])):
        cells = []
        for name, scores in columns.items():
            ranked = (candidates or {}).get(name, examples)
            part, picked = [ranked[i] for i in idx], [scores[i] for i in idx]
            cells.append(f"{recall(part, picked, 1):.3f} | {recall(part, picked, 5):.3f}")
        lines.append(f"| {source} | {lang} | {len(idx)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def fused_order(examples: list[Example]) -> list[np.ndarray]:
    """Scores that keep the fused order (the ranking without a model)."""
    return [-np.arange(len(e.anchors), dtype=float) for e in examples]
