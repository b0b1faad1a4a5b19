"""Figures with their units (20 years, 六个月, 百分之五十, 五百万元, 2025年) in an English statement and in the Chinese
text it is attributed to: an English statement cannot be compared with Chinese word for word, but its figures can.

Compared: periods and shares (years, months, days, per cent), amounts of money in yuan (五百万元 is 5 million yuan or
RMB 5,000,000; 万 and 亿 read as their values), calendar years (by 2025 / 到2025年) and counts of things (10家 and
10 laboratories, 1万家 and 10,000 firms): they read the same in both languages once their multipliers are read. A
figure of a unit the clause never gives is not compared (the clause may state it in other words); a calendar year is
also given when the place's frame names it (its section's other clauses, a Five-Year Plan named in words: 十四五 is
2021 to 2025, the document's own years); a count, when the place writes its number at all (the English noun counted
is not matched to a Chinese classifier: two wings are 两翼).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retriever.ingest.text import cn_to_int, english_digits
from retriever.types import LOST_CHAR, plan_period_years, years_named

__all__ = ["Figure", "CALENDAR_YEAR", "YUAN", "COUNT", "in_digits", "numbers_written", "english_figures",
           "chinese_figures", "FigureCheck", "compare_figures"]

_EN_UNITS = {"year": "年", "years": "年", "month": "月", "months": "月", "day": "日", "days": "日", "%": "%",
             "percent": "%", "per cent": "%"}
_EN_FIGURE = re.compile(r"(?<![\d.])(?P<value>\d+(?:\.\d+)?)\s*-?\s*(?P<unit>%|(?:per ?cent|years?|months?|days?)\b)",
                        re.IGNORECASE)
_ZH_NUMERAL = r"[0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千]+"
_ZH_FIGURE = re.compile(
    rf"(?P<share>百分之)(?P<pct>{_ZH_NUMERAL})|(?<![0-9.])(?P<value>{_ZH_NUMERAL})(?P<unit>%|个月|年|日|天)")
_ZH_UNITS = {"%": "%", "个月": "月", "年": "年", "日": "日", "天": "日"}
_YEAR_OF_DATE = 1900
"""A value of 年 from this on is a calendar year (2021年), not a period: compared as a calendar year; a day after its
month (1月1日) is not compared."""
CALENDAR_YEAR = "年份"
"""The unit of a calendar year (2025年, by 2025), apart from a period of years (年)."""
YUAN = "元"
_EN_MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
_EN_MULTIPLIED = re.compile(r"(?<![\d.])(?P<value>\d+(?:\.\d+)?)\s*(?P<word>thousand|million|mn|billion|bn|trillion)\b",
                            re.IGNORECASE)
_ZH_MULTIPLIERS = {"万": 1e4, "亿": 1e8, "万亿": 1e12}
_EN_AMOUNT = re.compile(
    r"(?:\b(?:RMB|CNY)|¥)\s*(?P<v1>\d+(?:\.\d+)?)|(?<![\d.])(?P<v2>\d+(?:\.\d+)?)\s*(?:yuan|RMB|CNY)\b"
    r"|(?<![\d.])(?P<v3>\d+(?:\.\d+)?)(?=\s*(?:to|-|–|and)\s*\d+(?:\.\d+)?\s*(?:yuan|RMB|CNY)\b)", re.IGNORECASE)
"""An amount of money in yuan: RMB 5000000, 5000000 yuan, and the first of a range (30000 to 5000000 yuan)."""
_EN_YEAR = re.compile(r"(?<![\d.])(?:19|20)\d{2}(?![\d%]|\.\d|\s*-?\s*(?:years?|months?|days?|per ?cent)\b)")
"""A calendar year, at a sentence's end too (by 2030.); not a decimal (2025.5) nor a period (2025 years)."""
_ZH_AMOUNT = re.compile(rf"(?<![0-9.])(?P<value>{_ZH_NUMERAL})(?P<mult>万亿|亿|万)?元")
COUNT = "个数"
"""The unit of a count of things (10家, 三所, 10 laboratories), whatever is counted."""
_ZH_COUNT = re.compile(
    rf"(?<![0-9.第])(?P<value>[0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千]{{2,}}|[二两三四五六七八九])"
    r"(?P<mult>万亿|亿|万)?(?:余|多)?[家个项所名座批件支种类位人台套篇](?!月)")
