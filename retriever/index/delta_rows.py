"""Array side of the delta segment: BM25 rows scored with the base's statistics, and the *live view* that searches
the base's live rows followed by the delta's rows as one index.

Row numbers of the live view: the base rows that are still live, in base order, then the delta rows. The base's
own arrays and FAISS index are never rewritten; replaced rows are skipped (FAISS: an ``IDSelector``; BM25: the
score vector is gathered at the live rows).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["DELTA_POINTER", "DELTA_METHODS", "bm25_statistics", "document_frequencies", "score_rows", "save_rows", "load_rows",
           "LiveBM25", "LiveDense"]

DELTA_POINTER = "delta.json"  # in an index folder: {"folder": "delta-000003"}, the current delta segment
DELTA_METHODS = ("lucene", "robertson", "atire")  # bm25s variants without a non-occurrence term


def bm25_statistics(token_lists: Sequence[Sequence[str]]) -> dict[str, float]:
    """What scoring a new row like the base's rows needs besides document frequencies."""
    lengths = [len(tokens) for tokens in token_lists]
    return {"num_docs": len(lengths), "avg_doc_len": float(np.mean(lengths)) if lengths else 1.0}


def document_frequencies(bm25: Any) -> np.ndarray:
    """Per vocabulary id, how many base rows contain the token (the column lengths of bm25s's score matrix)."""
    return np.diff(np.asarray(bm25.scores["indptr"]))


def score_rows(token_lists: Sequence[Sequence[str]], base_vocab: Mapping[str, int], base_df: np.ndarray,
               stats: Mapping[str, float], method: str, k1: float, b: float) -> tuple[sp.csc_matrix, list[str]]:
    """BM25 scores of new rows (rows × their own vocabulary) with the base's N, df and average length.

    A token the base never saw takes its document frequency from the new rows. The formulas are bm25s's own.
    """
    from bm25s.scoring import _select_idf_scorer, _select_tfc_scorer

    if method not in DELTA_METHODS:
        raise ValueError(f"BM25 method {method!r} cannot be scored incrementally")
    idf_of, tfc_of = _select_idf_scorer(method), _select_tfc_scorer(method)
    new_df = Counter(t for tokens in token_lists for t in set(tokens) if t not in base_vocab)
    vocab = sorted({t for tokens in token_lists for t in tokens})
    column = {t: i for i, t in enumerate(vocab)}
    n = int(stats["num_docs"])
    idf = np.array([idf_of(int(base_df[base_vocab[t]]) if t in base_vocab else new_df[t], N=max(n, 1)) for t in vocab],
                   dtype=np.float32)
    rows, cols, data = [], [], []
    for row, tokens in enumerate(token_lists):
        counts = Counter(tokens)
        ids = np.array([column[t] for t in counts], dtype=np.int64)
        tf = np.array(list(counts.values()), dtype=np.float32)
        tfc = tfc_of(tf_array=tf, l_d=len(tokens), l_avg=stats["avg_doc_len"], k1=k1, b=b, delta=None)
        rows.extend([row] * len(ids))
        cols.extend(ids.tolist())
        data.extend((idf[ids] * tfc).tolist())
    matrix = sp.csc_matrix((np.array(data, dtype=np.float32), (rows, cols)), shape=(len(token_lists), len(vocab)))
    return matrix, vocab


def save_rows(folder: Path, name: str, matrix: sp.csc_matrix, vocab: list[str]) -> None:
    """``NAME.npz`` (the sparse matrix, no pickle) and ``NAME-vocab.json``."""
    sp.save_npz(folder / f"{name}.npz", matrix.tocsc())
    (folder / f"{name}-vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")


def load_rows(folder: Path, name: str) -> tuple[sp.csc_matrix, list[str]] | None:
    """What :func:`save_rows` wrote, or None when there is none."""
    if not (folder / f"{name}.npz").exists():
        return None
    matrix = sp.load_npz(folder / f"{name}.npz").tocsc()  # load_npz refuses pickled objects
    vocab = json.loads((folder / f"{name}-vocab.json").read_text(encoding="utf-8"))
    if matrix.shape[1] != len(vocab):
        raise ValueError(f"{name}: {matrix.shape[1]} columns but {len(vocab)} vocabulary entries")
    return matrix, vocab


