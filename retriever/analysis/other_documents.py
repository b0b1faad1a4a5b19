"""Documents a question names that the corpus does not hold.

A question about 专利法实施细则 is not answered by 专利法: whatever the law's clauses say of fees or time limits, the
regulations the question asks about were never searched, and the answer must say so. Chinese titles are recognised
from a list of real ones (``retriever/data/law_titles.txt``: 3,191 laws, regulations and interpretations) and inside
《…》 when they end as a title does; in English, a law's implementing regulations or rules ("the Patent Law
Implementing Regulations"). A title the corpus holds (a document's name) or quotes in a clause (the plan cites
《湖北省技术市场管理条例》) is not another document: its clauses may answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from retriever.analysis.tokenize import english_stopwords
from retriever.ingest.corpus import Corpus
from retriever.ingest.document_names import DocumentNames

__all__ = ["OtherDocuments", "law_titles", "shown"]

_PRC = "中华人民共和国"
_TITLED = re.compile(r"《([^《》]{2,60}?)》")
_TITLE_END = re.compile(r"(?:法|法典|条例|细则|办法|规定|规则|决定|解释)$")
_NESTED = re.compile(r"[〈〉<>]")
_EN_IMPLEMENTING = re.compile(
    r"(?:[A-Z][\w&'’.-]*\s+)*(?:Implementing|Implementation|Detailed)\s+(?:Regulations?|Rules|Measures)"
    r"(?:\s+(?:of|for|on)\s+(?:the\s+)?(?:Implementation\s+of\s+(?:the\s+)?)?(?:[A-Z][\w&'’.-]*\s*)+)?")
"""A law's implementing regulations or rules: "Patent Law Implementing Regulations", "Implementing Rules of the
Patent Law", "Detailed Rules for the Implementation of the Patent Law"."""


@lru_cache(maxsize=1)
def law_titles() -> tuple[str, ...]:
    """The short titles of ``law_titles.txt``, longest first (专利法实施细则 before 专利法)."""
    text = resources.files("retriever.data").joinpath("law_titles.txt").read_text(encoding="utf-8")
    titles = {line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")}
    return tuple(sorted(titles, key=len, reverse=True))


def _plain(title: str) -> str:
    """A title as compared: without 中华人民共和国, nested brackets and surrounding space, lower-cased."""
    return _NESTED.sub("", title.replace(_PRC, "")).strip().lower()


_NOT_TITLE = frozenset({"chinese", "prc", "under", "according", "per", "by", "which", "whether", "if", "can", "could",
                        "would", "should", "will", "did"})
"""Capitalised words that may stand before a title without being part of it ("Under", "Chinese")."""


def _english_title(phrase: str) -> str:
    """An English title without the capitalised words before it that are not part of it: up to a possessive
    ("China's"), sentence openers and function words ("Under the …")."""
    words = phrase.split()
    possessive = [i for i, w in enumerate(words) if re.search(r"['’]s$", w)]
    words = words[possessive[-1] + 1 :] if possessive else words
    while len(words) > 2 and (words[0].lower() in english_stopwords() or words[0].lower() in _NOT_TITLE):
        words.pop(0)
    return " ".join(words)


class OtherDocuments:
    """Finds the documents a question names that a corpus neither holds nor quotes.

    ``held_names``: every name the corpus's documents go by (:class:`~retriever.ingest.document_names.DocumentNames`);
    ``corpus_text``: the clauses' text, where a cited title counts as quoted."""

    def __init__(self, held_names: Iterable[str], corpus_text: str) -> None:
        self.held = frozenset(_plain(name) for name in held_names)
        self.quoted = _NESTED.sub("", corpus_text.replace(_PRC, ""))

    @classmethod
    def of_corpus(cls, corpus: Corpus) -> OtherDocuments:
        """For a corpus: its documents' names are held, its clauses' text is where a title is quoted."""
        return cls((name for name, _ in DocumentNames(corpus).names), "\n".join(c.text for c in corpus.clauses()))

    def _other(self, title: str, cited_too: bool) -> bool:
        plain = _plain(title)
        return bool(plain) and plain not in self.held and (cited_too or plain not in self.quoted)

    def named_in(self, question: str, cited_too: bool = False) -> list[str]:
        """The titles of the documents ``question`` names that are neither held nor quoted (``cited_too``: nor held,
        though a clause may cite them: a reference to their articles cannot resolve), as the question writes them, in
        the order found (bracketed titles, listed titles, then English implementing rules)."""
        found: list[str] = []
        rest = question
        for match in _TITLED.finditer(question):
            title = match.group(1).strip()
            if _TITLE_END.search(title) or _plain(title) in law_titles():
                found.append(title)
            rest = rest.replace(match.group(0), "□")
        for title in law_titles():  # longest first: a title inside a longer one is the longer one's
            if title in rest:
                found.append(title)
                rest = rest.replace(title, "□")
        found += [_english_title(m.group()) for m in _EN_IMPLEMENTING.finditer(question)]
        return [title for title in dict.fromkeys(found) if self._other(title, cited_too)]


def shown(title: str) -> str:
    """A title as a message shows it: a Chinese one in 《》 (专利法实施细则 → 《专利法实施细则》), an English one as is."""
    return title if title.startswith("《") or not re.search(r"[\u4e00-\u9fff]", title) else f"《{title}》"
