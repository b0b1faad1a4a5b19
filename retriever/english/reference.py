"""The reference English translation of the plan (``corpus/<doc>.en.jsonl``), keyed by anchor, and its checks.

Conventions of the English text:
- every span of lost characters (〓) is rendered as one ``[illegible]``, never guessed;
- words that render an inferred restoration (e.g. the 五 of 十四五, the 5 of 5G) are enclosed in ⟨ ⟩;
- glossary terms that occur in the Chinese use the glossary's English (or one of its aliases).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
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


def english_sentences(text_en: str | None, count: int) -> list[str] | None:
    """A clause's English split into sentences, when it has as many as the Chinese (so they align one to one)."""
    if not text_en:
        return None
    parts = [p for p in _EN_SENTENCE.split(text_en.strip()) if p]
    return parts if len(parts) == count else None


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
