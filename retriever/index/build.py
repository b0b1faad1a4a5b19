"""Building the embedded index: tokenise, embed and index every clause; write the folder atomically.

Layout of an index folder (plain files, no pickle)::

    manifest.json    schema version, corpus hashes, model, tokenizer and BM25 settings, library versions
    clauses.jsonl    one clause a line: anchor, labels, heading path, text, chapter, tokens
    bm25/            bm25s arrays (.npy, allow_pickle=False) and vocabulary (JSON)
    bm25-en/         the same over the reference English translation (stemmed English words), if any
    vectors-LEG.npy  float32 L2-normalised clause vectors, one file per dense leg (en_use: the English text)
    dense-LEG.faiss  FAISS index over them (flat below a size threshold, HNSW above)
    delta.json       only after an update: the pointer to the current delta segment (:mod:`retriever.index.delta`)

A build writes a sibling temporary folder and swaps it in, so a reader never sees half an index. Vectors come from
the embedding store beside it (``IndexConfig.store_dir``): a rebuild after one document changed embeds only that
document's new or changed clause texts.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from retriever.analysis.embedders import Embedder
from retriever.analysis.fields import clause_fields
from retriever.analysis.tokenize import Tokenizer
from retriever.config import IndexConfig
from retriever.english.reference import english_by_anchor
from retriever.index.delta_rows import bm25_statistics
from retriever.index.embedding_store import EmbeddingStore, EmbedStats, texts_by_doc
from retriever.index.folder import file_digests, recover, swap_in, writing
from retriever.index.load import CLAUSES_FILE, Index, faiss_file, vectors_file, write_clauses
from retriever.index.manifest import MANIFEST_FILE, expected_manifest, write_json
from retriever.ingest.corpus import Corpus
from retriever.types import Document, IndexedClause, Leg

__all__ = ["Rows", "index_rows", "build_index", "embedded_summary", "Progress"]

Progress = Callable[[str, float], None]


def _stack(per_doc: dict[str, np.ndarray], dim: int) -> np.ndarray:
    """Per-document matrices (in corpus order) as one matrix."""
    return np.vstack(list(per_doc.values())) if per_doc else np.zeros((0, dim), dtype=np.float32)


def _vector_index(vectors: np.ndarray, threshold: int) -> tuple[Any, str]:
    import faiss

    if len(vectors) >= threshold:
        index = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 128
        kind = "IndexHNSWFlat(M=32, efSearch=128)"
    else:
        index = faiss.IndexFlatIP(vectors.shape[1])
        kind = "IndexFlatIP"
    index.add(vectors)
    return index, kind


@dataclass
class Rows:
    """Everything indexed about a run of clauses (whole documents, in corpus order)."""

    clauses: list[IndexedClause]
    tokens: dict[Leg, list[list[str]]]  # lexical leg → BM25 tokens per clause, repeats kept ([] without English)
    vectors: dict[Leg, np.ndarray]  # dense leg → one row per clause (zeros for English legs without English)
    seconds: dict[str, Any]
    embedded: EmbedStats

    @property
    def lexical_legs(self) -> list[Leg]:
        """The lexical legs these rows feed: the Chinese always, the English when a clause has reference English."""
        return [leg for leg, token_lists in self.tokens.items() if not leg.english or any(token_lists)]


def index_rows(documents: list[Document], config: IndexConfig, tokenizer: Tokenizer, embedders: dict[str, Embedder],
               report: Progress) -> Rows:
    """Tokenise and embed the clauses of ``documents`` (vectors come from the embedding store when known)."""
    started = time.perf_counter()
    report("tokenising 分词", 0.05)
    fields = clause_fields(documents, tokenizer, english_by_anchor(documents))
    tokenised = time.perf_counter()
    vectors: dict[Leg, np.ndarray] = {}
    embed_seconds: dict[str, float] = {}
    store = EmbeddingStore(config.store_dir)
    stats = EmbedStats()
    by_doc = texts_by_doc((f.clause.doc_id, f.dense_text) for f in fields)
    legs = Leg.dense_legs(list(embedders))
    for n, leg in enumerate(legs):
        embedder = embedders[leg.embedder]
        t0 = time.perf_counter()

        def progress(done: int, total: int, n: int = n, leg: Leg = leg) -> None:
            report(f"embedding clauses with {leg.vector_key}: {done}/{total} new texts 计算向量",
                   0.1 + 0.7 * (n + done / max(total, 1)) / len(legs))

        if not leg.english:
            progress(0, 0)
            vectors[leg] = _stack(store.vectors(leg, embedder, by_doc, stats=stats, progress=progress), embedder.dim)
        elif any(f.text_en for f in fields):
            rows = [i for i, f in enumerate(fields) if f.text_en]
            matrix = np.zeros((len(fields), embedder.dim), dtype=np.float32)
            english = texts_by_doc((fields[i].clause.doc_id, fields[i].text_en) for i in rows)
            matrix[rows] = _stack(store.vectors(leg, embedder, english, stats=stats, progress=progress), embedder.dim)
            vectors[leg] = matrix
        else:
            continue
        embed_seconds[leg.vector_key] = round(time.perf_counter() - t0, 3)
    tokens = {Leg.bm25(): [f.tokens for f in fields], Leg.bm25(english=True): [f.tokens_en for f in fields]}
    seconds = {"tokenise": round(tokenised - started, 3), "embed": embed_seconds}
    return Rows([f.record() for f in fields], tokens, vectors, seconds, stats)


def embedded_summary(stats: EmbedStats) -> dict[str, Any]:
    """The manifest's record of what was embedded now and what was reused."""
    return {"embedded": stats.embedded, "reused": stats.reused, "documents": sorted(set(stats.documents_embedded))}


