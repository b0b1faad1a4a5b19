"""The searcher: BM25 legs (Chinese; English over the reference translation) and dense legs (one per embedding
model, plus the embedded English) over the clause index, fused by weighted reciprocal rank.

Every hit explains itself: lexical rank, score and matched terms; dense rank and similarity; fused score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Container, Mapping, Sequence
from typing import Any, Callable

import numpy as np

from .config import MODES, IndexConfig, SearchConfig
from .corpus import Corpus
from .embed import Embedder, make_embedder
from .errors import CorruptIndexError, IndexMissingError, QueryError, StaleIndexError, UnknownDocumentError
from .filters import Filters
from .fuse import reciprocal_rank_fusion
from .glossary import Glossary
from .index import Index, build_index, expected_manifest, load_index, user_terms
from .normalize import Lang, Query, normalize_query
from .tokenize import Tokenizer, english_words, load_stopwords
from .update import update_index

__all__ = ["Hit", "SearchResult", "Searcher", "query_terms", "leg_weights"]

_LATIN_TOKEN = re.compile(r"[a-z0-9][a-z0-9&.\-]*")


@dataclass(frozen=True)
class Hit:
    """One ranked clause with the reasons it ranked there."""

    rank: int
    anchor: str
    doc: str
    label_zh: str
    label_en: str
    heading_path: tuple[str, ...]
    text: str
    score: float
    explain: dict[str, Any]
    text_en: str | None = None
    marks: tuple[dict[str, Any], ...] = ()  # lost / inferred / structural spans of ``text``

    def to_dict(self, english: bool = False) -> dict[str, Any]:
        extra = {"text_en": self.text_en, "en_source": "reference" if self.text_en else None} if english else {}
        return {
            "rank": self.rank,
            "anchor": self.anchor,
            "doc": self.doc,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "heading_path": list(self.heading_path),
            "text": self.text,
            "score": round(self.score, 6),
            "explain": self.explain,
            "marks": list(self.marks),
        } | extra


@dataclass(frozen=True)
class SearchResult:
    """The normalised query, the hits, and notices for the user (truncation, no lexical terms …)."""

    query: Query
    mode: str
    hits: list[Hit]
    terms: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    english: bool = False  # include text_en / en_source in to_dict (the CLI's --en)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query.original,
            "lang": self.query.lang.value,
            "mode": self.mode,
            "normalized": self.query.text,
            "terms": self.terms,
            "notices": self.notices,
            "hits": [h.to_dict(english=self.english) for h in self.hits],
        }


def query_terms(query: Query, tokenizer: Tokenizer, glossary: Glossary, vocab: Container[str] | None = None
                ) -> tuple[list[str], list[dict[str, str]]]:
    """BM25 query tokens (only those in ``vocab`` when given), and the glossary entries that carried English words
    to Chinese."""
    tokens: list[str] = []
    matches: list[dict[str, str]] = []
    if query.lang in (Lang.EN, Lang.MIXED):
        for term, phrase in glossary.match_english(query.text):
            matches.append({"en": phrase, "zh": term.zh})
            tokens.extend(tokenizer.tokens(term.zh))
    if query.lang is Lang.EN:
        tokens.extend(t for t in _LATIN_TOKEN.findall(query.text.lower()) if vocab is None or t in vocab)
    else:
        tokens.extend(tokenizer.tokens(query.text))
        for variant in query.variants:
            tokens.extend(t for t in tokenizer.tokens(variant) if t not in tokens)
    return [t for t in tokens if vocab is None or t in vocab], matches


def leg_weights(runs: Mapping[str, Sequence[int] | bool], explicit: Mapping[str, float]) -> dict[str, float]:
    """RRF weights: explicit ones if configured; else lexical and semantic evidence weigh 1.0 each, shared by
    their legs (a lexical leg counts when it found something)."""
    if explicit:
        return {name: explicit.get(name, 1.0) for name in runs}
    lexical = [n for n, ids in runs.items() if n.startswith("bm25") and ids] or [n for n in runs if n.startswith("bm25")]
    dense = [n for n in runs if n.startswith("dense:")]
    return {n: (1.0 / len(lexical) if n in lexical else 1.0 / len(dense) if n in dense else 0.0) for n in runs}


class Searcher:
    """Searches one loaded index. Build it with :meth:`open`; models are passed in, never global."""

    def __init__(self, index: Index, corpus: Corpus, tokenizer: Tokenizer, embedders: dict[str, Embedder],
                 glossary: Glossary, config: SearchConfig | None = None) -> None:
        self.index = index
        self.corpus = corpus
        self.tokenizer = tokenizer
        self.embedders = embedders
        self.glossary = glossary
        self.config = config or SearchConfig()
        self._vocab = index.bm25.vocab_dict
        self._vocab_en = index.bm25_en.vocab_dict if index.bm25_en is not None else {}
        self._stop_en = load_stopwords("stopwords_en.txt")
        self._has_en = np.array([c.text_en is not None for c in index.clauses])
        import faiss

        faiss.omp_set_num_threads(1)  # one query thread: with 2 cores, more threads only add scheduler waits
        self._docs = np.array([c.doc for c in index.clauses])
        self._chapters = np.array([-1 if c.chapter is None else c.chapter for c in index.clauses])

    @classmethod
    def open(cls, config: IndexConfig | None = None, search_config: SearchConfig | None = None,
             rebuild: str = "missing", embedders: dict[str, Embedder] | None = None,
             progress: Callable[[str, float], None] | None = None, corpus: Corpus | None = None) -> "Searcher":
        """Load the corpus, models and index; build the index when missing, or also bring it up to date when stale
        or damaged (``rebuild='stale'``: a delta segment for changed documents, else a full build).

        ``rebuild='never'`` raises :class:`IndexMissingError`, :class:`StaleIndexError` or
        :class:`CorruptIndexError` instead, for the CLI to report.
        """
        if rebuild not in ("never", "missing", "stale"):
            raise ValueError("rebuild must be 'never', 'missing' or 'stale'")
        config = config or IndexConfig()
        corpus = corpus or Corpus.load(config.corpus_dir)  # callers that already loaded it pass it in
        glossary_path = Path(config.corpus_dir) / "glossary.jsonl"
        glossary = Glossary.load(glossary_path)
        tokenizer = Tokenizer(user_terms(corpus, glossary))
        embedders = embedders or {name: make_embedder(name) for name in config.embedders}
        info = {name: e.describe() for name, e in embedders.items()}
        expected = expected_manifest(corpus, config, tokenizer, info, glossary_path)
        try:
            index = load_index(config.index_dir, expected)
        except IndexMissingError:
            if rebuild == "never":
                raise
            index = build_index(corpus, config, tokenizer, embedders, glossary_path, progress)
        except (StaleIndexError, CorruptIndexError):
            if rebuild != "stale":
                raise
            index = update_index(corpus, config, tokenizer, embedders, glossary_path, expected, progress)
        return cls(index, corpus, tokenizer.warm_up(), embedders, glossary, search_config)

    # -- query side ------------------------------------------------------------------------------------

    def lexical_terms(self, query: Query) -> tuple[list[str], list[dict[str, str]]]:
        """BM25 query tokens, and the glossary entries that carried English words to Chinese."""
        return query_terms(query, self.tokenizer, self.glossary, self._vocab)

    def _mask(self, filters: Filters) -> np.ndarray | None:
        if filters.doc is None and filters.chapter is None and not filters.by_document:
            return None
        mask = np.ones(len(self.index), dtype=bool)
        if filters.doc is not None:
            if filters.doc not in self.corpus.documents:
                raise UnknownDocumentError(filters.doc, sorted(self.corpus.documents))
            mask &= self._docs == filters.doc
        if filters.by_document:
            admitted = [d for d, doc in self.corpus.documents.items() if filters.admits(doc.meta)]
            if not admitted:
                raise QueryError(f"no document matches {filters.describe()} 没有符合筛选条件的文档")
            mask &= np.isin(self._docs, admitted)
        if filters.chapter is not None:
            mask &= self._chapters == filters.chapter
            if not mask.any():
                where = " of " + filters.doc if filters.doc else ""
                raise QueryError(f"no clauses in chapter {filters.chapter}{where} 该章节没有条款")
        if not mask.any():
            raise QueryError(f"no clauses match the filters ({filters.describe()}) 没有符合筛选条件的条款")
        return mask

    def _bm25_run(self, engine, tokens: list[str], mask: np.ndarray | None) -> tuple[list[int], np.ndarray]:
        if not tokens or engine is None:
            return [], np.zeros(len(self.index), dtype=np.float32)
        scores = engine.get_scores(tokens)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        depth = min(self.config.depth, len(scores))
        top = np.argpartition(-scores, depth - 1)[:depth] if depth < len(scores) else np.arange(len(scores))
        top = top[np.lexsort((top, -scores[top]))]  # by score, ties by position: stable
        return [int(i) for i in top if scores[i] > 0], scores

    def _dense_run(self, leg: str, vector: np.ndarray, mask: np.ndarray | None) -> tuple[list[int], dict[int, float]]:
        depth = min(self.config.depth, len(self.index))
        if leg.startswith("en:"):  # only clauses that have an English rendering
            mask = self._has_en if mask is None else mask & self._has_en
        if mask is None:
            sims, ids = self.index.faiss[leg].search(vector[None, :], depth)
            pairs = [(int(i), float(s)) for i, s in zip(ids[0], sims[0]) if i >= 0]
        else:
            candidates = np.flatnonzero(mask)
            sims = self.index.vectors[leg][candidates] @ vector
            order = np.argsort(-sims, kind="stable")[:depth]
            pairs = [(int(candidates[i]), float(sims[i])) for i in order]
        return [i for i, _ in pairs], dict(pairs)

    def english_terms(self, query: Query) -> list[str]:
        """Stemmed English words of the query that the English lexical leg knows."""
        if self.index.bm25_en is None or query.lang not in (Lang.EN, Lang.MIXED):
            return []
        return [w for w in english_words(query.text, self._stop_en) if w in self._vocab_en]

    def _weights(self, runs: dict[str, list[int]]) -> dict[str, float]:
        return leg_weights(runs, self.config.weights)

    def search(self, query: str, k: int = 10, doc: str | None = None, chapter: int | None = None,
               mode: str = "hybrid", issuer: str | None = None, since: str | None = None,
               until: str | None = None) -> SearchResult:
        """Rank clauses for a question in Chinese (Simplified or Traditional), English, or both.

        Filters: one document, one chapter, an issuer (part of its Chinese or English name), an issue-date range.
        """
        if mode not in MODES:
            raise QueryError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
        k = self.config.check_k(k)
        q = normalize_query(query)
        notices = list(q.notices)
        mask = self._mask(Filters(doc, chapter, issuer, since, until))
        runs: dict[str, list[int]] = {}
        scores: dict[str, np.ndarray] = {}
        tokens, matches = self.lexical_terms(q)
        tokens_en = self.english_terms(q)
        if mode in ("hybrid", "bm25"):
            runs["bm25"], scores["bm25"] = self._bm25_run(self.index.bm25, tokens, mask)
            if tokens_en:
                runs["bm25_en"], scores["bm25_en"] = self._bm25_run(self.index.bm25_en, tokens_en, mask)
            if not tokens and not tokens_en:
                notices.append("no searchable words for the keyword leg (only stopwords or unknown words) "
                               "关键词检索没有可用词语")
        sims: dict[str, dict[int, float]] = {}
        if mode in ("hybrid", "dense"):
            vectors = {name: e.encode_queries([q.text])[0] for name, e in self.embedders.items()}
            for leg in self.index.faiss:
                if leg.startswith("en:") and q.lang not in (Lang.EN, Lang.MIXED):
                    continue
                runs[f"dense:{leg}"], sims[leg] = self._dense_run(leg, vectors[leg.removeprefix("en:")], mask)
        weights = self._weights(runs)
        fused = reciprocal_rank_fusion(runs, k=self.config.rrf_k, weights=weights)
        ranks = {name: {doc_id: r for r, doc_id in enumerate(ids, 1)} for name, ids in runs.items()}
        hits = []
        for rank, (i, score) in enumerate(fused[:k], 1):
            clause = self.index.clauses[i]
            explain: dict[str, Any] = {
                "fused": {"score": round(score, 6), "rrf_k": self.config.rrf_k,
                          "weights": {name: round(w, 3) for name, w in weights.items()}},
            }
            for leg, terms, index_terms in (("bm25", tokens, clause.tokens), ("bm25_en", tokens_en, clause.tokens_en)):
                if leg in runs:
                    explain[leg] = {"rank": ranks[leg].get(i), "score": round(float(scores[leg][i]), 4),
                                    "matched_terms": sorted(set(terms) & index_terms)}
            if sims:
                explain["dense"] = {
                    leg: {"rank": ranks[f"dense:{leg}"].get(i), "similarity": round(found.get(i, 0.0), 4)}
                    for leg, found in sims.items()
                }
            if matches:
                explain["glossary"] = matches
            marks = tuple(m.to_dict() for m in self.corpus.clause(clause.anchor).marks)
            hits.append(Hit(rank, clause.anchor, clause.doc, clause.label_zh, clause.label_en, clause.heading_path,
                            clause.text, score, explain, clause.text_en, marks))
        return SearchResult(q, mode, hits, sorted(set(tokens) | set(tokens_en)), notices)
