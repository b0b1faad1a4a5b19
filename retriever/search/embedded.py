"""The embedded backend's searcher: BM25 legs (Chinese; English over the reference translation) and dense legs
(one per embedding model, plus the embedded English) over the index files, fused by weighted reciprocal rank.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from retriever.analysis.embedders import Embedder
from retriever.analysis.query_translation import TranslationSet
from retriever.config import IndexConfig, SearchConfig
from retriever.errors import CorruptIndexError, QueryError, StaleIndexError
from retriever.index.build import Progress, build_index
from retriever.index.delta import update_index
from retriever.index.load import Index, load_index
from retriever.index.manifest import expected_manifest
from retriever.ingest.corpus import Corpus
from retriever.search.base import LegEvidence, Ranked, SearcherBase, apply_rebuild, load_parts
from retriever.search.filters import Filters
from retriever.search.fusion import leg_weights, reciprocal_rank_fusion
from retriever.search.query import AnalyzedQuery, QueryAnalyzer
from retriever.search.rerank import load_reranker
from retriever.search.synonyms import bm25_idf, query_scores
from retriever.types import Backend, IndexedClause, Leg, Rebuild

__all__ = ["EmbeddedSearcher"]


class EmbeddedSearcher(SearcherBase):
    """Searches one loaded index. Open it with :meth:`open`; models are passed in, never global."""

    backend = Backend.EMBEDDED

    def __init__(self, index: Index, corpus: Corpus, analyzer: QueryAnalyzer,
                 config: SearchConfig | None = None) -> None:
        super().__init__(corpus, analyzer, config)
        self.index = index
        self._legs = [*index.lexical, *index.dense]
        self._has_en = np.array([c.text_en is not None for c in index.clauses])
        self._docs = np.array([c.doc for c in index.clauses])
        self._chapters = np.array([-1 if c.chapter is None else c.chapter for c in index.clauses])
        self._idf_of = bm25_idf(index.manifest.get("config", {}).get("bm25_method", "lucene"))
        import faiss

        faiss.omp_set_num_threads(1)  # one query thread: with 2 cores, more threads only add scheduler waits

    @classmethod
    def open(cls, config: IndexConfig | None = None, search_config: SearchConfig | None = None,
             rebuild: Rebuild | str = Rebuild.MISSING, embedders: dict[str, Embedder] | None = None,
             progress: Progress | None = None, corpus: Corpus | None = None) -> "EmbeddedSearcher":
        """Load the corpus, models and index; build the index when missing, or also bring it up to date when stale
        or damaged (``rebuild='stale'``: a delta segment for changed documents, else a full build), or build it
        from scratch (``rebuild='build'``; the new index is swapped in when complete).

        ``rebuild='never'`` raises :class:`IndexMissingError`, :class:`StaleIndexError` or
        :class:`CorruptIndexError` instead, for the CLI to report.
        """
        config = config or IndexConfig()
        parts = load_parts(config, corpus, embedders)
        info = {name: e.describe() for name, e in parts.embedders.items()}
        expected = expected_manifest(parts.corpus, config, parts.tokenizer, info, config.glossary_path)
        args = (parts.corpus, config, parts.tokenizer, parts.embedders, config.glossary_path)
        index, opened = apply_rebuild(Rebuild.from_str(rebuild), load=lambda: load_index(config.index_dir, expected),
                              create=lambda: build_index(*args, progress),
                              update=lambda: update_index(*args, expected, progress),
                              from_scratch=lambda: build_index(*args, progress),
                              stale=(StaleIndexError, CorruptIndexError))
        english = index.lexical.get(Leg.bm25(english=True))
        analyzer = QueryAnalyzer(parts.tokenizer.warm_up(), parts.glossary, parts.embedders,
                                 vocab=index.lexical[Leg.bm25()].vocab_dict,
                                 vocab_en=english.vocab_dict if english is not None else None,
                                 english_leg=english is not None)
        searcher = cls(index, parts.corpus, analyzer, search_config)
        searcher.opened = opened
        searcher.use_ranking_model(load_reranker(list(parts.embedders)), progress)
        return searcher

    def records(self) -> Sequence[IndexedClause]:
        return self.index.clauses

    def _mask(self, filters: Filters, documents: list[str] | None) -> np.ndarray | None:
        if documents is None and filters.chapter is None:
            return None
        mask = np.ones(len(self.index), dtype=bool)
        if documents is not None:
            mask &= np.isin(self._docs, documents)
        if filters.chapter is not None:
            mask &= self._chapters == filters.chapter
        if not mask.any():
            raise QueryError(f"no clauses match the filters ({filters.describe()}) 没有符合筛选条件的条款")
        return mask

    def _lexical_run(self, leg: Leg, tokens: list[str], mask: np.ndarray | None,
                     sets: tuple[TranslationSet, ...] = ()) -> tuple[list[int], np.ndarray]:
        if not tokens and not sets:
            return [], np.zeros(len(self.index), dtype=np.float32)
        scores = query_scores(self.index.lexical[leg], tokens, [s.zh for s in sets], self._idf_of, len(self.index))
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        depth = min(self.config.depth, len(scores))
        top = np.argpartition(-scores, depth - 1)[:depth] if depth < len(scores) else np.arange(len(scores))
        top = top[np.lexsort((top, -scores[top]))]  # by score, ties by position: stable
        return [int(i) for i in top if scores[i] > 0], scores

    def _dense_run(self, leg: Leg, vector: np.ndarray, mask: np.ndarray | None) -> tuple[list[int], dict[int, float]]:
        depth = min(self.config.depth, len(self.index))
        if leg.english:  # only clauses that have an English rendering
            mask = self._has_en if mask is None else mask & self._has_en
        if mask is None:
            sims, ids = self.index.dense[leg].search(vector[None, :], depth)
            pairs = [(int(i), float(s)) for i, s in zip(ids[0], sims[0]) if i >= 0]
        else:
            candidates = np.flatnonzero(mask)
            sims = self.index.vectors[leg][candidates] @ vector
            order = np.argsort(-sims, kind="stable")[:depth]
            pairs = [(int(candidates[i]), float(sims[i])) for i in order]
        return [i for i, _ in pairs], dict(pairs)

    def _similarity(self, leg: Leg, row: int, found: dict[int, float], vector: np.ndarray) -> float:
        """A dense leg's similarity of a candidate, also when another leg brought it (below this leg's depth), as the
        Milvus backend reads it from the stored vector; 0 for an English leg and a clause without English."""
        if row in found:
            return found[row]
        if leg.english and not self._has_en[row]:
            return 0.0
        return float(self.index.vectors[leg][row] @ vector)

    def _rank(self, analyzed: AnalyzedQuery, filters: Filters, documents: list[str] | None, k: int) -> list[Ranked]:
        mask = self._mask(filters, documents)
        runs: dict[Leg, list[int]] = {}
        scores: dict[Leg, np.ndarray] = {}
        sims: dict[Leg, dict[int, float]] = {}
        for leg in analyzed.legs(self._legs):
            if leg.lexical:
                plain, sets = analyzed.lexical_query(leg)
                runs[leg], scores[leg] = self._lexical_run(leg, plain, mask, sets)
            else:
                runs[leg], sims[leg] = self._dense_run(leg, analyzed.vector_for(leg), mask)
        weights = leg_weights({leg: bool(ids) for leg, ids in runs.items()}, self.config.weights)
        fused = reciprocal_rank_fusion(runs, k=self.config.rrf_k, weights=weights)
        ranks = {leg: {row: r for r, row in enumerate(ids, 1)} for leg, ids in runs.items()}
        shown_weights = {leg.name: round(w, 3) for leg, w in weights.items()}
        ranked = []
        for row, score in fused[:k]:
            evidence = {leg: LegEvidence(ranks[leg].get(row), score=float(scores[leg][row])) if leg.lexical
                        else LegEvidence(ranks[leg].get(row), similarity=self._similarity(leg, row, sims[leg],
                                                                                          analyzed.vector_for(leg)))
                        for leg in runs}
            fused_info = {"score": round(score, 6), "rrf_k": self.config.rrf_k, "weights": shown_weights}
            ranked.append(Ranked(self.index.clauses[row], score, fused_info, evidence))
        return ranked
