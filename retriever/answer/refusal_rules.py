"""Provinces: whose rules a document states, and which provinces a question or a quote names.

A question about another province needs a quoted sentence that names it: a provincial plan speaks for its own
province only. (The other rule the answerer applies, a figure asked for in a unit the quote does not state, is
``retriever.analysis.question.figure_asked``.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["Province", "provinces_named", "jurisdiction_of"]


@dataclass(frozen=True)
class Province:
    zh: str
    short: str
    en: str
    abbreviation: str  # 鄂, 湘, 赣 …

    def named_in(self, text: str) -> bool:
        """Whether a text names the province: its short name or its English name."""
        return self.short in text or re.search(rf"\b{re.escape(self.en)}\b", text, re.IGNORECASE) is not None

    def mentioned_in(self, text: str) -> bool:
        """Named, or its one-character abbreviation inside a run of them (鄂湘赣合作). Lenient on purpose: read in
        the evidence, where a false match (新台阶) only keeps an answer, never in a question, where it would refuse."""
        return self.named_in(text) or any(self.abbreviation in run for run in _abbreviation_runs(text))


def _abbreviation_runs(text: str) -> list[str]:
    letters = "".join(p.abbreviation for p in _provinces())
    return re.findall(rf"[{letters}]{{2,}}", text)


@lru_cache(maxsize=1)
def _provinces() -> tuple[Province, ...]:
    text = resources.files("retriever.data").joinpath("provinces.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return tuple(Province(*row) for row in rows)


def provinces_named(text: str) -> list[Province]:
    """The province-level divisions a text names (short name or English name)."""
    return [p for p in _provinces() if p.named_in(text)]


def jurisdiction_of(issuer: str | None) -> Province | None:
    """The province whose government issued a document (湖北省人民政府 → Hubei); None for national documents."""
    if not issuer:
        return None
    return next((p for p in _provinces() if issuer.startswith((p.zh, p.short))), None)
