"""The clause index as a Milvus collection (Milvus-lite file or server), kept in step with the corpus per document.

Two collections per name ``C``:

- ``C``: one row per clause, primary key = anchor; scalar fields for the filters (doc, chapter, issuer, date),
  a BM25 function over the lexical text (Chinese) and one over the English reference text, one dense vector
  field per embedder (plus the English vectors of the first one), and a JSON record to show and explain a hit;
- ``C_manifest``: the schema row (schema version, embedders, tokenizer or analyzer, BM25 settings, load state)
  and one row per document (content hash, clause count, state).

A sync marks the load ``loading``, then each changed document ``pending`` → upserts its clauses → deletes its
vanished anchors → ``done``, and finally marks the load ``ready``. An interrupted load therefore shows as
``loading`` with some documents not done; searching refuses it, and rerunning the sync resumes it.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from retriever.analysis.embedders import Embedder
from retriever.analysis.fields import ClauseFields, clause_fields, lexical_text
from retriever.analysis.tokenize import Tokenizer, without_quote_marks
from retriever.config import BackendConfig, IndexConfig
from retriever.english.reference import english_by_anchor
from retriever.errors import (
    BackendUnavailableError,
    IncompleteLoadError,
    IndexMissingError,
    SchemaVersionError,
    StaleIndexError,
)
from retriever.index.embedding_store import EmbeddingStore, EmbedStats
from retriever.index.manifest import document_digest
from retriever.ingest.corpus import Corpus
from retriever.ingest.dates import meta_date
from retriever.types import Document, Leg, MilvusLexical

__all__ = ["MILVUS_SCHEMA_VERSION", "MilvusCollection", "SyncReport", "connect", "opaque"]

MILVUS_SCHEMA_VERSION = 1
_MAX_TEXT = 65_535


def opaque(tokens: list[str]) -> str:
    """Client-side tokens as ASCII words that Milvus's ``standard`` analyzer keeps whole (one word per token)."""
    return " ".join("t" + hashlib.blake2b(t.encode(), digest_size=8).hexdigest() for t in tokens)


def connect(config: BackendConfig) -> Any:
    """A MilvusClient for the configured URI, or :class:`BackendUnavailableError` with the reason."""
    try:
        from pymilvus import MilvusClient
    except ImportError as err:
        raise BackendUnavailableError(f"the Milvus backend needs pymilvus and milvus-lite: pip install -r "
                                      f"requirements.txt [{err}]") from None
    try:
        return MilvusClient(uri=config.milvus_uri, token=config.token, timeout=config.timeout)
    except Exception as err:  # pymilvus raises MilvusException, ConnectionError, or a grpc error for a bad URI
        reason = str(err).splitlines()[0][:300] if str(err) else type(err).__name__
        raise BackendUnavailableError(f"cannot reach Milvus at {config.milvus_uri} ({reason}); start the server or "
                                      "check --milvus-uri 无法连接 Milvus") from None


@dataclass
class SyncReport:
    """What a sync did."""

    added: list[str]
    replaced: list[str]
    removed: list[str]
    unchanged: int
    clauses_written: int
    embedded: int
    reused: int
    seconds: dict[str, float]


