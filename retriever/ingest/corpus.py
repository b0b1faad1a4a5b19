"""The corpus folder: metadata files beside source files, read, decoded and parsed into documents.

Each document is a source file plus ``<name>.meta.json`` naming it (``"source"``), its ``"format"``
(``scraped-plan`` or ``law-md``) and its bibliographic facts. Source files are never edited; a recorded
``sha256`` is checked on every load.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, fields, replace
from functools import cached_property
from pathlib import Path

from retriever.config import corpus_dir
from retriever.errors import (
    BinaryDocumentError,
    CorpusError,
    EmptyDocumentError,
    EncodingError,
    MetadataError,
    UnknownAnchorError,
    UnknownDocumentError,
)
from retriever.ingest.law import LAW_FORMAT, parse_law
from retriever.ingest.plan import PLAN_FORMAT, parse_plan
from retriever.types import Clause, Document, DocumentMeta, Heading, MatterItem

__all__ = ["FORMATS", "chapter_of", "decode_source", "parse_document", "load_document", "Corpus"]

_PARSERS = {PLAN_FORMAT: parse_plan, LAW_FORMAT: parse_law}
FORMATS = tuple(_PARSERS)
_CHAPTER = re.compile(r":(?:pt\d+\.)?ch(\d+)")


def chapter_of(anchor: str) -> int | None:
    """The chapter number in an anchor (``doc:ch5.s1.p2`` → 5; ``doc:pt1.ch2.a8.p1`` → 2), None without one."""
    m = _CHAPTER.search(anchor)
    return int(m.group(1)) if m else None

_META_FIELDS = {f.name for f in fields(DocumentMeta)}


def _plausible(text: str) -> bool:
    """Whether decoded text looks like a Chinese document: nearly every character is CJK, CJK or full-width
    punctuation, or printable ASCII."""
    common = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
                 or "\uff00" <= ch <= "\uffef" or " " <= ch <= "~" or ch in "\r\n\t\ufeff")
    return bool(text) and common >= 0.95 * len(text)


def _utf16(data: bytes) -> str | None:
    """The text of UTF-16 bytes (with a byte-order mark, or without one when only UTF-16 reads them as a Chinese
    text), else None."""
    bom = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not bom and (b"\x00" not in data[:65536] or len(data) % 2):
        return None
    for encoding in (("utf-16",) if bom else ("utf-16-le", "utf-16-be")):
        try:
            text = data.decode(encoding).lstrip("\ufeff")
        except UnicodeDecodeError:
            continue
        if bom or _plausible(text[:20000]):
            return text
    return None


def decode_source(data: bytes, path: str) -> tuple[str, list[str]]:
    """Decode a source file's bytes to text, with warnings; raise a specific error when it is not text."""
    if not data.strip():
        raise EmptyDocumentError(path, "the file is empty")
    utf16 = _utf16(data)
    if utf16 is not None:
        return utf16, ["the file is UTF-16, not UTF-8: decoded as UTF-16 (save it as UTF-8 to silence this)"]
    if b"\x00" in data[:65536]:
        raise BinaryDocumentError(path, "the file contains NUL bytes: it is binary, not a text document")
    notices = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        notices.append("the file starts with a UTF-8 byte-order mark: dropped")
    try:
        return data.decode("utf-8"), notices
    except UnicodeDecodeError as err:
        if err.start >= len(data) - 3 and err.reason == "unexpected end of data":
            text = data[: err.start].decode("utf-8")
            return text, [f"the file ends inside a UTF-8 character ({len(data) - err.start} bytes dropped): it is truncated"]
        utf8_error = err
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise BinaryDocumentError(
            path, f"neither UTF-8 nor GB18030 text (invalid byte at offset {utf8_error.start})"
        ) from None
    if sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t") > len(text) // 100:
        raise BinaryDocumentError(path, "too many control characters: this is not a text document")
    if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
        raise EncodingError(path, "not UTF-8, and reading it as GB18030 gives no Chinese text")
    return text, ["the file is GBK/GB18030-encoded, not UTF-8: decoded as GB18030 (save it as UTF-8 to silence this)"]


