"""The index on disk: clauses, BM25 arrays, dense vectors (FAISS) and a manifest checked on load.

Layout of an index folder (plain files, no pickle)::

    manifest.json    schema version, corpus hashes, model, tokenizer and BM25 settings, library versions
    clauses.jsonl    one clause a line: anchor, labels, heading path, text, chapter, tokens
    bm25/            bm25s arrays (.npy, allow_pickle=False) and vocabulary (JSON)
    bm25-en/         the same over the reference English translation (stemmed English words), if any
    vectors-NAME.npy float32 L2-normalised clause vectors, one file per dense leg (en_use: the English text)
    dense-NAME.faiss FAISS index over them (flat below a size threshold, HNSW above)
    delta.json       only after an update: the pointer to the current delta segment (``retriever/update.py``)

A build writes a sibling temporary folder and swaps it in, so a reader never sees half an index. Vectors come from
the embedding store beside it (``IndexConfig.store_dir``): a rebuild after one document changed embeds only that
document's new or changed clause texts. Updating after a few documents changed does not rebuild: it writes a small
delta segment (see :mod:`retriever.update`) that :func:`load_index` lays over this base.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .config import IndexConfig
from .corpus import Corpus
from .embed import Embedder
from .embed_store import EmbeddingStore, EmbedStats, safe_name, texts_by_doc
from .errors import CorruptIndexError, IndexMissingError, StaleIndexError
from .glossary import Glossary
from .model import Clause, Document
from .segment import DELTA_POINTER, LiveBM25, LiveDense, bm25_statistics, load_rows
from .tokenize import Tokenizer, english_settings, english_words, load_stopwords
from .translation import load_translations, translation_path

__all__ = ["SCHEMA_VERSION", "IndexedClause", "Index", "Rows", "index_rows", "build_index", "load_index",
           "read_manifest", "user_terms", "expected_manifest", "lexical_text", "dense_text", "document_digest",
           "chapter_of", "CORPUS_KEYS"]

SCHEMA_VERSION = 2  # 2: per-document digests, BM25 statistics and a base id (delta segments)
_CHAPTER = re.compile(r":(?:pt\d+\.)?ch(\d+)")
_LEAD_SPLIT = re.compile(r"[及与和、,，]")


@dataclass(frozen=True)
class IndexedClause:
    """What the index keeps of a clause: enough to show and explain a hit without the corpus."""

    anchor: str
    doc: str
    label_zh: str
    label_en: str
    heading_path: tuple[str, ...]
    text: str
    chapter: int | None
    tokens: frozenset[str]
    text_en: str | None = None  # the reference English, when the document has one
    tokens_en: frozenset[str] = frozenset()

    def to_json(self) -> str:
        data = dict(self.__dict__, heading_path=list(self.heading_path), tokens=sorted(self.tokens),
                    tokens_en=sorted(self.tokens_en))
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> "IndexedClause":
        raw = json.loads(line)
        raw["heading_path"] = tuple(raw["heading_path"])
        raw["tokens"] = frozenset(raw["tokens"])
        raw["tokens_en"] = frozenset(raw.get("tokens_en", ()))
        return cls(**raw)


def user_terms(corpus: Corpus, glossary: Glossary) -> list[str]:
    """The jieba user dictionary: glossary terms and the pieces of the plan's lead phrases."""
    terms = {t.zh for t in glossary.terms}
    for doc in corpus.documents.values():
        for clause in doc.clauses:
            if clause.lead:
                terms.update(p for p in _LEAD_SPLIT.split(clause.lead) if 2 <= len(p) <= 12)
    return sorted(terms)


def lexical_text(clause: Clause) -> str:
    """What BM25 sees of a clause: its text, and for law articles the article label (第八条)."""
    if clause.kind in ("article", "item"):
        article = next((p for p in clause.label_zh.split() if p.endswith("条") or "条之" in p), "")
        return f"{article} {clause.text}"
    return clause.text