def build_index(corpus: Corpus, config: IndexConfig, tokenizer: Tokenizer, embedders: dict[str, Embedder],
                glossary_path: Path, progress: Progress | None = None, reason: str = "") -> Index:
    """Tokenise, embed and index every clause of the corpus; write the folder atomically; return it loaded.

    ``reason``: why a full build (recorded in the manifest; e.g. an update too large for a delta segment)."""
    import bm25s
    import faiss

    report = progress or (lambda message, fraction: None)
    started = time.perf_counter()
    with writing(config.index_dir):  # the embedding store is written while embedding
        rows = index_rows(list(corpus.documents.values()), config, tokenizer, embedders, report)
    report("BM25 index 建立BM25索引", 0.85)  # after tokenising (0.05) and embedding (0.1–0.8): the bar only moves on
    t_bm25 = time.perf_counter()
    lexical = {}
    for leg in rows.lexical_legs:
        lexical[leg] = bm25s.BM25(method=config.bm25_method, k1=config.k1, b=config.b)
        lexical[leg].index(rows.tokens[leg], show_progress=False)
    bm25_seconds = time.perf_counter() - t_bm25
    t_dense = time.perf_counter()
    dense, faiss_types = {}, {}
    for leg, matrix in rows.vectors.items():
        dense[leg], faiss_types[leg.vector_key] = _vector_index(matrix, config.ann_threshold)
    dense_seconds = time.perf_counter() - t_dense
    info = {name: e.describe() for name, e in embedders.items()}
    manifest = expected_manifest(corpus, config, tokenizer, info, glossary_path)
    manifest.update(
        base_id=uuid.uuid4().hex,
        clause_count=len(rows.clauses),
        document_rows={doc.doc_id: len(doc.clauses) for doc in corpus.documents.values()},
        bm25_statistics={leg.name: bm25_statistics(rows.tokens[leg]) for leg in lexical},
        faiss_types=faiss_types,
        dense_legs=[leg.vector_key for leg in rows.vectors],
        built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        build_reason=reason or "build",
        embedded_texts=embedded_summary(rows.embedded),
        build_seconds=rows.seconds | {
            "bm25": round(bm25_seconds, 3),  # both lexical legs (the BM25 algorithm, not a leg)
            "vector_index": round(dense_seconds, 3),
            "total": round(time.perf_counter() - started, 3),
        },
    )

    target = config.index_dir
    with writing(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        recover(target)
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        write_clauses(tmp / CLAUSES_FILE, rows.clauses)
        for leg, engine in lexical.items():
            engine.save(str(tmp / leg.file), show_progress=False)
        for leg, matrix in rows.vectors.items():
            np.save(tmp / vectors_file(leg), matrix, allow_pickle=False)
            faiss.write_index(dense[leg], str(tmp / faiss_file(leg)))
        manifest["files"] = file_digests(tmp)
        write_json(tmp / MANIFEST_FILE, manifest)  # written last: a folder without it is incomplete
        report("putting the new index in place 替换索引", 0.95)
        swap_in(tmp, target)
    report("done 完成", 1.0)
    return Index(target, manifest, rows.clauses, lexical, rows.vectors, dense)
