"""Ranking variants in minutes: every question's candidates and features collected once, the ranking model refitted
out-of-fold on them with fixed hyperparameters.

``PYTHONHASHSEED=0 python benchmarks/ranking_variants.py collect OUT [--without LEG]``
    the candidates and features of every answerable question of the team's sets, the dev set and the probe set, as
    this working tree's code and index give them (no model: the fused candidates, as ``fit`` collects them), written
    to OUT.npz (plain arrays) and OUT.json (the questions and their candidates' anchors); about 6 minutes. With
    ``--without``, one leg (``dense:en:use``, ``bm25``…) or the dictionary ``translations`` left out of the search and
    its features zero: ``compare`` then tells by set, language, document kind and seed what the leg is worth.
``PYTHONHASHSEED=0 python benchmarks/ranking_variants.py compare A [B …] [--seeds 0 5] [--drop FEATURE …]``
    for each collection and seed, R@1 / R@5 by set, language and document kind: the team's sets and the dev set
    out-of-fold (grouped 5-fold, as ``fit``), the probe set scored by a model fitted on all of them; about 4 minutes a
    seed.

A full ``python -m retriever fit`` takes about 25 minutes here (an inner hyperparameter search in every fold, then
the answer model). A change to a feature, a leg or the tokenizer is judged here first: collect with the code before
and with the code after (an index the change needs is built by ``index update`` in a scratch folder:
``RETRIEVER_INDEX_DIR``, with ``RETRIEVER_EMBED_STORE`` at the project's embeddings so nothing is re-embedded), then
compare; ``--drop`` measures what a feature is worth without collecting again. Differences of one or two questions
move with the seed: compare at two seeds at least. Needs ``../shared/eval/dev-questions.jsonl``. Figures are
printed, never asserted.

``PYTHONHASHSEED=0 python benchmarks/ranking_variants.py legs [--write-report]``
    what each leg is worth (``fit --legs``'s table: out-of-fold R@1 / R@5 of every question set with the leg left out
    of the candidates and features, the search time it adds, what embedding 100 clauses costs), at the fixed
    hyperparameters below instead of an inner search in every fold: one collection per leg, about 50 minutes here.
"""

from __future__ import annotations

import argparse
import json
from contextlib import nullcontext
from pathlib import Path

import numpy as np

from retriever.cli.fit import leg_left_out, leg_values
from retriever.config import (DEFAULT_QUESTIONS, DEV_QUESTIONS, PROBE_QUESTIONS, QUESTION_SETS, TRAIN_QUESTIONS,
                              IndexConfig, fixed_hashing)
from retriever.evaluation.fit import (FOLDS, Example, collect, cross_validate, fit_model, load_sets,
                                      ready_to_collect, table)
from retriever.evaluation.report import write_report_section
from retriever.evaluation.retrieval import EvalQuestion, document_kind
from retriever.ingest.corpus import Corpus
from retriever.search.embedded import EmbeddedSearcher
from retriever.search.rerank import FEATURES

HELD_OUT = PROBE_QUESTIONS.stem
PARAMS = {"n_estimators": 800, "num_leaves": 4}
"""Fixed so that variants are compared at the same capacity: the hyperparameters four of the five outer folds chose
in the stop-31 fit (the fifth chose 200 trees of 7 leaves), and the final model's."""


def collect_to(out: Path, without: str | None = None) -> None:
    """Write OUT.npz and OUT.json: the fused candidates and features of every answerable question (``without``: one
    leg's name or ``translations``, left out)."""
    searcher = EmbeddedSearcher.open(IndexConfig(), rebuild="stale")
    ready_to_collect(searcher, [DEFAULT_QUESTIONS, TRAIN_QUESTIONS])
    with leg_left_out(searcher, without) if without else nullcontext():
        examples = collect(searcher, load_sets(list(QUESTION_SETS)))
    meta = {"features": list(FEATURES), "without": without,
            "examples": [{"source": e.source, "id": e.question.id, "lang": e.question.lang,
                          "question": e.question.question, "gold": list(e.question.gold), "anchors": e.anchors}
                         for e in examples]}
    Path(f"{out}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    np.savez(Path(f"{out}.npz"), rows=np.vstack([e.rows for e in examples]),
             labels=np.concatenate([e.labels for e in examples]), sizes=np.array([len(e.anchors) for e in examples]))
    print(f"{len(examples)} questions, {sum(len(e.anchors) for e in examples)} candidates → {out}.npz / .json")


