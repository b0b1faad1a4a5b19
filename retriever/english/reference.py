"""The reference English translation of the plan (``corpus/<doc>.en.jsonl``), keyed by anchor, and its checks.

Conventions of the English text:
- every span of lost characters (〓) is rendered as one ``[illegible]``, never guessed;
- words that render an inferred restoration (e.g. the 五 of 十四五, the 5 of 5G) are enclosed in ⟨ ⟩;
- glossary terms that occur in the Chinese use the glossary's English (or one of its aliases).
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from retriever.analysis.glossary import Glossary, Term
from retriever.analysis.tokenize import english_stopwords, english_words
from retriever.errors import CorpusError
from retriever.ingest.corpus import Corpus
from retriever.types import Document, EnSource, Mark, MarkKind

__all__ = ["Rendering", "TranslatableItem", "ReferenceTranslation", "translatable_items", "check_rendering",
           "load_translations", "english_by_anchor", "english_sentences", "translation_path", "ILLEGIBLE", "INFERRED_OPEN", "INFERRED_CLOSE"]

ILLEGIBLE = "[illegible]"
INFERRED_OPEN, INFERRED_CLOSE = "⟨", "⟩"


@dataclass(frozen=True)
class Rendering:
    """The English of one anchor and where it comes from."""

    anchor: str
    en: str
    source: EnSource = EnSource.REFERENCE


@dataclass(frozen=True)
class TranslatableItem:
    """A piece of the plan that needs an English rendering: clause, heading, notice, title or annex title."""

    anchor: str
    kind: str
    zh: str
    marks: tuple[Mark, ...]


def translatable_items(corpus: Corpus, doc_id: str) -> list[TranslatableItem]:
    """Everything of a document that the reference translation must cover, in reading order."""
    doc = corpus.document(doc_id)
    items = [TranslatableItem(m.anchor, m.kind, m.text, m.marks) for m in doc.front_matter if m.kind != "contents"]
    by_line = sorted([(h.line, TranslatableItem(h.anchor, h.level, h.text, h.marks)) for h in doc.headings]
                     + [(c.line, TranslatableItem(c.anchor, "clause", c.text, c.marks)) for c in doc.clauses],
                     key=lambda pair: pair[0])
    items += [item for _, item in by_line]
    items += [TranslatableItem(m.anchor, m.kind, m.text, m.marks) for m in doc.back_matter]
    return items


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def glossary_terms_in(zh: str, glossary: Glossary) -> list[Term]:
    """Glossary terms that occur as words in a Chinese text (lost spans, 〓, never match)."""
    return glossary.occurrences(zh)


def check_rendering(item: TranslatableItem, en: str, glossary: Glossary) -> list[str]:
    """Problems of one rendering: lost spans, inferred marks, glossary terms. Empty when it is fine."""
    problems: list[str] = []
    if not en.strip():
        return [f"{item.anchor}: empty English"]
    lost = sum(1 for m in item.marks if m.kind is MarkKind.LOST)
    if en.count(ILLEGIBLE) != lost:
        problems.append(f"{item.anchor}: {lost} lost span(s) in the Chinese but {en.count(ILLEGIBLE)} {ILLEGIBLE}")
    inferred = any(m.kind is MarkKind.INFERRED for m in item.marks)
    opened, closed = en.count(INFERRED_OPEN), en.count(INFERRED_CLOSE)
    if opened != closed:
        problems.append(f"{item.anchor}: unbalanced {INFERRED_OPEN}{INFERRED_CLOSE}")
    if inferred and not opened:
        problems.append(f"{item.anchor}: inferred characters in the Chinese but no {INFERRED_OPEN}…{INFERRED_CLOSE}")
    if opened and not inferred:
        problems.append(f"{item.anchor}: {INFERRED_OPEN}…{INFERRED_CLOSE} used but nothing is inferred here")
    stop = english_stopwords()
    words = english_words(en, stop)
    for term in glossary_terms_in(item.zh, glossary):
        if not any(_contains(words, english_words(p, stop)) for p in term.english):
            problems.append(f"{item.anchor}: glossary term {term.zh} should read {term.en!r}"
                            + (f" (or {', '.join(repr(a) for a in term.aliases_en)})" if term.aliases_en else ""))
    return problems


class ReferenceTranslation:
    """The reviewed, clause-aligned English of a document."""

    def __init__(self, doc_id: str, renderings: dict[str, Rendering]) -> None:
        self.doc_id = doc_id
        self.renderings = renderings

    @classmethod
    def load(cls, path: Path, doc_id: str) -> "ReferenceTranslation":
        renderings: dict[str, Rendering] = {}
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as err:
            raise CorpusError(f"cannot read the translation {path}: {err.strerror}") from None
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                anchor, en = raw["anchor"], raw["en"]
            except (json.JSONDecodeError, KeyError, TypeError) as err:
                raise CorpusError(f"{path}:{number}: not a translation line ({err})") from None
            if anchor in renderings:
                raise CorpusError(f"{path}:{number}: a second rendering of {anchor}")
            renderings[anchor] = Rendering(anchor, en, EnSource.REFERENCE)
        return cls(doc_id, renderings)

    def get(self, anchor: str) -> Rendering | None:
        return self.renderings.get(anchor)


def translation_path(doc: Document) -> Path | None:
    """Where a document's reference translation lives, if its metadata names one (beside the source)."""
    if not doc.meta.translation_en or not doc.source_path:
        return None
    return Path(doc.source_path).parent / doc.meta.translation_en


