"""Extractive answers: the plan's own sentences, quoted verbatim with their anchors, or an honest refusal.

From the top clauses of a hybrid search, each sentence is scored by
- the query's terms it contains (idf-weighted share of the query's lexical terms, Chinese or glossary-mapped),
- its similarity to the question (USE embedding of the sentence),
- the numbers of the question it repeats (2025, 5G …),
- the rank of its clause.
The best few sentences are returned in document order. The evidence for answering at all is half the question's
coverage (idf-weighted share of its terms found in one of the top three clauses: Chinese terms, glossary-mapped
English words included; for English questions, their English words in the clause's reference English) and half the best sentence's similarity. Below a
threshold calibrated on the evaluation set (see eval/report.md) the answer is a refusal listing the nearest clauses.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from retriever.analysis.normalize import to_traditional
from retriever.analysis.tokenize import english_stopwords, english_words, load_stopwords, root
from retriever.answer.refusal_rules import Province, asks_for_figure, jurisdiction_of, provinces_named, states_figure
from retriever.english.reference import english_sentences
from retriever.errors import QueryError
from retriever.search.protocol import Searcher
from retriever.types import Clause, EnSource, Hit, Lang, RefusalReason

__all__ = ["AnswerSentence", "Answer", "Answerer", "REFUSAL_ZH", "REFUSAL_EN", "DEFAULT_THRESHOLDS", "threshold_group"]

REFUSAL_ZH = "所检索的文件未涉及"
REFUSAL_EN = "The documents searched do not address this"
_NO_FIGURE = ("{doc}提到了相关内容，但没有给出所问的数字", "{doc_en} mentions the topic but gives no figure for it")
_SEARCHED = ("检索范围：{titles}。", "Documents searched: {titles}.")
_OTHER_PROVINCE = ("本规划只针对{own}，未涉及{other}", "it is {own_en}'s plan and says nothing about {other_en}")
DEFAULT_THRESHOLDS = {"zh": 0.40, "en": 0.36}
"""Minimum evidence to answer, for Chinese and for English/mixed questions; calibrated on eval/questions.jsonl
(the trade-off table is in the refusal section of eval/report.md)."""

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class AnswerSentence:
    """One quoted sentence: verbatim text, where it is, and renderings for the reader."""

    text: str
    anchor: str
    label_zh: str
    label_en: str
    start: int
    end: int
    score: float
    text_en: str | None = None
    en_scope: str | None = None  # "sentence" (aligned) | "clause" (the whole clause's English) | None
    en_source: EnSource | None = None  # where text_en comes from (the reference translation, when there is one)
    text_hant: str | None = None  # the Traditional form, for Traditional-Chinese questions (OpenCC conversion)
    marks: tuple[dict[str, Any], ...] = ()  # damage inside the sentence, offsets relative to it

    def to_dict(self) -> dict[str, Any]:
        data = {"text": self.text, "anchor": self.anchor, "label_zh": self.label_zh, "label_en": self.label_en,
                "text_en": self.text_en, "en_scope": self.en_scope, "en_source": self.en_source, "start": self.start, "end": self.end,
                "score": round(self.score, 4), "marks": list(self.marks)}
        if self.text_hant is not None:
            data["text_hant"] = self.text_hant
        return data


@dataclass(frozen=True)
class Answer:
    """An extractive answer or a refusal, with the nearest clauses either way."""

    question: str
    lang: Lang
    answered: bool
    sentences: list[AnswerSentence]
    nearest: list[Hit]
    evidence: float
    threshold: float
    message: str = ""
    notices: list[str] = field(default_factory=list)
    reason: RefusalReason | str = ""  # why it refused (empty when it answered)
    searched: tuple[str, ...] = ()  # the documents the answer was sought in

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "lang": self.lang.value,
            "answered": self.answered,
            "message": self.message,
            "sentences": [s.to_dict() for s in self.sentences],
            "nearest": [h.to_dict(english=True) for h in self.nearest],
            "evidence": round(self.evidence, 4),
            "threshold": self.threshold,
            "reason": self.reason,
            "searched": list(self.searched),
            "notices": self.notices,
        }


def threshold_group(lang: Lang) -> str:
    """Which evidence threshold (and English treatment) a question gets: ``en`` for English and mixed, else ``zh``."""
    return "en" if lang.english else "zh"



class Answerer:
    """Builds extractive answers from the hits of any :class:`~retriever.search.protocol.Searcher` backend."""

    def __init__(self, searcher: Searcher, thresholds: dict[str, float] | None = None, clauses: int = 5,
                 max_sentences: int = 4) -> None:
        self.searcher = searcher
        self.thresholds = dict(DEFAULT_THRESHOLDS, **(thresholds or {}))
        self.clauses = clauses
        self.max_sentences = max_sentences
        records = searcher.records()
        n = len(records)

        def idf(counts: Counter) -> dict[str, float]:
            return {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in counts.items()}

        self._tokens = [c.tokens for c in records]
        self._idf = idf(Counter(t for tokens in self._tokens for t in tokens))
        # English coverage is counted on Snowball roots (spending ~ spend), more forgiving than the search's stems
        self._roots_en = [frozenset(root(t) for t in c.tokens_en) for c in records]
        self._idf_en = idf(Counter(t for roots in self._roots_en for t in roots))
        self._stop_en = english_stopwords()
        framing = frozenset(w for line in load_stopwords("question_words_en.txt") for w in line.split())
        self._not_topic_en = self._stop_en | framing  # words left out of English coverage
        self._position = {c.anchor: i for i, c in enumerate(records)}
        self._sentence_vectors: dict[str, np.ndarray] = {}
        self._encoder = searcher.analyzer.sentence_encoder

    def _vectors(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._sentence_vectors]
        if missing:
            for text, vector in zip(missing, self._encoder.encode_passages(missing)):
                self._sentence_vectors[text] = vector
        return np.vstack([self._sentence_vectors[t] for t in texts])

    def _sentence_features(self, terms: list[str], numbers: set[str], hits: list[Hit], query_text: str,
                           english: bool = False):
        """(score, hit, clause, index, sentence, lexical, similarity) for every sentence of the hits' clauses.

        For English questions the similarity is the better of the Chinese sentence's and, where the reference
        English aligns sentence by sentence, the English sentence's.
        """
        rows = []
        total = sum(self._idf.get(t, 0.0) for t in set(terms)) or 1.0
        for hit in hits:
            clause = self.searcher.corpus.clause(hit.anchor)
            aligned = english_sentences(hit.text_en, len(clause.sentences)) if english else None
            for index, sentence in enumerate(clause.sentences):
                tokens = set(self.searcher.analyzer.tokenizer.tokens(sentence.text))
                lexical = sum(self._idf.get(t, 0.0) for t in set(terms) & tokens) / total
                found = {x for x in _NUMBER.findall(sentence.text)}
                number = len(numbers & found) / len(numbers) if numbers else 0.0
                rows.append((hit, clause, index, sentence, lexical, number, aligned[index] if aligned else None))
        if not rows:
            return []
        query = self._encoder.encode_queries([query_text])[0]
        sims = self._vectors([r[3].text for r in rows]) @ query
        english_rows = [i for i, r in enumerate(rows) if r[6]]
        if english_rows:
            english_sims = self._vectors([rows[i][6] for i in english_rows]) @ query
            for i, sim in zip(english_rows, english_sims):
                sims[i] = max(sims[i], sim)
        scored = []
        for (hit, clause, index, sentence, lexical, number, _), sim in zip(rows, sims):
            prior = 1.0 / hit.rank
            score = 0.45 * lexical + 0.35 * float(max(sim, 0.0)) + 0.1 * prior + 0.1 * number
            scored.append((score, hit, clause, index, sentence, lexical, float(sim)))
        return scored

    @staticmethod
    def _coverage(found: frozenset[str], terms: set[str], idf: dict[str, float], unknown: float) -> float:
        total = sum(idf.get(t, unknown) for t in terms)
        return sum(idf.get(t, unknown) for t in terms & found) / total if total else 0.0

    def evidence(self, query, terms: list[str], hits: list[Hit], scored) -> float:
        """Half coverage of the question by a top clause, half the best sentence similarity."""
        if not scored:
            return 0.0
        top = [self._position[h.anchor] for h in hits[:3]]
        english = ({root(w) for w in english_words(query.text, self._not_topic_en)}
                   if threshold_group(query.lang) == "en" else set())
        if english and any(self._roots_en[i] for i in top):
            # English words never seen in the translations count as rare (idf 8): they are the question's topic
            coverage = max(self._coverage(self._roots_en[i], english, self._idf_en, 8.0) for i in top)
        else:
            coverage = max(self._coverage(self._tokens[i], set(terms), self._idf, 0.0) for i in top)
        return 0.5 * coverage + 0.5 * max(max(r[6] for r in scored), 0.0)

    def ask(self, question: str, doc: str | None = None) -> Answer:
        """Answer from the documents' own sentences (``doc``'s only, when given), or refuse, naming the documents
        searched, and list the nearest clauses."""
        result = self.searcher.search(question, k=self.clauses, doc=doc)
        searched = (doc,) if doc else tuple(self.searcher.corpus.documents)
        q = result.query
        if len(re.sub(r"\W", "", q.text)) < 2:
            raise QueryError("the question is too short to answer: ask a whole question 问题过短，请完整提问")
        terms, _ = self.searcher.analyzer.lexical_terms(q)
        numbers = set(_NUMBER.findall(q.text))
        scored = self._sentence_features(terms, numbers, result.hits, q.text, english=q.lang is Lang.EN)
        evidence = self.evidence(q, terms, result.hits, scored)
        threshold = self.thresholds[threshold_group(q.lang)]
        if evidence < threshold or not scored:
            return self._refusal(question, q, result, evidence, threshold, RefusalReason.WEAK_EVIDENCE, searched)
        best = max(r[0] for r in scored)
        chosen = sorted((r for r in scored if r[0] >= 0.75 * best), key=lambda r: -r[0])[: self.max_sentences]
        quoted = " ".join(r[4].text for r in chosen)
        if asks_for_figure(q.text) and not states_figure(quoted):
            return self._refusal(question, q, result, evidence, threshold, RefusalReason.NO_FIGURE, searched,
                                 about=chosen[0][2].doc_id)
        if (other := self._other_province(q.text, chosen[0][2].doc_id, quoted)) is not None:
            return self._refusal(question, q, result, evidence, threshold, RefusalReason.OTHER_PROVINCE, searched,
                                 other)
        lead_doc = chosen[0][2].doc_id  # document order within the best sentence's document, then by rank
        chosen.sort(key=lambda r: (r[2].order if r[2].doc_id == lead_doc else 10**6 + r[1].rank, r[3]))
        sentences = [self._quote(r[1], r[2], r[3], r[4], r[0], q.lang) for r in chosen]
        return Answer(question, q.lang, True, sentences, result.hits, evidence, threshold, "", list(result.notices),
                      searched=searched)

    def _other_province(self, question: str, doc_id: str, quoted: str) -> tuple[Province, Province] | None:
        """(own, other) when a provincial document is asked about another province it does not mention."""
        own = jurisdiction_of(self.searcher.corpus.documents[doc_id].meta.issuer)
        if own is None or own.named_in(question):
            return None
        other = [p for p in provinces_named(question) if p != own and not p.named_in(quoted)]
        return (own, other[0]) if other else None

    def _titles(self, doc_ids: tuple[str, ...], english: bool) -> list[str]:
        docs = self.searcher.corpus.documents
        return [(docs[d].meta.title_en or docs[d].meta.title) if english else f"《{docs[d].meta.title}》"
                for d in doc_ids]

    def _refusal(self, question: str, q, result, evidence: float, threshold: float, reason: RefusalReason,
                 searched: tuple[str, ...], provinces: tuple[Province, Province] | None = None,
                 about: str | None = None) -> Answer:
        """A refusal that says what was missing, where it can, and which documents were searched."""
        english = threshold_group(q.lang) == "en"
        detail = ""
        if reason is RefusalReason.NO_FIGURE and about:
            detail = (_NO_FIGURE[1].format(doc_en=self._titles((about,), True)[0]) if english
                      else _NO_FIGURE[0].format(doc=self._titles((about,), False)[0]))
        elif reason is RefusalReason.OTHER_PROVINCE and provinces:
            own, other = provinces
            detail = (_OTHER_PROVINCE[1].format(own_en=own.en, other_en=other.en) if english
                      else _OTHER_PROVINCE[0].format(own=own.zh, other=other.zh))
        titles = self._titles(searched, english)
        if english:
            message = f"{REFUSAL_EN}{': ' + detail if detail else ''}. " + _SEARCHED[1].format(titles="; ".join(titles))
        else:
            message = f"{REFUSAL_ZH}{'：' + detail if detail else ''}。" + _SEARCHED[0].format(titles="、".join(titles))
        return Answer(question, q.lang, False, [], result.hits, evidence, threshold, message,
                      list(result.notices), reason, searched)

    def _quote(self, hit: Hit, clause: Clause, index: int, sentence, score: float, lang: Lang) -> AnswerSentence:
        text = clause.text[sentence.start : sentence.end]  # verbatim, by construction
        marks = tuple(
            {"start": max(m.start, sentence.start) - sentence.start, "end": min(m.end, sentence.end) - sentence.start,
             "kind": m.kind.value, "note": m.note}
            for m in clause.marks if m.start < sentence.end and m.end > sentence.start
        )
        text_en = scope = None
        hant = None
        english = english_sentences(hit.text_en, len(clause.sentences))  # for every question: an English interface
        if english:  # leads with it whatever the question's language
            text_en, scope = english[index], "sentence"
        elif hit.text_en:
            text_en, scope = hit.text_en, "clause"
        if lang is Lang.ZH_HANT:
            hant = to_traditional(text)
        return AnswerSentence(text, clause.anchor, clause.label_zh, clause.label_en, sentence.start, sentence.end,
                              score, text_en, scope, EnSource.REFERENCE if text_en else None, hant, marks)