"""A Chinese count: a number and a classifier (10家, 三所, 1万余家); never an ordinal (第8位), a number of months (六个月)
or a lone 一 (一批, 一个: an article), 十, 百 or 千 (十大, 百家, 千家万户: words)."""
_EN_COUNT = re.compile(r"(?<![\w.,/$¥£€-])(?P<value>\d+(?:\.\d+)?)(?![\w%/-]|[.,]\d|\s*(?:%|per ?cent\b|years?\b|"
                       r"months?\b|days?\b|yuan\b|RMB\b|CNY\b))")
"""An English count: a whole number standing alone (10 laboratories, 10000 firms once :func:`in_digits` has read
10,000); not one inside a word or code (5G, CO2, 14th, COVID-19), nor a period, share or amount."""
_EN_PLACE_NUMBER = re.compile(r"(?:\b(?:articles?|arts?\.?|chapters?|ch\.|sections?|sec\.|paragraphs?|paras?\.|"
                              r"items?|sentences?|no\.|number|phase|level|class|grade|version|top)|§)\s*$",
                              re.IGNORECASE)
"""Words after which a number names a place, a rank or a stage (Article 42, Section 2, phase 3, the top 10): no
count."""
_PLACE_WORD = 16
"""Characters before a number in which :data:`_EN_PLACE_NUMBER` is sought: the longest word and its spaces."""
_ZH_NUMERAL_YEAR = re.compile(r"([一二][〇零○][〇零○一二三四五六七八九]{2})年")
"""A calendar year written digit by digit in Chinese numerals (二〇三五年)."""
_YEAR_DIGITS = str.maketrans("〇零○一二三四五六七八九", "000123456789")
_EN_LOST = "[illegible]"
"""How the reference English marks a character lost in the source (LOST_CHAR, 〓): a figure right after a lost
character lost its first digits (〓〓000亿元, [illegible]0%) and is not compared."""


def _yuan(value: float, multiplier: float = 1.0) -> float:
    """An amount in yuan, to the fen: 5028.94亿 is 502894000000 whichever way its float was multiplied."""
    return round(value * multiplier, 2)


def _after_lost(text: str, start: int) -> bool:
    """Whether the figure at ``start`` follows a lost character (its first digits are lost with it)."""
    before = text[:start].rstrip()
    return before.endswith(LOST_CHAR) or before.endswith(_EN_LOST)


@dataclass(frozen=True)
class Figure:
    """A number and its unit (年, 月, 日, %, 元 or a calendar year's 年份), as written."""

    value: float
    unit: str
    written: str


def in_digits(text: str) -> str:
    """An English text as its figures are read: numbers in digits, a twenty-year term as 20 year term, 5,000,000 and
    5 million as 5000000."""
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", re.sub(r"-(?=(?:year|month|day)s?\b)", " ", text))
    text = _EN_MULTIPLIED.sub(lambda m: f"{float(m['value']) * _EN_MULTIPLIERS[m['word'].lower()]:.0f}", text)
    return english_digits(text)


def english_figures(text: str) -> list[Figure]:
    """The periods, shares, amounts in yuan and calendar years an English text states (twenty years, 6 months,
    50 percent, RMB 5 million, by 2025); ``written`` is as :func:`in_digits` writes it."""
    digits = in_digits(text)
    out = [Figure(float(m["value"]), _EN_UNITS[m["unit"].lower()], m.group()) for m in _EN_FIGURE.finditer(digits)
           if not _after_lost(digits, m.start())]
    amounts = list(_EN_AMOUNT.finditer(digits))
    out += [Figure(_yuan(float(m["v1"] or m["v2"] or m["v3"])), YUAN, m.group()) for m in amounts
            if not _after_lost(digits, m.start())]
    # a calendar year is whole after a lost character (〓2035年: a lost 到, not a lost digit)
    years = [m for m in _EN_YEAR.finditer(digits) if not any(a.start() <= m.start() < a.end() for a in amounts)]
    out += [Figure(float(m.group()), CALENDAR_YEAR, m.group()) for m in years]
    taken = amounts + years
    out += [Figure(float(m["value"]), COUNT, m.group()) for m in _EN_COUNT.finditer(digits)
            if float(m["value"]) != 1 and not _EN_PLACE_NUMBER.search(digits[max(0, m.start() - _PLACE_WORD):m.start()])
            and not any(t.start() <= m.start() < t.end() for t in taken) and not _after_lost(digits, m.start())]
    return out


