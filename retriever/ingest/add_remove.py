"""Adding, replacing and removing one document of the corpus folder, as a change that can be undone.

:func:`plan_add` and :func:`plan_remove` check everything first (the id, the metadata's types and file names, the
source file: a regular file, not a symbolic link, within the size limit, parsable) and return a
:class:`CorpusChange`: the files to write and delete, every one of them inside the corpus folder. Nothing is written
until :meth:`CorpusChange.apply`, which keeps what it replaces so that :meth:`CorpusChange.undo` restores the corpus
exactly (the CLI undoes a change whose index update failed). Replacing a document needs ``replace``; removing one
whose reference translation was written by hand needs ``force``.

Anchors are structural (``doc:ch5.s1.p2``, ``doc:ch2.a24.p1.i1``), so a changed document keeps the anchors of its
unchanged clauses, and the embedding store reuses their vectors by text hash.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from retriever.errors import CorpusError, NotInCorpusError, QueryError
from retriever.ingest.corpus import _read_meta, parse_document
from retriever.types import DocumentMeta

__all__ = ["CorpusChange", "plan_add", "plan_remove", "add_document", "remove_document", "find_meta",
           "MAX_SOURCE_BYTES"]

_META_FIELDS = {f.name for f in fields(DocumentMeta)}
MAX_SOURCE_BYTES = 2_000_000
"""The largest source ``corpus add`` takes unless told otherwise (``--max-size``): the largest of the 3,502 laws of
the lawrefbook collection is 308 KB and the scraped plan 125 KB; a source many times that is more likely a mistake
than a document, and costs minutes of embedding."""


def find_meta(corpus_dir: Path, doc_id: str) -> Path | None:
    """The metadata file of a document id in the corpus folder, if any."""
    for path in sorted(Path(corpus_dir).rglob("*.meta.json")):
        try:
            if json.loads(path.read_text(encoding="utf-8-sig")).get("doc_id") == doc_id:
                return path
        except (OSError, ValueError, AttributeError):
            continue
    return None


def _inside(folder: Path, path: Path) -> Path:
    """``path`` if it lies inside ``folder`` and is not a symbolic link; :class:`CorpusError` otherwise."""
    if path.is_symlink() or not path.resolve().is_relative_to(folder.resolve()):
        raise CorpusError(f"{path} is outside the corpus folder {folder} or a symbolic link: not touching it "
                          "路径不在语料目录内")
    return path


@dataclass
class CorpusChange:
    """Files to write (path → bytes) and to delete, all inside the corpus folder; undoable once applied."""

    folder: Path
    doc_id: str
    how: str  # "added" | "replaced" | "removed"
    writes: dict[Path, bytes] = field(default_factory=dict)
    deletes: list[Path] = field(default_factory=list)
    _before: dict[Path, bytes | None] = field(default_factory=dict)

    def apply(self) -> None:
        """Write and delete; what each touched path held before is kept for :meth:`undo`."""
        touched = [*self.writes, *self.deletes]
        for path in touched:
            _inside(self.folder, path)
        self._before = {path: path.read_bytes() if path.is_file() else None for path in touched}
        try:
            for path in self.deletes:  # the metadata first: the document leaves the corpus at once
                path.unlink(missing_ok=True)
            for path, data in self.writes.items():
                _atomic_write(path, data)
        except OSError as err:
            self.undo()
            raise CorpusError(f"cannot change the corpus folder {self.folder}: {err.strerror} 无法写入语料目录") from None

    def undo(self) -> None:
        """Put every touched file back as it was before :meth:`apply`."""
        for path, data in self._before.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                _atomic_write(path, data)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.deletes] if self.how == "removed" else [p.name for p in self.writes]


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _read_source(source: Path, max_bytes: int) -> bytes:
    """The bytes of a source file to add: a regular file (not a link, not a folder) within the size limit."""
    if source.is_symlink():
        raise QueryError(f"{source} is a symbolic link: give the file itself 不接受符号链接")
    try:
        size = source.stat().st_size
    except OSError as err:
        raise QueryError(f"cannot read {source}: {err.strerror} 无法读取文件") from None
    if not source.is_file():
        raise QueryError(f"{source} is not a regular file 不是普通文件")
    if size > max_bytes:
        raise QueryError(f"{source} is {size / 1e6:.1f} MB, over the limit of {max_bytes / 1e6:.1f} MB for one "
                         f"document: split it, or raise the limit with --max-size 文件过大")
    try:
        return source.read_bytes()
    except OSError as err:
        raise QueryError(f"cannot read {source}: {err.strerror} 无法读取文件") from None


def _check_meta(meta: dict[str, Any]) -> None:
    unknown = sorted(set(meta) - _META_FIELDS)
    if unknown:
        raise QueryError(f"unknown metadata fields {unknown}; allowed: {sorted(_META_FIELDS)} 未知元数据字段")
    for required in ("doc_id", "title", "format"):
        if meta.get(required) in (None, ""):
            raise QueryError(f"metadata field {required!r} is required (--meta META.json or "
                             f"--{required.replace('_', '-')}) 缺少必填元数据")


def plan_add(corpus_dir: Path, source: Path, meta: dict[str, Any], replace: bool = False,
             max_bytes: int = MAX_SOURCE_BYTES) -> CorpusChange:
    """The change that copies ``source`` into the corpus with its metadata; raises before anything is written.

    Replacing a document of the same id needs ``replace``; it keeps the old metadata's reference translation and
    primary mark unless the new metadata sets them, and deletes the old source file only when the name changed."""
    folder = Path(corpus_dir)
    _check_meta(meta)
    data = _read_source(Path(source), max_bytes)
    old_meta_path = find_meta(folder, meta["doc_id"])
    old = _read_meta(old_meta_path) if old_meta_path else None
    if old is not None and not replace:
        raise QueryError(f"{old.doc_id} is already in the corpus ({old.title}): add --replace to replace it "
                         "文档已存在，替换须加 --replace")
    carried = {k: getattr(old, k) for k in ("translation_en", "primary") if old is not None and k not in meta}
    name = meta.get("source") or Path(source).name
    try:
        info = DocumentMeta(**(carried | meta | {"source": name, "sha256": hashlib.sha256(data).hexdigest()}))
    except TypeError as err:
        raise QueryError(f"malformed metadata: {err} 元数据格式错误") from None
    document = parse_document(data, info, str(source))  # raises on a bad file, before anything is written
    if not document.clauses:
        raise CorpusError(f"{source}: no clauses found for format {info.format!r} 未识别出条款")
    metas = [p for p in folder.rglob("*.meta.json") if p != old_meta_path]
    if info.primary and (other := next((m.doc_id for p in metas if (m := _read_meta(p)).primary), None)):
        raise CorpusError(f"{other} is already the primary document: only one may be 只能有一个主文档")
    meta_path = old_meta_path or folder / f"{info.doc_id}.meta.json"
    target = _inside(folder, meta_path.parent / name)
    owner = next((p for p in metas if p.parent == meta_path.parent and _read_meta(p).source == name), None)
    if owner is not None:
        raise CorpusError(f"{name} is already the source of {owner.name}: rename the file 文件名已被其他文档使用")
    if info.translation_en and not (meta_path.parent / info.translation_en).is_file():
        raise QueryError(f"the reference translation {info.translation_en!r} is not in {meta_path.parent} 找不到译文文件")
    payload = {k: v for k, v in info.to_dict().items() if v or k in ("doc_id", "title", "format", "source")}
    change = CorpusChange(folder, info.doc_id, "replaced" if old else "added")
    change.writes = {target: data,
                     _inside(folder, meta_path): (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode()}
    old_source = meta_path.parent / old.source if old else None
    if old_source is not None and old_source.name != name:
        change.deletes = [_inside(folder, old_source)]
    return change


def plan_remove(corpus_dir: Path, doc_id: str, force: bool = False) -> CorpusChange:
    """The change that deletes a document's metadata and source (and its reference translation, with ``force``);
    the last document and a hand-written translation are kept unless told."""
    folder = Path(corpus_dir)
    meta_path = find_meta(folder, doc_id)
    if meta_path is None:
        raise NotInCorpusError(doc_id, [])
    if len(list(folder.rglob("*.meta.json"))) == 1:
        raise QueryError(f"{doc_id} is the corpus's only document: a corpus needs one 不能删除唯一的文档")
    meta = _read_meta(meta_path)
    if meta.translation_en and not force:
        raise QueryError(f"{doc_id} has a hand-written reference translation ({meta.translation_en}): add --force "
                         "to delete it with the document 该文档有人工译文，删除须加 --force")
    names = [meta.source] + ([meta.translation_en] if meta.translation_en else [])
    deletes = [_inside(folder, meta_path)]
    deletes += [_inside(folder, meta_path.parent / n) for n in names if (meta_path.parent / n).is_file()]
    return CorpusChange(folder, doc_id, "removed", deletes=deletes)


def add_document(corpus_dir: Path, source: Path, meta: dict[str, Any], replace: bool = False,
                 max_bytes: int = MAX_SOURCE_BYTES) -> tuple[str, str]:
    """Plan and apply an addition (no index update); return (doc id, ``added`` or ``replaced``)."""
    change = plan_add(corpus_dir, source, meta, replace, max_bytes)
    change.apply()
    return change.doc_id, change.how


def remove_document(corpus_dir: Path, doc_id: str, force: bool = False) -> list[Path]:
    """Plan and apply a removal (no index update); return the deleted files."""
    change = plan_remove(corpus_dir, doc_id, force)
    change.apply()
    return change.deletes
