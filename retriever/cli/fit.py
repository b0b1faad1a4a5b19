"""``fit``: the ranking and answer-or-refuse models, fitted with grouped cross-validation; their out-of-fold figures
into eval/report.md."""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np

from retriever.answer.decision import SIGNALS, TARGET_PRECISION, TARGET_REFUSALS
from retriever.answer.extractive import DEFAULT_THRESHOLDS, hand_evidence
from retriever.cli.common import index_config
from retriever.config import (
    ANSWER_MODEL_PATH,
    DEFAULT_QUESTIONS,
    DEV_QUESTIONS,
    PROBE_QUESTIONS,
    RANKER_PATH,
    TRAIN_QUESTIONS,
    fixed_hashing,
)
from retriever.evaluation.answer_fit import (
    answer_table,
    decide_out_of_fold,
    draft_cases,
    fit_answer_model,
    fit_sentence_weights,
)
from retriever.evaluation.fit import (
    FOLDS,
    collect,
    cross_validate,
    describe,
    final_params,
    fit_model,
    fused_order,
    load_sets,
    ready_to_collect,
    recall,
    table,
)
from retriever.evaluation.report import write_report_section
from retriever.evaluation.retrieval import document_kind
from retriever.ingest.corpus import Corpus
from retriever.search.embedded import EmbeddedSearcher
from retriever.search.known_questions import known_path

__all__ = ["register", "leg_values", "leg_left_out", "TRANSLATIONS"]


def _embedding_cost(searcher: EmbeddedSearcher, name: str, sample: int = 100) -> str:
    """Seconds to embed ``sample`` clauses afresh (what a build pays per 100 clauses) for the dense leg ``name``."""
    leg = next((leg for leg in searcher._legs if leg.name == name), None)
    if leg is None or leg.lexical:
        return ""
    records = list(searcher.records())[:sample]
    texts = [r.text_en or r.text if leg.english else r.text for r in records]
    started = time.perf_counter()
    searcher.analyzer.embedders[leg.embedder].encode_passages(texts)
    return f"{time.perf_counter() - started:.1f}"


TRANSLATIONS = "translations"
"""The name :func:`leg_left_out` gives the dictionary translations of an English question's words (not a leg of their
own: they widen the Chinese BM25 leg's query and feed the ``cov_trans`` features)."""


@contextmanager
def leg_left_out(searcher: EmbeddedSearcher, name: str) -> Iterator[None]:
    """``searcher`` without one leg (by :attr:`~retriever.types.Leg.name`: ``bm25``, ``dense:en:use``) or without
    :data:`TRANSLATIONS`, for measuring what it is worth; everything restored on leaving."""
    legs = list(searcher._legs)
    if name != TRANSLATIONS and name not in {leg.name for leg in legs}:
        raise ValueError(f"no leg {name!r}: the searcher has {[leg.name for leg in legs]} and {TRANSLATIONS!r}")
    translator = searcher.translator
    if name == TRANSLATIONS:
        searcher.__dict__["translator"] = None  # a cached property: this instance's value
    else:
        searcher._legs = [leg for leg in legs if leg.name != name]
    try:
        yield
    finally:
        searcher._legs = legs
        searcher.__dict__["translator"] = translator