def load_collection(base: Path, drop: list[str]) -> list[Example]:
    """A collection's examples, without the ``drop`` features' columns."""
    meta = json.loads(Path(f"{base}.json").read_text(encoding="utf-8"))
    with np.load(Path(f"{base}.npz"), allow_pickle=False) as arrays:
        rows, labels, sizes = arrays["rows"], arrays["labels"], arrays["sizes"]
    unknown = sorted(set(drop) - set(meta["features"]))
    if unknown:
        raise SystemExit(f"{base}: no features {unknown}; it has {meta['features']}")
    keep = [i for i, name in enumerate(meta["features"]) if name not in drop]
    starts = np.concatenate([[0], np.cumsum(sizes)])
    return [Example(EvalQuestion(m["id"], m["lang"], m["question"], tuple(m["gold"]), True), m["source"],
                    m["anchors"], rows[starts[i]:starts[i + 1]][:, keep], labels[starts[i]:starts[i + 1]])
            for i, m in enumerate(meta["examples"])]


def scores_of(examples: list[Example], seed: int) -> list[np.ndarray]:
    """Out-of-fold scores of the fitted sets; the held-out set's from a model fitted on all of them."""
    fitted = [e for e in examples if e.source != HELD_OUT]
    oof = iter(cross_validate(fitted, seed, PARAMS).scores)
    model = fit_model(fitted, [], {}, PARAMS, seed)
    return [model.scores(e.rows) if e.source == HELD_OUT else next(oof) for e in examples]


def compare(bases: list[Path], seeds: list[int], drop: list[str]) -> None:
    """One table: a column pair per collection and seed."""
    corpus = Corpus.load()
    collections = {base.name: load_collection(base, drop) for base in bases}
    first = next(iter(collections.values()))
    if any([(e.source, e.question.id) for e in c] != [(e.source, e.question.id) for e in first]
           for c in collections.values()):
        raise SystemExit("the collections hold other questions: collect them from the same question files")
    columns = {f"{name} s{seed}": scores_of(examples, seed) for name, examples in collections.items()
               for seed in seeds}
    ranked = {f"{name} s{seed}": examples for name, examples in collections.items() for seed in seeds}
    print(f"Fixed hyperparameters {PARAMS}; {HELD_OUT} scored by a model fitted on the other sets"
          + (f"; features dropped: {', '.join(drop)}" if drop else "") + "\n")
    print(table(first, columns, kind=lambda q: document_kind(q, corpus), candidates=ranked))


def legs(write: bool) -> None:
    """Print (and with ``write``, put in eval/report.md) what each leg is worth at :data:`PARAMS`."""
    fixed_hashing()
    searcher = EmbeddedSearcher.open(IndexConfig(), rebuild="stale")
    ready_to_collect(searcher, [DEFAULT_QUESTIONS, TRAIN_QUESTIONS, PROBE_QUESTIONS])  # fit's known questions
    sets = load_sets(list(QUESTION_SETS))
    examples = collect(searcher, sets)
    body = [f"## What each leg is worth (`PYTHONHASHSEED=0 python benchmarks/ranking_variants.py legs`, "
            f"{len(examples)} answerable questions of every set)", "",
            f"Out-of-fold (grouped {FOLDS}-fold) R@1 and R@5 over all of them with every leg, then with each left out "
            f"of the candidates and the features, the ranking refitted at fixed hyperparameters ({PARAMS}); the search "
            "time a leg adds per question (collection time, all legs against without it); for a dense leg, seconds "
            "to embed 100 clauses (a build's cost).", "", *leg_values(searcher, sets, examples, PARAMS)]
    print("\n".join(body))
    if write:
        write_report_section("leg-values", "\n".join(body))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    col = sub.add_parser("collect")
    col.add_argument("out", type=Path)
    col.add_argument("--without", help="a leg's name (dense:en:use, bm25, …) or 'translations', left out")
    cmp = sub.add_parser("compare")
    cmp.add_argument("bases", type=Path, nargs="+")
    cmp.add_argument("--seeds", type=int, nargs="+", default=[0, 5])
    cmp.add_argument("--drop", nargs="*", default=[])
    sub.add_parser("legs").add_argument("--write-report", action="store_true")
    args = parser.parse_args()
    if not DEV_QUESTIONS.exists():
        raise SystemExit(f"needs the dev set: {DEV_QUESTIONS} not found")
    if args.command == "collect":
        collect_to(args.out, args.without)
    elif args.command == "legs":
        legs(args.write_report)
    else:
        compare(args.bases, args.seeds, args.drop)


if __name__ == "__main__":
    main()
