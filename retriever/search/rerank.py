"""The learned ranking: features of each candidate clause from every leg, and a LambdaMART model over them.

The fused candidates of a question (both backends give the same evidence: the fused score and rank, each leg's
rank or similarity, the clause's indexed tokens) are described by :data:`FEATURES`; a LambdaMART model fitted with
grouped cross-validation (``python -m retriever fit``, :mod:`retriever.evaluation.fit`) scores them and the
candidates are reordered by the score. The model is LightGBM's text format inside a JSON file (no pickle), with the
hash of the data it was fitted on and the dense legs it was fitted with; the index manifest records both hashes. A
searcher with other dense legs (a test's fake embedder, ``RETRIEVER_EMBEDDERS=use``) keeps the fused order.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from retriever.analysis.question import AnswerType, answer_type, carries
from retriever.analysis.tuned_english import TUNED_FEATURES, TunedEnglish
from retriever.analysis.tokenize import english_stopwords, english_words
from retriever.config import RANKER_PATH
from retriever.errors import CorpusError, ModelFeaturesError
from retriever.index.manifest import boosters_sha256, write_json
from retriever.search.known_questions import KNOWN_FEATURES, KnownQuestions, known_path
from retriever.types import YEAR, DocumentMeta, IndexedClause, Lang, Leg

if TYPE_CHECKING:
    from retriever.search.base import Ranked
    from retriever.search.query import AnalyzedQuery

__all__ = ["FEATURES", "Statistics", "SentenceTokens", "sentence_tokens", "section_of", "candidate_features", "Reranker", "load_reranker", "RERANK_DEPTH",
           "MODEL_PATH"]

MODEL_PATH = RANKER_PATH
"""The shipped model (package data), written by ``python -m retriever fit``."""

RERANK_DEPTH = 30
"""Fused candidates the model reorders: the first 30 hold a gold clause for 1.000 of the own set's answerable questions
and 0.986 of the dev set's (every document searched, `retriever.evaluation.fit.collect`), and reordering them adds
about 6 ms to a search (37 → 43 ms per dev question, embedded backend, this 2-core machine)."""

FEATURES = (
    "fused", "fused_rank", "lex_zh_rank", "lex_en_rank",
    "sim_use", "sim_e5", "sim_en", "gap_use", "gap_e5", "gap_en",
    "cov_zh", "cov_zh_rare", "cov_trans", "cov_en", "cov_heading", "cov_title",
    "numbers", "years_missing", "log_length", "is_law", "asks_law_x_law",
    "en_x_sim_en", "en_x_cov_en", "en_x_cov_trans", "zh_x_cov_zh",
    "figure_x_has", "date_x_has", "list_x_has", "name_x_has",
    "cov_zh_sentence", "cov_en_sentence", "names_doc", "names_other_doc", "sim_en_e5", "gap_en_e5",
    "en_x_sim_en_e5", "cov_section", *KNOWN_FEATURES, *TUNED_FEATURES,
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_ASKS_LAW = re.compile(r"法(?:律|规|条)?|条例|\blaws?\b|\bact\b|\barticles?\b", re.IGNORECASE)
_DENSE = (("use", Leg.dense("use")), ("e5", Leg.dense("e5")), ("en", Leg.dense("use", english=True)),
          ("en_e5", Leg.dense("e5", english=True)))


@dataclass(frozen=True)
class SentenceTokens:
    """A clause's Chinese tokens and its reference English's words, sentence by sentence."""

    zh: tuple[frozenset[str], ...]
    en: tuple[frozenset[str], ...]


_SENTENCE_ZH = re.compile(r"(?<=[。；;！？!?])")
_SENTENCE_EN = re.compile(r"(?<=[.;!?])\s+")


def section_of(anchor: str) -> str:
    """The section a clause belongs to: its anchor's parent (ch1.s1.p4 → ch1.s1, ch5.a42.p1 → ch5.a42; a law's item
    ch2.a24.p1.i3 → ch2.a24.p1, its sibling items without their lead-in paragraph, which is ch2.a24's)."""
    return anchor.rsplit(".", 1)[0]


def sentence_tokens(record: IndexedClause, tokens: Callable[[str], Sequence[str]]) -> SentenceTokens:
    """The tokens of each sentence of a clause (``tokens``: the index's Chinese tokenizer) and the light-stemmed
    words of each sentence of its English."""
    zh = tuple(frozenset(tokens(part)) for part in _SENTENCE_ZH.split(record.text) if part.strip())
    en = tuple(frozenset(english_words(part, english_stopwords()))
               for part in _SENTENCE_EN.split(record.text_en or "") if part.strip())
    return SentenceTokens(zh, en)


