"""Choosing the search backend: the embedded index (files in index/, the default) or a Milvus collection."""

from __future__ import annotations

from typing import Any, Callable

from .config import BackendConfig, IndexConfig, SearchConfig
from .corpus import Corpus

__all__ = ["open_searcher"]


def open_searcher(config: IndexConfig | None = None, backend: BackendConfig | None = None,
                  search_config: SearchConfig | None = None, rebuild: str = "missing",
                  progress: Callable[[str, float], None] | None = None, corpus: Corpus | None = None,
                  embedders: dict[str, Any] | None = None) -> Any:
    """A searcher of the configured backend; both have the same ``search()`` and return the same hits.

    ``rebuild``: ``never``, ``missing`` (build when absent), ``stale`` (also bring up to date — incrementally:
    only changed documents are re-embedded), or ``build`` (from scratch).
    """
    backend = backend or BackendConfig()
    if backend.backend == "milvus":
        from .milvus_search import MilvusSearcher

        return MilvusSearcher.open(config, backend, search_config, rebuild, embedders, progress, corpus)
    from .search import Searcher

    if rebuild == "build":
        config = config or IndexConfig()
        (config.index_dir / "manifest.json").unlink(missing_ok=True)  # forces a rebuild; the swap replaces the rest
        rebuild = "stale"
    return Searcher.open(config, search_config, rebuild, embedders, progress, corpus)