_EN_SENTENCE = re.compile(r"(?<=[.;!?])\s+(?=[A-Z\"“⟨\[(])")


SHARE_RATIO_LIMIT = math.log(2)
"""The most a Chinese sentence's share of its clause's length and its English's share may differ (as a log ratio) for
a grouped alignment to be trusted: of the 679 sentence pairs of the corpus's clauses that align one to one, 99% differ
by at most 0.554 and the worst by 0.937; twice or half the share (0.693) lets through what length alone can tell."""


def english_sentences(text_en: str | None, lengths: Sequence[int]) -> list[str] | None:
    """A clause's English split into sentences, one per Chinese sentence (``lengths``: theirs): when it has as many
    (they align one to one), or when it has more and consecutive English sentences group by length into one per
    Chinese sentence (the translation split one)."""
    if not text_en:
        return None
    aligned = _aligned(text_en, tuple(lengths))
    return list(aligned) if aligned is not None else None


@lru_cache(maxsize=4096)
def _aligned(text_en: str, lengths: tuple[int, ...]) -> tuple[str, ...] | None:
    """:func:`english_sentences`, remembered: an answer scores and then quotes the same clauses' sentences."""
    parts = [p for p in _EN_SENTENCE.split(text_en.strip()) if p]
    if len(parts) == len(lengths):
        return tuple(parts)
    grouped = _grouped_by_length(parts, lengths) if 0 < len(lengths) < len(parts) else None
    return tuple(grouped) if grouped is not None else None


def _grouped_by_length(parts: list[str], lengths: Sequence[int]) -> list[str] | None:
    """The English sentences grouped, in order, one group per Chinese sentence, so that each group's share of the
    English length is nearest its Chinese sentence's share (least squared log ratios, a length-based alignment in the
    manner of Gale and Church); ``None`` when the best grouping still differs by more than :data:`SHARE_RATIO_LIMIT`."""
    zh_total = sum(lengths)
    if zh_total <= 0:
        return None
    ends_at = list(itertools.accumulate((len(p) for p in parts), initial=0))  # English length before each sentence
    n, m = len(lengths), len(parts)

    @lru_cache(maxsize=None)
    def best(i: int, j: int) -> tuple[float, tuple[int, ...]]:
        """Chinese sentences i… over English sentences j…: (cost, group ends)."""
        if i == n:
            return (0.0, ()) if j == m else (math.inf, ())
        found: tuple[float, tuple[int, ...]] = (math.inf, ())
        for end in range(j + 1, m - (n - i - 1) + 1):
            ratio = math.log(((ends_at[end] - ends_at[j]) / ends_at[m]) / (max(lengths[i], 1) / zh_total))
            if abs(ratio) > SHARE_RATIO_LIMIT:
                continue
            cost, ends = best(i + 1, end)
            if ratio * ratio + cost < found[0]:
                found = (ratio * ratio + cost, (end, *ends))
        return found

    cost, ends = best(0, 0)
    if math.isinf(cost):
        return None
    starts = (0, *ends[:-1])
    return [" ".join(parts[a:b]) for a, b in zip(starts, ends)]


def english_by_anchor(documents: Iterable[Document]) -> dict[str, str]:
    """Anchor → reference English, for every document whose metadata names a translation."""
    found: dict[str, str] = {}
    for doc in documents:
        path = translation_path(doc)
        if path is not None:
            found.update((a, r.en) for a, r in ReferenceTranslation.load(path, doc.doc_id).renderings.items() if r.en)
    return found


def load_translations(corpus: Corpus) -> dict[str, ReferenceTranslation]:
    """The reference translations that documents' metadata name (``translation_en``), by document id."""
    found: dict[str, ReferenceTranslation] = {}
    for doc in corpus.documents.values():
        path = translation_path(doc)
        if path is not None:
            found[doc.doc_id] = ReferenceTranslation.load(path, doc.doc_id)
    return found


def first_uses(corpus: Corpus, glossary: Glossary, doc_id: str) -> dict[str, str]:
    """For each glossary term, the anchor where the document first uses it (as a word; else as a substring)."""
    items = translatable_items(corpus, doc_id)
    found: dict[str, str] = {}
    for item in items:
        for term in glossary.occurrences(item.zh):
            found.setdefault(term.zh, item.anchor)
    for term in glossary.terms:
        if term.zh not in found:
            found[term.zh] = next((i.anchor for i in items if term.zh in i.zh), "")
    return found