@dataclass(frozen=True)
class Statistics:
    """What the features need of the whole index: document frequencies (Chinese tokens, English roots) and size."""

    df: Mapping[str, int]
    df_en: Mapping[str, int]
    n: int

    def idf(self, term: str, english: bool = False) -> float:
        df = (self.df_en if english else self.df).get(term, 0)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))


def _coverage(terms: Sequence[str], found: set[str] | frozenset[str], stats: Statistics, english: bool = False) -> float:
    weights = {t: stats.idf(t, english) for t in set(terms)}
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in found) / total if total else 0.0


def candidate_features(analyzed: AnalyzedQuery, candidates: Sequence[Ranked], stats: Statistics,
                       documents: Mapping[str, DocumentMeta], headings: Mapping[str, frozenset[str]],
                       sentences: Callable[[IndexedClause], SentenceTokens],
                       named: frozenset[str] = frozenset(), known: KnownQuestions | None = None,
                       tuned: TunedEnglish | None = None) -> np.ndarray:
    """One row of :data:`FEATURES` per candidate, in candidate order. ``headings``: the tokens of each clause's
    heading path (by anchor), of each document's title (by ``title:DOC``) and of each clause's section (by
    ``section:ANCHOR``: a question may name the period or topic its section opens with; and the years its section names,
    by ``years:ANCHOR``, which frame it as they do the answer's years_missing signal); ``sentences``: a clause's tokens
    sentence by sentence (a long paragraph covers a question's words across sentences that do not answer it);
    ``named``: the documents the question names (专利法, the Patent Law, 规划); ``known``: the team's known
    questions, ``tuned``: the English model tuned on them (zeros for their features without them)."""
    query = analyzed.query
    english = query.lang.english
    words_en = english_words(query.text, english_stopwords()) if english else []  # light stems, as indexed
    tokens = analyzed.tokens
    rare = [t for t in tokens if stats.idf(t) >= math.log(1 + stats.n / 20)]  # in at most ~5% of the clauses
    numbers = set(_NUMBER.findall(query.text))
    years = set(YEAR.findall(query.text))
    asks_law = bool(_ASKS_LAW.search(query.original))
    kind = answer_type(query.text)
    sims = {key: np.array([c.evidence[leg].similarity or 0.0 if leg in c.evidence else 0.0 for c in candidates])
            for key, leg in _DENSE}
    gaps = {key: values - (values.max() if len(values) else 0.0) for key, values in sims.items()}
    rows = []
    for i, c in enumerate(candidates):
        record = c.record
        lex = {leg.english: c.evidence[leg].rank for leg in c.evidence if leg.lexical}
        sets = analyzed.translations
        cov_trans = sum(1 for s in sets if set(s.zh) & record.tokens) / len(sets) if sets else 0.0
        cov_en = _coverage(words_en, record.tokens_en, stats, english=True) if words_en else 0.0
        cov_zh = _coverage(tokens, record.tokens, stats)
        meta = documents.get(record.doc)
        is_law = meta is not None and meta.format == "law-md"
        in_text = set(_NUMBER.findall(record.text))
        parts = sentences(record)
        rows.append([
            c.score * 60, 1.0 / (i + 1),
            1.0 / lex[False] if lex.get(False) else 0.0, 1.0 / lex[True] if lex.get(True) else 0.0,
            sims["use"][i], sims["e5"][i], sims["en"][i], gaps["use"][i], gaps["e5"][i], gaps["en"][i],
            cov_zh, _coverage(rare, record.tokens, stats) if rare else 0.0, cov_trans, cov_en,
            _coverage(tokens, headings.get(record.anchor, frozenset()), stats),
            _coverage(tokens, headings.get("title:" + record.doc, frozenset()), stats),
            len(numbers & in_text) / len(numbers) if numbers else 0.0,
            float(bool(years - in_text - headings.get("years:" + record.anchor, frozenset())
                       - (meta.years if meta is not None else frozenset()))) if years else 0.0,
            math.log(1 + len(record.text)) / 7, float(is_law), float(asks_law and is_law),
            float(english) * sims["en"][i], float(english) * cov_en, float(english) * cov_trans,
            float(not english) * cov_zh,
            *(float(kind is wanted and carries(wanted, record.text, query.text))
              for wanted in (AnswerType.FIGURE, AnswerType.DATE, AnswerType.LIST, AnswerType.NAME)),
            max((_coverage(tokens, part, stats) for part in parts.zh), default=0.0),
            max((_coverage(words_en, part, stats, english=True) for part in parts.en), default=0.0)
            if words_en else 0.0,
            float(record.doc in named), float(bool(named) and record.doc not in named),
            sims["en_e5"][i], gaps["en_e5"][i], float(english) * sims["en_e5"][i],
            _coverage(tokens, headings.get("section:" + record.anchor, frozenset()), stats),
        ])
    anchors = [c.record.anchor for c in candidates]
    near = (known.features(query.text, analyzed.vectors, anchors) if known is not None
            else np.zeros((len(candidates), len(KNOWN_FEATURES))))
    similar = (tuned.features(query.text, query.lang is Lang.EN, anchors) if tuned is not None
               else np.zeros((len(candidates), len(TUNED_FEATURES))))
    width = len(FEATURES) - len(KNOWN_FEATURES) - len(TUNED_FEATURES)
    return np.hstack([np.asarray(rows, dtype=np.float64).reshape(len(candidates), width), near, similar])


