"""What a document says of a question it cannot answer: the longest run of the question's own words that the quoted
text writes too ("the plan mentions “光通信科技重大专项” but gives no amount", "… mentions “Optics Valley Laboratory”").

A run begins and ends with a word that is no function word, holds at least one topic word, and is written, word for
word, in the quoted text: in Chinese the question's characters from its first word to its last; in English the roots
of its words in order (laboratories ~ Laboratory), read against the quoted clauses' English.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from retriever.analysis.tokenize import root, stem

__all__ = ["Word", "longest_shared", "chinese_run", "english_run", "roots_in_order"]

_ENGLISH_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9&']*")


@dataclass(frozen=True)
class Word:
    """One word of a question, where it stands, and what it may do in a run."""

    key: str  # what the document must write: the word (Chinese) or its root (English)
    start: int
    end: int
    edge: bool  # may begin or end a run (not a function word, not punctuation)
    topic: bool  # names something (not only the question's framing or the documents' own subject)


def longest_shared(words: Sequence[Word], question: str, written: Callable[[Sequence[Word]], bool],
                   specific: Callable[[Sequence[Word]], bool]) -> str | None:
    """The longest stretch of ``question`` whose words (a run of ``words``) are ``written`` in the document, with an
    edge word at each end and a topic word inside, and ``specific`` (written by few clauses); None when there is
    none. A run not written ends the search from its first word: a longer one holds it."""
    best: str | None = None
    for i, first in enumerate(words):
        if not first.edge:
            continue
        for j in range(i, len(words)):
            run = words[i : j + 1]
            if not written(run):
                break
            if words[j].edge and any(w.topic for w in run) and specific(run):
                text = question[first.start : words[j].end]
                if best is None or len(text) > len(best):
                    best = text
    return best


def chinese_run(spans: Sequence[tuple[str, int, int]], question: str, quoted: str, edge: Callable[[str], bool],
                topic: Callable[[str], bool], specific: Callable[[str], bool]) -> str | None:
    """The longest stretch of a Chinese ``question`` (cut into ``spans``: word, start, end) that ``quoted`` writes and
    that is ``specific``."""
    words = [Word(w, a, b, edge(w), edge(w) and topic(w)) for w, a, b in spans]

    def text(run: Sequence[Word]) -> str:
        return question[run[0].start : run[-1].end]

    return longest_shared(words, question, lambda run: text(run) in quoted, lambda run: specific(text(run)))


def roots_in_order(text: str) -> str:
    """The roots of an English text's words, space-separated and space-bounded (to look a run of roots up in)."""
    return f" {' '.join(_key(m.group()) for m in _ENGLISH_WORD.finditer(text))} "


def _key(word: str) -> str:
    return root(stem(word.lower()))


def english_run(question: str, english: str, not_edge: frozenset[str], not_topic: frozenset[str],
                specific: Callable[[str], bool]) -> str | None:
    """The longest stretch of an English ``question`` whose words' roots ``english`` writes in the same order and
    whose roots (:func:`roots_in_order`) are ``specific``; ``not_edge``: words that neither begin nor end a run
    (function and framing words), ``not_topic``: words that are no topic either (the documents' own subject)."""
    written_roots = roots_in_order(english)
    words = []
    for m in _ENGLISH_WORD.finditer(question):
        lower = m.group().lower()
        edge = lower not in not_edge
        words.append(Word(_key(m.group()), m.start(), m.end(), edge,
                          edge and lower not in not_topic and not lower.isdigit()))

    def roots(run: Sequence[Word]) -> str:
        return f" {' '.join(w.key for w in run)} "

    return longest_shared(words, question, lambda run: roots(run) in written_roots, lambda run: specific(roots(run)))
