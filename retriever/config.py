"""Typed configuration with defaults that work offline on the bundled corpus; environment variables override."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import QueryError

__all__ = ["IndexConfig", "SearchConfig", "BackendConfig", "ROOT", "MODES", "BACKENDS"]

ROOT = Path(__file__).resolve().parent.parent
MODES = ("hybrid", "bm25", "dense")
BACKENDS = ("embedded", "milvus")


def _fraction(name: str, default: str) -> float:
    """A share between 0 and 1 from the environment, or a clear error naming the variable."""
    raw = os.environ.get(name) or default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise QueryError(f"{name}={raw!r} must be a number from 0 to 1 (a share of the indexed clauses) 须为0到1之间的数")
    return value


@dataclass(frozen=True)
class IndexConfig:
    """How the index is built. Every field is recorded in the manifest and checked on load."""

    index_dir: Path = field(default_factory=lambda: Path(os.environ.get("RETRIEVER_INDEX_DIR", ROOT / "index" / "hybrid")))
    corpus_dir: Path = field(default_factory=lambda: Path(os.environ.get("RETRIEVER_CORPUS_DIR", ROOT / "corpus")))
    embedders: tuple[str, ...] = field(
        default_factory=lambda: tuple(os.environ.get("RETRIEVER_EMBEDDERS", "use,e5").split(","))
    )  # one dense leg per model: "use", "e5", "minilm" or "st:/path/to/model"
    bm25_method: str = "lucene"  # bm25s variant; "robertson" equals rank_bm25.BM25Okapi(epsilon=0)
    k1: float = 1.2
    b: float = 0.5  # milder length normalisation: the plan's paragraphs run from 40 to 1,500 characters
    ann_threshold: int = 50_000  # exact FAISS search below this many vectors, HNSW above
    # An update writes a delta segment unless its new and replaced clauses pass this share of the indexed ones;
    # then it builds in full (exact BM25 statistics again). An update policy: not recorded in the manifest.
    delta_max_fraction: float = field(default_factory=lambda: _fraction("RETRIEVER_DELTA_MAX_FRACTION", "0.1"))

    @property
    def store_dir(self) -> Path:
        """The embedding store (vector shards per document, keyed by text hash) shared by every backend."""
        default = self.index_dir.parent / f"{self.index_dir.name}-embeddings"
        return Path(os.environ.get("RETRIEVER_EMBED_STORE", default))

    def manifest_dict(self) -> dict[str, object]:
        data = asdict(self)
        data.pop("index_dir")
        data.pop("corpus_dir")
        data.pop("delta_max_fraction")
        data["embedders"] = list(self.embedders)  # as JSON will read it back
        return data


@dataclass(frozen=True)
class SearchConfig:
    """Query-time settings: fusion constants and candidate depth (separate from the final k)."""

    rrf_k: int = 60
    depth: int = 100
    max_k: int = 200
    # Leg name ("bm25", "dense:use" …) → RRF weight. Unset: lexical and semantic evidence weigh the same,
    # the bm25 leg 1.0 and the dense legs sharing 1.0 between them.
    weights: dict[str, float] = field(default_factory=dict)

    def check_k(self, k: int) -> int:
        """A usable k: at least 1; at most ``max_k``."""
        if not isinstance(k, int) or k < 1:
            raise QueryError(f"k must be a whole number of at least 1 (got {k!r}) k 至少为1")
        if k > self.max_k:
            raise QueryError(f"k must be at most {self.max_k} (got {k}) k 最大为{self.max_k}")
        return k


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


@dataclass(frozen=True)
class BackendConfig:
    """Which engine holds the clause index: ``embedded`` (files in index/, the default) or ``milvus``.

    ``milvus_uri`` is a Milvus-lite file (``index/milvus.db``: one machine, in-process) or a server
    (``http://host:19530``). ``lexical`` chooses who tokenises for the Milvus BM25 leg: ``jieba`` (the default: Milvus's own
    jieba analyzer, given our user dictionary and stopwords) or ``client`` (this package's tokenizer, tokens sent as
    opaque words: exactly the embedded index's tokens).
    """

    backend: str = field(default_factory=lambda: _env("RETRIEVER_BACKEND", "embedded"))
    milvus_uri: str = field(default_factory=lambda: _env("RETRIEVER_MILVUS_URI", str(ROOT / "index" / "milvus.db")))
    collection: str = field(default_factory=lambda: _env("RETRIEVER_MILVUS_COLLECTION", "clauses"))
    lexical: str = field(default_factory=lambda: _env("RETRIEVER_MILVUS_LEXICAL", "jieba"))
    token: str = field(default_factory=lambda: _env("RETRIEVER_MILVUS_TOKEN", ""))  # user:password or API key
    timeout: float = 10.0  # seconds to wait for a server

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise QueryError(f"unknown backend {self.backend!r}: choose {' or '.join(BACKENDS)} 未知后端")
        if self.lexical not in ("client", "jieba"):
            raise QueryError(f"unknown Milvus lexical mode {self.lexical!r}: client or jieba")
