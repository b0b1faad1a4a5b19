"""Query normalisation: NFKC, control characters and emoji dropped, Traditional → Simplified, language detected.

The user's original query is kept for display; ``text`` is what the matching legs see.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from retriever.errors import QueryError
from retriever.types import Lang, Query

__all__ = ["normalize_query", "MAX_QUERY_CHARS", "to_simplified", "to_characters_simplified", "to_traditional",
           "is_traditional"]

MAX_QUERY_CHARS = 300
"""Longer queries are truncated (with a notice): a question is never this long, a pasted chapter is."""

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_ACRONYM = re.compile(r"^(?:[A-Z0-9&]{1,6}|[0-9]+[A-Za-z]{1,2})$")  # 5G, AI, R&D, MCU, CCUS: no language of their own


@lru_cache(maxsize=4)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional (Taiwan/Hong Kong usage included: 雷射 → 激光, 軟體 → 软件) to Simplified Chinese."""
    return _converter("tw2sp").convert(text)


def to_characters_simplified(text: str) -> str:
    """Traditional to Simplified character by character (OpenCC ``t2s``), without changing vocabulary."""
    return _converter("t2s").convert(text)


def to_traditional(text: str) -> str:
    """Simplified to Traditional characters, character by character: a script conversion only, in the standard forms
    Taiwan and Hong Kong readers write (OpenCC ``s2tw``: 為, not ``s2t``'s 爲, which 219 of the 702 clauses' Traditional
    forms would otherwise show)."""
    return _converter("s2tw").convert(text)


def is_traditional(text: str) -> bool:
    """Whether the text has characters that OpenCC would change from Traditional to Simplified."""
    return _converter("t2s").convert(text) != text


def _clean(text: str) -> str:
    """NFKC, then drop control, format and symbol characters (emoji), keeping letters, digits and punctuation."""
    text = unicodedata.normalize("NFKC", text)
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] == "C" or category in ("So", "Sk"):
            kept.append(" ")
        else:
            kept.append(ch)
    return re.sub(r"\s+", " ", "".join(kept)).strip()


def detect_lang(text: str) -> Lang:
    """zh-Hans, zh-Hant, en or mixed, from the characters and words of a cleaned query."""
    han = len(_HAN.findall(text))
    words = [w for w in _LATIN_WORD.findall(text) if not _ACRONYM.match(w)]
    if han == 0:
        return Lang.EN
    if words:
        return Lang.MIXED
    return Lang.ZH_HANT if is_traditional(text) else Lang.ZH_HANS


def normalize_query(original: str, max_chars: int = MAX_QUERY_CHARS) -> Query:
    """Clean, truncate, detect the language and convert to Simplified; raise :class:`QueryError` if empty."""
    if not isinstance(original, str):
        raise QueryError("the query must be text")
    notices: list[str] = []
    text = _clean(original)
    if not text:
        raise QueryError("the query is empty 查询为空: type a question or some words")
    if not _HAN.search(text) and not re.search(r"[A-Za-z0-9]", text):
        raise QueryError("the query has no Chinese or English words 查询中没有中文或英文词语")
    if len(text) > max_chars:
        notices.append(
            f"the query was {len(text)} characters long and was cut to its first {max_chars} "
            f"查询过长（{len(text)}字），只使用前{max_chars}字"
        )
        text = text[:max_chars]
    lang = detect_lang(text)
    variants: tuple[str, ...] = ()
    if lang in (Lang.ZH_HANT, Lang.MIXED) and is_traditional(text):
        characters = to_characters_simplified(text)
        text = to_simplified(text)  # with regional vocabulary: 雷射 → 激光, 軟體 → 软件
        variants = (characters,) if characters != text else ()  # … which can also rewrite 核心 → 内核
    return Query(original=original, text=text, lang=lang, notices=tuple(notices), variants=variants)
