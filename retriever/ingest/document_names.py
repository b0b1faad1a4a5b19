"""The names a document goes by, and which documents a text names.

A document is named by its full title, its title without 中华人民共和国, a short title (the end of a law's title:
成果转化法, 专利法), its English title (with or without "of the People's Republic of China", or with "of the PRC",
"of China", "PRC" or "Chinese" instead), its document number (鄂政发〔2021〕18号, however its year's brackets are
typed) and the aliases in its metadata (科技进步法, the plan). A name two documents
share names neither. Used to resolve references (``check``) and as a ranking feature (a question that names a law
wants that law's clauses).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property

from retriever.ingest.corpus import Corpus

__all__ = ["DocumentNames", "QUOTE_MARKS", "without_spans"]

QUOTE_MARKS = re.compile(r"[《》〈〉“”\"「」]|(?<![A-Za-z])'|'(?![A-Za-z])")
"""Quotation marks around a name or a reference; an apostrophe inside a word (People's, Hubei's) is no quote."""
_PRC_ZH = "中华人民共和国"
_NUMBER_BRACKETS = (("〔", "〕"), ("[", "]"), ("（", "）"), ("(", ")"), ("［", "］"))
"""The brackets around a document number's year as it is typed: 鄂政发〔2021〕18号, 鄂政发[2021]18号, 鄂政发（2021）18号."""
_PRC_EN = re.compile(r"\s+of the people'?s republic of china", re.IGNORECASE)


_TOKEN = re.compile(r"[A-Za-z0-9&'’]+(?:-[A-Za-z0-9&'’]+)*|\s+|.")
"""A word (a hyphenated one whole: Five-Year), a run of spaces or any other character: the steps by which a name
widens over the title words before it (a punctuation mark stops it)."""


def without_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each (start, end) span blanked and the spaces closed up (a name or a cited place taken out)."""
    kept = "".join(" " if any(a <= i < b for a, b in spans) else ch for i, ch in enumerate(text))
    return re.sub(r"\s+", " ", kept).strip()


def _folded(text: str) -> str:
    """Text as names are compared, each character in its place: lower case, a typographic apostrophe (Hubei’s, as
    typed on a phone) as ', a hyphen as a space (tech-transfer law), British -isation as -ization."""
    return text.lower().replace("\u2019", "'").replace("-", " ").replace("isation", "ization")


def _words(text: str) -> list[str]:
    """English words (a possessive 's dropped) and Chinese characters of ``text``, folded as names are compared."""
    return re.findall(r"[a-z0-9&]+|[\u4e00-\u9fff]", re.sub(r"'s\b", "", _folded(text)))


class DocumentNames:
    """The names of a corpus's documents, longest first."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus

    @cached_property
    def names(self) -> list[tuple[str, str]]:
        """(name as :func:`_folded` compares it, doc id), longest first; a name two documents share is left out."""
        names: dict[str, set[str]] = {}
        for doc_id, doc in self.corpus.documents.items():
            meta = doc.meta
            forms = {meta.title, meta.title.replace(_PRC_ZH, ""), *meta.aliases}
            if meta.doc_number:  # staff cite a government document by its number (鄂政发〔2021〕18号第五章)
                forms |= {meta.doc_number.replace("〔", a).replace("〕", b) for a, b in _NUMBER_BRACKETS}
                forms |= {meta.doc_number_en} if meta.doc_number_en else set()
            forms |= {f.replace("科学技术", "科技") for f in forms}
            forms |= {form[i:] for form in list(forms) for i in range(len(form))
                      if form.endswith("法") and len(form) - i >= 3 and re.match(r"[\u4e00-\u9fff]", form[i:])}
            if meta.title_en:
                english = _PRC_EN.sub("", meta.title_en)
                forms |= {meta.title_en, english, "the " + english, f"{english} of the PRC", f"{english} of China",
                          f"PRC {english}", f"Chinese {english}"}
            for form in forms:
                name = _folded(QUOTE_MARKS.sub("", form).strip())
                if name:
                    names.setdefault(name, set()).add(doc_id)
        unique = [(name, ids.pop()) for name, ids in names.items() if len(ids) == 1]
        return sorted(unique, key=lambda pair: -len(pair[0]))

    def find(self, text: str) -> Iterator[tuple[str, int, int]]:
        """(doc id, start, end) of every document name in ``text``, longest names first; a name inside a longer
        English word (a 'plan' in 'planning') does not count."""
        lowered = _folded(text)
        for name, doc_id in self.names:
            start = lowered.find(name)
            while start >= 0:
                end = start + len(name)
                if not (re.search(r"[A-Za-z]$", text[:start]) or re.match(r"^[A-Za-z]", text[end:])):
                    yield doc_id, start, end
                    break
                start = lowered.find(name, start + 1)

    @cached_property
    def _title_words(self) -> dict[str, frozenset[str]]:
        """Per document, the words of its titles and aliases (English words, Chinese characters), folded."""
        return {doc_id: frozenset(_words(" ".join((doc.meta.title, doc.meta.title_en or "", *doc.meta.aliases))))
                for doc_id, doc in self.corpus.documents.items()}

    def describes(self, doc_id: str, text: str) -> bool:
        """Whether ``text`` is made only of words of the document's own titles, as staff describe it before a name
        (the Hubei 14th Five-Year S&T plan, 湖北省科技创新规划, 中国专利法): no place and no statement."""
        words = _words(text)
        return bool(words) and set(words) <= self._title_words[doc_id]

    def spans(self, text: str) -> list[tuple[str, int, int]]:
        """(doc id, start, end) of every document name in ``text`` (:meth:`find`), widened over the words of the
        document's own titles just before it, as a document is described before its short name (湖北省科技创新 before
        规划, Hubei S&T before plan)."""
        spans = []
        for doc_id, start, end in self.find(text):
            for m in reversed(list(_TOKEN.finditer(text, 0, start))):
                if not m.group().isspace() and not self.describes(doc_id, m.group()):
                    break
                start = m.start()
            spans.append((doc_id, start, end))
        return spans

    def named_in(self, text: str) -> frozenset[str]:
        """The documents a text names."""
        return frozenset(doc_id for doc_id, _, _ in self.find(text))
