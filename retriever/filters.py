"""Search filters shared by every backend: document, chapter, issuer (substring) and issue-date range."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .errors import QueryError
from .model import DocumentMeta

__all__ = ["Filters", "date_number"]

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def date_number(text: str, end: bool = False) -> int:
    """``2021``, ``2021-06`` or ``2021-06-01`` as 20210601 (the first day, or with ``end`` the last possible)."""
    m = _DATE.match(text.strip())
    if not m:
        raise QueryError(f"dates are written YYYY, YYYY-MM or YYYY-MM-DD (got {text!r}) 日期格式应为 YYYY-MM-DD")
    month = int(m.group(2) or (12 if end else 1))
    day = int(m.group(3) or (31 if end else 1))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise QueryError(f"not a date: {text!r} 日期无效")
    return int(m.group(1)) * 10000 + month * 100 + day


def meta_date(meta: DocumentMeta) -> int:
    """A document's date for filtering: its issue date (else publication, else effective date); 0 if none."""
    for value in (meta.issue_date, meta.publish_date, meta.effective_date):
        if value and _DATE.match(value.strip()):
            return date_number(value)
    return 0


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
