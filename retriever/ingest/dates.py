"""Document dates as numbers (``2021-06-01`` → 20210601), for the issue-date filters of every backend."""

from __future__ import annotations

import re

from retriever.errors import QueryError
from retriever.types import DocumentMeta

__all__ = ["date_number", "meta_date"]

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
