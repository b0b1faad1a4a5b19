"""Pure text helpers shared by the parsers: sentence splitting with offsets, lead phrases, numerals."""

from __future__ import annotations

import re

from text_to_num import alpha2digit

from retriever.types import Sentence

__all__ = ["split_sentences", "lead_phrase", "english_digits", "cn_to_int", "int_to_cn"]

_SENTENCE = re.compile(r"[^。！？!?]+(?:[。！？!?]+[”’」』）)]*|$)")
_LEAD = re.compile(r"([^。]{2,24})。")
_LEAD_FORBIDDEN = re.compile(r"[;；:：“”]")

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Split a clause into sentences at 。！？ (closing quotes stay with their sentence)."""
    sentences = []
    for m in _SENTENCE.finditer(text):
        if m.group().strip():
            sentences.append(Sentence(m.group(), m.start(), m.end()))
    return tuple(sentences)


def lead_phrase(text: str) -> str | None:
    """The short topic phrase a paragraph opens with (``光通信及激光。重点发展…`` → ``光通信及激光``).

    A lead phrase is a first sentence of at most 24 characters, without semicolons, colons or quotes,
    followed by more text.
    """
    m = _LEAD.match(text)
    if not m or m.end() >= len(text) or _LEAD_FORBIDDEN.search(m.group(1)):
        return None
    return m.group(1)


def english_digits(text: str) -> str:
    """``text`` with its English numbers in words written in digits (Forty-Two → 42, the third → the 3rd), by text2num;
    every number, a lone "one" or "first" too (threshold 0)."""
    return alpha2digit(text, "en", threshold=0)


def cn_to_int(numeral: str) -> int:
    """Read a Chinese numeral such as 十六, 二十三 or 一千二百六十 (also plain digits)."""
    if numeral.isdigit():
        return int(numeral)
    if not numeral or any(ch not in _DIGITS and ch not in _UNITS for ch in numeral):
        raise ValueError(f"not a Chinese numeral: {numeral!r}")
    total, digit = 0, None
    for ch in numeral:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
    return total + (digit or 0)


def int_to_cn(number: int) -> str:
    """Write 1–9999 as a Chinese numeral the way headings do (16 → 十六, 108 → 一百零八)."""
    if not 0 < number < 10000:
        raise ValueError(f"out of range for a heading numeral: {number}")
    digits = "零一二三四五六七八九"
    parts: list[str] = []
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, number = divmod(number, value)
        if d:
            if zero:
                parts.append("零")
            parts.append(digits[d] + unit)
            zero = False
        elif parts:
            zero = True
    out = "".join(parts)
    return out[1:] if out.startswith("一十") else out