def dense_text(clause: Clause, title: str) -> str:
    """What the embedder sees: the heading path for context, then the clause."""
    path = " > ".join(clause.heading_path)
    prefix = f"{title} > {path}" if clause.kind in ("article", "item") else path
    return f"{prefix}\n{clause.text}" if prefix else clause.text


def chapter_of(anchor: str) -> int | None:
    m = _CHAPTER.search(anchor)
    return int(m.group(1)) if m else None


def _digest_document(digest: Any, doc: Document) -> None:
    digest.update(f"{doc.doc_id}\t{doc.meta.title}\n".encode())
    for c in doc.clauses:
        marks = ";".join(f"{m.start},{m.end},{m.kind.value}" for m in c.marks)
        digest.update(f"{c.anchor}\t{c.label_zh}\t{c.label_en}\t{'>'.join(c.heading_path)}\t{c.text}\t{marks}\n"
                      .encode())


def document_digest(doc: Document) -> str:
    """One document's content hash: its source file, metadata, translation and what the parsers produced of it
    (title, anchors, labels, heading paths, texts, marks), so a change of the repair or parsing code is noticed
    even when the source files did not change."""
    digest = hashlib.sha256(f"{doc.meta.sha256}\t{_sha256_file(translation_path(doc) or Path('/nonexistent'))}\t"
                            f"{doc.meta.to_dict()}\n".encode())
    _digest_document(digest, doc)
    return digest.hexdigest()


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


leg_file = safe_name  # a file-name-safe form of an embedder spec (``st:/models/bge`` → ``st__models_bge``)


def _stack(per_doc: dict[str, np.ndarray], dim: int) -> np.ndarray:
    """Per-document matrices (in corpus order) as one matrix."""
    return np.vstack(list(per_doc.values())) if per_doc else np.zeros((0, dim), dtype=np.float32)


CORPUS_KEYS = ("corpus", "documents", "translations")  # the manifest entries that depend on the corpus's content


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
            "stopwords_sha256": hashlib.sha256("\n".join(sorted(load_stopwords("stopwords_en.txt"))).encode()).hexdigest(),
        } | english_settings(),
        "libraries": {
            "bm25s": bm25s.__version__,
            "faiss-cpu": faiss.__version__,
            "numpy": np.__version__,
            "jieba": version("jieba"),
        },
        "text": {"lexical": "text (+ article label for laws)", "dense": "heading path (+ law title) + text",
                 "english": "reference translation: English BM25 (stemmed words) and the first embedder's vectors"},
    }


@dataclass
class Index:
    """A loaded index: clauses, BM25 model, vectors and FAISS index, and its manifest."""

    path: Path
    manifest: dict[str, Any]
    clauses: list[IndexedClause]
    bm25: Any
    vectors: dict[str, np.ndarray]  # leg name ("use", "e5", "en:use") → clause vectors (zero rows: no English)
    faiss: dict[str, Any]  # leg name → FAISS index
    bm25_en: Any = None  # BM25 over the reference English (None when no document has one)

    def __len__(self) -> int:
        return len(self.clauses)


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


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
    tokens: list[list[str]]  # BM25 tokens, repeats kept
    tokens_en: list[list[str]]  # stemmed English words of the reference translation ([] without one)
    vectors: dict[str, np.ndarray]  # leg → one row per clause (zeros for en legs without English)
    seconds: dict[str, Any]
    embedded: EmbedStats


