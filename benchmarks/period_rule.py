"""What the Five-Year Plan period rule does: gold ranks of the questions naming a period, without and with it.

``python benchmarks/period_rule.py [SET ...]`` (default: the own, training, dev and probe sets; the dev set needs
``../shared``). A question asking of one plan's period (十三五期间, the 13th Five-Year Plan) gets the clauses that speak
of it first (``_period_asked_first`` in ``retriever/search/base.py``); without the rule the order is the ranking
model's score alone, which every hit carries (``explain.rerank``). Set ``RETRIEVER_RANKER`` and the other model
variables to read held-out models. Prints, per set: the answerable questions naming a period, R@1 and R@5 without and
with the rule, each question whose gold rank moved, and any gold clause the rule would mark as of another period.
"""

from __future__ import annotations

import sys
from pathlib import Path

from retriever.analysis.normalize import normalize_query
from retriever.config import QUESTION_SETS, models_offline
from retriever.evaluation.retrieval import load_questions
from retriever.types import plan_period_years

DEPTH = 30  # the ranking model's depth: the rule reorders what it reordered


def gold_rank(anchors: list[str], gold: set[str]) -> int | None:
    return next((i for i, a in enumerate(anchors, 1) if a in gold), None)


def main() -> None:
    models_offline()
    from retriever.search.open import open_searcher

    searcher = open_searcher()
    paths = [Path(p) for p in sys.argv[1:]] or [p for p in QUESTION_SETS if p.exists()]
    for path in paths:
        counts = {"n": 0, "R@1 without": 0, "R@1 with": 0, "R@5 without": 0, "R@5 with": 0}
        for q in load_questions(path):
            asked = plan_period_years(normalize_query(q.question).text)
            if not q.answerable or not asked:
                continue
            hits = searcher.search(q.question, k=DEPTH).hits
            if hits and "rerank" not in hits[0].explain:
                sys.exit("no ranking model is loaded: the order without the rule is its score (fit it first)")
            by_score = sorted(hits, key=lambda h: (-h.explain["rerank"]["score"], h.explain["rerank"]["fused_rank"]))
            gold = set(q.gold)
            before, after = gold_rank([h.anchor for h in by_score], gold), gold_rank([h.anchor for h in hits], gold)
            other = [g for g in gold if not searcher.speaks_of_period(g, asked)]
            counts["n"] += 1
            for name, rank in (("without", before), ("with", after)):
                counts[f"R@1 {name}"] += rank == 1
                counts[f"R@5 {name}"] += rank is not None and rank <= 5
            if before != after or other:
                print(f"  {q.id}: gold rank {before} -> {after}" + (f"; gold of another period: {other}" if other else ""))
        print(f"{path.name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
