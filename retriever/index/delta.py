"""Bringing a stale embedded index up to date: a delta segment for the documents that changed, or a full build.

A delta segment holds every document that differs from the base (new or changed since ``build_index``), so the
newest delta alone describes the corpus; the base's rows of changed and removed documents are *replaced* (left out
of results). Layout, beside the base's files::

    delta.json          {"folder": "delta-000003", "base_id": …}: the pointer, swapped in with os.replace
    delta-000003/       manifest.json, clauses.jsonl, bm25.npz + bm25-vocab.json, bm25-en.* (if any English),
                        vectors-LEG.npy for every dense leg of the base

Only the changed documents are tokenised and scored (BM25 rows with the base's statistics, see
:mod:`retriever.index.delta_rows`), and their vectors come from the embedding store, so only new clause texts are embedded.
The base's statistics still count the replaced rows, as a search engine's do until segments merge; a full build
(``index build``) folds the delta in, and happens by itself when the delta and the replaced rows together pass
``IndexConfig.delta_max_fraction`` of the base, when a setting changed, or when the base predates delta segments.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retriever.analysis.embedders import Embedder
from retriever.analysis.tokenize import Tokenizer
from retriever.config import IndexConfig
from retriever.errors import CorruptIndexError, IndexMissingError
from retriever.index.build import Progress, build_index, embedded_summary, index_rows
from retriever.index.delta_rows import (
    DELTA_METHODS,
    DELTA_POINTER,
    bm25_statistics,
    document_frequencies,
    save_rows,
    score_rows,
)
from retriever.index.folder import file_digests, writing
from retriever.index.load import CLAUSES_FILE, Index, load_index, vectors_file, write_clauses
from retriever.index.manifest import CORPUS_KEYS, MANIFEST_FILE, read_manifest, write_json
from retriever.ingest.corpus import Corpus
from retriever.types import Leg

__all__ = ["DeltaPlan", "plan_delta", "update_index"]


@dataclass(frozen=True)
class DeltaPlan:
    """What a delta segment will hold, measured against the base."""

    documents: list[str]  # corpus documents that are new or changed since the base, in corpus order
    replaced: list[str]  # base documents whose rows are left out (changed or removed)
    rows: int
    replaced_rows: int


def plan_delta(corpus: Corpus, expected: dict[str, Any], base: dict[str, Any], config: IndexConfig) -> DeltaPlan | str:
    """The delta that brings ``base`` to ``expected``, or the reason a full build is needed instead."""
    settings = [key for key in expected if key not in CORPUS_KEYS and expected[key] != base.get(key)]
    if settings:
        return f"settings changed ({', '.join(settings)}) 设置已变"
    if not all(key in base for key in ("base_id", "bm25_statistics", "document_rows", "documents")):
        return "the index predates delta segments 索引版本较旧"
    if config.bm25_method not in DELTA_METHODS:
        return f"BM25 method {config.bm25_method} is rebuilt in full BM25方法不支持增量"
    wanted, built = expected["documents"], base["documents"]
    documents = [doc for doc in corpus.documents if built.get(doc) != wanted[doc]]
    replaced = [doc for doc in built if wanted.get(doc) != built[doc]]
    if any(doc in expected["translations"] for doc in documents) and not any(
            Leg.from_vector_key(key).english for key in base["dense_legs"]):
        return "a document brings an English translation to an index without English legs 新增英文译文"
    rows = sum(len(corpus.documents[doc].clauses) for doc in documents)
    replaced_rows = sum(base["document_rows"][doc] for doc in replaced)
    if rows + replaced_rows > config.delta_max_fraction * base["clause_count"]:
        return (f"{rows} new and {replaced_rows} replaced clauses pass {config.delta_max_fraction:.0%} of the "
                f"{base['clause_count']} indexed: rebuilt in full 变更过多，完整重建")
    return DeltaPlan(documents, replaced, rows, replaced_rows)


def _generations(path: Path) -> list[Path]:
    """The delta folders of an index, oldest first."""
    return sorted(p for p in path.glob("delta-*") if p.is_dir() and p.name[6:].isdigit())


def _prune(path: Path, keep: int = 1) -> None:
    """Remove all but the newest ``keep`` delta folders (the newest but one stays for a reader loading it now)."""
    for old in _generations(path)[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


def _lexical_rows(base_dir: Path, leg: Leg, tokens: list[list[str]], base: dict[str, Any], config: IndexConfig):
    """A delta's BM25 rows for one lexical leg, scored with that leg's base statistics."""
    import bm25s

    if (base_dir / leg.file).exists():
        engine = bm25s.BM25.load(str(base_dir / leg.file), mmap=True, load_corpus=False)
        vocab, df = engine.vocab_dict, document_frequencies(engine)
        stats = base["bm25_statistics"][leg.name]
    else:  # the base has no such leg (no English before): the delta's own statistics
        vocab, df, stats = {}, np.zeros(0, dtype=np.int64), bm25_statistics(tokens)
    return score_rows(tokens, vocab, df, stats, config.bm25_method, config.k1, config.b)


def write_delta(corpus: Corpus, config: IndexConfig, tokenizer: Tokenizer, embedders: dict[str, Embedder],
                base: dict[str, Any], expected: dict[str, Any], plan: DeltaPlan,
                report: Progress) -> dict[str, Any]:
    """Write the delta segment of ``plan`` and point the index at it; return its manifest."""
    started = time.perf_counter()
    path = config.index_dir
    rows = index_rows([corpus.documents[doc] for doc in plan.documents], config, tokenizer, embedders, report)
    report("BM25 rows 计算BM25", 0.8)
    t_bm25 = time.perf_counter()
    lexical = {leg: _lexical_rows(path, leg, rows.tokens[leg], base, config) for leg in rows.lexical_legs}
    bm25_seconds = time.perf_counter() - t_bm25
    generation = int(_generations(path)[-1].name[6:]) + 1 if _generations(path) else 1
    folder = path / f"delta-{generation:06d}"
    tmp = path / f".{folder.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    write_clauses(tmp / CLAUSES_FILE, rows.clauses)
    for leg, (matrix, vocab) in lexical.items():
        save_rows(tmp, leg.file, matrix, vocab)
    for leg in map(Leg.from_vector_key, base["dense_legs"]):
        matrix = rows.vectors.get(leg)
        if matrix is None:  # an English leg, and no delta document has English
            dim = np.load(path / vectors_file(leg), mmap_mode="r").shape[1]
            matrix = np.zeros((len(rows.clauses), dim), dtype=np.float32)
        np.save(tmp / vectors_file(leg), matrix, allow_pickle=False)
    manifest = {key: expected[key] for key in CORPUS_KEYS} | {
        "base_id": base["base_id"],
        "clause_count": base["clause_count"] - plan.replaced_rows + plan.rows,
        "embedded_texts": embedded_summary(rows.embedded),
        "delta": {
            "generation": generation,
            "documents": plan.documents,
            "replaced": plan.replaced,
            "rows": plan.rows,
            "replaced_rows": plan.replaced_rows,
            "written_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "seconds": rows.seconds | {"bm25": round(bm25_seconds, 3),
                                       "total": round(time.perf_counter() - started, 3)},
        },
    }
    manifest["files"] = file_digests(tmp)
    write_json(tmp / MANIFEST_FILE, manifest)
    tmp.rename(folder)
    pointer = path / f".{DELTA_POINTER}.tmp-{os.getpid()}"
    pointer.write_text(json.dumps({"folder": folder.name, "base_id": base["base_id"]}), encoding="utf-8")
    os.replace(pointer, path / DELTA_POINTER)  # the switch: readers see the old delta or this one
    _prune(path, keep=2)
    report("done 完成", 1.0)
    return manifest


def update_index(corpus: Corpus, config: IndexConfig, tokenizer: Tokenizer, embedders: dict[str, Embedder],
                 glossary_path: Path, expected: dict[str, Any],
                 progress: Progress | None = None) -> Index:
    """Bring the index at ``config.index_dir`` up to date with a delta segment, or build it in full; return it.

    ``expected``: :func:`~retriever.index.manifest.expected_manifest` of this corpus and these settings (the caller has it
    from the load that found the index stale)."""
    report = progress or (lambda message, fraction: None)
    try:
        base = read_manifest(config.index_dir)
    except (IndexMissingError, CorruptIndexError):
        return build_index(corpus, config, tokenizer, embedders, glossary_path, progress)
    plan = plan_delta(corpus, expected, base, config)
    if isinstance(plan, str):
        report(plan, 0.0)
        return build_index(corpus, config, tokenizer, embedders, glossary_path, progress, reason=plan)
    if not plan.documents and not plan.replaced:  # the corpus is the base's again: no delta needed
        (config.index_dir / DELTA_POINTER).unlink(missing_ok=True)
        _prune(config.index_dir)
    else:
        with writing(config.index_dir):
            write_delta(corpus, config, tokenizer, embedders, base, expected, plan, report)
    try:
        return load_index(config.index_dir, expected)
    except CorruptIndexError as err:  # the base's own files are damaged: only a full build mends them
        return build_index(corpus, config, tokenizer, embedders, glossary_path, progress, reason=str(err))
