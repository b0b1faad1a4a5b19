"""Every path, default and environment variable of the package, read in one place.

Defaults work offline on the bundled corpus; environment variables (and the CLI's flags, which fill the same
dataclasses) override them. Nothing else in the package reads ``os.environ`` or computes a path from ``__file__``.

| variable | what | default |
|---|---|---|
| ``RETRIEVER_HOME`` | the project folder (corpus/, index/, eval/) | the checkout this package lies in |
| ``RETRIEVER_CORPUS_DIR`` | the corpus folder | ``HOME/corpus`` |
| ``RETRIEVER_INDEX_DIR`` | the embedded index folder | ``HOME/index/hybrid`` |
| ``RETRIEVER_EMBED_STORE`` | the embedding store | beside the index: ``hybrid-embeddings`` |
| ``RETRIEVER_RANKER`` / ``RETRIEVER_ANSWER_MODEL`` | the fitted ranking and answer models (a held-out evaluation fits its own) | the shipped ones in ``retriever/data`` |
| ``RETRIEVER_EMBEDDERS`` | dense legs, comma-separated (``use``, ``e5``, ``minilm``, ``st:/path``) | ``use,e5`` |
| ``RETRIEVER_DELTA_MAX_FRACTION`` | largest change written as a delta segment | 0.1 |
| ``RETRIEVER_BACKEND`` | ``embedded`` or ``milvus`` | embedded |
| ``RETRIEVER_MILVUS_URI`` / ``_COLLECTION`` / ``_LEXICAL`` / ``_TOKEN`` | the Milvus backend | ``HOME/index/milvus.db``, ``clauses``, ``jieba`` |
| ``RETRIEVER_CHAT_MODEL`` / ``_BASE_URL`` / ``_API_KEY`` / ``_TIMEOUT`` | optional chat model | none |
"""

from __future__ import annotations

import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from retriever.errors import QueryError
from retriever.types import Backend, MilvusLexical

__all__ = ["ROOT", "PACKAGE_DATA", "TUNED_DIR", "RANKER_PATH", "ANSWER_MODEL_PATH", "corpus_dir", "models_offline", "GLOSSARY_FILE", "EVAL_DIR", "DEFAULT_QUESTIONS", "DEFAULT_CITATIONS", "citations_for",
           "REPORT_PATH", "MACHINE_TRANSLATION_CACHE", "SHARED_LAWS", "IndexConfig", "SearchConfig",
           "BackendConfig", "ChatConfig"]


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name) or default


ROOT = Path(_env("RETRIEVER_HOME", str(Path(__file__).resolve().parent.parent)))
"""The project folder: corpus/, index/ and eval/ are found here."""

PACKAGE_DATA = Path(__file__).resolve().parent / "data"  # stopwords, provinces, the fitted models
RANKER_PATH = Path(_env("RETRIEVER_RANKER", str(PACKAGE_DATA / "ranker.json")))
ANSWER_MODEL_PATH = Path(_env("RETRIEVER_ANSWER_MODEL", str(PACKAGE_DATA / "answer-model.json")))
GLOSSARY_FILE = "glossary.jsonl"  # inside the corpus folder
EVAL_DIR = ROOT / "eval"
DEFAULT_QUESTIONS = EVAL_DIR / "questions.jsonl"
DEFAULT_CITATIONS = EVAL_DIR / "citations.jsonl"
REPORT_PATH = EVAL_DIR / "report.md"
MACHINE_TRANSLATION_CACHE = ROOT / "index" / "machine-translations.jsonl"
TUNED_DIR = Path(_env("RETRIEVER_TUNED_DIR", str(ROOT / "index" / "tuned-english")))
"""The English MiniLM tuned on the team's English questions (``retriever.analysis.tuned_english``): built, not
committed; tuned on first use and again when those questions change. The fit's half models sit beside it."""
SHARED = ROOT.parent / "shared"  # beside the project: benchmarks and model fitting only, never needed at run time
SHARED_LAWS = SHARED / "corpora" / "lawrefbook"
DEV_QUESTIONS = SHARED / "eval" / "dev-questions.jsonl"
TRAIN_QUESTIONS = EVAL_DIR / "train-questions.jsonl"
"""Training questions written for the models by readers of the clause texts who saw no code, no eval/ and no dev set."""
PROBE_QUESTIONS = EVAL_DIR / "probe-questions.jsonl"
QUESTION_SETS = (DEFAULT_QUESTIONS, TRAIN_QUESTIONS, DEV_QUESTIONS, PROBE_QUESTIONS)
"""Every question set, in the order the benchmarks table them: the team's own, its training set, the dev set, the probe
set (kept out of the fit until stop 52, in it since)."""