class _UnionVocab:
    """Membership in either vocabulary (what the searcher asks of ``vocab_dict``)."""

    def __init__(self, *vocabs: Mapping[str, int]) -> None:
        self._vocabs = vocabs

    def __contains__(self, token: object) -> bool:
        return any(token in v for v in self._vocabs)


class LiveBM25:
    """BM25 over the base's live rows, then the delta's rows; ``get_scores`` returns one score per live-view row."""

    def __init__(self, base: Any, base_rows: int, live: np.ndarray | None,
                 delta: tuple[sp.csc_matrix, list[str]] | None) -> None:
        self._base, self._base_rows, self._live = base, base_rows, live
        self._matrix, vocab = delta if delta is not None else (sp.csc_matrix((0, 0), dtype=np.float32), [])
        self._column = {t: i for i, t in enumerate(vocab)}
        self.vocab_dict = _UnionVocab(base.vocab_dict if base is not None else {}, self._column)
        self.num_docs = (base_rows if live is None else len(live)) + self._matrix.shape[0]

    def get_scores(self, tokens: list[str]) -> np.ndarray:
        base_tokens = [t for t in tokens if self._base is not None and t in self._base.vocab_dict]
        base = (self._base.get_scores(base_tokens) if base_tokens
                else np.zeros(self._base_rows, dtype=np.float32))
        if self._live is not None:
            base = base[self._live]
        ids = [self._column[t] for t in tokens if t in self._column]
        delta = (np.asarray(self._matrix[:, ids].sum(axis=1), dtype=np.float32).ravel() if ids
                 else np.zeros(self._matrix.shape[0], dtype=np.float32))
        return np.concatenate([base, delta])


class LiveDense:
    """The base's FAISS index without its replaced rows, and exact search over the delta's vectors."""

    def __init__(self, base: Any, live: np.ndarray | None, delta_vectors: np.ndarray) -> None:
        import faiss

        self._base, self._delta = base, delta_vectors
        self._params = None
        self._to_live: np.ndarray | None = None
        live_base = base.ntotal if live is None else len(live)
        if live is not None:
            dead = np.setdiff1d(np.arange(base.ntotal, dtype=np.int64), live)
            self._selector = faiss.IDSelectorNot(faiss.IDSelectorBatch(dead))  # kept: params only borrow it
            if hasattr(base, "hnsw"):
                self._params = faiss.SearchParametersHNSW(sel=self._selector, efSearch=base.hnsw.efSearch)
            else:
                self._params = faiss.SearchParameters(sel=self._selector)
            self._to_live = np.full(base.ntotal, -1, dtype=np.int64)
            self._to_live[live] = np.arange(len(live))
        self._offset = live_base
        self.ntotal = live_base + len(delta_vectors)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Like FAISS: (similarities, live-view row ids) of the top ``k`` per query, ``-1`` where there are fewer."""
        sims, ids = self._base.search(queries, k, params=self._params) if self._params else self._base.search(queries, k)
        if self._to_live is not None:
            ids = np.where(ids >= 0, self._to_live[np.maximum(ids, 0)], -1)
        if not len(self._delta):
            return sims, ids
        delta_sims = queries @ self._delta.T
        all_sims = np.concatenate([np.where(ids >= 0, sims, -np.inf), delta_sims], axis=1)
        all_ids = np.concatenate([ids, np.broadcast_to(np.arange(len(self._delta)) + self._offset, delta_sims.shape)], axis=1)
        order = np.argsort(-all_sims, axis=1, kind="stable")[:, :k]
        top_sims, top_ids = np.take_along_axis(all_sims, order, 1), np.take_along_axis(all_ids, order, 1)
        top_ids = np.where(np.isfinite(top_sims), top_ids, -1)
        pad = k - top_ids.shape[1]
        if pad > 0:
            top_sims = np.pad(top_sims, ((0, 0), (0, pad)), constant_values=-np.inf)
            top_ids = np.pad(top_ids, ((0, 0), (0, pad)), constant_values=-1)
        return top_sims.astype(np.float32), top_ids