def leg_values(searcher: EmbeddedSearcher, sets: dict, examples: list, params: dict | None = None) -> list[str]:
    """Each leg's out-of-fold value (the figures without it) beside its cost: the search time it adds per question
    and, for a dense leg, what embedding 100 clauses costs a build (a table's lines); ``params``: fixed
    hyperparameters in every fold instead of an inner search (:func:`~retriever.evaluation.fit.cross_validate`)."""
    started = time.perf_counter()
    collect(searcher, sets)
    with_all = (time.perf_counter() - started) / max(len(examples), 1) * 1000
    full = cross_validate(examples, params=params).scores
    base = (recall(examples, full, 1), recall(examples, full, 5))
    lines = ["| without | R@1 OOF | R@5 OOF | Δ R@1 | Δ R@5 | search ms it adds per question | "
             "embed s per 100 clauses |", "|---|---|---|---|---|---|---|",
             f"| (all legs: {with_all:.0f} ms per question) | {base[0]:.3f} | {base[1]:.3f} | | | | |"]
    for name in [*(leg.name for leg in searcher._legs), TRANSLATIONS]:
        started = time.perf_counter()
        with leg_left_out(searcher, name):
            without = collect(searcher, sets)
        adds = with_all - (time.perf_counter() - started) / max(len(without), 1) * 1000
        scores = cross_validate(without, params=params).scores
        r1, r5 = recall(without, scores, 1), recall(without, scores, 5)
        lines.append(f"| {name} | {r1:.3f} | {r5:.3f} | {r1 - base[0]:+.3f} | {r5 - base[1]:+.3f} | {adds:.1f} | "
                     f"{_embedding_cost(searcher, name)} |")
    return lines


def _fit(corpus: Corpus, args: argparse.Namespace) -> None:
    fixed_hashing()  # the same questions give the same models
    paths = [p for p in args.questions if p.exists()]
    missing = [str(p) for p in args.questions if not p.exists()]
    searcher = EmbeddedSearcher.open(index_config(args), corpus=corpus, rebuild="stale")  # a refit ranker stales it
    sets = load_sets(paths)
    known_files = [p for p in args.known if p.exists()]
    ready_to_collect(searcher, known_files)
    examples = collect(searcher, sets)
    cv = cross_validate(examples, args.seed)
    oof, chosen = cv.scores, cv.chosen
    model = fit_model(examples, paths, describe(examples) | {"files": [p.name for p in paths],
                                                          "embedders": sorted(searcher.analyzer.embedders),
                                                          "known_files": [p.name for p in known_files],
                                                          "tuned_english": searcher.tuned.record},
                      final_params(cv), args.seed)
    inside = [model.scores(e.rows) for e in examples]
    body = [f"## Ranking model (`python -m retriever fit`, {len(examples)} answerable questions of "
            f"{', '.join(p.name for p in paths)}, every document searched)", "",
            "LambdaMART (LightGBM) over the fused top 30 candidates; groups of questions sharing a gold clause never "
            "split between folds; hyperparameters chosen by an inner 4-fold cross-validation in each of 5 outer "
            f"folds (chosen: {', '.join(str(c) for c in chosen)}); the final model's, {model.info['params']}, have the "
            "best mean inner quality over the folds. Out-of-fold is the honest figure; in-sample is the final model on "
            "the questions it was fitted on; fused is the ranking without a model.", "",
            table(examples, {"fused": fused_order(examples), "out-of-fold": oof, "in-sample": inside},
                  kind=lambda q: document_kind(q, corpus)), ""]
    if missing:
        body.append(f"Question files not found (not used): {', '.join(missing)}.\n")
    if args.legs:
        body += ["### What each leg is worth (out-of-fold, the model refitted without it)", "",
                 *leg_values(searcher, sets, examples), ""]
    print("\n".join(body))
    decision, decision_body = _fit_decision(searcher, sets, examples, cv, model, paths)
    print("\n".join(decision_body))
    if not args.no_save:
        sha = searcher.known_questions.save(known_path(args.model))
        model = replace(model, info=model.info | {"known_sha256": sha}, known=searcher.known_questions)
        model.save(args.model)
        print(f"saved {args.model} (sha256 {model.sha256[:12]}, training data {model.training_sha256[:12]})")
        decision.save(args.answer_model)
        print(f"saved {args.answer_model} (threshold {decision.threshold:.3f}); the index manifest records the "
              "ranking model: bring it up to date with `python -m retriever index update`")
    if not args.no_report:
        write_report_section("ranking-model", "\n".join(body))
        write_report_section("answer-model", "\n".join(decision_body))


