"""``fit``: the ranking model, fitted with grouped cross-validation; its out-of-fold figures into eval/report.md."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from retriever.cli.common import index_config
from retriever.config import DEFAULT_QUESTIONS, DEV_QUESTIONS, RANKER_PATH
from retriever.evaluation.fit import collect, cross_validate, describe, fit_model, fused_order, load_sets, recall, table
from retriever.evaluation.report import write_report_section
from retriever.ingest.corpus import Corpus
from retriever.search.embedded import EmbeddedSearcher
from retriever.types import Leg

__all__ = ["register"]


def _ablation(searcher: EmbeddedSearcher, sets: dict, examples: list) -> list[str]:
    """Each leg's out-of-fold value (the figures without it) beside its cost."""
    manifest = searcher.index.manifest
    built = manifest["build_seconds"]["embed"]
    full = cross_validate(examples)[0]
    base = (recall(examples, full, 1), recall(examples, full, 5))
    lines = ["| without | R@1 OOF | R@5 OOF | Δ R@1 | Δ R@5 | build s | query ms |", "|---|---|---|---|---|---|---|",
             f"| (all legs) | {base[0]:.3f} | {base[1]:.3f} | | | | |"]
    legs = list(searcher._legs)
    for leg in [*legs, "translations"]:
        started = time.perf_counter()
        if leg == "translations":
            keep, translator = legs, searcher.translator
            searcher.__dict__["translator"] = None
        else:
            keep, searcher._legs = legs, [x for x in legs if x != leg]
        try:
            without = collect(searcher, sets)
        finally:
            searcher._legs = keep
            if leg == "translations":
                searcher.__dict__["translator"] = translator
        seconds = time.perf_counter() - started
        scores = cross_validate(without)[0]
        r1, r5 = recall(without, scores, 1), recall(without, scores, 5)
        cost = built.get(leg.vector_key, "") if isinstance(leg, Leg) and not leg.lexical else ""
        lines.append(f"| {leg} | {r1:.3f} | {r5:.3f} | {r1 - base[0]:+.3f} | {r5 - base[1]:+.3f} | {cost} | "
                     f"{seconds / max(len(without), 1) * 1000:.0f} (search without it) |")
    return lines


def _fit(corpus: Corpus, args: argparse.Namespace) -> None:
    paths = [p for p in args.questions if p.exists()]
    missing = [str(p) for p in args.questions if not p.exists()]
    searcher = EmbeddedSearcher.open(index_config(args), corpus=corpus)
    searcher.reranker = None  # the candidates are the fused ones, whatever model is shipped
    sets = load_sets(paths)
    examples = collect(searcher, sets)
    oof, chosen = cross_validate(examples)
    model = fit_model(examples, paths, describe(examples) | {"files": [p.name for p in paths],
                                                          "embedders": sorted(searcher.analyzer.embedders)})
    inside = [model.scores(e.rows) for e in examples]
    body = [f"## Ranking model (`python -m retriever fit`, {len(examples)} answerable questions of "
            f"{', '.join(p.name for p in paths)}, every document searched)", "",
            "LambdaMART (LightGBM) over the fused top 30 candidates; groups of questions sharing a gold clause never "
            "split between folds; hyperparameters chosen by an inner 4-fold cross-validation in each of 5 outer "
            f"folds (chosen: {', '.join(str(c) for c in chosen)}). Out-of-fold is the honest figure; in-sample is the "
            "final model on the questions it was fitted on; fused is the ranking without a model.", "",
            table(examples, {"fused": fused_order(examples), "out-of-fold": oof, "in-sample": inside}), ""]
    if missing:
        body.append(f"Question files not found (not used): {', '.join(missing)}.\n")
    if args.legs:
        body += ["### What each leg is worth (out-of-fold, the model refitted without it)", "",
                 *_ablation(searcher, sets, examples), ""]
    print("\n".join(body))
    if not args.no_save:
        model.save(args.model)
        print(f"saved {args.model} (sha256 {model.sha256[:12]}, training data {model.training_sha256[:12]})")
    if not args.no_report:
        write_report_section("ranking-model", "\n".join(body))


def register(sub: argparse._SubParsersAction) -> None:
    fit = sub.add_parser("fit", help="fit the ranking model (grouped cross-validation); figures into eval/report.md")
    fit.add_argument("--questions", type=Path, nargs="+", default=[DEFAULT_QUESTIONS, DEV_QUESTIONS],
                     help="question sets to fit on (default: eval/questions.jsonl and ../shared/eval/dev-questions.jsonl)")
    fit.add_argument("--model", type=Path, default=RANKER_PATH, help="where to save it (default: the shipped model)")
    fit.add_argument("--legs", action="store_true", help="also each leg's value: refit without it (slower)")
    fit.add_argument("--no-save", action="store_true")
    fit.add_argument("--no-report", action="store_true")
    fit.add_argument("--index", type=Path)
    fit.set_defaults(func=_fit)