def citations_for(questions: Path) -> Path:
    """The citation checks that go with a question set: its sibling ``<prefix>-citations.jsonl`` when there is one
    (dev-questions.jsonl → dev-citations.jsonl), else the team's own (eval/citations.jsonl)."""
    prefix = questions.stem.removesuffix("questions")
    sibling = questions.with_name(f"{prefix}citations.jsonl")
    return sibling if prefix and sibling.is_file() else DEFAULT_CITATIONS


def models_offline() -> None:
    """Make Hugging Face libraries load models from disk only (no hub downloads) and quietly (no "Loading weights"
    progress bar on every start), unless the user set otherwise."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    if "transformers" in sys.modules:  # imported before: it read the setting then
        from transformers.utils import logging as transformers_logging

        if os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] == "1":
            transformers_logging.disable_progress_bar()


def fixed_hashing() -> None:
    """Re-run ``python -m retriever …`` with ``PYTHONHASHSEED=0`` unless it already has it: the order of Python's
    sets of strings follows the hash seed, and with it the last bits of the feature sums, so two fits of the same
    questions differed by a few questions; with a fixed seed they are identical. Called in-process (not as
    ``python -m retriever``) it does nothing."""
    if os.environ.get("PYTHONHASHSEED") != "0" and sys.argv and Path(sys.argv[0]).name == "__main__.py":
        os.execve(sys.executable, [sys.executable, "-m", "retriever", *sys.argv[1:]],
                  dict(os.environ, PYTHONHASHSEED="0"))


def corpus_dir() -> Path:
    """The corpus folder: ``$RETRIEVER_CORPUS_DIR`` or ``corpus/`` of the project."""
    return Path(_env("RETRIEVER_CORPUS_DIR", str(ROOT / "corpus")))


def _fraction(name: str, default: str) -> float:
    """A share between 0 and 1 from the environment, or a clear error naming the variable."""
    raw = _env(name, default)
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

    index_dir: Path = field(default_factory=lambda: Path(_env("RETRIEVER_INDEX_DIR", str(ROOT / "index" / "hybrid"))))
    corpus_dir: Path = field(default_factory=corpus_dir)
    embedders: tuple[str, ...] = field(default_factory=lambda: tuple(_env("RETRIEVER_EMBEDDERS", "use,e5").split(",")))
    # one dense leg per model: "use", "e5", "minilm" or "st:/path/to/model"
    bm25_method: str = "lucene"  # bm25s variant; "robertson" equals rank_bm25.BM25Okapi(epsilon=0)
    # k1 and b, measured by benchmarks/bm25_parameters.py (each lexical leg alone, MRR@10, stop 33): b trades the
    # laws' short articles against the plan's paragraphs of 40 to 1,500 characters. At b 0.5 → 0.75 the Chinese leg
    # gains on the training set's law questions (0.432 → 0.475) and loses on plan questions (own set 0.855 → 0.837,
    # dev 0.817 → 0.797); so does the English leg (training laws 0.469 → 0.516, own set 0.825 → 0.803). After the
    # ranking model it does not pay: the English leg at 0.75 gave dev R@1 / R@5 0.884 / 0.966 and 0.898 / 0.966
    # (seeds 0 / 5) against 0.905 / 0.973 and 0.898 / 0.966 (benchmarks/ranking_variants.py), so 0.5 stays. k1 0.9 or
    # 1.6 moves no leg's MRR@10 on the team's sets (own, training) by more than 0.015.
    k1: float = 1.2
    b: float = 0.5
    ann_threshold: int = 50_000  # exact FAISS search below this many vectors, HNSW above
    # An update writes a delta segment unless its new and replaced clauses pass this share of the indexed ones;
    # then it builds in full (exact BM25 statistics again). An update policy: not recorded in the manifest.
    delta_max_fraction: float = field(default_factory=lambda: _fraction("RETRIEVER_DELTA_MAX_FRACTION", "0.1"))

    @property
    def store_dir(self) -> Path:
        """The embedding store (vector shards per document, keyed by text hash) shared by every backend."""
        default = self.index_dir.parent / f"{self.index_dir.name}-embeddings"
        return Path(_env("RETRIEVER_EMBED_STORE", str(default)))

    @property
    def glossary_path(self) -> Path:
        return Path(self.corpus_dir) / GLOSSARY_FILE

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
    # Leg name (``Leg.name``) → RRF weight. Unset: lexical and semantic evidence weigh the
    # same, the lexical legs sharing 1.0 and the dense legs sharing 1.0.
    weights: dict[str, float] = field(default_factory=dict)

    def check_k(self, k: int) -> int:
        """A usable k: at least 1; at most ``max_k``."""
        if not isinstance(k, int) or k < 1:
            raise QueryError(f"k must be a whole number of at least 1 (got {k!r}) k 至少为1")
        if k > self.max_k:
            raise QueryError(f"k must be at most {self.max_k} (got {k}) k 最大为{self.max_k}")
        return k


@dataclass(frozen=True)
class BackendConfig:
    """Which engine holds the clause index: ``embedded`` (files in index/, the default) or ``milvus``.

    ``milvus_uri`` is a Milvus-lite file (``index/milvus.db``: one machine, in-process) or a server
    (``http://host:19530``). ``lexical`` chooses who tokenises for the Milvus BM25 leg (:class:`MilvusLexical`).
    """

    backend: Backend = field(default_factory=lambda: Backend.from_str(_env("RETRIEVER_BACKEND", "embedded")))
    milvus_uri: str = field(default_factory=lambda: _env("RETRIEVER_MILVUS_URI", str(ROOT / "index" / "milvus.db")))
    collection: str = field(default_factory=lambda: _env("RETRIEVER_MILVUS_COLLECTION", "clauses"))
    lexical: MilvusLexical = field(default_factory=lambda: MilvusLexical.from_str(_env("RETRIEVER_MILVUS_LEXICAL",
                                                                                       "jieba")))
    token: str = field(default_factory=lambda: _env("RETRIEVER_MILVUS_TOKEN"))  # user:password or API key
    timeout: float = 10.0  # seconds to wait for a server

    def __post_init__(self) -> None:
        object.__setattr__(self, "backend", Backend.from_str(self.backend))
        object.__setattr__(self, "lexical", MilvusLexical.from_str(self.lexical))


@dataclass(frozen=True)
class ChatConfig:
    """The optional chat model (machine translation, generated answers): ``openai:MODEL`` or ``ollama:MODEL``."""

    model: str = field(default_factory=lambda: _env("RETRIEVER_CHAT_MODEL").strip())
    base_url: str = field(default_factory=lambda: _env("RETRIEVER_CHAT_BASE_URL"))
    api_key: str = field(default_factory=lambda: _env("RETRIEVER_CHAT_API_KEY", "none"))
    timeout: str = field(default_factory=lambda: _env("RETRIEVER_CHAT_TIMEOUT", "30"))  # seconds, checked on use
