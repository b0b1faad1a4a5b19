"""Reciprocal-rank fusion (Cormack, Clarke & Büttcher 2009) as a pure function with explicit constants, and the
legs' weights."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

from retriever.types import Leg

__all__ = ["reciprocal_rank_fusion", "leg_weights", "RRF_K"]

RRF_K = 60
"""The constant from the paper (pyserini uses 60; haystack 61): score = Σ weight / (k + rank), rank from 1."""


def reciprocal_rank_fusion(
    runs: Mapping[Hashable, Sequence[int]],
    k: int = RRF_K,
    weights: Mapping[Hashable, float] | None = None,
    depth: int | None = None,
) -> list[tuple[int, float]]:
    """Fuse ranked id lists into (id, score) pairs, best first; ties go to the smaller id (stable order).

    ``runs`` maps a leg to its ranked ids; only the first ``depth`` of each run count.
    """
    if k < 0:
        raise ValueError("the RRF constant k must not be negative")
    scores: dict[int, float] = {}
    for name, ranked in runs.items():
        weight = 1.0 if weights is None else weights.get(name, 1.0)
        for rank, doc_id in enumerate(ranked[:depth] if depth else ranked, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def leg_weights(found: Mapping[Leg, bool], explicit: Mapping[str, float]) -> dict[Leg, float]:
    """RRF weights of the legs that ran (``found``: whether the leg found anything).

    Explicit weights (by :attr:`Leg.name`) if configured; else lexical and semantic evidence weigh 1.0 each, shared
    by their legs (a lexical leg counts when it found something)."""
    if explicit:
        return {leg: explicit.get(leg.name, 1.0) for leg in found}
    lexical = [leg for leg, hit in found.items() if leg.lexical and hit] or [leg for leg in found if leg.lexical]
    dense = [leg for leg in found if not leg.lexical]
    return {leg: (1.0 / len(lexical) if leg in lexical else 1.0 / len(dense) if leg in dense else 0.0)
            for leg in found}
