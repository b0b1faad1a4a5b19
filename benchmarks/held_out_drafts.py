"""Drafts of models that never saw their questions, for the benchmarks that compare decision rules
(``threshold_rules.py``, ``decision_variants.py``): the ranking and the sentence weights fitted on the team's sets
only (``eval/questions.jsonl``, ``eval/train-questions.jsonl``), as ``benchmarks/held_out.py`` fitted them until
stop 52 (it now adds the probe set, which these benchmarks keep out to report it), nothing saved to the project; and
what both read of the drafts they dump (the shipped threshold rule, eval's figures)."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

from retriever.answer.decision import choose_threshold
from retriever.config import DEFAULT_QUESTIONS, TRAIN_QUESTIONS, IndexConfig, fixed_hashing
from retriever.evaluation.answer_fit import Case, draft_cases, fit_sentence_weights
from retriever.evaluation.fit import (CrossValidation, collect, cross_validate, describe, final_params, fit_model,
                                      load_sets, ready_to_collect)
from retriever.evaluation.retrieval import EvalQuestion
from retriever.ingest.corpus import Corpus
from retriever.search.embedded import EmbeddedSearcher


def held_out_drafts(held: dict[str, list[EvalQuestion]], seeds: list[int]
                    ) -> Iterator[tuple[int, list[Case], list[Case], tuple[float, ...] | None]]:
    """Per seed of the boosters: the training questions' drafts by the ranking's out-of-fold models, the ``held``
    questions' drafts by the final ranking model (fitted on every training question, never on them), and the fitted
    sentence weights both were drafted with."""
    fixed_hashing()
    config = IndexConfig()
    searcher = EmbeddedSearcher.open(config, corpus=Corpus.load(config.corpus_dir), rebuild="stale")
    paths = [DEFAULT_QUESTIONS, TRAIN_QUESTIONS]
    sets = load_sets(paths)
    ready_to_collect(searcher, paths)
    examples = collect(searcher, sets)
    for seed in seeds:
        cv = cross_validate(examples, seed)
        ranker = fit_model(examples, paths, describe(examples) | {"embedders": sorted(searcher.analyzer.embedders)},
                           final_params(cv), seed)
        weights, _ = fit_sentence_weights(draft_cases(searcher, sets, examples, cv))
        final = CrossValidation([], np.zeros(0, dtype=int), [ranker] * len(cv.models), [], [])
        training = draft_cases(searcher, sets, examples, cv, weights)
        yield seed, training, draft_cases(searcher, held, [], final, weights), weights


def shipped_threshold(rows: list[dict], probabilities: np.ndarray) -> float:
    """The shipped rule (:func:`~retriever.answer.decision.choose_threshold`, every question set weighing the same)
    on dumped drafts and their probabilities."""
    sizes = Counter(r["source"] for r in rows)
    return choose_threshold(probabilities, np.array([r["correct"] for r in rows]),
                            np.array([r["answerable"] for r in rows]), np.array([1 / sizes[r["source"]] for r in rows]))


def eval_figures(rows: list[dict], answered: Sequence[bool]) -> str:
    """eval's figures of dumped drafts, given which are answered: answered citing gold (Chinese, English/mixed),
    unanswerables refused, quoted sentences citing gold (Chinese, English/mixed), as Markdown cells."""
    pairs = list(zip(rows, answered))

    def count(english: bool) -> str:
        part = [a and r["correct"] for r, a in pairs if r["answerable"] and r["english"] == english]
        return f"{sum(part)}/{len(part)}"

    def precision(english: bool) -> str:
        quoted = [x in r["gold"] for r, a in pairs if a and r["english"] == english for x in r["cited"]]
        return f"{sum(quoted) / max(len(quoted), 1):.3f}"

    refused = [not a for r, a in pairs if not r["answerable"]]
    return f"{count(False)} | {count(True)} | {sum(refused)}/{len(refused)} | {precision(False)} | {precision(True)}"


def command_line(doc: str, collect_drafts: Callable[[Path, list[int]], None],
                 compare: Callable[[Path, list[int]], None]) -> None:
    """The two commands of such a benchmark: ``collect OUT --seeds …`` then ``compare OUT --seeds …``."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("command", choices=["collect", "compare"])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 5])
    args = parser.parse_args()
    (collect_drafts if args.command == "collect" else compare)(args.out, args.seeds)
