"""The data every stage passes on: frozen dataclasses for documents, headings, clauses and marks."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

__all__ = [
    "MarkKind",
    "Mark",
    "Repair",
    "Sentence",
    "Heading",
    "Clause",
    "MatterItem",
    "DocumentMeta",
    "Document",
    "LOST_CHAR",
]

LOST_CHAR = "〓"
"""GB 2312's placeholder for a character that is missing from the source (U+3013)."""


class MarkKind(str, Enum):
    """How a span of shown text relates to the source file."""

    LOST = "lost"  # the source lost this character; 〓 stands in its place
    INFERRED = "inferred"  # restored from domain knowledge: plausible, not verbatim
    STRUCTURAL = "structural"  # restored from another place of the same document (contents page, numbering)


@dataclass(frozen=True)
class Mark:
    """A damaged or restored span of a text, as character offsets [start, end)."""

    start: int
    end: int
    kind: MarkKind
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "kind": self.kind.value, "note": self.note}


@dataclass(frozen=True)
class Repair:
    """One entry of the repair log: what was found at a source line and what it became."""

    kind: str
    line: int
    found: str
    result: str
    note: str = ""


@dataclass(frozen=True)
class Sentence:
    """A sentence of a clause with its character offsets in the clause text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Heading:
    """A chapter, section, part or other heading of a document."""

    anchor: str
    level: str  # "part" | "chapter" | "section"
    number: int
    label_zh: str
    label_en: str
    title: str  # the heading text without its number
    text: str  # the heading as printed, number included
    marks: tuple[Mark, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Clause:
    """A citable unit: a paragraph of the plan's body, or a paragraph (款) or item (项) of a law."""

    anchor: str
    doc_id: str
    kind: str  # "paragraph" | "article" | "item"
    label_zh: str
    label_en: str
    heading_path: tuple[str, ...]
    text: str
    sentences: tuple[Sentence, ...]
    lead: str | None = None
    marks: tuple[Mark, ...] = ()
    line: int = 0
    order: int = 0

    @property
    def has_damage(self) -> bool:
        return bool(self.marks)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["heading_path"] = list(self.heading_path)
        data["sentences"] = [asdict(s) for s in self.sentences]
        data["marks"] = [m.to_dict() for m in self.marks]
        return data


@dataclass(frozen=True)
class MatterItem:
    """Front or back matter kept for reading but not searchable: notice, title, contents, annex titles."""

    anchor: str
    kind: str  # "notice" | "title" | "contents" | "annex"
    text: str
    marks: tuple[Mark, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class DocumentMeta:
    """Bibliographic facts about a document, read from its metadata file."""

    doc_id: str
    title: str
    issuer: str = ""
    doc_number: str = ""
    doc_number_en: str = ""
    issue_date: str = ""
    publish_date: str = ""
    effective_date: str = ""
    source_url: str = ""
    language: str = "zh-Hans"
    format: str = ""
    source: str = ""
    title_en: str = ""
    issuer_en: str = ""
    notes: str = ""
    translation_en: str = ""  # a reference English translation beside the source (JSONL keyed by anchor)
    sha256: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Document:
    """A parsed document: its clauses in order, headings, front/back matter, repair log and warnings."""

    meta: DocumentMeta
    headings: tuple[Heading, ...]
    clauses: tuple[Clause, ...]
    front_matter: tuple[MatterItem, ...] = ()
    back_matter: tuple[MatterItem, ...] = ()
    repairs: tuple[Repair, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    source_path: str = ""  # where the source file was read from (empty for documents parsed from bytes)

    @property
    def doc_id(self) -> str:
        return self.meta.doc_id