@dataclass(frozen=True)
class Reranker:
    """A fitted LambdaMART model over :data:`FEATURES`: one or more LightGBM boosters (their own text format inside
    JSON: no pickle), fitted alike but for their random seed, whose mean score ranks."""

    boosters: tuple[str, ...]
    training_sha256: str  # of the questions it was fitted on
    info: dict  # its "known_sha256": the known questions' file beside it
    known: KnownQuestions | None = field(default=None, compare=False)

    @cached_property
    def _boosters(self) -> list:
        import lightgbm

        return [lightgbm.Booster(model_str=text) for text in self.boosters]

    def scores(self, rows: np.ndarray) -> np.ndarray:
        """Higher is likelier to answer; comparable within one question."""
        if not len(rows):
            return np.zeros(0)
        return np.mean([np.asarray(b.predict(rows), dtype=np.float64) for b in self._boosters], axis=0)

    @property
    def sha256(self) -> str:
        return boosters_sha256(self.boosters)

    def describe(self) -> dict:
        """What the index manifest records of the model."""
        return {"sha256": self.sha256, "training_sha256": self.training_sha256, "features": list(FEATURES)}

    def to_dict(self) -> dict:
        return {"kind": "lambdamart", "features": list(FEATURES), "training_sha256": self.training_sha256,
                "info": self.info, "boosters": list(self.boosters)}

    def save(self, path: Path) -> None:
        write_json(path, self.to_dict())

    @classmethod
    def load(cls, path: Path = MODEL_PATH, embedders: Sequence[str] | None = None) -> Reranker:
        """Read a model and the known questions beside it (:class:`~retriever.errors.CorpusError` if unreadable,
        :class:`~retriever.errors.ModelFeaturesError` if fitted on other features or, when ``embedders`` are
        given, with other dense legs: then the known questions are not read at all)."""
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
            boosters, training, info = tuple(raw.get("boosters", ())), raw["training_sha256"], raw.get("info", {})
            features = tuple(raw["features"])
            if not all(isinstance(b, str) and b for b in boosters) or not (boosters or "booster" in raw):
                raise ValueError("no boosters")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
            raise CorpusError(f"the ranking model {path} is unreadable ({err}): fit it again with "
                              "`python -m retriever fit`") from None
        if features != FEATURES or "booster" in raw:  # "booster": one booster, as written before ensembles
            raise ModelFeaturesError(f"the ranking model {path} was fitted on other features or by an older "
                                     "version: fit it again with `python -m retriever fit`")
        if embedders is not None and sorted(info.get("embedders", [])) != sorted(embedders):
            raise ModelFeaturesError(f"the ranking model {path} was fitted with the dense legs "
                                     f"{info.get('embedders')}, not {list(embedders)}")
        known = KnownQuestions.load(known_path(path), info["known_sha256"]) if "known_sha256" in info else None
        return cls(boosters, training, info, known)


def load_reranker(embedders: Sequence[str], path: Path = MODEL_PATH) -> Reranker | None:
    """The shipped ranking model, or None (the fused order is used then) when there is none, or it was fitted on
    other features (an older version: `python -m retriever fit` replaces it) or with other dense legs than
    ``embedders``: its features would mean something else."""
    if not Path(path).exists():
        return None
    try:
        return Reranker.load(path, embedders)
    except ModelFeaturesError:
        return None