def _fit_decision(searcher: EmbeddedSearcher, sets: dict, examples: list, cv, ranker, paths: list[Path]):
    """The answer-or-refuse model: drafts with out-of-fold rankings, its own grouped cross-validation."""
    first = draft_cases(searcher, sets, examples, cv)  # sentences scored by hand, to fit their weights on
    sentence_weights, sentence_lines = fit_sentence_weights(first)
    cases = draft_cases(searcher, sets, examples, cv, sentence_weights)  # drafted as the answerer will
    probabilities, oof, thresholds = decide_out_of_fold(cases)
    decision = fit_answer_model(cases, probabilities, ranker.training_sha256,
                                {"embedders": ranker.info["embedders"], "cases": len(cases),
                                 "files": [p.name for p in paths]}, sentence_weights)
    by_rule = np.array([c.by_rule for c in cases])
    inside = np.array([decision.probability(c.signals) >= decision.threshold for c in cases]) & ~by_rule
    hand = np.array([hand_evidence(c.signals) >= DEFAULT_THRESHOLDS["en" if c.english else "zh"]
                     for c in cases]) & ~by_rule
    body = [f"## Answer or refuse (`python -m retriever fit`, {len(cases)} questions, answerable and not)", "",
            "Each question drafted with a ranking model that never saw it (the out-of-fold models above); a logistic "
            f"regression over {', '.join(SIGNALS)} predicts whether the draft cites a gold clause. Out-of-fold: "
            f"grouped {FOLDS}-fold, each fold's threshold chosen by an inner cross-validation for a precision of "
            f"{TARGET_PRECISION:.2f} and {TARGET_REFUSALS:.2f} of the unanswerable questions refused, every question "
            f"set weighing the same (thresholds {', '.join(f'{t:.3f}' for t in thresholds)}); in-sample: the final "
            f"model (threshold {decision.threshold:.3f}) on the drafts it was fitted on; hand thresholds: the "
            "evidence rule it replaces. Figure and province rules apply in every row.", "",
            answer_table(cases, {"out-of-fold": oof, "in-sample": inside, "hand thresholds": hand}), "",
            "Weights (standardised signals): " + ", ".join(f"{n} {w:+.2f}" for n, w in zip(SIGNALS, decision.weights)),
            "", *sentence_lines, ""]
    return decision, body


def _seed(text: str) -> int:
    """A random seed: a whole number from 0 (argparse shows the message on anything else)."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"a seed is a whole number from 0, not {text!r} 随机种子须为非负整数")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    fit = sub.add_parser("fit", help="fit the ranking and answer models (grouped cross-validation); "
                                           "figures into eval/report.md")
    fit.add_argument("--questions", type=Path, nargs="+",
                     default=[DEFAULT_QUESTIONS, TRAIN_QUESTIONS, PROBE_QUESTIONS, DEV_QUESTIONS],
                     help="question sets to fit on (default: eval/questions.jsonl, eval/train-questions.jsonl, "
                          "eval/probe-questions.jsonl and ../shared/eval/dev-questions.jsonl)")
    fit.add_argument("--known", type=Path, nargs="*", default=[DEFAULT_QUESTIONS, TRAIN_QUESTIONS, PROBE_QUESTIONS],
                     help="the team's own question sets the model keeps as known questions, a ranking feature "
                          "(default: eval/questions.jsonl, eval/train-questions.jsonl and eval/probe-questions.jsonl; "
                          "never the dev set)")
    fit.add_argument("--model", type=Path, default=RANKER_PATH, help="where to save it (default: the shipped model)")
    fit.add_argument("--answer-model", type=Path, default=ANSWER_MODEL_PATH,
                     help="where to save the answer-or-refuse model (default: the shipped one)")
    fit.add_argument("--legs", action="store_true", help="also each leg's value: refit without it (slower)")
    fit.add_argument("--seed", type=_seed, default=0, help="first random seed of the boosters (default 0, as shipped): "
                     "another seed shows how much a figure owes to chance")
    fit.add_argument("--no-save", action="store_true")
    fit.add_argument("--no-report", action="store_true")
    fit.add_argument("--index", type=Path)
    fit.set_defaults(func=_fit)
