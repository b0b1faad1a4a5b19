"""Loading an embedded index folder: its base, and the delta segment laid over it, checked against the manifest.

The live view (see :mod:`retriever.index.delta_rows`) searches the base's live rows followed by the delta's rows
as one index; a reader never sees half an index, because builds and deltas are swapped in atomically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retriever.errors import CorruptIndexError
from retriever.index.delta_rows import DELTA_POINTER, LiveBM25, LiveDense, load_rows
from retriever.index.folder import check_files, recover
from retriever.index.manifest import CORPUS_KEYS, MANIFEST_FILE, check_fresh, read_manifest
from retriever.types import IndexedClause, Leg

__all__ = ["Index", "load_index", "read_clauses", "write_clauses", "vectors_file", "faiss_file", "CLAUSES_FILE"]

CLAUSES_FILE = "clauses.jsonl"


def vectors_file(leg: Leg) -> str:
    return f"vectors-{leg.file}.npy"


def faiss_file(leg: Leg) -> str:
    return f"dense-{leg.file}.faiss"


@dataclass
class Index:
    """A loaded index: clauses, the lexical legs' BM25 engines, the dense legs' vectors and FAISS indexes."""

    path: Path
    manifest: dict[str, Any]
    clauses: list[IndexedClause]
    lexical: dict[Leg, Any]  # Leg.bm25() and, when a document has reference English, Leg.bm25(english=True)
    vectors: dict[Leg, np.ndarray]  # dense leg → clause vectors (zero rows: no English)
    dense: dict[Leg, Any]  # dense leg → FAISS index (or the live view over one)

    def __len__(self) -> int:
        return len(self.clauses)


def write_clauses(path: Path, clauses: list[IndexedClause]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for clause in clauses:
            out.write(clause.to_json() + "\n")


def read_clauses(path: Path) -> list[IndexedClause]:
    with open(path, encoding="utf-8") as lines:
        return [IndexedClause.from_json(line) for line in lines]


def _read_delta_manifest(path: Path, base: dict[str, Any]) -> tuple[Path, dict[str, Any]] | None:
    """The current delta segment's folder and manifest, if the index has one."""
    pointer = path / DELTA_POINTER
    if not pointer.exists():
        return None
    try:
        folder = path / json.loads(pointer.read_text(encoding="utf-8"))["folder"]
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as err:
        raise CorruptIndexError(f"the delta segment of {path} is unreadable ({err}): rebuild the index") from None
    if manifest.get("base_id") != base.get("base_id"):
        raise CorruptIndexError(f"the delta segment {folder.name} belongs to another build of {path}: rebuild the index")
    return folder, manifest


def effective_manifest(base: dict[str, Any], delta: dict[str, Any] | None) -> dict[str, Any]:
    """The base manifest with the corpus entries, counts and embedding record of the delta laid over it."""
    if delta is None:
        return base
    return base | {key: delta[key] for key in (*CORPUS_KEYS, "clause_count", "embedded_texts", "delta")}


def load_index(path: Path, expected: dict[str, Any]) -> Index:
    """Load an index folder (its base, and the delta segment over it if any) and check its manifest against
    ``expected``; raise a specific error if unusable."""
    import bm25s
    import faiss

    recover(path)
    base_manifest = read_manifest(path)
    delta = _read_delta_manifest(path, base_manifest)
    manifest = effective_manifest(base_manifest, delta[1] if delta else None)
    check_fresh(path, expected, manifest)
    check_files(path, base_manifest.get("files"), "the index")
    try:
        clauses = read_clauses(path / CLAUSES_FILE)
        lexical = {leg: bm25s.BM25.load(str(path / leg.file), mmap=False, load_corpus=False)
                   for leg in (Leg.bm25(), Leg.bm25(english=True)) if (path / leg.file).exists()}
        legs = [Leg.from_vector_key(key) for key in base_manifest["dense_legs"]]
        vectors = {leg: np.load(path / vectors_file(leg), allow_pickle=False) for leg in legs}
        dense = {leg: faiss.read_index(str(path / faiss_file(leg))) for leg in legs}
    except Exception as err:  # any unreadable file means the same thing to the user
        raise CorruptIndexError(f"the index at {path} is damaged ({type(err).__name__}: {err}): rebuild it") from None
    if Leg.bm25() not in lexical:
        raise CorruptIndexError(f"the index at {path} has no {Leg.bm25().file}/ folder: rebuild it")
    count = base_manifest.get("clause_count")
    sizes = {len(clauses)} | {engine.scores["num_docs"] for engine in lexical.values()}
    sizes |= {v.shape[0] for v in vectors.values()} | {d.ntotal for d in dense.values()}
    if sizes != {count}:
        raise CorruptIndexError(
            f"the index at {path} is inconsistent: manifest says {count} clauses, its files hold {sorted(sizes)}: "
            "rebuild it"
        )
    _check_vectors(path, vectors, clauses, base_manifest.get("embedders", {}))
    base = Index(path, manifest, clauses, lexical, vectors, dense)
    return _with_delta(base, *delta) if delta else base


