"""The bilingual policy glossary (``corpus/glossary.jsonl``): the plan's terms with their reviewed English.

Retrieval uses it to carry English words of a query to the Chinese lexical index; the English layer uses it
for consistent renderings. Matching is on lower-cased, lightly stemmed English words, stopwords removed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from retriever.analysis.tokenize import english_stopwords, english_words
from retriever.config import GLOSSARY_FILE, corpus_dir
from retriever.errors import CorpusError

__all__ = ["Term", "Glossary", "KINDS"]

KINDS = ("institution", "programme", "place", "field", "policy", "target", "general")


@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    zh: str
    en: str
    kind: str
    aliases_en: tuple[str, ...] = ()
    first_use: tuple[str, ...] = field(default=())

    @property
    def english(self) -> tuple[str, ...]:
        return (self.en, *self.aliases_en)


class Glossary:
    """Terms by Chinese form, and an index of their English phrases for matching queries."""

    def __init__(self, terms: list[Term]) -> None:
        self.terms = tuple(terms)
        self.by_zh = {t.zh: t for t in terms}
        self._stop = english_stopwords()
        self._phrases: dict[str, list[tuple[tuple[str, ...], Term]]] = defaultdict(list)
        for term in terms:
            for phrase in term.english:
                words = tuple(english_words(phrase, self._stop))
                if words:
                    self._phrases[words[0]].append((words, term))
        for candidates in self._phrases.values():
            candidates.sort(key=lambda c: -len(c[0]))

    @classmethod
    def load(cls, path: Path | None = None) -> "Glossary":
        """Read the JSONL glossary (default: the configured corpus's); every line must be an object with zh, en
        and a known kind."""
        path = Path(path) if path is not None else corpus_dir() / GLOSSARY_FILE
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as err:
            raise CorpusError(f"cannot read the glossary {path}: {err.strerror}") from None
        terms: list[Term] = []
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                term = Term(
                    zh=raw["zh"].strip(),
                    en=raw["en"].strip(),
                    kind=raw.get("kind", "general"),
                    aliases_en=tuple(a.strip() for a in raw.get("aliases_en", []) if a.strip()),
                    first_use=tuple(raw.get("first_use", [])),
                )
            except (json.JSONDecodeError, KeyError, AttributeError, TypeError) as err:
                raise CorpusError(f"{path}:{number}: not a glossary entry ({err})") from None
            if not term.zh or not term.en or term.kind not in KINDS:
                raise CorpusError(f"{path}:{number}: needs zh, en and a kind in {KINDS}")
            terms.append(term)
        return cls(terms)

    @cached_property
    def _segmenter(self):
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for term in self.terms:
            if not tokenizer.FREQ.get(term.zh):  # new words only, at the lowest frequency: they join the
                tokenizer.add_word(term.zh, freq=1)  # dictionary without overriding its segmentation (优化|工, not 优|化工)
        return tokenizer

    def occurrences(self, zh: str) -> list[Term]:
        """Terms that occur in ``zh`` as words: the span must start and end at word boundaries (jieba, with the
        glossary as dictionary), so 化工 (chemical industry) does not occur in 气化工艺 (gasification process);
        a span next to a lost character (〓) does not count, since the word may run on into what was lost."""
        candidates = [t for t in self.terms if t.zh in zh]
        if not candidates:
            return []
        bounds = {0}
        position = 0
        for word in self._segmenter.cut(zh, HMM=False):
            position += len(word)
            bounds.add(position)
        found = []
        for term in candidates:
            start = zh.find(term.zh)
            while start >= 0:
                end = start + len(term.zh)
                touches_loss = zh[end : end + 1] == "〓" or zh[max(start - 1, 0) : start] == "〓"
                if start in bounds and end in bounds and not touches_loss:
                    found.append(term)
                    break
                start = zh.find(term.zh, start + 1)
        return found

    def match_english(self, text: str) -> list[tuple[Term, str]]:
        """Glossary terms whose English (or an alias) occurs in ``text``: (term, matched words).

        Overlapping matches are all kept (``national key laboratory`` also yields ``laboratory``), which
        suits a lexical query; the longest phrase at each position comes first.
        """
        words = english_words(text, self._stop)
        found: list[tuple[Term, str]] = []
        seen: set[str] = set()
        for i, word in enumerate(words):
            for phrase, term in self._phrases.get(word, ()):
                if tuple(words[i : i + len(phrase)]) == phrase and term.zh not in seen:
                    seen.add(term.zh)
                    found.append((term, " ".join(phrase)))
        return found

    def unmatched_english(self, text: str) -> list[str]:
        """English words of ``text`` that no glossary phrase covers."""
        words = english_words(text, self._stop)
        covered = [False] * len(words)
        for i, word in enumerate(words):
            for phrase, _ in self._phrases.get(word, ()):
                if tuple(words[i : i + len(phrase)]) == phrase:
                    for j in range(i, i + len(phrase)):
                        covered[j] = True
        return [w for w, c in zip(words, covered) if not c]
