"""Consistency of a reference translation: the same Chinese gets the same English.

Three checks, over the items of one document (clauses and headings) and the English of each:
- **clauses**: two items with the same Chinese text (8+ characters) have the same English;
- **sentences**: the same Chinese sentence (8+ characters) in two items has the same English sentence, wherever both
  items' English splits into as many sentences as their Chinese (so sentences align one to one);
- **phrases**: a Chinese phrase of 8+ characters that recurs in several items is rendered by an English word sequence
  that all their English texts share: at least one content word per :data:`CHARS_PER_WORD` characters of the phrase
  (stopwords aside, light stems), so a phrase is not rendered one way here and another way there. A phrase that runs
  on into a lost character (〓) in one of them is left out, as the glossary check leaves such a term out.

Each finding names the Chinese, the anchors and what differs. An allow-list (anchor pairs or phrases, each with its
reason) says where a difference is right.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from retriever.analysis.tokenize import english_stopwords, english_words
from retriever.english.reference import TranslatableItem
from retriever.types import LOST_CHAR

__all__ = ["Finding", "MIN_CHARS", "CHARS_PER_WORD", "check_consistency", "repeated_phrases"]

MIN_CHARS = 8
"""Shorter repeats are terms, which the glossary check covers."""
CHARS_PER_WORD = 4
"""Chinese characters per English content word a shared rendering must have at least (measured on the plan: an
8-character phrase such as 关键核心技术攻关 renders as 3–5 content words; 4 keeps the check from passing on a single
shared word like 'technology' while allowing a terse official rendering)."""

_SENTENCE_ZH = re.compile(r"(?<=[。；！？])")
_SENTENCE_EN = re.compile(r"(?<=[.;!?])\s+(?=[A-Z(\"“⟨\[])")
_PUNCT_ONLY = re.compile(r"^[\W\d_〓]*$")
_ITEM_NUMBER = re.compile(r"^(?:（[一二三四五六七八九十]+）|\(\d+\)\s*)")


@dataclass(frozen=True)
class Finding:
    """One inconsistency."""

    kind: str  # "clause" | "sentence" | "phrase"
    zh: str
    anchors: tuple[str, ...]
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} 「{self.zh}」 in {', '.join(self.anchors)}: {self.detail}"


def _sentences(text: str, pattern: re.Pattern[str]) -> list[str]:
    return [s.strip() for s in pattern.split(text.strip()) if s.strip()]


def _content_words(en: str) -> list[str]:
    return english_words(en, english_stopwords())


def _common_run(texts: Sequence[list[str]]) -> int:
    """The length of the longest word sequence that every text contains."""
    first, rest = texts[0], [" " + " ".join(t) + " " for t in texts[1:]]
    best = 0
    for i in range(len(first)):
        for j in range(i + best + 1, len(first) + 1):
            needle = " " + " ".join(first[i:j]) + " "
            if all(needle in other for other in rest):
                best = j - i
            else:
                break
    return best


def repeated_phrases(texts: Mapping[str, str], min_chars: int = MIN_CHARS) -> dict[str, tuple[str, ...]]:
    """Maximal Chinese phrases of ``min_chars``+ characters (no sentence punctuation inside) that occur in two or more
    of ``texts`` (anchor → Chinese): phrase → the anchors that contain it."""
    windows: dict[str, set[str]] = defaultdict(set)
    for anchor, text in texts.items():
        for part in re.split(r"[。；：！？，、（）“”《》\s,;:!?()\"]", _ITEM_NUMBER.sub("", text)):
            for i in range(len(part) - min_chars + 1):
                windows[part[i : i + min_chars]].add(anchor)
    shared = {w: frozenset(a) for w, a in windows.items() if len(a) > 1 and not _PUNCT_ONLY.match(w)}
    phrases: dict[str, tuple[str, ...]] = {}
    for anchors in set(shared.values()):
        text = texts[min(anchors)]
        covered = sorted(i for i in range(len(text) - min_chars + 1) if shared.get(text[i : i + min_chars]) == anchors)
        start = None
        for n, i in enumerate(covered):
            if start is None:
                start = i
            if n + 1 == len(covered) or covered[n + 1] != i + 1:
                phrases[text[start : i + min_chars]] = tuple(sorted(anchors))
                start = None
    return phrases


def check_consistency(items: Iterable[TranslatableItem], english: Mapping[str, str],
                      allowed: Iterable[str] = ()) -> list[Finding]:
    """Every inconsistency of ``english`` (anchor → English) over ``items``, except those whose Chinese is in
    ``allowed`` (an allow-list of phrases, sentences or clause texts, each with its reason beside it)."""
    allow = set(allowed)
    items = [i for i in items if i.anchor in english]
    findings: list[Finding] = []
    by_text: dict[str, list[str]] = defaultdict(list)
    for item in items:
        if len(item.zh) >= MIN_CHARS:
            by_text[item.zh].append(item.anchor)
    for zh, anchors in by_text.items():
        renderings = {english[a] for a in anchors}
        if len(anchors) > 1 and len(renderings) > 1 and zh not in allow:
            findings.append(Finding("clause", zh, tuple(anchors), f"{len(renderings)} different renderings"))
    sentences: dict[str, dict[str, str]] = defaultdict(dict)
    for item in items:
        zh, en = _sentences(item.zh, _SENTENCE_ZH), _sentences(english[item.anchor], _SENTENCE_EN)
        if len(zh) > 1 and len(zh) == len(en):
            for z, e in zip(zh, en):
                if len(z) >= MIN_CHARS:
                    sentences[z][item.anchor] = e
    for zh, found in sentences.items():
        if len(set(found.values())) > 1 and zh not in allow and zh not in by_text:
            findings.append(Finding("sentence", zh, tuple(found), " / ".join(sorted(set(found.values())))))
    texts = {i.anchor: i.zh for i in items}
    for phrase, anchors in repeated_phrases(texts).items():
        if phrase in allow or any(phrase in a for a in allow) or len({texts[a] for a in anchors}) == 1:
            continue
        if any(phrase + LOST_CHAR in texts[a] or LOST_CHAR + phrase in texts[a] for a in anchors):
            continue  # the phrase runs on into a lost character: its English ends in [illegible] there
        needed = max(2, -(-len(phrase) // CHARS_PER_WORD))
        run = _common_run([_content_words(english[a]) for a in anchors])
        if run < needed:
            findings.append(Finding("phrase", phrase, anchors,
                                    f"the English shares {run} content word(s) in a row, {needed} expected"))
    return findings
