"""The Milvus backend's searcher: the same query handling, filters, hits and explanations as the embedded one,
with the legs searched and fused by Milvus (``hybrid_search`` with its ``RRFRanker``).

Milvus's RRF has no per-leg weights, so the embedded backend's weights (lexical 1.0 and dense 1.0, each shared by
its legs) are realised by repeating a leg's request: with BM25 + USE + e5, the BM25 request is sent twice, which
gives exactly the weights 1 : ½ : ½. Milvus returns only the fused score: per-leg ranks and BM25 scores are not
available (``None`` in the explanation); dense similarities are computed here from the returned vectors, matched
terms from the clause's stored tokens.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .config import MODES, BackendConfig, IndexConfig, SearchConfig
from .corpus import Corpus
from .embed import Embedder, make_embedder
from .embed_store import EmbeddingStore
from .errors import IncompleteLoadError, IndexMissingError, QueryError, StaleIndexError, UnknownDocumentError
from .filters import Filters
from .glossary import Glossary
from .index import user_terms
from .milvus_store import MilvusStore, SyncReport, connect, opaque, vector_field
from .normalize import Lang, normalize_query
from .search import Hit, SearchResult, leg_weights, query_terms
from .tokenize import Tokenizer, english_words, load_stopwords

__all__ = ["MilvusSearcher", "repeats"]

NOT_PROVIDED = "per-leg ranks and BM25 scores: Milvus hybrid_search returns only the fused RRF score"


def repeats(weights: dict[str, float], most: int = 12) -> dict[str, int]:
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


class MilvusSearcher:
    """Searches a Milvus collection kept in step with the corpus; build it with :meth:`open`."""

    backend = "milvus"

    def __init__(self, store: MilvusStore, corpus: Corpus, tokenizer: Tokenizer, embedders: dict[str, Embedder],
                 glossary: Glossary, config: SearchConfig | None = None, uri: str = "") -> None:
        self.store = store
        self.corpus = corpus
        self.tokenizer = tokenizer
        self.embedders = embedders
        self.glossary = glossary
        self.config = config or SearchConfig()
        self.uri = uri
        self._stop_en = load_stopwords("stopwords_en.txt")
        self.last_sync: SyncReport | None = None

    @classmethod
    def open(cls, config: IndexConfig | None = None, backend: BackendConfig | None = None,
             search_config: SearchConfig | None = None, rebuild: str = "missing",
             embedders: dict[str, Embedder] | None = None, progress: Callable[[str, float], None] | None = None,
             corpus: Corpus | None = None) -> "MilvusSearcher":
        """Connect, check the collection against the corpus and settings; create it when missing, bring it up to
        date (or resume an interrupted load) with ``rebuild='stale'``; ``rebuild='build'`` recreates it."""
        if rebuild not in ("never", "missing", "stale", "build"):
            raise ValueError("rebuild must be 'never', 'missing', 'stale' or 'build'")
        config = config or IndexConfig()
        backend = backend or BackendConfig(backend="milvus")
        corpus = corpus or Corpus.load(config.corpus_dir)
        glossary = Glossary.load(Path(config.corpus_dir) / "glossary.jsonl")
        tokenizer = Tokenizer(user_terms(corpus, glossary))
        embedders = embedders or {name: make_embedder(name) for name in config.embedders}
        store = MilvusStore(connect(backend), backend, config, tokenizer, embedders)
        searcher = cls(store, corpus, tokenizer.warm_up(), embedders, glossary, search_config, backend.milvus_uri)
        sync = lambda: store.sync(corpus, EmbeddingStore(config.store_dir), rebuild=rebuild == "build",  # noqa: E731
                                  progress=progress)
        if rebuild == "build":
            searcher.last_sync = sync()
            return searcher
        try:
            store.check(corpus)
        except IndexMissingError:
            if rebuild == "never":
                raise
            searcher.last_sync = sync()
        except (StaleIndexError, IncompleteLoadError):
            if rebuild != "stale":
                raise
            searcher.last_sync = sync()
        return searcher

    def lexical_terms(self, query) -> tuple[list[str], list[dict[str, str]]]:
        """BM25 query tokens (the client tokenizer's; the collection's vocabulary is not known here)."""
        return query_terms(query, self.tokenizer, self.glossary)

    def _check_filters(self, filters: Filters) -> None:
        if filters.doc is not None and filters.doc not in self.corpus.documents:
            raise UnknownDocumentError(filters.doc, sorted(self.corpus.documents))
        if filters.by_document and not any(filters.admits(d.meta) for d in self.corpus.documents.values()):
            raise QueryError(f"no document matches {filters.describe()} 没有符合筛选条件的文档")

    def _request(self, field: str, data: Any, expr: str, metric: str) -> Any:
        from pymilvus import AnnSearchRequest

        params = {"metric_type": metric} | ({"params": {"ef": max(self.config.depth, 128)}} if metric == "IP" else {})
        return AnnSearchRequest(data=[data], anns_field=field, param=params, limit=self.config.depth, expr=expr)

    def search(self, query: str, k: int = 10, doc: str | None = None, chapter: int | None = None,
               mode: str = "hybrid", issuer: str | None = None, since: str | None = None,
               until: str | None = None) -> SearchResult:
        """Rank clauses as :meth:`Searcher.search` does, with the search and fusion done by Milvus."""
        from pymilvus import RRFRanker

        if mode not in MODES:
            raise QueryError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
        k = self.config.check_k(k)
        q = normalize_query(query)
        notices = list(q.notices)
        filters = Filters(doc, chapter, issuer, since, until)
        self._check_filters(filters)
        expr = filters.milvus_expr()
        tokens, matches = self.lexical_terms(q)
        tokens_en = english_words(q.text, self._stop_en) if q.lang in (Lang.EN, Lang.MIXED) else []
        requests: dict[str, Any] = {}
        if mode in ("hybrid", "bm25"):
            if tokens:
                data = opaque(tokens) if self.store.lexical == "client" else " ".join([q.text, *q.variants,
                                                                                       *(m["zh"] for m in matches)])
                requests["bm25"] = self._request("sparse", data, expr, "BM25")
            if tokens_en:
                requests["bm25_en"] = self._request("sparse_en", opaque(tokens_en), expr, "BM25")
            if not tokens and not tokens_en:
                notices.append("no searchable words for the keyword leg (only stopwords or unknown words) "
                               "关键词检索没有可用词语")
        vectors: dict[str, np.ndarray] = {}
        if mode in ("hybrid", "dense"):
            vectors = {name: e.encode_queries([q.text])[0] for name, e in self.embedders.items()}
            for leg in self.store.legs:
                if leg.startswith("en:"):
                    if q.lang not in (Lang.EN, Lang.MIXED):
                        continue
                    leg_expr = " and ".join(p for p in (expr, "has_en == true") if p)
                else:
                    leg_expr = expr
                vector = vectors[leg.removeprefix("en:")]
                requests[f"dense:{leg}"] = self._request(vector_field(leg), vector.tolist(), leg_expr, "IP")
        weights = leg_weights({name: True for name in requests}, self.config.weights)
        copies = repeats(weights)
        hits: list[Hit] = []
        if copies:
            fields = ["doc", "record"] + [vector_field(leg) for leg in self.store.legs]
            batch = [requests[name] for name, n in copies.items() for _ in range(n)]
            found = self.store.client.hybrid_search(self.store.name, batch, ranker=RRFRanker(self.config.rrf_k),
                                                    limit=k, output_fields=fields)[0]
            hits = [self._hit(rank, row, weights, copies, tokens, tokens_en, vectors, matches)
                    for rank, row in enumerate(found, 1)]
        if not hits and chapter is not None:
            raise QueryError(f"no clauses in chapter {chapter}{' of ' + doc if doc else ''} 该章节没有条款")
        return SearchResult(q, mode, hits, sorted(set(tokens) | set(tokens_en)), notices)

    def _hit(self, rank: int, row: dict[str, Any], weights: dict[str, float], copies: dict[str, int],
             tokens: list[str], tokens_en: list[str], vectors: dict[str, np.ndarray],
             matches: list[dict[str, str]]) -> Hit:
        entity = row["entity"]
        record = entity["record"]
        anchor = row.get("anchor") or row.get("id")
        raw = float(row["distance"])
        score = raw * sum(weights[n] for n in copies) / sum(copies.values())  # on the embedded backend's scale
        explain: dict[str, Any] = {
            "fused": {"score": round(score, 6), "milvus_score": round(raw, 6), "rrf_k": self.config.rrf_k,
                      "weights": {name: round(w, 3) for name, w in weights.items()},
                      "requests": copies, "ranker": "Milvus RRFRanker; weights as repeated requests"},
        }
        for leg, terms, index_terms in (("bm25", tokens, record["tokens"]), ("bm25_en", tokens_en, record["tokens_en"])):
            if leg in weights:
                explain[leg] = {"rank": None, "score": None, "matched_terms": sorted(set(terms) & set(index_terms))}
        dense = {}
        for leg in self.store.legs:
            if f"dense:{leg}" in weights:
                stored = np.asarray(entity[vector_field(leg)], dtype=np.float32)
                dense[leg] = {"rank": None, "similarity": round(float(stored @ vectors[leg.removeprefix("en:")]), 4)}
        if dense:
            explain["dense"] = dense
        if matches:
            explain["glossary"] = matches
        explain["backend"] = {"name": "milvus", "uri": self.uri, "collection": self.store.name,
                              "lexical": self.store.lexical, "not_provided": NOT_PROVIDED}
        marks = tuple(m.to_dict() for m in self.corpus.clause(anchor).marks)
        return Hit(rank, anchor, entity["doc"], record["label_zh"], record["label_en"], tuple(record["heading_path"]),
                   record["text"], score, explain, record.get("text_en"), marks)
