"""FAKES, labelled as such: stand-ins for what the fast test tier must not load.

:class:`HashEmbedder` replaces the real embedding models in tests of logic that does not depend on model quality
(index build, load, manifest checks, delta segments, filters, the shape of hits and explanations, the searcher
contract). Its vectors are deterministic, unit-length and carry no meaning: a test that needs a relevant hit ranked
first must use the real models (the ``slow`` tier). In the manner of haystack's ``mock_utils``.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["HashEmbedder", "FAKE"]

FAKE = "fake-hash"  # the embedder's name in configs and manifests


class HashEmbedder:
    """FAKE embedder: a unit vector seeded from the sha256 of the text (same text, same vector; nothing else)."""

    name = "fake-hash-embedder (tests only)"

    def __init__(self, dim: int = 16) -> None:
        self.dim = dim

    def _vector(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
        vector = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return vector / np.linalg.norm(vector)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return np.array([self._vector(t) for t in texts], dtype=np.float32).reshape(len(texts), self.dim)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encode_passages(texts)

    def describe(self) -> dict[str, object]:
        return {"name": self.name, "dim": self.dim, "package": "tests/fakes.py (FAKE)"}