def _zh_value(written: str) -> float | None:
    """A Chinese figure's number (digits or a Chinese numeral); None when it is none."""
    try:
        return float(written) if written[0].isdigit() else cn_to_int(written)
    except ValueError:
        return None


def chinese_figures(text: str) -> list[Figure]:
    """The periods, shares, amounts in yuan and calendar years a Chinese text states (二十年, 六个月, 百分之五十, 30%,
    五百万元, 2025年; the years of a Five-Year Plan named in words, 十四五)."""
    out = [Figure(_yuan(value, _ZH_MULTIPLIERS.get(m["mult"] or "", 1.0)), YUAN, m.group())
           for m in _ZH_AMOUNT.finditer(text)
           if (value := _zh_value(m["value"])) is not None and not _after_lost(text, m.start())]
    out += [Figure(float(year), CALENDAR_YEAR, year) for year in sorted(plan_period_years(text))]
    for m in _ZH_FIGURE.finditer(text):
        if (value := _zh_value(m["pct"] or m["value"])) is None:
            continue
        unit = "%" if m["share"] else _ZH_UNITS[m["unit"]]
        if unit == "日" and text[:m.start()].endswith("月"):
            continue  # a day of a date (2021年1月1日), not a period
        if unit == "年" and value >= _YEAR_OF_DATE:
            unit = CALENDAR_YEAR
        elif _after_lost(text, m.start()):
            continue
        out.append(Figure(float(value), unit, m.group()))
    out += [Figure(float(m.group(1).translate(_YEAR_DIGITS)), CALENDAR_YEAR, m.group())
            for m in _ZH_NUMERAL_YEAR.finditer(text)]
    out += [Figure(count, COUNT, m.group()) for m in _ZH_COUNT.finditer(text)
            if (value := _zh_value(m["value"])) is not None and not _after_lost(text, m.start())
            and (count := _yuan(value, _ZH_MULTIPLIERS.get(m["mult"] or "", 1.0))) != 1]
    return out


_ZH_NUMBER = re.compile(rf"(?P<value>{_ZH_NUMERAL})?(?P<mult>万亿|亿|万)|(?P<plain>{_ZH_NUMERAL})")


def numbers_written(text: str) -> set[float]:
    """Every number a Chinese text writes, counted or not: digits, Chinese numerals (两翼 2, 四梁八柱 4 and 8),
    multiplied (28.55万 285500) or a bare 万 or 亿 (每万名, per 10,000)."""
    out = set()
    for m in _ZH_NUMBER.finditer(text):
        value = _zh_value(m["value"] or m["plain"] or "一")
        if value is not None:
            out.add(_yuan(value, _ZH_MULTIPLIERS.get(m["mult"] or "", 1.0)))
    return out


@dataclass(frozen=True)
class FigureCheck:
    """The statement's figures the source gives too, and those it does not (with the source's of the same unit)."""

    agreed: list[Figure]
    differing: list[tuple[Figure, list[Figure]]]


def compare_figures(statement_en: str, source_zh: str, frame: str = "") -> FigureCheck:
    """Each figure the English statement gives, against the source's figures of the same unit; ``frame``: text whose
    calendar years the source is read with (its section, its document's title and dates)."""
    source = chinese_figures(source_zh)
    framing = [Figure(float(y), CALENDAR_YEAR, y) for y in sorted(years_named(frame))]
    # a count agrees with any number the place writes: an English noun counts what Chinese may write without a
    # classifier (two wings 两翼, the "321" Action, per 10,000 每万名); a count changed to a number the place never
    # writes still differs (of the plan's 6 clauses whose reference English counts what the Chinese writes without a
    # classifier, none differs so; counting only classified numbers, all 6 did)
    written = numbers_written(source_zh)
    agreed, differing = [], []
    for figure in english_figures(statement_en):
        same_unit = [f for f in source if f.unit == figure.unit]
        if not same_unit:
            continue
        if (any(f.value == figure.value for f in same_unit + framing)  # amounts rounded to the fen (_yuan)
                or (figure.unit == COUNT and figure.value in written)):
            agreed.append(figure)
        else:
            differing.append((figure, same_unit))
    return FigureCheck(agreed, differing)
