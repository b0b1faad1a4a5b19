"""Documents a question names that the corpus does not hold.

A question about 专利法实施细则 is not answered by 专利法: whatever the law's clauses say of fees or time limits, the
regulations the question asks about were never searched, and the answer must say so. Chinese titles are recognised
from a list of real ones (``retriever/data/law_titles.txt``: 3,191 laws, regulations and interpretations) and inside
《…》 when they end as a title does; in English, a law's implementing regulations or rules ("the Patent Law
Implementing Regulations") and a law's title whose distinctive words no held or cited law's English name uses ("the
Trademark Law"). A title the corpus holds (a document's name) or quotes in a clause (the plan cites
《湖北省技术市场管理条例》, and its reference English the Regulations of Hubei Province on Technology Market
Administration) is not another document: its clauses may answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from retriever.analysis.tokenize import english_stopwords, english_words, root
from retriever.english.reference import english_by_anchor
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
_EN_WORD = r"[A-Z][\w&'’-]*"
_EN_KIND = r"(?:Law|Code|Regulations?|Rules|Measures|Provisions)"
_EN_TITLE = re.compile(
    rf"(?:{_EN_WORD}\s+){{0,6}}\b{_EN_KIND}\b(?:\s+(?:of\s+(?:the\s+)?(?:{_EN_WORD}\s+){{1,5}})?(?:on|for)\s+"
    rf"(?:the\s+)?(?:{_EN_WORD}(?:\s+(?:and|of|the|for|on))*\s+)*{_EN_WORD})?")
"""An English title: capitalised words before its kind (the Trademark Law, China's Company Law, the Civil Code),
after it (China's Regulation on Technology Import and Export Administration) or both."""
_TITLE_FRAME = ("law code regulation regulations rule rules measure measures provision provisions implementing "
                "implementation interim detailed china chinese prc people's republic national state province "
                "provincial hubei science technology scientific technological tech s&t new revised amended draft anti "
                "chapter general supplementary").split()
"""Words of an English title that do not tell one law from another: its kind, its country, its general subject, a
prefix (anti-), a chapter's heading (Chapter III General Provisions)."""
_ROMAN = re.compile(r"^[ivxlc]+$")


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

    def __init__(self, held_names: Iterable[str], corpus_text: str, english_text: str = "") -> None:
        self.held = frozenset(_plain(name) for name in held_names)
        self.quoted = _NESTED.sub("", corpus_text.replace(_PRC, ""))
        self.held_words = frozenset().union(*(_distinctive(name) for name in self.held))
        self.quoted_words = frozenset().union(*(_distinctive(_english_title(m.group()))
                                                for m in _EN_TITLE.finditer(english_text)))

    @classmethod
    def of_corpus(cls, corpus: Corpus) -> OtherDocuments:
        """For a corpus: its documents' names are held, its clauses' text (and their reference English, for English
        titles) is where a title is quoted."""
        english = english_by_anchor(corpus.documents.values())
        return cls((name for name, _ in DocumentNames(corpus).names), "\n".join(c.text for c in corpus.clauses()),
                   "\n".join(english.values()))

    def _other_english(self, title: str) -> bool:
        """Whether an English title names a law neither held nor quoted: none of its distinctive words is a held
        document's name's (the Tech Transfer Law is held) or a title's in the reference English (the Anti-monopoly
        Law, cited by the Patent Law; the Regulation on Technology Market Management, which the plan's English calls
        the Regulations of Hubei Province on Technology Market Administration). One shared word is enough: a title is
        translated in more ways than one, and a law wrongly called not held would refuse what the documents answer."""
        words = _distinctive(title)
        return bool(words) and not words & self.held_words and not words & self.quoted_words

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
        implementing = list(_EN_IMPLEMENTING.finditer(question))
        found += [_english_title(m.group()) for m in implementing]
        # an English title of a law neither held nor quoted (the Trademark Law; one of no distinctive word, the Law,
        # is no title)
        found += [title for m in _EN_TITLE.finditer(question)
                  if not any(i.start() <= m.start() < i.end() or m.start() <= i.start() < m.end() for i in implementing)
                  and self._other_english(title := _english_title(m.group()))]
        return [title for title in dict.fromkeys(found) if self._other(title, cited_too)]


@lru_cache(maxsize=1)
def _not_distinctive() -> frozenset[str]:
    """Words of an English title that tell no law from another: :data:`_TITLE_FRAME`, function words, openers."""
    return english_stopwords() | _NOT_TITLE | frozenset(_TITLE_FRAME)


def _distinctive(title: str) -> frozenset[str]:
    """The roots of an English title's words that tell it from other laws (:func:`_not_distinctive` and Roman
    numerals left out): the Trademark Law → trademark; a Chinese title → none."""
    frame = _not_distinctive()
    return frozenset(root(w) for w in english_words(title, frame) if w not in frame and not _ROMAN.match(w))


def shown(title: str) -> str:
    """A title as a message shows it: a Chinese one in 《》 (专利法实施细则 → 《专利法实施细则》), an English one as is."""
    return title if title.startswith("《") or not re.search(r"[\u4e00-\u9fff]", title) else f"《{title}》"
