"""English quotes checked against the corpus's reference English: the glosses the product shows beside each clause.

Partners copy an answer's English and staff are asked whether it is real. The reference English is an unofficial
translation, not the legal text, so a match says where the words come from, never that the document says them in
English; the result names the clause and gives its Chinese text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz, process

__all__ = ["EnglishMatch", "EnglishQuotes", "MIN_WORDS"]

MIN_WORDS = 4
"""Words an English quote needs: fewer match anywhere (the same minimum as a statement after a place)."""
_UNIFY = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "\u00a0": " "})
_WORD = re.compile(r"\S+")


def fold(text: str) -> str:
    """The comparison form, one character for one (so offsets hold): lower case, typographic quotes and dashes plain."""
    return text.translate(_UNIFY).lower()


@dataclass(frozen=True)
class EnglishMatch:
    """Where an English quote is in a clause's reference English: the clause, the span, how alike, the differences."""

    anchor: str
    english: str
    start: int
    end: int
    similarity: float
    diff: list[dict[str, str | int]]
    also: list[str]


class EnglishQuotes:
    """The reference English of a corpus's clauses, searchable by quote."""

    def __init__(self, english: dict[str, str]) -> None:
        self.english = english  # anchor → reference English

    @cached_property
    def _folded(self) -> dict[str, str]:
        return {anchor: fold(text) for anchor, text in self.english.items()}

    def _anchors(self, doc: str | None) -> Iterable[str]:
        return (a for a in self._folded if doc is None or a.split(":", 1)[0] == doc)

    def find(self, quote: str, doc: str | None, least: float) -> EnglishMatch | None:
        """The clause whose reference English holds ``quote`` (exactly, or the most alike passage when at least
        ``least`` of it aligns, by rapidfuzz's partial alignment and by the words it shares); None otherwise."""
        folded = fold(re.sub(r"\s+", " ", quote.strip()))
        exact = [(a, i) for a in self._anchors(doc) if (i := self._folded[a].find(folded)) >= 0]
        if exact:
            (anchor, start), others = exact[0], [a for a, _ in exact[1:]]
            return EnglishMatch(anchor, self.english[anchor], start, start + len(folded), 1.0, [], others)
        choices = {a: self._folded[a] for a in self._anchors(doc)}
        best = process.extractOne(folded, choices, scorer=fuzz.partial_ratio, score_cutoff=least * 100)
        if best is None:
            return None
        anchor = best[2]
        aligned = fuzz.partial_ratio_alignment(folded, choices[anchor])
        start, end = _whole_words(choices[anchor], aligned.dest_start, aligned.dest_end)
        diff, shared = _word_diff(folded, self.english[anchor], start, end)
        if shared < least:  # a short clause inside a long quote: most of the quote is nowhere
            return None
        return EnglishMatch(anchor, self.english[anchor], start, end, round(aligned.score / 100, 3), diff, [])


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``–``end`` widened to whole words of ``text``."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def _bare(word: str) -> str:
    """A word without the punctuation around it (results. → results)."""
    return re.sub(r"^\W+|\W+$", "", word)


def _marks(word: str) -> str:
    """The punctuation in a word (years, → ,)."""
    return re.sub(r"\w", "", word)


def _word_diff(quote: str, english: str, start: int, end: int) -> tuple[list[dict[str, str | int]], float]:
    """The differences between the folded quote and the English span (as the English writes it), word by word,
    punctuation around words aside (an entry with ``op`` "punctuation" when only it differs), and the share of the
    quote's words the span has in the same order."""
    said = [m.group() for m in _WORD.finditer(quote)]
    source = [m for m in _WORD.finditer(english) if start <= m.start() < end]
    opcodes = difflib.SequenceMatcher(None, [_bare(w) for w in said], [_bare(fold(m.group())) for m in source],
                                      autojunk=False).get_opcodes()
    shared = sum(a1 - a0 for op, a0, a1, _, _ in opcodes if op == "equal") / max(len(said), 1)
    diff: list[dict[str, str | int]] = []
    for op, a0, a1, b0, b1 in opcodes:
        if op == "equal":
            diff += [{"op": "punctuation", "quote": said[a0 + i], "source": source[b0 + i].group(),
                      "at": source[b0 + i].start()}
                     for i in range(a1 - a0) if _marks(said[a0 + i]) and _marks(said[a0 + i]) != _marks(
                         fold(source[b0 + i].group()))]  # a quote may leave a mark out (end before a full stop)
            continue
        at = source[b0].start() if b0 < len(source) else end
        written = english[at:source[b1 - 1].end()] if b1 > b0 else ""
        diff.append({"op": op, "quote": " ".join(said[a0:a1]), "source": written, "at": at})
    return diff, shared
