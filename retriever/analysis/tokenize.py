"""Tokenisation for the lexical legs: jieba (search mode) with a user dictionary, stopwords, whole document numbers.

The same :class:`Tokenizer` must tokenise the index and the queries; its :meth:`settings` go into the
index manifest so a change of dictionary or stopwords is detected on load.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from functools import cached_property, lru_cache
from importlib import resources

__all__ = ["Tokenizer", "without_quote_marks", "load_stopwords", "english_stopwords", "DOC_NUMBER", "english_words", "english_as_written", "english_settings", "stem", "root"]

DOC_NUMBER = re.compile(r"(?P<issuer>[\u4e00-\u9fff]{0,3})[〔［\[(（](?P<year>\d{4})[〕］\])）](?P<number>\d+)号")
"""Document numbers such as 鄂政发〔2021〕18号 (any bracket style), kept as one token."""
_ISSUER_BOUNDARY = re.compile(r"^.*[据照于按和与及的是在对见]")

_FUNCTION_TAGS = frozenset({"d", "df", "dg", "r", "rg", "rr", "rz", "u", "ud", "ug", "uj", "ul", "uv", "uz", "c", "p",
                            "f", "m", "mq", "q", "y", "e", "o", "a", "ad", "ag"})
"""jieba's part-of-speech tags of words that name no thing: adverbs, pronouns, particles, conjunctions, prepositions,
position words, numerals, measure words, modal particles, interjections, onomatopoeia and plain adjectives (an
adjective used as a noun, ``an``: 安全, stays)."""
_SKIP = re.compile(r"^[\W_〓]+$")
_QUOTE_IN_CHINESE = re.compile(r"[“”「」『』]|(?<=[\u4e00-\u9fff])[\"‘’]|[\"‘’](?=[\u4e00-\u9fff])")
_ENGLISH_WORD = re.compile(r"[a-z0-9][a-z0-9&']*")  # hyphens split: "innovation-driven" → innovation, driven


def without_quote_marks(text: str) -> str:
    """Chinese text without its quote marks, which do not split words: a question quotes a slogan (“科技三命”精神) the
    clause writes unquoted, and the scraped plan lost many opening quotes (十三五”期间, see the corpus damage notes), so
    with the marks kept the same words would segment differently in the clause and the question. Quote marks between
    Latin letters (Hubei’s) stay."""
    return _QUOTE_IN_CHINESE.sub("", text)


def english_stopwords() -> frozenset[str]:
    """English function words, left out of the English lexical leg and of English coverage."""
    return load_stopwords("stopwords_en.txt")


@lru_cache(maxsize=8)
def load_stopwords(name: str) -> frozenset[str]:
    """A stopword list shipped in ``retriever/data`` (one word per line, ``#`` comments)."""
    text = resources.files("retriever.data").joinpath(name).read_text(encoding="utf-8")
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def english_words(text: str, stopwords: frozenset[str] = frozenset()) -> list[str]:
    """Lower-cased English words with a light plural stem (policies → policy, labs → lab)."""
    words = []
    for w in _ENGLISH_WORD.findall(text.lower()):
        if w in stopwords:
            continue
        words.append(stem(w))
    return words


_WRITTEN_WORD = re.compile(_ENGLISH_WORD.pattern, re.IGNORECASE)
_SENTENCE_START = re.compile(r"(?:^|[.?!。？！])[\s\"'“‘(]*")


def english_as_written(text: str) -> dict[str, str]:
    """Each English word of ``text`` as :func:`english_words` reads it → as ``text`` first writes it, without its
    possessive ending and with a capital lowered where it only starts a sentence: a message names "nowadays",
    "licences" and "Nanjing", not the stems "nowaday" and "license", nor "nanjing"."""
    starts = {m.end() for m in _SENTENCE_START.finditer(text)}
    written: dict[str, str] = {}
    for m in _WRITTEN_WORD.finditer(text):
        word = re.sub(r"'s?$", "", m.group())
        if m.start() in starts and word[1:] == word[1:].lower():
            word = word.lower()
        written.setdefault(stem(m.group().lower()), word)
    return written


_BRITISH = ((re.compile(r"(?<=.{3})is(e|ed|es|ing|ation|ations)$"), r"iz\1"),  # prioritise → prioritize
            (re.compile(r"(?<=.{3})tre(s?)$"), r"ter\1"),  # centre → center
            (re.compile(r"(?<=.{3})our(s?)$"), r"or\1"),  # labour → labor
            # The laws' reference English spells as the official translations do (license, defense); the team's
            # training and probe questions wrote licence(s) 69 times, defence 10 and programme(s) 25, matching no
            # clause's English word
            (re.compile(r"^(lic|def|off|pret)enc(e|es)$"), r"\1ens\2"),  # licence → license, defence → defense
            (re.compile(r"^(program|catalog)(?:me|ue)(s?)$"), r"\1\2"),  # programme → program, catalogue → catalog
            (re.compile(r"(?<=.{3})ys(e|ed|es|ing)$"), r"yz\1"),  # analyse → analyze
            (re.compile(r"^(fulfil|enrol|instil)(s|ment|ments)?$"), r"\1l\2"),  # fulfil → fulfill, enrolment
            (re.compile(r"(?<=dg)ement(s?)$"), r"ment\1"),  # judgement → judgment (not management)
            (re.compile(r"^ageing$"), "aging"))


@lru_cache(maxsize=1)
def _snowball():
    import Stemmer  # PyStemmer: the Snowball English stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """A deliberately light stem: British spelling to American, possessive and plural endings only.

    Light, so glossary phrases keep matching precisely (research ≠ researchers); see :func:`root` for recall.
    """
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.rstrip("'")
    if "&" in word or any(ch.isdigit() for ch in word):
        return word  # r&d, 5g, 2025: not words to stem
    for pattern, replacement in _BRITISH:
        word = pattern.sub(replacement, word)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_PROBE = ("policies", "labs", "centres", "prioritise", "labour", "researchers", "r&d", "boxes", "hubei's", "status",
          "licences", "programmes", "analysed", "fulfilment", "judgement")


def english_settings() -> dict[str, str]:
    """What the index manifest records about English words: the stemmer, fingerprinted on probe words."""
    probe = " ".join(stem(w) for w in _PROBE)
    return {"stemmer": "British → American spelling; plural and possessive endings; hyphens split",
            "stemmer_probe_sha256": hashlib.sha256(probe.encode()).hexdigest()}


@lru_cache(maxsize=100_000)
def root(word: str) -> str:
    """The Snowball English stem of a :func:`stem`-med word (spending → spend, included → includ), for recall."""
    if "&" in word or any(ch.isdigit() for ch in word):
        return word
    return _snowball().stemWord(word)


@lru_cache(maxsize=4)
def _jieba_with(user_terms: tuple[str, ...]):
    """A jieba tokenizer with these user terms (its dictionary takes about a second to load: once per process)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for term in user_terms:
        tokenizer.add_word(term)
    return tokenizer


class Tokenizer:
    """jieba in search mode over its own dictionary instance, plus user terms, minus stopwords."""

    def __init__(self, user_terms: Iterable[str] = (), stopwords: frozenset[str] | None = None) -> None:
        self.user_terms = tuple(sorted({t.strip() for t in user_terms if t and t.strip()}))
        self.stopwords = load_stopwords("stopwords_zh.txt") if stopwords is None else stopwords

    @cached_property
    def _jieba(self):
        return _jieba_with(self.user_terms)

    def warm_up(self) -> "Tokenizer":
        """Load jieba's dictionary now (about a second) rather than on the first query."""
        _ = self._jieba
        return self

    def tokens(self, text: str) -> list[str]:
        """Tokens of a (Simplified) text: document numbers whole, jieba search-mode words, lower-cased."""
        out: list[str] = []
        pos = 0
        text = without_quote_marks(text)
        for m in DOC_NUMBER.finditer(text):
            issuer = _ISSUER_BOUNDARY.sub("", m.group("issuer"))
            out.extend(self._words(text[pos : m.start("issuer") + len(m.group("issuer")) - len(issuer)]))
            out.append(f"{issuer}〔{m.group('year')}〕{m.group('number')}号")
            pos = m.end()
        out.extend(self._words(text[pos:]))
        return out

    def content_words(self, text: str) -> list[str]:
        """The words of ``text`` in jieba's plain cut, lower-cased, that name a thing: no stopword, and none its
        part-of-speech tagger reads as grammar (:data:`_FUNCTION_TAGS`: 分别, 那种, 的话, 之前, 最长). Unlike
        :meth:`tokens`, no search-mode piece that straddles two words (这件事提 → 事提)."""
        return [w for w, grammar in self._tagged(text) if not grammar and w not in self.stopwords]

    def in_dictionary(self, word: str) -> bool:
        """Whether jieba's dictionary (with the user terms) holds ``word``: its tagger also guesses words it does not
        hold, and some guesses straddle two words (规划里说排在第几 → 说排, 先放一放 → 先放一)."""
        return self._jieba.FREQ.get(word, 0) > 0

    def grammar_words(self, text: str) -> frozenset[str]:
        """The words of ``text`` that the part-of-speech tagger reads as grammar (到底, 那种), lower-cased."""
        return frozenset(w for w, grammar in self._tagged(text) if grammar)

    def _tagged(self, text: str) -> list[tuple[str, bool]]:
        return [(w, pair.flag in _FUNCTION_TAGS) for pair in self._tagger.cut(text)
                if (w := pair.word.strip().lower()) and not _SKIP.match(w)]

    @cached_property
    def _tagger(self):
        import jieba.posseg

        return jieba.posseg.POSTokenizer(self._jieba)

    def spans(self, text: str) -> list[tuple[str, int, int]]:
        """jieba's plain cut of ``text`` with each word's offsets (punctuation included, nothing dropped)."""
        return list(self._jieba.tokenize(text))

    def _words(self, text: str) -> list[str]:
        words = []
        for w in self._jieba.cut_for_search(text):
            w = w.strip().lower()
            if not w or _SKIP.match(w) or w in self.stopwords:
                continue
            words.append(w)
            if len(w) > 4:
                words.extend(self._long_subwords(w))
        return words

    def _long_subwords(self, word: str) -> list[str]:
        """Dictionary words of 4+ characters inside a longer one: jieba's search mode only adds 2- and 3-grams,
        so 基础研究 would vanish inside 基础研究十年行动."""
        freq = self._jieba.FREQ
        return [
            word[i : i + n]
            for n in range(4, len(word))
            for i in range(len(word) - n + 1)
            if freq.get(word[i : i + n])
        ]

    def settings(self) -> dict[str, object]:
        """What the index manifest records about tokenisation."""
        import jieba

        digest = hashlib.sha256("\n".join(self.user_terms).encode()).hexdigest()
        stop = hashlib.sha256("\n".join(sorted(self.stopwords)).encode()).hexdigest()
        return {
            "engine": "jieba",
            "jieba_version": jieba.__version__,
            "mode": "search+long-subwords",
            "quote_marks": "dropped in Chinese text",
            "lowercase": True,
            "doc_number_pattern": DOC_NUMBER.pattern,
            "user_terms": len(self.user_terms),
            "user_dictionary_sha256": digest,
            "stopwords_sha256": stop,
        }
