"""The query path both backends share: check the request, analyse the question, let the backend rank, explain
each hit. A backend only implements :meth:`SearcherBase._rank`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from retriever.analysis.embedders import Embedder, make_embedder
from retriever.analysis.fields import user_terms
from retriever.analysis.glossary import Glossary
from retriever.analysis.normalize import normalize_query
from retriever.analysis.query_translation import DictionaryTranslator
from retriever.analysis.tokenize import Tokenizer
from retriever.analysis.tuned_english import TunedEnglish, TuningProgress, team_pairs, tuned_model, tuning_record
from retriever.config import TUNED_DIR, IndexConfig, SearchConfig
from retriever.errors import IndexMissingError, ModelFeaturesError
from retriever.ingest.corpus import Corpus
from retriever.ingest.document_names import DocumentNames
from retriever.ingest.references import ReferenceParser
from retriever.search.filters import Filters
from retriever.search.known_questions import KNOWN_CANDIDATES, KnownQuestions
from retriever.search.query import AnalyzedQuery, QueryAnalyzer
from retriever.search.rerank import (
    RERANK_DEPTH,
    Reranker,
    SentenceTokens,
    Statistics,
    candidate_features,
    section_of,
    sentence_tokens,
)
from retriever.types import (
    EXPLAIN_DENSE,
    YEAR,
    Backend,
    DocumentMeta,
    Hit,
    IndexedClause,
    Leg,
    Mode,
    Rebuild,
    SearchResult,
    plan_period_years,
    years_named,
)

__all__ = ["SearcherBase", "Ranked", "LegEvidence", "Parts", "load_parts", "apply_rebuild"]

T = TypeVar("T")


@dataclass(frozen=True)
class LegEvidence:
    """What one leg says about one clause (None where the engine does not report it)."""

    rank: int | None
    score: float | None = None  # lexical legs: the BM25 score
    similarity: float | None = None  # dense legs: cosine similarity with the question


@dataclass(frozen=True)
class Ranked:
    """A clause as a backend ranked it, before it becomes a :class:`Hit`."""

    record: IndexedClause
    score: float  # fused, on the embedded backend's scale
    fused: dict[str, Any]  # the explanation's "fused" entry
    evidence: dict[Leg, LegEvidence]  # per leg that ran, lexical legs first
    extra: dict[str, Any] = field(default_factory=dict)  # backend-specific explanation entries


@dataclass(frozen=True)
class Parts:
    """What every searcher is made of: the corpus, the glossary, the tokenizer and the embedders."""

    corpus: Corpus
    glossary: Glossary
    tokenizer: Tokenizer
    embedders: dict[str, Embedder]


def load_parts(config: IndexConfig, corpus: Corpus | None = None,
               embedders: dict[str, Embedder] | None = None) -> Parts:
    """Load the corpus (unless given), the glossary, the tokenizer with its user dictionary, and the models."""
    corpus = corpus or Corpus.load(config.corpus_dir)
    glossary = Glossary.load(config.glossary_path)
    tokenizer = Tokenizer(user_terms(corpus, glossary))
    embedders = embedders or {name: make_embedder(name) for name in config.embedders}
    return Parts(corpus, glossary, tokenizer, embedders)


def apply_rebuild(rebuild: Rebuild, load: Callable[[], T], create: Callable[[], T], update: Callable[[], T],
                  from_scratch: Callable[[], T], stale: tuple[type[Exception], ...]) -> tuple[T, str]:
    """Open an index under a rebuild policy, for every backend: ``build`` builds from scratch; otherwise load it,
    create it when missing (unless ``never``) and bring it up to date when one of ``stale`` is raised (only with
    ``stale``). Returns the result and what was done: ``loaded``, ``created``, ``updated`` or ``rebuilt``."""
    if rebuild is Rebuild.BUILD:
        return from_scratch(), "rebuilt"
    try:
        return load(), "loaded"
    except IndexMissingError:
        if rebuild is Rebuild.NEVER:
            raise
        return create(), "created"
    except stale:
        if rebuild is not Rebuild.STALE:
            raise
        return update(), "updated"


def _with_clauses(ranked: list[Ranked], clauses: list[IndexedClause]) -> list[Ranked]:
    """``ranked`` and after it those of ``clauses`` it lacks, with no leg's evidence and no fused score (the clauses of
    a place the question cites: no leg need have found them)."""
    seen = {r.record.anchor for r in ranked}
    return ranked + [Ranked(record, 0.0, {"score": 0.0, "cited_place": True}, {})
                     for record in clauses if record.anchor not in seen]


PREPARING_QUESTIONS = ("What does the plan say about innovation?", "规划对科技创新有什么要求？")
"""One question in each language, asked while a server starts so that every model a question needs is loaded."""


class SearcherBase(ABC):
    """Implements :class:`~retriever.search.protocol.Searcher` but for the ranking itself."""

    backend: Backend

    def __init__(self, corpus: Corpus, analyzer: QueryAnalyzer, config: SearchConfig | None = None) -> None:
        self.corpus = corpus
        self.analyzer = analyzer
        self.config = config or SearchConfig()
        self.opened = "loaded"  # what opening did to the index: loaded, created, updated or rebuilt
        self.reranker: Reranker | None = None  # the learned ranking, when a model is loaded
        self.known_questions: KnownQuestions | None = None  # the model's known questions (a ranking feature)
        self.tuned: TunedEnglish | None = None  # the English model tuned on them (a ranking feature)
        self.tuned_cross_fit: dict[str, TunedEnglish] = {}  # while fitting: question → a model not tuned on it

    def use_ranking_model(self, model: Reranker | None, progress: TuningProgress | None = None) -> None:
        """Rank with ``model`` and describe candidates by its known questions and tuned English model (None: the
        fused order; also when the model was fitted with an English model tuned on other questions, as for a model
        fitted on other features); ``progress`` is told while the English model is tuned (first use)."""
        try:
            tuned = (self.tuned_english(expected=model.info.get("tuned_english"), progress=progress)
                     if model is not None else None)
        except ModelFeaturesError:
            model, tuned = None, None
        self.reranker = model
        self.known_questions = model.known if model is not None else None
        self.tuned = tuned

    def tuned_english(self, folder: Path = TUNED_DIR, pairs: Sequence[tuple[str, str]] | None = None,
                      expected: dict | None = None, progress: TuningProgress | None = None) -> TunedEnglish:
        """The English model tuned on ``pairs`` (the team's, by default) in ``folder`` over this index's clauses:
        tuned first when it is missing or was tuned on other questions. ``expected``: the tuning record the ranking
        model was fitted with (:class:`~retriever.errors.ModelFeaturesError` when the team's questions changed since:
        its features would mean something else)."""
        english = self.clause_english
        if pairs is None:
            pairs, _ = team_pairs(english)
        if expected is not None and expected != tuning_record(pairs):
            raise ModelFeaturesError("the ranking model was fitted with an English model tuned on other questions: "
                                     "fit it again with `python -m retriever fit`")
        return TunedEnglish.over(tuned_model(folder, pairs, progress), folder, english)

    @abstractmethod
    def _rank(self, analyzed: AnalyzedQuery, filters: Filters, documents: list[str] | None,
              k: int) -> list[Ranked]:
        """The top ``k`` clauses within ``filters`` (``documents``: the admitted documents, None for all)."""

    @abstractmethod
    def records(self) -> Sequence[IndexedClause]:
        """Every indexed clause."""

    @cached_property
    def clause_english(self) -> dict[str, str]:
        """Each clause's English (anchor → text), for the clauses that have one."""
        return {r.anchor: r.text_en for r in self.records() if r.text_en}

    @cached_property
    def statistics(self) -> Statistics:
        """Document frequencies of the index's Chinese tokens and English words, and its size."""
        records = self.records()
        return Statistics(Counter(t for r in records for t in r.tokens),
                          Counter(t for r in records for t in r.tokens_en), len(records))

    @cached_property
    def translator(self) -> DictionaryTranslator:
        """English → Chinese query translation over this index's terms (built on the first English question)."""
        return DictionaryTranslator(self.statistics.df, self.analyzer.glossary)

    def prepare(self) -> None:
        """Load now what the first question would otherwise wait for (the English → Chinese dictionary, each dense
        leg's tokenizer and model, the ranking model: 5 s on the 2-core machine, cProfile): a server calls it while it
        starts."""
        self.translator.prepare()
        for question in PREPARING_QUESTIONS:
            self.search(question, k=1)

    @cached_property
    def headings(self) -> dict[str, frozenset[str]]:
        """The tokens of each clause's heading path, of each document's title (``title:DOC``) and of each clause's
        section: the clause and the others under the same parent anchor together (``section:ANCHOR``); the years
        its section's first clause names in digits and its own text names (``years:ANCHOR``: a section's lead-in
        "到2025年" frames all its clauses, a clause's 十二五末 names 2015) and the Five-Year Plan periods it speaks of
        (``periods:ANCHOR``)."""
        tokens = self.analyzer.tokenizer.tokens
        records = self.records()
        out = {r.anchor: frozenset(tokens(" ".join(r.heading_path))) for r in records}
        out |= {f"title:{d}": frozenset(tokens(doc.meta.title)) for d, doc in self.corpus.documents.items()}
        sections: dict[str, set[str]] = {}
        years: dict[str, set[str]] = {}
        periods: dict[str, set[str]] = {}
        for r in records:  # a section's first clause is its lead-in
            sections.setdefault(section_of(r.anchor), set()).update(r.tokens)
            years.setdefault(section_of(r.anchor), set(YEAR.findall(r.text)))
            periods.setdefault(section_of(r.anchor), plan_period_years(r.text))
        shared = {section: frozenset(found) for section, found in sections.items()}  # one set per section
        out |= {f"section:{r.anchor}": shared[section_of(r.anchor)] for r in records}
        # the years a section's lead-in names frame its clauses ("〓2025年，" opens the goals, ch1.s4); a year named
        # further on frames only its own clause: the 13th plan's review (ch1.s1) looks ahead to 2035 in its seventh
        # paragraph, and read section-wide its 2020 figures answered "what is the 2035 target for …" (of the 2,200
        # questions of the four sets, no gold clause of a question naming a year loses its years by this; four
        # near-misses' drafts gain a year missing). A plan period named in words counts for its own clause only: the
        # review speaks of 十四五时期 in four clauses, and its 2020 figures would otherwise answer a question about 2025
        out |= {f"years:{r.anchor}": frozenset(years[section_of(r.anchor)] | years_named(r.text)) for r in records}
        # the Five-Year Plan periods a plan's clause speaks of (``periods:ANCHOR``; a document whose title names no
        # period, a law, has none): those its title names (a plan's clauses speak of its own period) unless its
        # section's lead-in names one ("十三五”期间，" opens the 13th plan's review, ch1.s1), and the years it names
        titles = {d: plan_period_years(doc.meta.title) for d, doc in self.corpus.documents.items()}
        out |= {f"periods:{r.anchor}": frozenset((periods[section_of(r.anchor)] or titles[r.doc])
                                                 | out[f"years:{r.anchor}"]) for r in records if titles.get(r.doc)}
        return out

    def candidates(self, analyzed: AnalyzedQuery, filters: Filters, documents: list[str] | None,
                   depth: int = RERANK_DEPTH) -> tuple[list[Ranked], np.ndarray]:
        """The fused candidates of a question (with a named law's best clauses and the clauses of the nearest known
        questions) and their ranking features (what the ranking model is fitted on)."""
        ranked = self._rank(analyzed, filters, documents, depth)
        named = self.document_names.named_in(analyzed.query.text)
        searched = set(documents) if documents is not None else set(self.corpus.documents)
        if named & searched and not searched <= named:
            # a question that names a law (专利法, the Patent Law) also gets that law's best clauses as candidates:
            # its answer may share no word with the question and rank low among every document's clauses
            seen = {r.record.anchor for r in ranked}
            more = self._rank(analyzed, filters, sorted(named & searched), depth)
            ranked = ranked + [r for r in more if r.record.anchor not in seen]
        ranked = _with_clauses(ranked, self._cited_clauses(analyzed, filters, documents))
        if self.known_questions is not None:
            ranked = ranked + self._known_candidates(analyzed, filters, documents, ranked)
        return ranked, candidate_features(analyzed, ranked, self.statistics, self._metas, self.headings,
                                          self._sentence_tokens, named, self.known_questions, self.tuned)

    def _known_candidates(self, analyzed: AnalyzedQuery, filters: Filters, documents: list[str] | None,
                          ranked: list[Ranked]) -> list[Ranked]:
        """The clauses cited by the known questions nearest the question that no leg brought (no leg evidence): a
        question worded like one the team answered may share no word with its clause."""
        seen = {r.record.anchor for r in ranked}
        by_anchor = self._records_by_anchor
        out = []
        for anchor in self.known_questions.cited_by_nearest(analyzed.query.text, analyzed.vectors, KNOWN_CANDIDATES):
            record = by_anchor.get(anchor)
            if (record is None or anchor in seen or (documents is not None and record.doc not in documents)
                    or (filters.chapter is not None and record.chapter != filters.chapter)):
                continue
            out.append(Ranked(record, 0.0, {"score": 0.0, "known_question": True}, {}))  # no leg, no fused score
        return out

    def _cited_clauses(self, analyzed: AnalyzedQuery, filters: Filters,
                       documents: list[str] | None) -> list[IndexedClause]:
        """The clauses of the places a question cites (专利法第四十二条, Article 42(1) of the Patent Law, 规划第五章;
        :meth:`~retriever.ingest.references.ReferenceParser.cited_places`) that the filters keep, in document order."""
        places = self.reference_parser.cited_places(analyzed.query.text)
        return [r for r in self.records() if any(r.anchor == a or r.anchor.startswith(a + ".") for a in places)
                and (documents is None or r.doc in documents)
                and (filters.chapter is None or r.chapter == filters.chapter)] if places else []

    def _cited_first(self, analyzed: AnalyzedQuery, ranked: list[Ranked], filters: Filters,
                     documents: list[str] | None) -> list[Ranked]:
        """A question that cites a place (an article of a law it names, a chapter or section) gets that place's
        clauses first, in the ranking's order: "what does Article 42 of the Patent Law say" ranked Article 5 first,
        and the place's own words may share none of the question's."""
        clauses = self._cited_clauses(analyzed, filters, documents)
        cited = {r.anchor for r in clauses}
        return sorted(_with_clauses(ranked, clauses), key=lambda r: r.record.anchor not in cited)  # stable

    @cached_property
    def reference_parser(self) -> ReferenceParser:
        """Reads the places a question cites."""
        return ReferenceParser(self.corpus)

    @cached_property
    def _records_by_anchor(self) -> dict[str, IndexedClause]:
        return {r.anchor: r for r in self.records()}

    @cached_property
    def document_names(self) -> DocumentNames:
        """The names the corpus's documents go by (titles, short titles, English titles, aliases)."""
        return DocumentNames(self.corpus)

    @cached_property
    def _sentences(self) -> dict[str, SentenceTokens]:
        return {}

    def _sentence_tokens(self, record: IndexedClause) -> SentenceTokens:
        """A clause's tokens sentence by sentence, tokenised on first use and kept."""
        if record.anchor not in self._sentences:
            self._sentences[record.anchor] = sentence_tokens(record, self.analyzer.tokenizer.tokens)
        return self._sentences[record.anchor]

    @cached_property
    def _metas(self) -> dict[str, DocumentMeta]:
        """Each document's particulars: its format (law or plan) and the years it names are ranking features."""
        return {d: doc.meta for d, doc in self.corpus.documents.items()}

    def _reranked(self, analyzed: AnalyzedQuery, filters: Filters, documents: list[str] | None,
                  k: int) -> list[Ranked]:
        """The top ``k``: the fused candidates reordered by the ranking model (fused order without one)."""
        if self.reranker is None:
            fused = self._period_asked_first(analyzed, self._rank(analyzed, filters, documents, k))
            return self._cited_first(analyzed, fused, filters, documents)
        ranked, rows = self.candidates(analyzed, filters, documents, max(k, RERANK_DEPTH))
        scores = self.reranker.scores(rows)
        order = sorted(range(len(ranked)), key=lambda i: (-scores[i], i))
        reranked = [replace(ranked[i], extra=ranked[i].extra | {"rerank": {"score": round(float(scores[i]), 4),
                                                                          "fused_rank": i + 1}}) for i in order]
        return self._cited_first(analyzed, self._period_asked_first(analyzed, reranked), filters, documents)[:k]

    def _period_asked_first(self, analyzed: AnalyzedQuery, ranked: list[Ranked]) -> list[Ranked]:
        """For a question asking of a Five-Year Plan's period (十三五期间, the 13th Five-Year Plan): the clauses that
        speak of it first, then a plan's clauses that speak of another, each in their order. Of the 34 answerable
        questions of the four sets (own, training, dev, probe) that name a period, no gold clause speaks of another;
        the 14th plan's projects share a question's topic words, not its period, and outranked the review of the 13th
        (``periods:ANCHOR`` in :attr:`headings`)."""
        asked = plan_period_years(analyzed.query.text)
        if not asked:
            return ranked
        return sorted(ranked, key=lambda r: not self.speaks_of_period(r.record.anchor, asked))  # stable

    def speaks_of_period(self, anchor: str, asked: set[str]) -> bool:
        """Whether a clause speaks of a plan period (``asked``: its years, :func:`~retriever.types.plan_period_years`);
        a law's clause, which has no period, always does."""
        return bool(asked & self.headings.get("periods:" + anchor, asked))

    def search(self, query: str, k: int = 10, doc: str | None = None, chapter: int | None = None,
               mode: Mode | str = Mode.HYBRID, issuer: str | None = None, since: str | None = None,
               until: str | None = None) -> SearchResult:
        """Rank clauses for a question in Chinese (Simplified or Traditional), English, or both.

        Filters: one document, one chapter, an issuer (part of its Chinese or English name), an issue-date range.
        """
        mode = Mode.from_str(mode)
        k = self.config.check_k(k)
        query_ = normalize_query(query)
        filters = Filters(doc, chapter, issuer, since, until)
        documents = filters.documents(self.corpus)
        analyzed = self.analyzer.analyze(query_, mode, self.translator)
        hits = [self._hit(rank, ranked, analyzed)
                for rank, ranked in enumerate(self._reranked(analyzed, filters, documents, k), 1)]
        return SearchResult(query_, mode, hits, analyzed.terms, analyzed.notices)

    def _hit(self, rank: int, ranked: Ranked, analyzed: AnalyzedQuery) -> Hit:
        """A hit that explains itself: fused score, each lexical leg's rank, score and matched terms, each dense
        leg's rank and similarity, the glossary entries used."""
        record = ranked.record
        explain: dict[str, Any] = {"fused": ranked.fused}
        dense: dict[str, Any] = {}
        for leg, found in ranked.evidence.items():
            if leg.lexical:
                indexed = record.tokens_en if leg.english else record.tokens
                explain[leg.explain_key] = {
                    "rank": found.rank, "score": None if found.score is None else round(found.score, 4),
                    "matched_terms": sorted(set(analyzed.terms_of(leg)) & indexed)}
            else:
                dense[leg.explain_key] = {"rank": found.rank, "similarity": round(found.similarity or 0.0, 4)}
        if dense:
            explain[EXPLAIN_DENSE] = dense
        if analyzed.glossary:
            explain["glossary"] = analyzed.glossary
        if analyzed.translations:
            explain["translations"] = [s.to_dict() for s in analyzed.translations]
        explain.update(ranked.extra)
        marks = tuple(m.to_dict() for m in self.corpus.clause(record.anchor).marks)
        return Hit(rank, record.anchor, record.doc, record.label_zh, record.label_en, record.heading_path,
                   record.text, ranked.score, explain, record.text_en, marks)