class MilvusCollection:
    """The clause and manifest collections of one name on one Milvus."""

    def __init__(self, client: Any, backend: BackendConfig, index: IndexConfig, tokenizer: Tokenizer,
                 embedders: dict[str, Embedder]) -> None:
        self.client = client
        self.name = backend.collection
        self.manifest_name = f"{backend.collection}_manifest"
        self.lexical = backend.lexical
        self.index_config = index
        self.tokenizer = tokenizer
        self.embedders = embedders

    # -- schema -----------------------------------------------------------------------------------------

    @property
    def legs(self) -> list[Leg]:
        """The dense legs of the collection (one vector field each)."""
        return Leg.dense_legs(list(self.embedders))

    def _dim(self, leg: Leg) -> int:
        return self.embedders[leg.embedder].dim

    def analyzer(self) -> dict[str, Any]:
        """The Chinese lexical field's analyzer."""
        if self.lexical is MilvusLexical.CLIENT:
            return {"tokenizer": "standard"}  # opaque ASCII words: one Milvus term per client token
        return {"tokenizer": {"type": "jieba", "dict": ["_default_", *self.tokenizer.user_terms], "mode": "search",
                              "hmm": True},
                "filter": ["lowercase", {"type": "stop", "stop_words": sorted(self.tokenizer.stopwords)}]}

    def settings(self) -> dict[str, Any]:
        """The schema row: everything a collection must agree with to be searched by this code."""
        return {
            "schema_version": MILVUS_SCHEMA_VERSION,
            "embedders": {name: e.describe() for name, e in self.embedders.items()},
            "legs": [leg.vector_key for leg in self.legs],
            "lexical": self.lexical.value,
            "tokenizer": self.tokenizer.settings() if self.lexical is MilvusLexical.CLIENT else self.analyzer(),
            "lexical_text": "without quote marks",  # what the server-side analyzer is given (rows and questions)
            "bm25": {"k1": self.index_config.k1, "b": self.index_config.b},
        }

    def _create(self) -> None:
        from pymilvus import DataType, Function, FunctionType

        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("anchor", DataType.VARCHAR, is_primary=True, max_length=512)
        schema.add_field("doc", DataType.VARCHAR, max_length=256)
        schema.add_field("chapter", DataType.INT64)
        schema.add_field("issuer", DataType.VARCHAR, max_length=1024)
        schema.add_field("issuer_en", DataType.VARCHAR, max_length=1024)
        schema.add_field("date", DataType.INT64)
        schema.add_field("has_en", DataType.BOOL)
        schema.add_field(Leg.bm25().milvus_text_field, DataType.VARCHAR, max_length=_MAX_TEXT, enable_analyzer=True,
                         analyzer_params=self.analyzer())
        schema.add_field(Leg.bm25(english=True).milvus_text_field, DataType.VARCHAR, max_length=_MAX_TEXT,
                         enable_analyzer=True, analyzer_params={"tokenizer": "standard"})
        schema.add_field(Leg.bm25().milvus_field, DataType.SPARSE_FLOAT_VECTOR)
        schema.add_field(Leg.bm25(english=True).milvus_field, DataType.SPARSE_FLOAT_VECTOR)
        for leg in self.legs:
            schema.add_field(leg.milvus_field, DataType.FLOAT_VECTOR, dim=self._dim(leg))
        schema.add_field("record", DataType.JSON)
        for leg in (Leg.bm25(), Leg.bm25(english=True)):
            schema.add_function(Function(name=leg.milvus_function, function_type=FunctionType.BM25,
                                         input_field_names=[leg.milvus_text_field],
                                         output_field_names=[leg.milvus_field]))
        self.client.create_collection(self.name, schema=schema, index_params=self._index_params(self.index_plan()))

        manifest = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        manifest.add_field("key", DataType.VARCHAR, is_primary=True, max_length=512)
        manifest.add_field("value", DataType.JSON)
        manifest.add_field("v", DataType.FLOAT_VECTOR, dim=2)  # Milvus wants one vector field in a collection
        mparams = self.client.prepare_index_params()
        mparams.add_index("v", index_type="FLAT", metric_type="L2")
        self.client.create_collection(self.manifest_name, schema=manifest, index_params=mparams)
        self._load()
        self._put("schema", dict(self.settings(), state="loading"))

    def index_plan(self) -> dict[str, tuple[str, str, dict[str, Any]]]:
        """Field → (index type, metric, build parameters) of every index this code creates."""
        bm25 = {"bm25_k1": self.index_config.k1, "bm25_b": self.index_config.b}
        plan = {leg.milvus_field: ("SPARSE_INVERTED_INDEX", "BM25", bm25) for leg in (Leg.bm25(), Leg.bm25(english=True))}
        return plan | {leg.milvus_field: ("HNSW", "IP", {"M": 32, "efConstruction": 200}) for leg in self.legs}

    def _index_params(self, plan: dict[str, tuple[str, str, dict[str, Any]]]) -> Any:
        """The plan as pymilvus index params. Build parameters go as one JSON ``params`` entry: pymilvus sends plain
        keys one by one, which milvus-lite 3 drops (its HNSW fell back to M=16 and its BM25 to k1=1.5, b=0.75);
        Milvus servers read either form."""
        params = self.client.prepare_index_params()
        for field, (kind, metric, build) in plan.items():
            params.add_index(field, index_type=kind, metric_type=metric, params={"params": build})
        return params

    def mismatched_indexes(self) -> list[str]:
        """Fields whose index, as Milvus describes it, differs from :meth:`index_plan` (type, metric, parameters)."""
        wrong = []
        for field, (kind, metric, build) in self.index_plan().items():
            info = self.client.describe_index(self.name, field) or {}
            found = {**info, **(info.get("params") or {})}  # servers list parameters flat, milvus-lite under params
            if (info.get("index_type"), info.get("metric_type")) != (kind, metric) or any(
                    str(found.get(key)) != str(value) for key, value in build.items()):
                wrong.append(field)
        return wrong

    def recreate_indexes(self) -> None:
        """Drop every index of the collection and create them again with this code's parameters (the rows stay).

        All of them, not only the wrong ones: milvus-lite's ``drop_index`` of one field drops the others too."""
        self.client.release_collection(self.name)
        while self.client.list_indexes(self.name):
            self.client.drop_index(self.name, self.client.list_indexes(self.name)[0])
        self.client.create_index(self.name, self._index_params(self.index_plan()))
        self.client.load_collection(self.name)

    def _load(self) -> None:
        for name in (self.name, self.manifest_name):
            self.client.load_collection(name)

    def drop(self) -> None:
        """Drop both collections (a rebuild from scratch)."""
        for name in (self.name, self.manifest_name):
            if self.client.has_collection(name):
                self.client.drop_collection(name)

    # -- manifest ---------------------------------------------------------------------------------------

    def _put(self, key: str, value: dict[str, Any]) -> None:
        self.client.upsert(self.manifest_name, [{"key": key, "value": value, "v": [0.0, 0.0]}])

    def _get(self, keys: list[str] | None = None) -> dict[str, dict[str, Any]]:
        expr = f"key in {json.dumps(keys, ensure_ascii=False)}" if keys is not None else 'key != ""'
        rows = self.client.query(self.manifest_name, filter=expr, output_fields=["key", "value"], limit=16_384)
        return {row["key"]: row["value"] for row in rows}

    def schema_row(self) -> dict[str, Any]:
        """The schema row, checked: :class:`IndexMissingError` or :class:`SchemaVersionError` if unusable."""
        if not self.client.has_collection(self.name):
            raise IndexMissingError(f"no Milvus collection {self.name!r} yet: python -m retriever index build "
                                    "--backend milvus 尚未建立 Milvus 集合")
        if not self.client.has_collection(self.manifest_name):
            raise SchemaVersionError(f"the Milvus collection {self.name!r} has no {self.manifest_name!r}: it was not "
                                     "created by this package; drop it or choose another --milvus-collection "
                                     "集合不是本程序创建的")
        self._load()
        row = self._get(["schema"]).get("schema")
        found = (row or {}).get("schema_version")
        if found != MILVUS_SCHEMA_VERSION:
            raise SchemaVersionError(f"the Milvus collection {self.name!r} has schema version {found}, this code "
                                     f"needs {MILVUS_SCHEMA_VERSION}: rebuild it with python -m retriever index build "
                                     "--backend milvus 集合结构版本不符，请重建")
        return row

    def documents(self) -> dict[str, dict[str, Any]]:
        """doc id → its manifest row (hash, clauses, state)."""
        return {k.removeprefix("doc:"): v for k, v in self._get().items() if k.startswith("doc:")}

    def check(self, corpus: Corpus) -> None:
        """Raise unless the collection is complete, made with these settings, and holds exactly this corpus."""
        row = self.schema_row()
        settings = self.settings()
        changed = [key for key in settings if row.get(key) != settings[key]]
        if changed:
            raise StaleIndexError(f"the Milvus collection {self.name!r} was built with other {', '.join(changed)}: "
                                  "python -m retriever index build --backend milvus 设置已改变，请重建")
        wrong = self.mismatched_indexes()
        if wrong:
            raise StaleIndexError(f"the indexes of {', '.join(wrong)} in Milvus collection {self.name!r} have other "
                                  "parameters than this code creates (a collection made before pymilvus's parameters "
                                  "reached milvus-lite): python -m retriever index update --backend milvus re-creates "
                                  "them, keeping the rows 索引参数不符，运行 index update 可重建索引")
        if row.get("state") != "ready":
            docs = self.documents()
            done = sum(1 for d in docs.values() if d.get("state") == "done")
            raise IncompleteLoadError(f"the load into Milvus collection {self.name!r} was interrupted ({done} "
                                      f"documents finished): python -m retriever index update --backend milvus "
                                      "resumes it 上次导入被中断，运行 index update 可继续")
        docs = self.documents()
        expected = {doc.doc_id: document_digest(doc) for doc in corpus.documents.values()}
        stale = sorted(d for d in expected if docs.get(d, {}).get("sha256") != expected[d])
        extra = sorted(set(docs) - set(expected))
        if stale or extra:
            raise StaleIndexError(f"the Milvus collection {self.name!r} is out of date: changed or new "
                                  f"{stale[:5]}, removed {extra[:5]}: python -m retriever index update --backend "
                                  "milvus 集合与语料不一致")

    # -- writing ----------------------------------------------------------------------------------------

    def _rows(self, doc: Document, fields: list[ClauseFields], vectors: dict[Leg, np.ndarray]) -> list[dict[str, Any]]:
        meta = doc.meta
        rows = []
        for i, f in enumerate(fields):
            c, record = f.clause, f.record()
            row = {
                "anchor": c.anchor, "doc": doc.doc_id, "chapter": -1 if record.chapter is None else record.chapter,
                "issuer": meta.issuer.lower(), "issuer_en": meta.issuer_en.lower(), "date": meta_date(meta),
                "has_en": f.text_en is not None,
                Leg.bm25().milvus_text_field:
                    (opaque(f.tokens) if self.lexical is MilvusLexical.CLIENT
                     else without_quote_marks(lexical_text(c)))[:_MAX_TEXT],  # as Tokenizer.tokens reads it
                Leg.bm25(english=True).milvus_text_field: opaque(f.tokens_en)[:_MAX_TEXT],
                "record": {key: value for key, value in record.to_dict().items()
                           if key in ("label_zh", "label_en", "heading_path", "text", "text_en", "tokens", "tokens_en")},
            }
            for leg, matrix in vectors.items():
                row[leg.milvus_field] = matrix[i].tolist()
            rows.append(row)
        return rows

    def _vectors(self, fields: dict[str, list[ClauseFields]], store: EmbeddingStore,
                 stats: EmbedStats) -> dict[str, dict[Leg, np.ndarray]]:
        """doc → leg → matrix (one row per clause; zero rows where a clause has no English)."""
        out: dict[str, dict[Leg, np.ndarray]] = {doc: {} for doc in fields}
        for leg in self.legs:
            embedder = self.embedders[leg.embedder]
            if not leg.english:
                texts = {doc: [f.dense_text for f in rows] for doc, rows in fields.items()}
                for doc, matrix in store.vectors(leg, embedder, texts, stats=stats).items():
                    out[doc][leg] = matrix
                continue
            for doc, rows in fields.items():
                english = [i for i, f in enumerate(rows) if f.text_en]
                matrix = np.zeros((len(rows), self._dim(leg)), dtype=np.float32)
                if english:
                    found = store.vectors(leg, embedder, {doc: [rows[i].text_en for i in english]}, stats=stats)
                    matrix[english] = found[doc]
                out[doc][leg] = matrix
        return out

    def sync(self, corpus: Corpus, store: EmbeddingStore, rebuild: bool = False, batch_docs: int = 64,
             progress: Callable[[str, float], None] | None = None) -> SyncReport:
        """Bring the collection in step with the corpus, one document at a time (only changed ones)."""
        report = progress or (lambda message, fraction: None)
        started = time.perf_counter()
        if rebuild:
            self.drop()
        if not self.client.has_collection(self.name):
            self._create()
        row = self.schema_row()
        settings = self.settings()
        if any(row.get(key) != settings[key] for key in settings):
            self.drop()  # other embedders, tokenizer or BM25 settings: every row changes
            self._create()
        timings = {"tokenise+insert": 0.0, "embed": 0.0}
        wrong = self.mismatched_indexes()
        if wrong:
            report(f"Milvus: re-creating the indexes of {', '.join(wrong)} 重建索引", 0.0)
            t0 = time.perf_counter()
            self.recreate_indexes()
            timings["recreate indexes"] = time.perf_counter() - t0
        self._put("schema", dict(settings, state="loading"))
        known = self.documents()
        wanted = {doc.doc_id: document_digest(doc) for doc in corpus.documents.values()}
        todo = [corpus.documents[d] for d, h in wanted.items()
                if known.get(d, {}).get("sha256") != h or known.get(d, {}).get("state") != "done"]
        removed = sorted(set(known) - set(wanted))
        stats = EmbedStats()
        written = 0
        for start in range(0, len(todo), batch_docs):
            chunk = todo[start : start + batch_docs]
            t0 = time.perf_counter()
            fields = {doc.doc_id: clause_fields([doc], self.tokenizer, english_by_anchor([doc])) for doc in chunk}
            vectors = self._vectors(fields, store, stats)
            timings["embed"] += time.perf_counter() - t0
            t0 = time.perf_counter()
            for doc in chunk:
                self._put(f"doc:{doc.doc_id}", {"sha256": wanted[doc.doc_id], "state": "pending"})
                rows = self._rows(doc, fields[doc.doc_id], vectors[doc.doc_id])
                for i in range(0, len(rows), 2000):
                    self.client.upsert(self.name, rows[i : i + 2000])
                anchors = [r["anchor"] for r in rows]
                self.client.delete(self.name, filter=f"doc == {json.dumps(doc.doc_id, ensure_ascii=False)} and "
                                                     f"anchor not in {json.dumps(anchors, ensure_ascii=False)}")
                self._put(f"doc:{doc.doc_id}", {"sha256": wanted[doc.doc_id], "state": "done", "clauses": len(rows)})
                written += len(rows)
            timings["tokenise+insert"] += time.perf_counter() - t0
            report(f"Milvus: {min(start + batch_docs, len(todo))}/{len(todo)} documents 写入",
                   min(start + batch_docs, len(todo)) / max(len(todo), 1))
        for doc_id in removed:
            self._put(f"doc:{doc_id}", {"state": "pending", "sha256": ""})
            self.client.delete(self.name, filter=f"doc == {json.dumps(doc_id, ensure_ascii=False)}")
            self.client.delete(self.manifest_name, ids=[f"doc:{doc_id}"])
        self._put("schema", dict(settings, state="ready", updated_at=time.strftime("%Y-%m-%dT%H:%M:%S%z")))
        self.client.flush(self.name)
        timings["total"] = time.perf_counter() - started
        changed = {d.doc_id for d in todo}
        return SyncReport(added=sorted(changed - set(known)), replaced=sorted(changed & set(known)), removed=removed,
                          unchanged=len(wanted) - len(changed), clauses_written=written, embedded=stats.embedded,
                          reused=stats.reused, seconds={k: round(v, 3) for k, v in timings.items()})