def parse_document(data: bytes, meta: DocumentMeta, path: str) -> Document:
    """Decode and parse one source file according to its metadata's format."""
    parser = _PARSERS.get(meta.format)
    if parser is None:
        raise CorpusError(f"{path}: unknown format {meta.format!r}; known formats: {', '.join(sorted(_PARSERS))}")
    text, warnings = decode_source(data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    document = parser(text, meta, path)
    if warnings:
        document = replace(document, warnings=tuple(warnings) + document.warnings)
    return document


def _read_meta(meta_path: Path) -> DocumentMeta:
    if meta_path.is_symlink():
        raise CorpusError(f"{meta_path}: a symbolic link; the corpus holds real files only 不接受符号链接")
    try:
        raw = json.loads(meta_path.read_text(encoding="utf-8-sig"))  # a byte-order mark is harmless here
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CorpusError(f"{meta_path}: cannot read metadata: {err}") from None
    if not isinstance(raw, dict):
        raise CorpusError(f"{meta_path}: metadata must be a JSON object")
    unknown = sorted(set(raw) - _META_FIELDS)
    if unknown:
        raise CorpusError(f"{meta_path}: unknown metadata fields {unknown}; allowed: {sorted(_META_FIELDS)}")
    for required in ("doc_id", "title", "format", "source"):
        if not raw.get(required):
            raise CorpusError(f"{meta_path}: metadata field {required!r} is required")
    try:
        return DocumentMeta(**raw)
    except MetadataError as err:
        raise CorpusError(f"{meta_path}: {err}") from None


def load_document(meta_path: Path) -> Document:
    """Read a metadata file, check its source file's hash, and parse the source."""
    meta = _read_meta(meta_path)
    source = meta_path.parent / meta.source
    if source.is_symlink():
        raise CorpusError(f"{meta_path}: the source {meta.source!r} is a symbolic link; the corpus holds real files "
                          "only 不接受符号链接")
    try:
        data = source.read_bytes()
    except OSError as err:
        raise CorpusError(f"{meta_path}: cannot read source file {meta.source!r}: {err.strerror}") from None
    digest = hashlib.sha256(data).hexdigest()
    if meta.sha256 and digest != meta.sha256:
        raise CorpusError(
            f"{source}: sha256 {digest[:12]}… differs from the metadata's {meta.sha256[:12]}…; "
            "source files must never be edited (restore it, or update the metadata if it is a new version)"
        )
    document = parse_document(data, replace(meta, sha256=digest), str(source))
    return replace(document, source_path=str(source))


_ARTICLE_ANCHOR = re.compile(r"^(?P<article>.+\.a(?P<number>\d+)(?:-\d+)?)\.p\d+(?:\.i\d+)?$")


def _articles(doc: Document) -> list[Heading]:
    """A law's articles as headings of their clauses (``zlf-2020:ch5.a42`` holds ``….p1``, ``….p2`` …), so a reference
    to a whole article resolves to it; not part of the document's own headings."""
    groups: dict[str, list[Clause]] = {}
    for clause in doc.clauses:
        m = _ARTICLE_ANCHOR.match(clause.anchor)
        if m and clause.kind in ("article", "item"):
            groups.setdefault(m["article"], []).append(clause)
    out = []
    for anchor, clauses in groups.items():
        label_zh = next((p for p in clauses[0].label_zh.split() if p.endswith("条") or "条之" in p), "")
        number = _ARTICLE_ANCHOR.match(clauses[0].anchor)["number"]
        label_en = "Art. " + anchor.rsplit(".a", 1)[1]
        out.append(Heading(anchor, "article", int(number), label_zh, label_en, "", "\n".join(c.text for c in clauses),
                           (), clauses[0].line))
    return out


@dataclass(frozen=True)
class _Entry:
    kind: str  # "clause" | "heading" | "matter"
    item: Clause | Heading | MatterItem


class Corpus:
    """All documents of a corpus folder, with lookup by document id and by anchor."""

    def __init__(self, documents: list[Document]) -> None:
        self.documents: dict[str, Document] = {}
        for doc in documents:
            if doc.doc_id in self.documents:
                raise CorpusError(f"two documents share the id {doc.doc_id!r}")
            self.documents[doc.doc_id] = doc
        primary = [d for d, doc in self.documents.items() if doc.meta.primary]
        if len(primary) > 1:
            raise CorpusError(f"several documents are marked primary ({', '.join(primary)}): mark one 只能有一个主文档")

    @property
    def primary(self) -> Document | None:
        """The corpus's main document (``"primary": true`` in its metadata), if one is marked: what ``ask`` answers
        from by default and what a reference without a document name (第五章第一节) points into."""
        return next((d for d in self.documents.values() if d.meta.primary), None)

    @property
    def primary_id(self) -> str | None:
        """The primary document's id, or None (then ``ask`` searches every document)."""
        return self.primary.doc_id if self.primary is not None else None

    @cached_property
    def chapters(self) -> dict[str, frozenset[int]]:
        """Per document, the chapter numbers its clause anchors carry."""
        return {d: frozenset(n for c in doc.clauses if (n := chapter_of(c.anchor)) is not None)
                for d, doc in self.documents.items()}

    @classmethod
    def load(cls, folder: Path | None = None) -> "Corpus":
        """Load every ``*.meta.json`` under ``folder`` (default: the configured corpus; sorted, so the order is
        stable)."""
        folder = Path(folder) if folder is not None else corpus_dir()
        if not folder.is_dir():
            raise CorpusError(f"corpus folder {folder} does not exist")
        metas = sorted(folder.rglob("*.meta.json"))
        if not metas:
            raise CorpusError(f"corpus folder {folder} has no *.meta.json files")
        return cls([load_document(p) for p in metas])

    def document(self, doc_id: str) -> Document:
        try:
            return self.documents[doc_id]
        except KeyError:
            raise UnknownDocumentError(doc_id, sorted(self.documents)) from None

    @cached_property
    def _anchors(self) -> dict[str, _Entry]:
        table: dict[str, _Entry] = {}
        for doc in self.documents.values():
            for m in doc.front_matter + doc.back_matter:
                table[m.anchor] = _Entry("matter", m)
            for h in doc.headings:
                table[h.anchor] = _Entry("heading", h)
            for h in _articles(doc):
                table[h.anchor] = _Entry("heading", h)
            for c in doc.clauses:
                table[c.anchor] = _Entry("clause", c)
        return table

    @property
    def anchors(self) -> list[str]:
        return list(self._anchors)

    def has_anchor(self, anchor: str) -> bool:
        """Whether a clause, heading or front/back-matter item has this anchor."""
        return anchor in self._anchors

    def clauses(self, doc_id: str | None = None) -> list[Clause]:
        docs = [self.document(doc_id)] if doc_id else list(self.documents.values())
        return [c for d in docs for c in d.clauses]

    def lookup(self, anchor: str) -> Clause | Heading | MatterItem:
        """The clause, heading or front/back-matter item with this anchor."""
        entry = self._anchors.get(anchor.strip())
        if entry is None:
            raise UnknownAnchorError(anchor, self.suggest(anchor))
        return entry.item

    def clause(self, anchor: str) -> Clause:
        item = self.lookup(anchor)
        if not isinstance(item, Clause):
            raise UnknownAnchorError(anchor, [a for a in self.children(anchor)][:5] or self.suggest(anchor))
        return item

    def children(self, anchor: str) -> list[str]:
        """Clause anchors under a heading anchor (``doc:ch5`` → ``doc:ch5.s0.p1`` …)."""
        prefix = anchor.strip() + "."
        return [c.anchor for d in self.documents.values() for c in d.clauses if c.anchor.startswith(prefix)]

    def suggest(self, anchor: str, n: int = 5) -> list[str]:
        """The valid anchors nearest to a mistyped one (same document first)."""
        anchor = anchor.strip()[:200]  # no anchor is longer; comparing a pasted page would take minutes
        doc_id, _, rest = anchor.partition(":")
        pool = [a for a in self._anchors if a.startswith(doc_id + ":")] if doc_id in self.documents else []
        if not pool:
            pool = list(self._anchors)
            if not rest:  # no document part: compare with the part after the colon
                rest = anchor
        target = anchor if doc_id in self.documents else rest
        keyed = {(a if doc_id in self.documents else a.partition(":")[2]): a for a in pool}
        close = difflib.get_close_matches(target, list(keyed), n=n, cutoff=0.5)
        return [keyed[c] for c in close]
