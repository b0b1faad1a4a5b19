"""Search filters shared by every backend: document, chapter, issuer (substring) and issue-date range."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from retriever.errors import QueryError, UnknownDocumentError
from retriever.ingest.corpus import Corpus
from retriever.ingest.dates import date_number, meta_date
from retriever.types import DocumentMeta

__all__ = ["Filters"]


@dataclass(frozen=True)
class Filters:
    """What a search is restricted to. ``issuer`` matches part of the Chinese or English issuer name."""

    doc: str | None = None
    chapter: int | None = None
    issuer: str | None = None
    since: str | None = None  # inclusive, on the document's issue date
    until: str | None = None

    def __post_init__(self) -> None:
        if self.chapter is not None and (not isinstance(self.chapter, int) or self.chapter < 0):
            raise QueryError(f"chapter must be a whole number ≥ 0 (got {self.chapter!r}) 章节号须为非负整数")
        if self.issuer is not None and not self.issuer.strip():
            raise QueryError("the issuer filter is empty 发布机关筛选条件为空")
        if self.since and self.until and date_number(self.since) > date_number(self.until, end=True):
            raise QueryError(f"--since {self.since} is after --until {self.until} 起始日期晚于截止日期")

    @property
    def by_document(self) -> bool:
        """Whether the document-level part (issuer, dates) restricts anything."""
        return bool(self.issuer or self.since or self.until)

    def admits(self, meta: DocumentMeta) -> bool:
        """Whether a document passes the issuer and date filters."""
        if self.issuer:
            needle = self.issuer.strip().lower()
            if needle not in meta.issuer.lower() and needle not in meta.issuer_en.lower():
                return False
        date = meta_date(meta)
        if self.since and date < date_number(self.since):
            return False
        return not (self.until and date > date_number(self.until, end=True))

    def documents(self, corpus: Corpus) -> list[str] | None:
        """The documents a search may return (None: all), checked against the corpus: an unknown document, filters
        that admit no document or a chapter with no clauses are query errors."""
        if self.doc is not None and self.doc not in corpus.documents:
            raise UnknownDocumentError(self.doc, sorted(corpus.documents))
        admitted = None
        if self.doc is not None or self.by_document:
            admitted = [d for d, doc in corpus.documents.items()
                        if (self.doc is None or d == self.doc) and self.admits(doc.meta)]
            if not admitted:
                raise QueryError(f"no document matches {self.describe() or self.doc} 没有符合筛选条件的文档")
        if self.chapter is not None:
            chapters = corpus.chapters
            if not any(self.chapter in chapters[d] for d in (admitted or corpus.documents)):
                where = " of " + self.doc if self.doc else ""
                raise QueryError(f"no clauses in chapter {self.chapter}{where} 该章节没有条款")
        return admitted

    def describe(self) -> str:
        """The document-level filters, for a message."""
        parts = [f"issuer ~ {self.issuer!r}" if self.issuer else "", f"since {self.since}" if self.since else "",
                 f"until {self.until}" if self.until else ""]
        return ", ".join(p for p in parts if p)

    def milvus_expr(self) -> str:
        """The same filters as a Milvus boolean expression over the clause collection's scalar fields."""
        parts = []
        if self.doc is not None:
            parts.append(f"doc == {json.dumps(self.doc, ensure_ascii=False)}")
        if self.chapter is not None:
            parts.append(f"chapter == {int(self.chapter)}")
        if self.issuer:
            needle = re.sub(r"[%_\\\"]", "", self.issuer.strip().lower())
            parts.append(f'(issuer like "%{needle}%" or issuer_en like "%{needle}%")')
        if self.since:
            parts.append(f"date >= {date_number(self.since)}")
        if self.until:
            parts.append(f"date <= {date_number(self.until, end=True)}")
        return " and ".join(parts)