def index_rows(documents: list[Document], config: IndexConfig, tokenizer: Tokenizer, embedders: dict[str, Embedder],
               report: Callable[[str, float], None]) -> Rows:
    """Tokenise and embed the clauses of ``documents`` (vectors come from the embedding store when known)."""
    started = time.perf_counter()
    clauses = [c for doc in documents for c in doc.clauses]
    titles = {doc.doc_id: doc.meta.title for doc in documents}
    report("tokenising 分词", 0.05)
    token_lists = [tokenizer.tokens(lexical_text(c)) for c in clauses]
    tokenised = time.perf_counter()
    translations = load_translations(Corpus(list(documents)))
    english = [(translations[c.doc_id].get(c.anchor) if c.doc_id in translations else None) for c in clauses]
    english_text = [r.en if r else None for r in english]
    stop_en = load_stopwords("stopwords_en.txt")
    tokens_en = [english_words(t, stop_en) if t else [] for t in english_text]
    vectors: dict[str, np.ndarray] = {}
    embed_seconds: dict[str, float] = {}
    store = EmbeddingStore(config.store_dir)
    stats = EmbedStats()
    by_doc = texts_by_doc((c.doc_id, dense_text(c, titles[c.doc_id])) for c in clauses)
    for n, (name, embedder) in enumerate(embedders.items()):
        report(f"embedding clauses with {name} 计算向量", 0.1 + 0.7 * n / max(len(embedders), 1))
        t0 = time.perf_counter()
        vectors[name] = _stack(store.vectors(name, embedder, by_doc, stats=stats), embedder.dim)
        embed_seconds[name] = round(time.perf_counter() - t0, 3)
    if any(english_text):
        name, embedder = next(iter(embedders.items()))  # the first (multilingual) model embeds the English
        t0 = time.perf_counter()
        rows = [i for i, t in enumerate(english_text) if t]
        matrix = np.zeros((len(clauses), embedder.dim), dtype=np.float32)
        english_by_doc = texts_by_doc((clauses[i].doc_id, english_text[i]) for i in rows)
        matrix[rows] = _stack(store.vectors(f"en:{name}", embedder, english_by_doc, stats=stats), embedder.dim)
        vectors[f"en:{name}"] = matrix
        embed_seconds[f"en:{name}"] = round(time.perf_counter() - t0, 3)
    indexed = [
        IndexedClause(c.anchor, c.doc_id, c.label_zh, c.label_en, c.heading_path, c.text, chapter_of(c.anchor),
                      frozenset(tokens), en, frozenset(en_tokens))
        for c, tokens, en, en_tokens in zip(clauses, token_lists, english_text, tokens_en)
    ]
    seconds = {"tokenise": round(tokenised - started, 3), "embed": embed_seconds}
    return Rows(indexed, token_lists, tokens_en, vectors, seconds, stats)


def embedded_summary(stats: EmbedStats) -> dict[str, Any]:
    """The manifest's record of what was embedded now and what was reused."""
    return {"embedded": stats.embedded, "reused": stats.reused, "documents": sorted(set(stats.documents_embedded))}


