"""Figures with their units (20 years, 六个月, 百分之五十) in an English statement and in the Chinese text it is
attributed to: an English statement cannot be compared with Chinese word for word, but its figures can.

Only figures whose unit is a period or a share are compared (years, months, days, per cent): they read the same in
both languages. A figure of a unit the clause never gives is not compared (the clause may state it in other words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retriever.ingest.text import cn_to_int, english_digits

__all__ = ["Figure", "in_digits", "english_figures", "chinese_figures", "FigureCheck", "compare_figures"]

_EN_UNITS = {"year": "年", "years": "年", "month": "月", "months": "月", "day": "日", "days": "日", "%": "%",
             "percent": "%", "per cent": "%"}
_EN_FIGURE = re.compile(r"(?<![\d.])(?P<value>\d+(?:\.\d+)?)\s*-?\s*(?P<unit>%|(?:per ?cent|years?|months?|days?)\b)",
                        re.IGNORECASE)
_ZH_NUMERAL = r"[0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千]+"
_ZH_FIGURE = re.compile(
    rf"(?P<share>百分之)(?P<pct>{_ZH_NUMERAL})|(?<![0-9.])(?P<value>{_ZH_NUMERAL})(?P<unit>%|个月|年|日|天)")
_ZH_UNITS = {"%": "%", "个月": "月", "年": "年", "日": "日", "天": "日"}
_YEAR_OF_DATE = 1900
"""A value of 年 from this on is a calendar year (2021年), not a period: not compared as one; nor a day after its
month (1月1日)."""


@dataclass(frozen=True)
class Figure:
    """A number and its unit (年, 月, 日 or %), as written."""

    value: float
    unit: str
    written: str


def in_digits(text: str) -> str:
    """An English text as its figures are read: numbers in digits, a twenty-year term as 20 year term."""
    return english_digits(re.sub(r"-(?=(?:year|month|day)s?\b)", " ", text))


def english_figures(text: str) -> list[Figure]:
    """The periods and shares an English text states (twenty years, 6 months, 50 percent); ``written`` is as
    :func:`in_digits` writes it."""
    return [Figure(float(m["value"]), _EN_UNITS[m["unit"].lower()], m.group())
            for m in _EN_FIGURE.finditer(in_digits(text))]


def chinese_figures(text: str) -> list[Figure]:
    """The periods and shares a Chinese text states (二十年, 六个月, 百分之五十, 30%); calendar years left out."""
    out = []
    for m in _ZH_FIGURE.finditer(text):
        written = m["pct"] or m["value"]
        try:
            value = float(written) if written[0].isdigit() else cn_to_int(written)
        except ValueError:
            continue
        unit = "%" if m["share"] else _ZH_UNITS[m["unit"]]
        if (unit == "年" and value >= _YEAR_OF_DATE) or (unit == "日" and text[:m.start()].endswith("月")):
            continue  # a date (2021年1月1日), not a period
        out.append(Figure(float(value), unit, m.group()))
    return out


@dataclass(frozen=True)
class FigureCheck:
    """The statement's figures the source gives too, and those it does not (with the source's of the same unit)."""

    agreed: list[Figure]
    differing: list[tuple[Figure, list[Figure]]]


def compare_figures(statement_en: str, source_zh: str) -> FigureCheck:
    """Each period or share the English statement gives, against the source's figures of the same unit."""
    source = chinese_figures(source_zh)
    agreed, differing = [], []
    for figure in english_figures(statement_en):
        same_unit = [f for f in source if f.unit == figure.unit]
        if not same_unit:
            continue
        if any(f.value == figure.value for f in same_unit):
            agreed.append(figure)
        else:
            differing.append((figure, same_unit))
    return FigureCheck(agreed, differing)
