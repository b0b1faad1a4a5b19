"""The searcher contract: what answers, citation checks, the app and the LangChain retriever may rely on.

Both backends implement it (:class:`~retriever.search.embedded.EmbeddedSearcher` over the files in ``index/``,
:class:`~retriever.search.milvus.MilvusSearcher` over a Milvus collection); :func:`~retriever.search.open.open_searcher`
gives the configured one. Nothing downstream reaches into a backend's internals.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from retriever.config import SearchConfig
from retriever.ingest.corpus import Corpus
from retriever.ingest.references import ReferenceParser
from retriever.search.known_questions import KnownQuestions
from retriever.search.query import QueryAnalyzer
from retriever.search.rerank import Reranker, Statistics
from retriever.types import Backend, IndexedClause, Mode, SearchResult

__all__ = ["Searcher"]


@runtime_checkable
class Searcher(Protocol):
    """Ranks the clauses of a corpus for a question, and explains each hit."""

    backend: Backend
    corpus: Corpus  # clause lookup: anchors, texts, damage marks, document metadata
    analyzer: QueryAnalyzer  # query analysis: tokenizer, glossary, embedders (``sentence_encoder``)
    config: SearchConfig
    reranker: Reranker | None  # the ranking model in use (None: the fused order)
    known_questions: KnownQuestions | None  # the team's known questions (ranking features, near-miss signal)
    statistics: Statistics  # document frequencies of the indexed terms, and the index's size
    headings: dict[str, frozenset[str]]  # each clause's context: heading, title, section tokens, section years
    reference_parser: ReferenceParser  # the places a question cites (专利法第四十二条), as ``check`` reads them

    def search(self, query: str, k: int = 10, doc: str | None = None, chapter: int | None = None,
               mode: Mode | str = Mode.HYBRID, issuer: str | None = None, since: str | None = None,
               until: str | None = None) -> SearchResult:
        """The top ``k`` clauses for ``query`` (Chinese, Traditional or English), within the filters."""
        ...

    def prepare(self) -> None:
        """Load now what the first question of a kind would otherwise load lazily (a server calls it at start)."""
        ...

    def records(self) -> Sequence[IndexedClause]:
        """Every indexed clause with its lexical tokens and English words (for statistics such as idf)."""
        ...
