"""The Milvus backend's searcher: the same query path, filters, hits and explanations as the embedded one, with the
legs searched and fused by Milvus (``hybrid_search`` with its ``RRFRanker``).

Milvus's RRF has no per-leg weights, so the embedded backend's weights (lexical 1.0 and dense 1.0, each shared by
its legs) are realised by repeating a leg's request: with BM25 + USE + e5, the BM25 request is sent twice, which
gives exactly the weights 1 : ½ : ½. Milvus returns only the fused score: per-leg ranks and BM25 scores are not
available (``None`` in the explanation); dense similarities are computed here from the returned vectors, matched
terms from the clause's stored tokens.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np

from retriever.analysis.embedders import Embedder
from retriever.analysis.fields import clause_fields
from retriever.analysis.tokenize import without_quote_marks
from retriever.config import BackendConfig, IndexConfig, SearchConfig
from retriever.english.reference import english_by_anchor
from retriever.errors import IncompleteLoadError, StaleIndexError
from retriever.index.build import Progress
from retriever.index.embedding_store import EmbeddingStore
from retriever.index.milvus_collection import MilvusCollection, SyncReport, connect, opaque
from retriever.ingest.corpus import Corpus
from retriever.search.base import LegEvidence, Ranked, SearcherBase, apply_rebuild, load_parts
from retriever.search.filters import Filters
from retriever.search.fusion import leg_weights
from retriever.search.query import AnalyzedQuery, QueryAnalyzer
from retriever.search.rerank import load_reranker
from retriever.types import Backend, IndexedClause, Leg, MilvusLexical, Rebuild

__all__ = ["MilvusSearcher", "repeats"]

NOT_PROVIDED = "per-leg ranks and BM25 scores: Milvus hybrid_search returns only the fused RRF score"
_LEXICAL = (Leg.bm25(), Leg.bm25(english=True))


def repeats(weights: dict[Hashable, float], most: int = 12) -> dict[Hashable, int]:
    """Whole-number request counts proportional to the weights (½, ½, ⅓, ⅓, ⅓ → 3, 3, 2, 2, 2)."""
    fractions = {n: Fraction(w).limit_denominator(12) for n, w in weights.items() if w > 0}
    if not fractions:
        return {}
    lcm = math.lcm(*(f.denominator for f in fractions.values()))
    counts = {n: int(f * lcm) for n, f in fractions.items()}
    divisor = math.gcd(*counts.values())
    counts = {n: c // divisor for n, c in counts.items()}
    if sum(counts.values()) > most:  # weights that need too many copies: round to at most `most` requests
        total = sum(weights.values())
        counts = {n: max(1, round(most * w / total)) for n, w in weights.items() if w > 0}
    return counts


class MilvusSearcher(SearcherBase):
    """Searches a Milvus collection kept in step with the corpus; open it with :meth:`open`."""

    backend = Backend.MILVUS

    def __init__(self, collection: MilvusCollection, corpus: Corpus, analyzer: QueryAnalyzer,
                 config: SearchConfig | None = None, uri: str = "") -> None:
        super().__init__(corpus, analyzer, config)
        self.collection = collection
        self.uri = uri
        self.last_sync: SyncReport | None = None

    @classmethod
    def open(cls, config: IndexConfig | None = None, backend: BackendConfig | None = None,
             search_config: SearchConfig | None = None, rebuild: Rebuild | str = Rebuild.MISSING,
             embedders: dict[str, Embedder] | None = None, progress: Progress | None = None,
             corpus: Corpus | None = None) -> "MilvusSearcher":
        """Connect, check the collection against the corpus and settings; create it when missing, bring it up to
        date (or resume an interrupted load) with ``rebuild='stale'``; ``rebuild='build'`` recreates it."""
        config = config or IndexConfig()
        backend = backend or BackendConfig(backend=Backend.MILVUS)
        parts = load_parts(config, corpus, embedders)
        collection = MilvusCollection(connect(backend), backend, config, parts.tokenizer, parts.embedders)
        analyzer = QueryAnalyzer(parts.tokenizer.warm_up(), parts.glossary, parts.embedders)
        searcher = cls(collection, parts.corpus, analyzer, search_config, backend.milvus_uri)

        def sync(drop_first: bool = False) -> SyncReport:
            return collection.sync(parts.corpus, EmbeddingStore(config.store_dir), rebuild=drop_first,
                                   progress=progress)

        searcher.last_sync, searcher.opened = apply_rebuild(
            Rebuild.from_str(rebuild), load=lambda: collection.check(parts.corpus), create=sync, update=sync,
            from_scratch=lambda: sync(drop_first=True), stale=(StaleIndexError, IncompleteLoadError))
        searcher.use_ranking_model(load_reranker(list(parts.embedders)), progress)
        return searcher

    @cached_property
    def _records(self) -> list[IndexedClause]:
        # Computed from the corpus by the function that wrote the rows (a few seconds for the plan and laws; at the
        # scale of all laws, tokenising 335k clauses takes minutes, paid once when an Answerer is built).
        documents = list(self.corpus.documents.values())
        fields = clause_fields(documents, self.analyzer.tokenizer, english_by_anchor(documents))
        return [f.record() for f in fields]

    def records(self) -> Sequence[IndexedClause]:
        """Every clause as the collection indexed it (computed by the same function that wrote the rows)."""
        return self._records

    def _request(self, leg: Leg, analyzed: AnalyzedQuery, expr: str) -> Any:
        from pymilvus import AnnSearchRequest

        if leg.lexical:
            q = analyzed.query
            client = self.collection.lexical is MilvusLexical.CLIENT or leg.english
            translations = [z for t in analyzed.translations for z in t.zh]  # as a bag: Milvus has no synonym sets
            data: Any = (opaque(analyzed.terms_of(leg)) if client
                         else without_quote_marks(" ".join([q.text, *q.variants, *(m["zh"] for m in analyzed.glossary),
                                                            *translations])))
            params: dict[str, Any] = {"metric_type": "BM25"}
        else:
            data = analyzed.vector_for(leg).tolist()
            expr = " and ".join(p for p in (expr, "has_en == true" if leg.english else "") if p)
            params = {"metric_type": "IP", "params": {"ef": max(self.config.depth, 128)}}
        return AnnSearchRequest(data=[data], anns_field=leg.milvus_field, param=params, limit=self.config.depth,
                                expr=expr)

    def _lexical_ranks(self, leg: Leg, analyzed: AnalyzedQuery, expr: str) -> dict[str, int]:
        """A lexical leg's own ranking (anchor → rank), which the ranking model reads: one more BM25 request."""
        request = self._request(leg, analyzed, expr)
        found = self.collection.client.search(self.collection.name, data=request.data, anns_field=leg.milvus_field,
                                              search_params=request.param, limit=self.config.depth,
                                              filter=request.expr or "", output_fields=[])[0]
        return {row.get("anchor") or row.get("id"): rank for rank, row in enumerate(found, 1)}

    def _rank(self, analyzed: AnalyzedQuery, filters: Filters, documents: list[str] | None, k: int) -> list[Ranked]:
        from pymilvus import RRFRanker

        expr = filters.milvus_expr()
        legs = [leg for leg in analyzed.legs([*_LEXICAL, *self.collection.legs])
                if not leg.lexical or analyzed.terms_of(leg)]  # Milvus takes no empty lexical request
        weights = leg_weights({leg: True for leg in legs}, self.config.weights)
        copies = repeats(weights)
        if not copies:
            return []
        batch = [self._request(leg, analyzed, expr) for leg, n in copies.items() for _ in range(n)]
        fields = ["doc", "record"] + [leg.milvus_field for leg in self.collection.legs]
        found = self.collection.client.hybrid_search(self.collection.name, batch, ranker=RRFRanker(self.config.rrf_k),
                                                limit=k, output_fields=fields)[0]
        scale = sum(weights[leg] for leg in copies) / sum(copies.values())  # to the embedded backend's scale
        fused = {"rrf_k": self.config.rrf_k, "weights": {leg.name: round(w, 3) for leg, w in weights.items()},
                 "requests": {leg.name: n for leg, n in copies.items()},
                 "ranker": "Milvus RRFRanker; weights as repeated requests"}
        backend = {"backend": {"name": self.backend.value, "uri": self.uri, "collection": self.collection.name,
                               "lexical": self.collection.lexical.value, "not_provided": NOT_PROVIDED}}
        ranks = {leg: self._lexical_ranks(leg, analyzed, expr) for leg in legs if leg.lexical and self.reranker}
        ranked = []
        for row in found:
            entity = row["entity"]
            anchor = row.get("anchor") or row.get("id")
            record = IndexedClause.from_dict(dict(entity["record"], anchor=anchor, doc=entity["doc"], chapter=None))
            evidence = {leg: LegEvidence(ranks.get(leg, {}).get(anchor)) if leg.lexical else LegEvidence(
                None, similarity=float(np.asarray(entity[leg.milvus_field], dtype=np.float32) @ analyzed.vector_for(leg)))
                for leg in legs}
            raw = float(row["distance"])
            ranked.append(Ranked(record, raw * scale, {"score": round(raw * scale, 6), "milvus_score": round(raw, 6)}
                                 | fused, evidence, backend))
        return ranked