def _check_vectors(path: Path, vectors: dict[Leg, np.ndarray], clauses: list[IndexedClause],
                   embedders: dict[str, Any]) -> None:
    """Each dense leg's vectors have its model's dimension and unit length (English legs: zero where a clause has no
    English); :class:`CorruptIndexError` otherwise."""
    has_en = np.array([c.text_en is not None for c in clauses], dtype=bool)
    for leg, matrix in vectors.items():
        dim = embedders.get(leg.embedder, {}).get("dim")
        if matrix.ndim != 2 or (dim is not None and matrix.shape[1] != dim):
            raise CorruptIndexError(f"the vectors of {leg.name} at {path} have shape {matrix.shape}, not (n, {dim}): "
                                    "rebuild it with `python -m retriever index build`")
        norms = np.linalg.norm(matrix, axis=1)
        wanted = has_en if leg.english else np.ones(len(matrix), dtype=bool)
        if len(norms) == len(wanted) and (np.abs(norms[wanted] - 1) > 1e-3).any():
            raise CorruptIndexError(f"the vectors of {leg.name} at {path} are not unit vectors (zeroed or damaged): "
                                    "rebuild it with `python -m retriever index build`")


def _with_delta(base: Index, folder: Path, manifest: dict[str, Any]) -> Index:
    """The live view: the base without its replaced documents' rows, then the delta's rows."""
    check_files(folder, manifest.get("files"), "the delta segment")
    try:
        clauses = read_clauses(folder / CLAUSES_FILE)
        rows = {leg: load_rows(folder, leg.file) for leg in (Leg.bm25(), Leg.bm25(english=True))}
        vectors = {leg: np.load(folder / vectors_file(leg), allow_pickle=False) for leg in base.vectors}
    except Exception as err:
        raise CorruptIndexError(f"the delta segment {folder} is damaged ({type(err).__name__}: {err}): "
                                "rebuild the index") from None
    sizes = {len(clauses)} | {v.shape[0] for v in vectors.values()}
    sizes |= {found[0].shape[0] for found in rows.values() if found is not None}
    if sizes != {manifest["delta"]["rows"]}:
        raise CorruptIndexError(f"the delta segment {folder} is inconsistent ({sorted(sizes)} rows): rebuild the index")
    replaced = set(manifest["delta"]["replaced"])
    n_base = len(base.clauses)
    live = np.array([i for i, c in enumerate(base.clauses) if c.doc not in replaced], dtype=np.int64) if replaced else None
    kept = base.clauses if live is None else [base.clauses[i] for i in live]
    lexical = {leg: LiveBM25(base.lexical.get(leg), n_base, live, found) for leg, found in rows.items()
               if leg in base.lexical or found is not None}
    return Index(
        base.path, base.manifest, kept + clauses, lexical,
        {leg: np.concatenate([v if live is None else v[live], vectors[leg]]) for leg, v in base.vectors.items()},
        {leg: LiveDense(d, live, vectors[leg]) for leg, d in base.dense.items()},
    )