def write_clauses(path: Path, clauses: list[IndexedClause]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for clause in clauses:
            out.write(clause.to_json() + "\n")


def _read_clauses(path: Path) -> list[IndexedClause]:
    with open(path, encoding="utf-8") as lines:
        return [IndexedClause.from_json(line) for line in lines]


def build_index(corpus: Corpus, config: IndexConfig, tokenizer: Tokenizer, embedders: dict[str, Embedder],
                glossary_path: Path, progress: Callable[[str, float], None] | None = None, reason: str = "") -> Index:
    """Tokenise, embed and index every clause of the corpus; write the folder atomically; return it loaded.

    ``reason``: why a full build (recorded in the manifest; e.g. an update too large for a delta segment)."""
    import uuid

    import bm25s
    import faiss

    report = progress or (lambda message, fraction: None)
    started = time.perf_counter()
    rows = index_rows(list(corpus.documents.values()), config, tokenizer, embedders, report)
    report("BM25 index 建立BM25索引", 0.85)  # after tokenising (0.05) and embedding (0.1–0.8): the bar only moves on
    t_bm25 = time.perf_counter()
    bm25 = bm25s.BM25(method=config.bm25_method, k1=config.k1, b=config.b)
    bm25.index(rows.tokens, show_progress=False)
    bm25_seconds = time.perf_counter() - t_bm25
    bm25_en = None
    if any(rows.tokens_en):
        bm25_en = bm25s.BM25(method=config.bm25_method, k1=config.k1, b=config.b)
        bm25_en.index(rows.tokens_en, show_progress=False)
    t_dense = time.perf_counter()
    dense, faiss_types = {}, {}
    for name, matrix in rows.vectors.items():
        dense[name], faiss_types[name] = _vector_index(matrix, config.ann_threshold)
    dense_seconds = time.perf_counter() - t_dense
    info = {name: e.describe() for name, e in embedders.items()}
    manifest = expected_manifest(corpus, config, tokenizer, info, glossary_path)
    manifest.update(
        base_id=uuid.uuid4().hex,
        clause_count=len(rows.clauses),
        document_rows={doc.doc_id: len(doc.clauses) for doc in corpus.documents.values()},
        bm25_statistics={"bm25": bm25_statistics(rows.tokens)}
        | ({"bm25_en": bm25_statistics(rows.tokens_en)} if bm25_en is not None else {}),
        faiss_types=faiss_types,
        dense_legs=list(rows.vectors),
        built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        build_reason=reason or "build",
        embedded_texts=embedded_summary(rows.embedded),
        build_seconds=rows.seconds | {
            "bm25": round(bm25_seconds, 3),
            "vector_index": round(dense_seconds, 3),
            "total": round(time.perf_counter() - started, 3),
        },
    )

    target = config.index_dir
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    write_clauses(tmp / "clauses.jsonl", rows.clauses)
    bm25.save(str(tmp / "bm25"), show_progress=False)
    if bm25_en is not None:
        bm25_en.save(str(tmp / "bm25-en"), show_progress=False)
    for name, matrix in rows.vectors.items():
        np.save(tmp / f"vectors-{leg_file(name)}.npy", matrix, allow_pickle=False)
        faiss.write_index(dense[name], str(tmp / f"dense-{leg_file(name)}.faiss"))
    _write_json(tmp / "manifest.json", manifest)  # written last: a folder without it is incomplete
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    try:
        if target.exists():
            target.rename(old)
        tmp.rename(target)
    except OSError as err:  # another process swapped its own build in at the same moment
        shutil.rmtree(tmp, ignore_errors=True)
        if not (target / "manifest.json").exists():
            raise CorruptIndexError(f"could not put the new index in place at {target} ({err}): build it again") from None
    shutil.rmtree(old, ignore_errors=True)
    report("done 完成", 1.0)
    return Index(target, manifest, rows.clauses, bm25, rows.vectors, dense, bm25_en)


def _diff(expected: dict[str, Any], found: dict[str, Any], prefix: str = "") -> list[str]:
    changes = [f"{prefix}{key}: in the index but no longer in the corpus or settings"
               for key in found if key not in expected and prefix in ("corpus.", "documents.", "translations.",
                                                                      "embedders.")]
    for key, value in expected.items():
        other = found.get(key)
        if isinstance(value, dict) and isinstance(other, dict):
            changes += _diff(value, other, f"{prefix}{key}.")
        elif value != other:
            changes.append(f"{prefix}{key}: index has {other!r}, now {value!r}")
    return changes


def read_manifest(path: Path) -> dict[str, Any]:
    """The base manifest of an index folder; :class:`IndexMissingError` or :class:`CorruptIndexError` if unusable."""
    manifest_path = path / "manifest.json"
    if not path.exists():
        raise IndexMissingError(f"no index at {path}: build it with `python -m retriever index build`")
    if not manifest_path.exists():
        raise CorruptIndexError(f"{path} has no manifest.json (an interrupted build?): rebuild the index")
    try:
        return json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CorruptIndexError(f"{manifest_path} is unreadable ({err}): rebuild the index") from None


def _read_delta_manifest(path: Path, base: dict[str, Any]) -> tuple[Path, dict[str, Any]] | None:
    """The current delta segment's folder and manifest, if the index has one."""
    pointer = path / DELTA_POINTER
    if not pointer.exists():
        return None
    try:
        folder = path / json.loads(pointer.read_text(encoding="utf-8"))["folder"]
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
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

    base_manifest = read_manifest(path)
    delta = _read_delta_manifest(path, base_manifest)
    manifest = effective_manifest(base_manifest, delta[1] if delta else None)
    changes = _diff(expected, manifest)
    if changes:
        shown = "; ".join(changes[:4]) + (f"; and {len(changes) - 4} more" if len(changes) > 4 else "")
        raise StaleIndexError(f"the index at {path} is stale: {shown}")
    try:
        clauses = _read_clauses(path / "clauses.jsonl")
        bm25 = bm25s.BM25.load(str(path / "bm25"), mmap=False, load_corpus=False)
        names = list(base_manifest["dense_legs"])
        vectors = {n: np.load(path / f"vectors-{leg_file(n)}.npy", allow_pickle=False) for n in names}
        dense = {n: faiss.read_index(str(path / f"dense-{leg_file(n)}.faiss")) for n in names}
        bm25_en = None
        if (path / "bm25-en").exists():
            bm25_en = bm25s.BM25.load(str(path / "bm25-en"), mmap=False, load_corpus=False)
    except Exception as err:  # any unreadable file means the same thing to the user
        raise CorruptIndexError(f"the index at {path} is damaged ({type(err).__name__}: {err}): rebuild it") from None
    count = base_manifest.get("clause_count")
    sizes = {len(clauses), bm25.scores["num_docs"]} | {v.shape[0] for v in vectors.values()}
    sizes |= {d.ntotal for d in dense.values()}
    if sizes != {count}:
        raise CorruptIndexError(
            f"the index at {path} is inconsistent: manifest says {count} clauses, its files hold {sorted(sizes)}: "
            "rebuild it"
        )
    base = Index(path, manifest, clauses, bm25, vectors, dense, bm25_en)
    return _with_delta(base, *delta) if delta else base


def _with_delta(base: Index, folder: Path, manifest: dict[str, Any]) -> Index:
    """The live view: the base without its replaced documents' rows, then the delta's rows."""
    try:
        clauses = _read_clauses(folder / "clauses.jsonl")
        lexical = {name: load_rows(folder, name) for name in ("bm25", "bm25-en")}
        vectors = {n: np.load(folder / f"vectors-{leg_file(n)}.npy", allow_pickle=False) for n in base.vectors}
    except Exception as err:
        raise CorruptIndexError(f"the delta segment {folder} is damaged ({type(err).__name__}: {err}): "
                                "rebuild the index") from None
    sizes = {len(clauses)} | {v.shape[0] for v in vectors.values()}
    sizes |= {rows[0].shape[0] for rows in lexical.values() if rows is not None}
    if sizes != {manifest["delta"]["rows"]}:
        raise CorruptIndexError(f"the delta segment {folder} is inconsistent ({sorted(sizes)} rows): rebuild the index")
    replaced = set(manifest["delta"]["replaced"])
    n_base = len(base.clauses)
    live = np.array([i for i, c in enumerate(base.clauses) if c.doc not in replaced], dtype=np.int64) if replaced else None
    kept = base.clauses if live is None else [base.clauses[i] for i in live]
    bm25_en = None
    if base.bm25_en is not None or lexical["bm25-en"] is not None:
        bm25_en = LiveBM25(base.bm25_en, n_base, live, lexical["bm25-en"])
    return Index(
        base.path, base.manifest, kept + clauses, LiveBM25(base.bm25, n_base, live, lexical["bm25"]),
        {n: np.concatenate([v if live is None else v[live], vectors[n]]) for n, v in base.vectors.items()},
        {n: LiveDense(d, live, vectors[n]) for n, d in base.faiss.items()}, bm25_en,
    )
