"""Query analysis, one module for both backends: normalise the question, find each lexical leg's terms (English
words carried to Chinese by the glossary), embed it for the dense legs, and say which legs run.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from dataclasses import dataclass, field

import numpy as np

from retriever.analysis.embedders import Embedder
from retriever.analysis.glossary import Glossary
from retriever.analysis.normalize import normalize_query
from retriever.analysis.query_translation import DictionaryTranslator, TranslationSet
from retriever.analysis.tokenize import Tokenizer, english_stopwords, english_words
from retriever.types import Lang, Leg, Mode, Query

__all__ = ["AnalyzedQuery", "QueryAnalyzer", "NO_LEXICAL_TERMS"]

_LATIN_TOKEN = re.compile(r"[a-z0-9][a-z0-9&.\-]*")
NO_LEXICAL_TERMS = "no searchable words for the keyword leg (only stopwords or unknown words) 关键词检索没有可用词语"


@dataclass(frozen=True)
class AnalyzedQuery:
    """A question ready for every leg."""

    query: Query
    mode: Mode
    tokens: list[str]  # the Chinese BM25 leg's tokens (glossary-mapped English words included)
    tokens_en: list[str]  # the English BM25 leg's stemmed words
    glossary: list[dict[str, str]]  # English phrases carried to Chinese terms: [{"en", "zh"}]
    vectors: dict[str, np.ndarray] = field(default_factory=dict)  # embedder → query vector (dense modes)
    notices: list[str] = field(default_factory=list)
    translations: tuple[TranslationSet, ...] = ()  # English words as synonym sets of Chinese terms (Chinese leg)

    @property
    def terms(self) -> list[str]:
        """Every lexical term, for display (translations included)."""
        return sorted(set(self.tokens) | set(self.tokens_en) | {z for s in self.translations for z in s.zh})

    def terms_of(self, leg: Leg) -> list[str]:
        """A lexical leg's terms (for the Chinese leg: its plain tokens and every member of its synonym sets)."""
        if leg.english:
            return self.tokens_en
        return self.tokens + [z for s in self.translations for z in s.zh if z not in self.tokens]

    def lexical_query(self, leg: Leg) -> tuple[list[str], tuple[TranslationSet, ...]]:
        """What a lexical leg scores: its plain tokens, and for the Chinese leg the translation sets (each one term)."""
        return (self.tokens_en, ()) if leg.english else (self.tokens, self.translations)

    def vector_for(self, leg: Leg) -> np.ndarray:
        return self.vectors[leg.embedder]

    def legs(self, available: Iterable[Leg]) -> list[Leg]:
        """The legs of ``available`` that this question runs: by mode; English legs only for English or mixed
        questions, the English lexical leg only with English words."""
        chosen = []
        for leg in available:
            if self.mode is (Mode.DENSE if leg.lexical else Mode.BM25):
                continue
            if leg.english and (not self.query.lang.english or (leg.lexical and not self.tokens_en)):
                continue
            if leg.lexical and not leg.english and not self.tokens and not self.translations and self.tokens_en:
                continue  # nothing for the Chinese leg, words for the English one
            chosen.append(leg)
        return chosen


class QueryAnalyzer:
    """Turns a question into an :class:`AnalyzedQuery`. ``vocab``/``vocab_en``: the index's BM25 vocabularies, to
    keep only terms the index knows (None: keep all, when the engine tokenises or scores by itself)."""

    def __init__(self, tokenizer: Tokenizer, glossary: Glossary, embedders: dict[str, Embedder],
                 vocab: Container[str] | None = None, vocab_en: Container[str] | None = None,
                 english_leg: bool = True) -> None:
        self.tokenizer = tokenizer
        self.glossary = glossary
        self.embedders = embedders
        self._vocab = vocab
        self._vocab_en = vocab_en
        self._english_leg = english_leg
        self._stop_en = english_stopwords()

    @property
    def sentence_encoder_name(self) -> str:
        """The first (multilingual) model's key (``use``): it embeds the sentences quoted in answers."""
        return next(iter(self.embedders))

    @property
    def sentence_encoder(self) -> Embedder:
        """The model named by :attr:`sentence_encoder_name`."""
        return self.embedders[self.sentence_encoder_name]

    def _known(self, tokens: Iterable[str], vocab: Container[str] | None) -> list[str]:
        return [t for t in tokens if vocab is None or t in vocab]

    def lexical_terms(self, query: Query) -> tuple[list[str], list[dict[str, str]]]:
        """The Chinese BM25 leg's tokens, and the glossary entries that carried English words to Chinese."""
        tokens: list[str] = []
        matches: list[dict[str, str]] = []
        if query.lang.english:
            for term, phrase in self.glossary.match_english(query.text):
                matches.append({"en": phrase, "zh": term.zh})
                tokens.extend(self.tokenizer.tokens(term.zh))
        if query.lang is Lang.EN:
            tokens.extend(self._known(_LATIN_TOKEN.findall(query.text.lower()), self._vocab))
        else:
            tokens.extend(self.tokenizer.tokens(query.text))
            for variant in query.variants:
                tokens.extend(t for t in self.tokenizer.tokens(variant) if t not in tokens)
        return self._known(tokens, self._vocab), matches

    def english_terms(self, query: Query) -> list[str]:
        """Stemmed English words of an English or mixed question (that the English leg knows)."""
        if not self._english_leg or not query.lang.english:
            return []
        return self._known(english_words(query.text, self._stop_en), self._vocab_en)

    def analyze(self, query: Query | str, mode: Mode | str = Mode.HYBRID,
                translator: DictionaryTranslator | None = None) -> AnalyzedQuery:
        """Analyse a question (normalised here if given as text: :class:`~retriever.errors.QueryError` if it cannot
        be searched); an English or mixed question's words reach the Chinese leg through ``translator`` too."""
        mode = Mode.from_str(mode)
        query = normalize_query(query) if isinstance(query, str) else query
        tokens, matches = self.lexical_terms(query)
        tokens_en = self.english_terms(query)
        translations = (tuple(translator.translate(query.text))
                        if translator is not None and query.lang.english and mode is not Mode.DENSE else ())
        notices = list(query.notices)
        if mode is not Mode.DENSE and not tokens and not tokens_en and not translations:
            notices.append(NO_LEXICAL_TERMS)
        vectors = ({name: e.encode_queries([query.text])[0] for name, e in self.embedders.items()}
                   if mode is not Mode.BM25 else {})
        return AnalyzedQuery(query, mode, tokens, tokens_en, matches, vectors, notices, translations)
