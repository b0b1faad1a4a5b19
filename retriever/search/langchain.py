"""A LangChain retriever over the clause searcher (``langchain-core`` interfaces only).

Each hit becomes a ``Document`` whose ``page_content`` is the clause text and whose metadata carry the anchor,
labels, heading path, document id, rank, score and the explanation.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from retriever.search.protocol import Searcher
from retriever.types import Hit, Mode

__all__ = ["ClauseRetriever", "hit_to_document"]


def hit_to_document(hit: Hit) -> Document:
    """A LangChain ``Document`` for one hit; the anchor is also its id."""
    return Document(
        id=hit.anchor,
        page_content=hit.text,
        metadata={
            "anchor": hit.anchor,
            "doc": hit.doc,
            "label_zh": hit.label_zh,
            "label_en": hit.label_en,
            "heading_path": list(hit.heading_path),
            "rank": hit.rank,
            "score": hit.score,
            "explain": hit.explain,
            "marks": list(hit.marks),
        },
    )


class ClauseRetriever(BaseRetriever):
    """Retrieve plan clauses (or law paragraphs) for a question, ready for a LangChain chain.

    Example::

        retriever = ClauseRetriever(searcher=open_searcher(), k=5)
        docs = retriever.invoke("湖北如何发展光通信?")
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: Any  # a Searcher (the protocol); typed loosely so pydantic does not try to validate it
    k: int = 5
    mode: Mode = Mode.HYBRID
    doc: str | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        searcher: Searcher = self.searcher
        result = searcher.search(query, k=self.k, mode=self.mode, doc=self.doc)
        return [hit_to_document(h) for h in result.hits]
