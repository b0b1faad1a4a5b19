"""Opening the configured searcher: the embedded index (files in index/, the default) or a Milvus collection."""

from __future__ import annotations

from retriever.analysis.embedders import Embedder
from retriever.config import BackendConfig, IndexConfig, SearchConfig
from retriever.index.build import Progress
from retriever.ingest.corpus import Corpus
from retriever.search.protocol import Searcher
from retriever.types import Backend, Rebuild

__all__ = ["open_searcher"]


def open_searcher(config: IndexConfig | None = None, backend: BackendConfig | None = None,
                  search_config: SearchConfig | None = None, rebuild: Rebuild | str = Rebuild.MISSING,
                  progress: Progress | None = None, corpus: Corpus | None = None,
                  embedders: dict[str, Embedder] | None = None) -> Searcher:
    """A searcher of the configured backend; both implement :class:`~retriever.search.protocol.Searcher`.

    ``rebuild`` (:class:`~retriever.types.Rebuild`): ``never``, ``missing`` (build when absent), ``stale`` (also
    bring it up to date, incrementally: only changed documents are re-embedded), or ``build`` (from scratch).
    """
    backend = backend or BackendConfig()
    if backend.backend is Backend.MILVUS:
        from retriever.search.milvus import MilvusSearcher

        return MilvusSearcher.open(config, backend, search_config, rebuild, embedders, progress, corpus)
    from retriever.search.embedded import EmbeddedSearcher

    return EmbeddedSearcher.open(config, search_config, rebuild, embedders, progress, corpus)
