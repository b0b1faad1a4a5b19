"""Adding, replacing and removing one document of the corpus folder; the indexes then update only that document.

A new source file is parsed before anything is written, so a bad file changes nothing. The source is copied in
and its metadata (with the file's sha256) written atomically; removal deletes the metadata first, which takes the
document out of the corpus at once. Anchors are structural (``doc:ch5.s1.p2``, ``doc:ch2.a24.p1.i1``), so a changed
document keeps the anchors of its unchanged clauses, and the embedding store reuses their vectors by text hash.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import fields
from pathlib import Path
from typing import Any

from retriever.errors import CorpusError, NotInCorpusError
from retriever.ingest.corpus import _read_meta, parse_document
from retriever.types import DocumentMeta

__all__ = ["add_document", "remove_document", "find_meta"]

_META_FIELDS = {f.name for f in fields(DocumentMeta)}


def find_meta(corpus_dir: Path, doc_id: str) -> Path | None:
    """The metadata file of a document id in the corpus folder, if any."""
    for path in sorted(Path(corpus_dir).rglob("*.meta.json")):
        try:
            if json.loads(path.read_text(encoding="utf-8")).get("doc_id") == doc_id:
                return path
        except (OSError, ValueError, AttributeError):
            continue
    return None


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def add_document(corpus_dir: Path, source: Path, meta: dict[str, Any]) -> tuple[str, str]:
    """Copy ``source`` into the corpus with its metadata; return (doc id, ``added`` or ``replaced``)."""
    unknown = sorted(set(meta) - _META_FIELDS)
    if unknown:
        raise CorpusError(f"unknown metadata fields {unknown}; allowed: {sorted(_META_FIELDS)} 未知元数据字段")
    for required in ("doc_id", "title", "format"):
        if not meta.get(required):
            raise CorpusError(f"metadata field {required!r} is required (--meta META.json or --{required.replace('_', '-')}) "
                              "缺少必填元数据")
    try:
        data = Path(source).read_bytes()
    except OSError as err:
        raise CorpusError(f"cannot read {source}: {err.strerror} 无法读取文件") from None
    folder = Path(corpus_dir)
    old_meta_path = find_meta(folder, meta["doc_id"])
    name = meta.get("source") or Path(source).name
    info = DocumentMeta(**(meta | {"source": name, "sha256": hashlib.sha256(data).hexdigest()}))
    document = parse_document(data, info, str(source))  # raises on a bad file, before anything is written
    if not document.clauses:
        raise CorpusError(f"{source}: no clauses found for format {info.format!r} 未识别出条款")
    if info.primary:
        other = next((m.doc_id for p in folder.rglob("*.meta.json") if p != old_meta_path
                      and (m := _read_meta(p)).primary), None)
        if other is not None:
            raise CorpusError(f"{other} is already the primary document: only one may be 只能有一个主文档")
    target = folder / name
    owner = next((p for p in folder.rglob("*.meta.json") if p != old_meta_path and _read_meta(p).source == name
                  and p.parent == folder), None)
    if owner is not None:
        raise CorpusError(f"{name} is already the source of {owner.name}: rename the file 文件名已被其他文档使用")
    meta_path = old_meta_path or folder / f"{info.doc_id}.meta.json"
    old_source = (meta_path.parent / _read_meta(meta_path).source) if old_meta_path else None
    if meta_path.parent != folder:
        target = meta_path.parent / name
    _atomic_write(target, data)
    payload = {k: v for k, v in info.to_dict().items() if v or k in ("doc_id", "title", "format", "source")}
    _atomic_write(meta_path, (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    if old_source is not None and old_source.resolve() != target.resolve():
        old_source.unlink(missing_ok=True)
    return info.doc_id, "replaced" if old_meta_path else "added"


def remove_document(corpus_dir: Path, doc_id: str) -> list[Path]:
    """Delete a document's metadata, source and translation; return what was deleted."""
    meta_path = find_meta(Path(corpus_dir), doc_id)
    if meta_path is None:
        raise NotInCorpusError(doc_id, [])
    meta = _read_meta(meta_path)
    meta_path.unlink()  # first: the document leaves the corpus at once
    removed = [meta_path]
    for name in (meta.source, meta.translation_en):
        if name and (meta_path.parent / name).is_file():
            (meta_path.parent / name).unlink()
            removed.append(meta_path.parent / name)
    return removed

