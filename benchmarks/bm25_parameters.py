"""What BM25's k1 and b do to each lexical leg alone: the measurement behind ``IndexConfig.k1`` and ``IndexConfig.b``.

``PYTHONHASHSEED=0 python benchmarks/bm25_parameters.py [K1,B …]`` (default grid: 1.2,0.5 1.2,0.75 1.2,0.9 0.9,0.5
1.6,0.5; needs ``../shared/eval/dev-questions.jsonl``; about 3 minutes)

Every answerable question of the team's sets, the dev set and the probe set is analysed once as the searcher analyses
it (its Chinese tokens with the dictionary translations of its English words, its English words); then for each
(k1, b) the two lexical legs are rebuilt in memory from the index's own token lists and each leg ranks every clause of
every document alone. Printed: each leg's R@5 and MRR@10 by question set and by the kind of document the gold clauses
belong to (the laws' articles are short, the plan's paragraphs run from 40 to 1,500 characters, so b trades one
against the other). A leg's figures are an input of the ranking model, not the product's: a setting that moves them
is then judged after the model with ``benchmarks/ranking_variants.py``. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Sequence

import bm25s
import numpy as np

from retriever.analysis.fields import clause_fields
from retriever.config import DEV_QUESTIONS, QUESTION_SETS, IndexConfig
from retriever.english.reference import english_by_anchor
from retriever.evaluation.fit import load_sets
from retriever.evaluation.retrieval import document_kind
from retriever.search.embedded import EmbeddedSearcher
from retriever.search.synonyms import bm25_idf, query_scores
from retriever.types import Leg, Mode

GRID = ["1.2,0.5", "1.2,0.75", "1.2,0.9", "0.9,0.5", "1.6,0.5"]
LEGS = (Leg.bm25(), Leg.bm25(english=True))
MISSED = 10_000  # the rank of a gold clause a leg does not score at all


def gold_rank(scores: np.ndarray, gold: set[int]) -> int:
    """The best rank of a gold clause (ties broken by position, as the searcher breaks them)."""
    order = np.lexsort((np.arange(len(scores)), -scores))
    return next((rank for rank, row in enumerate(order, 1) if row in gold and scores[row] > 0), MISSED)


def measure(grid: Sequence[tuple[float, float]]) -> None:
    """Print each leg's R@5 / MRR@10 per set and document kind, for every (k1, b) of ``grid``."""
    config = IndexConfig()
    searcher = EmbeddedSearcher.open(config, rebuild="stale")
    documents = list(searcher.corpus.documents.values())
    fields = clause_fields(documents, searcher.analyzer.tokenizer, english_by_anchor(documents))
    rows = {record.anchor: i for i, record in enumerate(searcher.index.clauses)}
    tokens = {leg: [f.tokens_en if leg.english else f.tokens for f in fields] for leg in LEGS}
    questions = [(name, q, searcher.analyzer.analyze(q.question, Mode.BM25, searcher.translator))
                 for name, items in load_sets(list(QUESTION_SETS)).items() for q in items if q.answerable]
    idf_of = bm25_idf(config.bm25_method)
    table: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    counts: dict[tuple[str, str, str], int] = {}
    for k1, b in grid:
        ranks: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        engines = {}
        for leg in LEGS:
            engines[leg] = bm25s.BM25(method=config.bm25_method, k1=k1, b=b)
            engines[leg].index(tokens[leg], show_progress=False)
        for name, question, analyzed in questions:
            gold = {rows[a] for a in question.gold if a in rows}
            for leg in analyzed.legs(LEGS):  # the legs the searcher runs for this question
                tokens, sets = analyzed.lexical_query(leg)
                scores = query_scores(engines[leg], tokens, [s.zh for s in sets], idf_of, len(fields))
                rank = gold_rank(scores, gold)
                for kind in ("all", document_kind(question, searcher.corpus)):
                    ranks[(leg.name, name, kind)].append(rank)
        for key, found in ranks.items():
            r = np.array(found)
            counts[key] = len(r)
            table[key].append(f"{(r <= 5).mean():.3f} / {np.where(r <= 10, 1 / r, 0).mean():.3f}")
        print(f"k1={k1} b={b}: {len(questions)} questions ranked by each leg", flush=True)
    heads = " | ".join(f"k1={k1} b={b}" for k1, b in grid)
    print(f"\nR@5 / MRR@10 of each lexical leg alone, every document searched\n\n| leg | set | documents | n | {heads} |")
    print("|---|---|---|---|" + "---|" * len(grid))
    for key in sorted(table):
        print(f"| {' | '.join(key)} | {counts[key]} | {' | '.join(table[key])} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("grid", nargs="*", default=GRID, help="k1,b pairs (default: %(default)s)")
    args = parser.parse_args()
    try:
        grid = [(float(k1), float(b)) for k1, b in (pair.split(",") for pair in args.grid)]
    except ValueError:
        raise SystemExit(f"each grid point is K1,B (two numbers), not {args.grid}") from None
    if not DEV_QUESTIONS.exists():
        raise SystemExit(f"needs the dev set: {DEV_QUESTIONS} not found")
    measure(grid)


if __name__ == "__main__":
    main()
