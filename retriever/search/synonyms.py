"""A synonym set scored as one BM25 term (Pirkola's structured query), over any engine with ``get_scores``.

The set's document frequency is that of the union of its members, and its term-frequency component in a clause is
its best member's: a clause gets one term's worth of evidence however many renderings of the English word it holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = ["bm25_idf", "synonym_set_scores", "query_scores"]


def bm25_idf(method: str) -> Callable[..., float]:
    """bm25s's own idf formula for a BM25 variant (``idf(df, N=...)``)."""
    from bm25s.scoring import _select_idf_scorer

    return _select_idf_scorer(method)


def synonym_set_scores(engine: Any, members: Sequence[str], idf_of: Callable[..., float]) -> np.ndarray:
    """Per clause, the BM25 score of the set ``members`` as one term: idf(union) × max over members of tf part."""
    columns = [np.asarray(engine.get_scores([m]), dtype=np.float64) for m in members]
    n = len(columns[0]) if columns else 0
    best = np.zeros(n)
    present = np.zeros(n, dtype=bool)
    for column in columns:
        hit = column > 0
        df = int(hit.sum())
        if not df:
            continue
        best = np.maximum(best, column / idf_of(df, N=n))  # the member's tf component
        present |= hit
    union = int(present.sum())
    return (best * idf_of(union, N=n)).astype(np.float32) if union else np.zeros(n, dtype=np.float32)


def query_scores(engine: Any, tokens: Sequence[str], sets: Sequence[Sequence[str]], idf_of: Callable[..., float],
                 size: int) -> np.ndarray:
    """Per clause (``size`` of them), the BM25 score of a question: its plain ``tokens``, and each of ``sets`` as one
    term (:func:`synonym_set_scores`)."""
    scores = engine.get_scores(list(tokens)) if tokens else np.zeros(size, dtype=np.float32)
    for members in sets:
        scores = scores + synonym_set_scores(engine, members, idf_of)
    return scores
