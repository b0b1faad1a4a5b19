"""Reciprocal-rank fusion (Cormack, Clarke & Büttcher 2009) as a pure function with explicit constants."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["reciprocal_rank_fusion", "RRF_K"]

RRF_K = 60
"""The constant from the paper (pyserini uses 60; haystack 61): score = Σ weight / (k + rank), rank from 1."""


def reciprocal_rank_fusion(
    runs: Mapping[str, Sequence[int]],
    k: int = RRF_K,
    weights: Mapping[str, float] | None = None,
    depth: int | None = None,
) -> list[tuple[int, float]]:
    """Fuse ranked id lists into (id, score) pairs, best first; ties go to the smaller id (stable order).

    ``runs`` maps a leg's name to its ranked ids; only the first ``depth`` of each run count.
    """
    if k < 0:
        raise ValueError("the RRF constant k must not be negative")
    scores: dict[int, float] = {}
    for name, ranked in runs.items():
        weight = 1.0 if weights is None else weights.get(name, 1.0)
        for rank, doc_id in enumerate(ranked[:depth] if depth else ranked, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
