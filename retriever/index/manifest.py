"""The index manifest: what an index was built from, checked on every load.

``manifest.json`` records the schema version, per-document content digests, the glossary and translation hashes,
the settings, the models, the tokenizer and the library versions. :func:`expected_manifest` computes what the
current corpus and settings would record; any difference makes the index stale (:class:`StaleIndexError`), and
the message names what changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from retriever.analysis.fields import LEG_TEXTS
from retriever.analysis.tokenize import Tokenizer, english_settings, english_stopwords
from retriever.config import RANKER_PATH, IndexConfig
from retriever.english.reference import translation_path
from retriever.errors import CorruptIndexError, IndexMissingError, StaleIndexError
from retriever.ingest.corpus import Corpus
from retriever.types import Document

__all__ = ["SCHEMA_VERSION", "MANIFEST_FILE", "CORPUS_KEYS", "document_digest", "expected_manifest", "boosters_sha256",
           "model_fingerprint",
           "read_manifest", "has_manifest", "stale_changes", "check_fresh", "write_json"]

SCHEMA_VERSION = 3  # 2: per-document digests, BM25 statistics, a base id (delta segments); 3: a sha256 per file
MANIFEST_FILE = "manifest.json"
CORPUS_KEYS = ("corpus", "documents", "translations")  # the manifest entries that depend on the corpus's content
_NOT_INDEXED = ("primary", "aliases", "edition", "edition_en")  # used to cite, not indexed: not in the digest


def _sha256_file(path: Path | None) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path is not None and path.exists() else ""


def document_digest(doc: Document) -> str:
    """One document's content hash: its source file, metadata, translation and what the parsers produced of it
    (title, anchors, labels, heading paths, texts, marks), so a change of the repair or parsing code is noticed
    even when the source files did not change."""
    meta = {key: value for key, value in doc.meta.to_dict().items() if key not in _NOT_INDEXED}
    digest = hashlib.sha256(f"{doc.meta.sha256}\t{_sha256_file(translation_path(doc) or Path('/nonexistent'))}\t"
                            f"{meta}\n".encode())
    digest.update(f"{doc.doc_id}\t{doc.meta.title}\n".encode())
    for c in doc.clauses:
        marks = ";".join(f"{m.start},{m.end},{m.kind.value}" for m in c.marks)
        digest.update(f"{c.anchor}\t{c.label_zh}\t{c.label_en}\t{'>'.join(c.heading_path)}\t{c.text}\t{marks}\n"
                      .encode())
    return digest.hexdigest()


def boosters_sha256(boosters: Sequence[str]) -> str:
    """The hash of a ranking model's boosters (LightGBM text models), in order."""
    return hashlib.sha256("\n".join(boosters).encode()).hexdigest()


def model_fingerprint(path: Path = RANKER_PATH) -> dict[str, str]:
    """The ranking model's hash and the hash of the questions it was fitted on (empty when none is shipped)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {"sha256": boosters_sha256(raw["boosters"]), "training_sha256": raw["training_sha256"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def expected_manifest(corpus: Corpus, config: IndexConfig, tokenizer: Tokenizer, embedder_info: dict[str, Any],
                      glossary_path: Path) -> dict[str, Any]:
    """Everything a loaded index must agree with (the build time and counts are added on build)."""
    import bm25s
    import faiss

    return {
        "schema_version": SCHEMA_VERSION,
        "corpus": {doc.doc_id: doc.meta.sha256 for doc in corpus.documents.values()},
        "glossary_sha256": _sha256_file(glossary_path),
        "documents": {doc.doc_id: document_digest(doc) for doc in corpus.documents.values()},
        "translations": {doc.doc_id: _sha256_file(path) for doc in corpus.documents.values()
                         if (path := translation_path(doc)) is not None},
        "config": config.manifest_dict(),
        "embedders": embedder_info,
        "tokenizer": tokenizer.settings(),
        "english_tokens": {
            "stopwords_sha256": hashlib.sha256("\n".join(sorted(english_stopwords())).encode()).hexdigest(),
        } | english_settings(),
        "libraries": {
            "bm25s": bm25s.__version__,
            "faiss-cpu": faiss.__version__,
            "numpy": np.__version__,
            "jieba": version("jieba"),
        },
        "text": LEG_TEXTS,
        "ranking_model": model_fingerprint(),
    }


def stale_changes(expected: dict[str, Any], found: dict[str, Any], prefix: str = "") -> list[str]:
    """What differs between the expected manifest and the one found, one line per difference. Every entry is
    compared both ways (an index built with a setting or document this version lacks is stale too), except the top
    level's own keys, where the build adds its time and counts."""
    changes = [f"{prefix}{key}: in the index but no longer in the corpus or settings"
               for key in found if key not in expected and prefix]
    for key, value in expected.items():
        other = found.get(key)
        if isinstance(value, dict) and isinstance(other, dict):
            changes += stale_changes(value, other, f"{prefix}{key}.")
        elif value != other:
            changes.append(f"{prefix}{key}: index has {other!r}, now {value!r}")
    return changes


def check_fresh(path: Path, expected: dict[str, Any], found: dict[str, Any]) -> None:
    """:class:`StaleIndexError` naming the first differences, unless ``found`` agrees with ``expected``."""
    changes = stale_changes(expected, found)
    if changes:
        shown = "; ".join(changes[:4]) + (f"; and {len(changes) - 4} more" if len(changes) > 4 else "")
        raise StaleIndexError(f"the index at {path} is stale: {shown}")


def has_manifest(path: Path) -> bool:
    """Whether ``path`` holds a (finished) index: a build writes its manifest last."""
    return (path / MANIFEST_FILE).exists()


def read_manifest(path: Path) -> dict[str, Any]:
    """The base manifest of an index folder; :class:`IndexMissingError` or :class:`CorruptIndexError` if unusable."""
    manifest_path = path / MANIFEST_FILE
    if not path.exists():
        raise IndexMissingError(f"no index at {path}: build it with `python -m retriever index build`")
    if not manifest_path.exists():
        raise CorruptIndexError(f"{path} has no {MANIFEST_FILE} (an interrupted build?): rebuild the index")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CorruptIndexError(f"{manifest_path} is unreadable ({err}): rebuild the index with "
                                "`python -m retriever index build`") from None
    if not isinstance(manifest, dict):
        raise CorruptIndexError(f"{manifest_path} holds {type(manifest).__name__}, not a manifest: rebuild the index "
                                "with `python -m retriever index build`")
    return manifest


def write_json(path: Path, data: Any) -> None:
    """Write JSON through a temporary file renamed into place."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)
