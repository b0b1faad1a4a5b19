"""Per-document vector shards keyed by text hash: embeddings are computed once per distinct clause text.

Layout (plain files, no pickle)::

    STORE/LEG/DOC.npy   float32 vectors of the document's clause texts, in clause order
    STORE/LEG/DOC.json  {"doc", "model", "hashes": [sha256 of each text]}: written last, the shard's done-marker

A shard is written to temporary files and renamed into place, so an interrupted bulk load leaves only finished
documents behind and a rerun resumes after them. When a document changes, the vectors of its unchanged texts
are taken from its previous shard; only new or changed texts are embedded.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from retriever.analysis.embedders import Embedder
from retriever.types import Leg

__all__ = ["EmbeddingStore", "EmbedStats", "text_hash"]


def _safe(name: str) -> str:
    """A file-name-safe form of a document id."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def text_hash(text: str) -> str:
    """The key of a text's vector."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class EmbedStats:
    """How many texts were embedded now and how many vectors were reused."""

    embedded: int = 0
    reused: int = 0
    documents_embedded: list[str] = field(default_factory=list)


class EmbeddingStore:
    """Vector shards of one store folder; one sub-folder per dense leg (``use``, ``e5``, ``en_use`` …)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _paths(self, leg: Leg, doc: str) -> tuple[Path, Path]:
        base = self.folder / leg.file / _safe(doc)
        return base.with_suffix(".npy"), base.with_suffix(".json")

    def load(self, leg: Leg, doc: str, model: Mapping[str, object]) -> dict[str, np.ndarray]:
        """Text hash → vector of the document's finished shard (empty if none, or made by another model)."""
        npy, meta = self._paths(leg, doc)
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
            vectors = np.load(npy, allow_pickle=False)
        except (OSError, ValueError):
            return {}
        if info.get("model") != dict(model) or len(info.get("hashes", ())) != len(vectors):
            return {}
        return dict(zip(info["hashes"], vectors))

    def _write(self, leg: Leg, doc: str, model: Mapping[str, object], hashes: list[str], vectors: np.ndarray) -> None:
        npy, meta = self._paths(leg, doc)
        npy.parent.mkdir(parents=True, exist_ok=True)
        tmp_npy, tmp_meta = npy.with_name(f".{npy.name}.{os.getpid()}.tmp"), meta.with_name(f".{meta.name}.{os.getpid()}.tmp")
        with open(tmp_npy, "wb") as out:
            np.save(out, vectors.astype(np.float32), allow_pickle=False)
        tmp_meta.write_text(json.dumps({"doc": doc, "model": dict(model), "hashes": hashes}), encoding="utf-8")
        meta.unlink(missing_ok=True)  # no done-marker while the vectors change
        os.replace(tmp_npy, npy)
        os.replace(tmp_meta, meta)

    def remove(self, doc: str) -> None:
        """Forget a document's shards in every leg."""
        if not self.folder.is_dir():
            return
        for leg_dir in self.folder.iterdir():
            for suffix in (".json", ".npy"):
                (leg_dir / _safe(doc)).with_suffix(suffix).unlink(missing_ok=True)

    def vectors(self, leg: Leg, embedder: Embedder, texts: Mapping[str, list[str]], batch: int = 512,
                progress: Callable[[int, int], None] | None = None, stats: EmbedStats | None = None
                ) -> dict[str, np.ndarray]:
        """Vectors for every document's texts (doc → matrix in text order), embedding only unknown texts.

        Documents are embedded in batches of about ``batch`` texts (a long document in several), so memory stays
        bounded; each finished document's shard is written at once, so an interruption loses at most one batch.
        ``progress(done_texts, all_texts)`` after each batch of texts embedded.
        """
        model = embedder.describe()
        stats = stats if stats is not None else EmbedStats()
        out: dict[str, np.ndarray] = {}
        pending: list[tuple[str, list[str], dict[str, np.ndarray]]] = []
        queued = 0
        total = sum(len(v) for v in texts.values())
        done = 0

        def embed(missing: list[str]) -> dict[str, np.ndarray]:
            nonlocal done
            fresh: dict[str, np.ndarray] = {}
            for start in range(0, len(missing), batch):
                part = missing[start : start + batch]
                fresh.update(zip((text_hash(t) for t in part), embedder.encode_passages(part)))
                done += len(part)
                if progress:
                    progress(done, total)
            return fresh

        def flush() -> None:
            nonlocal queued
            missing = list(dict.fromkeys(t for doc, hs, known in pending for t, h in zip(texts[doc], hs) if h not in known))
            fresh = embed(missing)
            for doc, hashes, known in pending:
                known.update(fresh)
                matrix = np.array([known[h] for h in hashes], dtype=np.float32).reshape(len(hashes), embedder.dim)
                self._write(leg, doc, model, hashes, matrix)
                out[doc] = matrix
                stats.documents_embedded.append(doc)
            stats.embedded += len(missing)
            pending.clear()
            queued = 0

        for doc, doc_texts in texts.items():
            hashes = [text_hash(t) for t in doc_texts]
            known = self.load(leg, doc, model)
            if all(h in known for h in hashes):
                out[doc] = np.array([known[h] for h in hashes], dtype=np.float32).reshape(len(hashes), embedder.dim)
                if list(known) != hashes:  # the same texts, reordered or fewer: keep the shard in clause order
                    self._write(leg, doc, model, hashes, out[doc])
                stats.reused += len(hashes)
                total -= len(hashes)
                continue
            stats.reused += sum(1 for h in hashes if h in known)
            pending.append((doc, hashes, known))
            queued += sum(1 for h in hashes if h not in known)
            if queued >= batch:
                flush()
        if pending:
            flush()
        return {doc: out[doc] for doc in texts}

    def finished(self, leg: Leg) -> set[str]:
        """Names of the documents whose shard is complete (the done-list)."""
        folder = self.folder / leg.file
        return {p.stem for p in folder.glob("*.json")} if folder.is_dir() else set()


def texts_by_doc(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Group (doc, text) pairs by document, in order."""
    grouped: dict[str, list[str]] = {}
    for doc, text in pairs:
        grouped.setdefault(doc, []).append(text)
    return grouped
