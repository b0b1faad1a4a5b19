"""What a question asks for that the quoted evidence must contain, beyond shared words.

Two checks keep an extractive answer honest when the plan talks about the topic but not about what was asked:
- a question asking for a figure (多少, how many, what share …) needs a quoted sentence that states one;
- a question about another province needs a quoted sentence that names it: a provincial plan speaks for its own
  province only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["Province", "asks_for_figure", "states_figure", "provinces_named", "jurisdiction_of"]

_ASKS_FOR_FIGURE = re.compile(
    r"多少|几[个项家所名位年成倍]|多大|多高|多长|多久|税率|费率|利率|比例是|比重是|金额|"
    r"\bhow (much|many|long|large|big|high)\b|\bwhat (share|percentage|proportion|rate|amount|number|level)\b|"
    r"\bin yuan\b|\bcost\b|\bbudget\b|\bprice\b",
    re.IGNORECASE,
)
_FIGURE = re.compile(
    r"(?<![\d.])(?!(?:19|20)\d\d年)\d+(?:\.\d+)?"  # a number that is not a year such as 2025年
    r"|[一二两三四五六七八九十百千万亿]+(?:个|家|项|名|人|所|座|亿|万|倍|成|条|批|类|大|%|％)"
)


@dataclass(frozen=True)
class Province:
    zh: str
    short: str
    en: str

    def named_in(self, text: str) -> bool:
        return self.short in text or re.search(rf"\b{re.escape(self.en)}\b", text, re.IGNORECASE) is not None


@lru_cache(maxsize=1)
def _provinces() -> tuple[Province, ...]:
    text = resources.files("retriever.data").joinpath("provinces.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return tuple(Province(*row) for row in rows)


def asks_for_figure(question: str) -> bool:
    """Whether the (normalised, Simplified) question asks for a number: an amount, a count, a rate."""
    return _ASKS_FOR_FIGURE.search(question) is not None


def states_figure(sentence: str) -> bool:
    """Whether a sentence states a figure (a number that is not a bare year, or a counted Chinese numeral)."""
    return _FIGURE.search(sentence) is not None


def provinces_named(text: str) -> list[Province]:
    """The province-level divisions a text names (short name or English name)."""
    return [p for p in _provinces() if p.named_in(text)]


def jurisdiction_of(issuer: str | None) -> Province | None:
    """The province whose government issued a document (湖北省人民政府 → Hubei); None for national documents."""
    if not issuer:
        return None
    return next((p for p in _provinces() if issuer.startswith((p.zh, p.short))), None)
