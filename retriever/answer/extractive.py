"""Extractive answers: the documents' own sentences, quoted verbatim with their anchors, or an honest refusal.

From the top clauses of a hybrid search (reordered by the ranking model), each sentence is scored by
- the query's terms it contains (idf-weighted share of the query's lexical terms, Chinese or glossary-mapped),
- its similarity to the question (USE embedding of the sentence; for English questions also of its English),
- the numbers of the question it repeats (2025, 5G …),
- the rank of its clause.
The answer quotes the best clause's key sentences (a list question: its list) and at most one supporting clause's
best sentence, English first for English readers. Whether to answer at all is the fitted decision of
:mod:`retriever.answer.decision` (a probability over the answer's signals, its threshold chosen for a stated
precision); without one, half the question's coverage by a top clause and half the best sentence's similarity
against thresholds calibrated on the team's questions. A figure asked for and not quoted, a province the document
is not about, or a law the corpus does not hold (:mod:`retriever.analysis.other_documents`) is refused as such; every
refusal names the documents searched and what the nearest clause lacks.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from retriever.analysis.normalize import normalize_query, to_traditional
from retriever.analysis.other_documents import OtherDocuments, shown
from retriever.analysis.query_translation import dictionary_words
from retriever.analysis.question import (AnswerType, FigureAsked, answer_type, asks_besides_figure, carries,
                                         figure_asked, states_figure, states_list)
from retriever.analysis.tokenize import (english_as_written, english_stopwords, english_words, load_stopwords, root,
                                         stem, without_quote_marks)
from retriever.analysis.word_frequency import general_frequency_en
from retriever.answer.decision import HAND_SENTENCE_WEIGHTS, AnswerModel, check_sentence_weights, load_answer_model
from retriever.answer.mentioned import chinese_run, english_run, roots_in_order
from retriever.answer.refusal_rules import Province, jurisdiction_of, provinces_named
from retriever.english.reference import english_sentences
from retriever.errors import QueryError
from retriever.ingest.document_names import without_spans
from retriever.ingest.law import LAW_FORMAT
from retriever.ingest.references import owned_end
from retriever.search.base import PREPARING_QUESTIONS
from retriever.search.protocol import Searcher
from retriever.search.rerank import RERANK_DEPTH, section_of
from retriever.types import (YEAR, Clause, EnSource, Hit, Lang, Query, RefusalReason, SearchResult, Sentence,
                             years_named)

__all__ = ["AnswerSentence", "Answer", "ScoredSentence", "Draft", "Answerer", "hand_evidence", "REFUSAL_ZH", "REFUSAL_EN", "DEFAULT_THRESHOLDS", "threshold_group"]

REFUSAL_ZH = "所检索的文件未涉及"
REFUSAL_EN = "The documents searched do not address this"
_NOT_GIVEN = ("{doc}提到了{what}，但没有给出所问的{unit}", "{doc_en} mentions {what_en} but gives no {unit_en} for it")
_SOME_TOPIC = ("相关内容", "the topic")
"""What :data:`_NOT_GIVEN` says the document mentions when no run of the question's words is in the quote."""
_SPECIFIC = 0.03
"""A run of the question's words names what the document mentions only when at most this share of the clauses write
it (the whole run): 国家最高科学技术奖 1 clause of 702, 国家 234. Measured on the 179 refusals and notices of a figure,
date or name not given to the 2,195 questions of the four question sets: 146 runs have a share of 0.03 or less
(110 distinct: 光谷实验室, 年费, compulsory licences, Wuhan Light Source …, but for a dozen general words such as annual,
serious, results, electric, 期限, 引进, 青年, true of the document and saying little); of the 29 above it,
generic words (foreign 0.033, university, number, 财政, 政府, 成果转化 0.110, 国家 0.333) and a few specific ones
(重大专项 0.033, 专利权人 0.060), which fall back to "the topic"."""
_UNIT_NAMES = {"money": ("金额", "amount"), "share": ("比例或比率", "share or rate"), "duration": ("期限或时长", "period"),
               "count": ("数量", "number"), "any": ("数字", "figure"), "date": ("日期或年份", "date or year"),
               "name": ("名称", "name")}
_KIND_UNITS = {AnswerType.DATE: "date", AnswerType.NAME: "name"}
"""The kinds of answer a refusal can say are missing besides a figure: "mentions the topic but gives no date"."""
_SEARCHED = ("检索范围：{titles}。", "Documents searched: {titles}.")
_MISSING = ("最接近的条款未提及{words}", "the nearest clause does not mention {words}")
_FRAMING_ZH = re.compile(r"什么|哪些|哪个|哪里|如何|怎么|怎样|多少|是否|有没有|为什么|规划|湖北|湖北省|文件|规定|要求|提出")
"""Question framing and the documents' own subject: never "what was missing"."""
_ASKING_ZH = re.compile(r"哪|什么|啥|多少|多久|多长|多大|多高|何[时处种地]|为何|怎"
                        r"|^[一二三四五六七八九十两几]+[个项条章节款句种类点次件批]")
"""A token holding a question word (哪天起, 哪几个, 何时) or a count of parts (几项, 三句, 这一章) asks or points; it
names no topic the documents could lack."""
_NO_THING_ZH = re.compile(r"(.+)不\1.*|不[能会可]|没有|法律")
"""The verbs of a yes/no question (好不好, 能不能, 不会, 没有) and the law named in general: no thing a clause lacks."""
_PLACE_WORDS_EN = frozenset({"article", "chapter", "section", "paragraph", "clause", "item"})
"""Where in a document a question asks (which article …): never a topic the documents lack (English words are
singular once read)."""
_COUNTRY_EN = frozenset({"china", "chinese", "prc"})
_COUNTRY_ZH = frozenset({"中国", "我国", "大陆", "内地"})
"""The country every document here speaks for (China's laws, its provinces' plans): a question's "Chinese court",
"in China" or 大陸專利法 names no topic a clause lacks (of the four sets' 514 refusals, ten called “Chinese” missing
and seven 大陆)."""
_NEVER_MISSING_EN = _PLACE_WORDS_EN | _COUNTRY_EN
_EVERYDAY_EN = 6.0
"""English words this common in general use (Zipf 6: once in a thousand words) are never what a clause lacks. The
four sets' 223 English and mixed refusals named 442 words; 31 of them this common while ordered by the documents'
rarity ("us", "get", "see", "what", "with"), 4 once ordered by general rarity ("with", "so", "out", "over"), none now;
the commonest topic word named, "company", is at 5.6 (:func:`~retriever.analysis.word_frequency.general_frequency_en`)."""
_WORD_PART = 3
"""The shortest part of an English word read as two (cell + phone): shorter parts (e + sport, x) are no words."""
_VALUE_KINDS = frozenset({AnswerType.FIGURE, AnswerType.DATE, AnswerType.NAME})
"""Kinds of answer a quote must carry (a figure, a date, a name); a list or any other answer is no such value."""
KEY_SENTENCE = 0.75
"""A sentence of the best clause is quoted when it scores at least 0.75 of the clause's best sentence. Measured with
the shipped models and fitted sentence weights (stop 53; `ask`, every document; the models were fitted on these sets):
0.60 / 0.75 / 0.85 / 0.95 answer citing a gold clause equally often (within 2 on every set), and the quote holds the
question's evidence span in 132 / 130 / 125 / 124 of the dev set's 133 such answers, probe 158 / 158 / 156 / 154 of
160, training 1071 / 1068 / 1061 / 1048 of about 1,084, quoting 337 / 303 / 259 / 234 sentences (dev) and 2261 /
2150 / 1986 / 1804 (training): 0.75 stays within 3 of 0.60's evidence on every set with 5-10% fewer sentences, and
0.85 loses 5 of the dev set's."""
TIED_MARGIN = 0.5
"""Ranking scores closer than this make the runner-up a supporting clause (two paragraphs of one article the model cannot
separate: "How long does an invention patent last?" scores Art. 42(2) 0.07 above 42(1), which states the term). Measured
with models fitted without the dev set and the fitted sentence weights (which rarely let another clause's sentence
outscore the best clause's): on the probe set, which no model then saw, margins 0 / 0.3 / 0.5 / 0.75 / 1 gave answers
citing a gold clause 120 / 123 / 125 / 127 / 128 of 215 with the quoted clauses' precision 0.833 / 0.826 / 0.825 / 0.815
/ 0.797; 0.5 is the widest within 0.01 of the precision without it. On the dev set: 123 / 124 / 126 / 126 / 126 of 147,
precision 0.946 / 0.940 / 0.941 / 0.921 / 0.908."""
_NOT_HELD = ("问题所问的{titles}不在所检索的文件之中", "the question asks about {titles}, which they do not include")
_NEVER_MENTIONED = ("文件中从未出现{words}", "they never use the words {words}, in Chinese or in their English")
_ABSENT_PLACE = ("文件中没有问题所引的{words}", "they have no {words}, which the question cites")
_OTHER_PROVINCE = ("本规划只针对{own}，未涉及{other}", "it is {own_en}'s plan and says nothing about {other_en}")
DEFAULT_THRESHOLDS = {"zh": 0.40, "en": 0.36}
"""Minimum evidence to answer, for Chinese and for English/mixed questions; calibrated on eval/questions.jsonl
(the trade-off table is in the refusal section of eval/report.md)."""

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_ASKS_THE_LAWS = re.compile(r"法律|国家层面|国家(?:对|说|鼓励|要求)|\b(?:national|chinese|china's|the) laws?\b"
                            r"|\blegislation\b|\bat the national level\b", re.IGNORECASE)
"""A question that asks of the law in general, naming no law ("国家法律怎样要求…？湖北规划又…", "国家层面…", "What does
national legislation say …, and what will Hubei …"): the laws together are one of the documents it asks of. Of the
196 answerable training questions it finds naming no law, all 196 cite a law's clause (33 the plan's too); of the
probe set's 32, 31 (12). The national level (国家层面, 国家对/说/鼓励/要求) was added in stop 48: 20 more training
questions, all citing a law (7 the plan too), and the answers to 7 training and probe questions now quote both."""


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
    signals: dict[str, float] = field(default_factory=dict)  # what the answer-or-refuse decision read

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
            "signals": {k: round(v, 4) for k, v in self.signals.items()},
            "notices": self.notices,
        }


class ScoredSentence(NamedTuple):
    """A sentence of a hit's clause as the answerer weighs it for quoting."""

    score: float  # the weighted sum of its features
    hit: Hit
    clause: Clause
    index: int  # its position in the clause
    sentence: Sentence
    similarity: float  # to the question (sentence encoder), as computed, before clipping at 0
    features: np.ndarray  # :data:`~retriever.answer.decision.SENTENCE_FEATURES`


@dataclass(frozen=True)
class Draft:
    """The best answer before the decision: the search, the chosen sentences, the decision's signals, evidence and
    threshold, the documents searched, and every scored sentence."""

    question: str
    result: SearchResult
    chosen: list[ScoredSentence]
    signals: dict[str, float]
    evidence: float
    threshold: float
    searched: tuple[str, ...]
    sentences: list[ScoredSentence] = field(default_factory=list)  # every scored sentence of the hits, chosen or not
    asked: Query | None = None  # what the question asks of the place it cites, when its best clause is there

    @property
    def quoted(self) -> str:
        return " ".join(r.sentence.text for r in self.chosen)

    @property
    def anchors(self) -> list[str]:
        return [r.clause.anchor for r in self.chosen]


def _lengths(clause: Clause) -> list[int]:
    """The lengths of a clause's sentences (to align its English by, where the translation split one)."""
    return [s.end - s.start for s in clause.sentences]


def hand_evidence(signals: dict[str, float]) -> float:
    """The evidence rule without a fitted model: half the question's coverage by a top clause, half the best
    sentence's similarity (compared with :data:`DEFAULT_THRESHOLDS`)."""
    return 0.5 * signals["coverage"] + 0.5 * max(signals["similarity"], 0.0)


def threshold_group(lang: Lang) -> str:
    """Which evidence threshold (and English treatment) a question gets: ``en`` for English and mixed, else ``zh``."""
    return "en" if lang.english else "zh"


def _naming(templates: tuple[str, str], words: list[str], english: bool) -> str:
    """A (Chinese, English) message template filled with the words it names, each in quotation marks."""
    return (templates[1].format(words=", ".join(f"“{w}”" for w in words)) if english
            else templates[0].format(words="、".join(f"“{w}”" for w in words)))


def _dictionary_words_in(text: str) -> list[str]:
    """The CC-CEDICT headwords of three to eight characters that ``text`` writes (元宇宙, which jieba cuts into 元 and
    宇宙, a word of other topics)."""
    known = dictionary_words()
    return [text[i:j] for i in range(len(text)) for j in range(i + 3, min(i + 8, len(text)) + 1) if text[i:j] in known]


def _in_script(message: str, lang: Lang) -> str:
    """A message in the question's script: Traditional characters for a Traditional-Chinese question (OpenCC, as the
    quotes' Traditional form), as written otherwise."""
    return to_traditional(message) if lang is Lang.ZH_HANT else message


def _everyday_en(word: str) -> bool:
    """Whether an English word is too common in general use to be what a clause lacks (at least ``_EVERYDAY_EN``)."""
    return general_frequency_en(word) >= _EVERYDAY_EN


def _as_written(words: list[str], text: str) -> list[str]:
    """The words a message names as ``text`` writes them, each once: an English word read lower-cased and stemmed
    (nowaday, license, 5g; broker and brokers) as written (nowadays, licences, 5G; brokers); a Chinese word as it is."""
    written = english_as_written(text)
    return list(dict.fromkeys(written.get(stem(w), w) if w.isascii() else w for w in words))


def _apart(words: list[str], text: str) -> list[str]:
    """``words`` (best first) without those overlapping a better one where ``text`` writes them: the search tokenizer
    cuts 市面上 into 市面 and 面上, and 投入强度 into 投入强度 and 强度; a message names each missing thing once."""
    kept: list[str] = []
    spans: list[tuple[int, int]] = []
    for word in words:
        start = text.find(word)
        if start >= 0 and any(a < start + len(word) and start < b for a, b in spans):
            continue
        kept.append(word)
        if start >= 0:
            spans.append((start, start + len(word)))
    return kept


class Answerer:
    """Builds extractive answers from the hits of any :class:`~retriever.search.protocol.Searcher` backend."""

    def __init__(self, searcher: Searcher, thresholds: dict[str, float] | None = None, clauses: int = 5,
                 max_sentences: int = 4, fitted: bool = True,
                 sentence_weights: tuple[float, ...] | None = None) -> None:
        self.searcher = searcher
        # the shipped decision, used with the ranking it was fitted on; explicit thresholds or fitted=False bypass it
        # (and with it its sentence weights: the hand weights then, unless ``sentence_weights`` are given)
        use_model = fitted and thresholds is None and searcher.reranker is not None
        self.model: AnswerModel | None = load_answer_model(list(searcher.analyzer.embedders)) if use_model else None
        self.thresholds = dict(DEFAULT_THRESHOLDS, **(thresholds or {}))
        self.clauses = clauses
        self.max_sentences = max_sentences
        fitted_weights = self.model.sentence_weights if self.model is not None else None
        self.sentence_weights = np.array(check_sentence_weights(sentence_weights or fitted_weights
                                                                or HAND_SENTENCE_WEIGHTS))
        records = searcher.records()
        n = len(records)

        def idf(counts: Counter) -> dict[str, float]:
            return {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in counts.items()}

        self._tokens = [c.tokens for c in records]
        self._idf = {t: searcher.statistics.idf(t) for t in searcher.statistics.df}  # the searcher's counts
        # English coverage is counted on Snowball roots (spending ~ spend), more forgiving than the search's stems
        self._roots_en = [frozenset(root(t) for t in c.tokens_en) for c in records]
        self._idf_en = idf(Counter(t for roots in self._roots_en for t in roots))
        self._stop_en = english_stopwords()
        framing = frozenset(w for line in load_stopwords("question_words_en.txt") for w in line.split())
        self._not_topic_en = self._stop_en | framing  # words left out of English coverage
        self._position = {c.anchor: i for i, c in enumerate(records)}
        self._records = records
        self._sentence_vectors: dict[str, np.ndarray] = {}
        self._encoder = searcher.analyzer.sentence_encoder
        self._encoder_name = searcher.analyzer.sentence_encoder_name

    def _vectors(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._sentence_vectors]
        if missing:
            for text, vector in zip(missing, self._encoder.encode_passages(missing)):
                self._sentence_vectors[text] = vector
        return np.vstack([self._sentence_vectors[t] for t in texts])

    def _sentence_features(self, terms: list[str], numbers: set[str], hits: list[Hit], query: np.ndarray,
                           english: bool = False):
        """Every sentence of the hits' clauses, scored; ``query``: the question's vector from the sentence
        encoder.

        For English questions the similarity is the better of the Chinese sentence's and, where the reference
        English aligns sentence by sentence, the English sentence's.
        """
        rows = []
        total = sum(self._idf.get(t, 0.0) for t in set(terms)) or 1.0
        for hit in hits:
            clause = self.searcher.corpus.clause(hit.anchor)
            aligned = english_sentences(hit.text_en, _lengths(clause)) if english else None
            for index, sentence in enumerate(clause.sentences):
                tokens = set(self.searcher.analyzer.tokenizer.tokens(sentence.text))
                lexical = sum(self._idf.get(t, 0.0) for t in set(terms) & tokens) / total
                found = {x for x in _NUMBER.findall(sentence.text)}
                number = len(numbers & found) / len(numbers) if numbers else 0.0
                rows.append((hit, clause, index, sentence, lexical, number, aligned[index] if aligned else None))
        if not rows:
            return []
        sims = self._vectors([r[3].text for r in rows]) @ query
        english_rows = [i for i, r in enumerate(rows) if r[6]]
        if english_rows:
            english_sims = self._vectors([rows[i][6] for i in english_rows]) @ query
            for i, sim in zip(english_rows, english_sims):
                sims[i] = max(sims[i], sim)
        scored = []
        for (hit, clause, index, sentence, lexical, number, _), sim in zip(rows, sims):
            features = np.array([lexical, float(max(sim, 0.0)), 1.0 / hit.rank, number])  # SENTENCE_FEATURES
            scored.append(ScoredSentence(float(features @ self.sentence_weights), hit, clause, index, sentence,
                                         float(sim), features))
        return scored

    @staticmethod
    def _coverage(found: frozenset[str], terms: set[str], idf: dict[str, float], unknown: float) -> float:
        total = sum(idf.get(t, unknown) for t in terms)
        return sum(idf.get(t, unknown) for t in terms & found) / total if total else 0.0

    def coverage(self, query, terms: list[str], hits: list[Hit]) -> float:
        """The question's coverage by one of the top three clauses (idf-weighted share of its terms)."""
        top = [self._position[h.anchor] for h in hits[:3]]
        if not top:
            return 0.0
        english = ({root(w) for w in english_words(query.text, self._not_topic_en)}
                   if threshold_group(query.lang) == "en" else set())
        if english and any(self._roots_en[i] for i in top):
            # English words never seen in the translations count as rare (idf 8): they are the question's topic
            return max(self._coverage(self._roots_en[i], english, self._idf_en, 8.0) for i in top)
        return max(self._coverage(self._tokens[i], set(terms), self._idf, 0.0) for i in top)

    def unknown_share(self, query) -> float:
        """Share of the question's topic words that no clause uses (a company, a place, a thing never named)."""
        if query.lang is Lang.EN:
            words = {root(w) for w in english_words(query.text, self._not_topic_en)}
            return sum(w not in self._idf_en for w in words) / len(words) if words else 0.0
        words = set(self._topic_words_zh(query.text))
        unknown = [w for w in words if self._unknown_zh(w)]
        return len(unknown) / len(words) if words else 0.0

    def _topic_words_zh(self, text: str) -> list[str]:
        """The question's Chinese words that name its topic: two characters or more, no number, no framing, no
        question word or count and not only function characters."""
        return [t for t in self.searcher.analyzer.tokenizer.tokens(text) if self._is_topic_zh(t)]

    def _is_topic_zh(self, word: str) -> bool:
        """Two characters or more, no number, no framing, no question word or count, not only function characters."""
        return (len(word) >= 2 and not word.isdigit() and not _FRAMING_ZH.fullmatch(word)
                and not _ASKING_ZH.search(word) and not set(word) <= self._function_chars)

    @cached_property
    def _function_chars(self) -> frozenset[str]:
        """The one-character Chinese stopwords: a token made of them alone (是从, 由于) is grammar, not a topic."""
        return frozenset(w for w in self.searcher.analyzer.tokenizer.stopwords if len(w) == 1)

    @cached_property
    def _corpus_text(self) -> str:
        """Every clause's text and every document's names, one per line: a word the tokenizer cut differently in the
        clauses (三命 of 科技三命) is still one the documents use, and a question naming a law (专利法) names no unknown."""
        names = [name for doc in self.searcher.corpus.documents.values()
                 for name in (doc.meta.title, doc.meta.title_en, *doc.meta.aliases)]
        return "\n".join([*names, *(c.text for c in self.searcher.records())])

    def documents_asked(self, question: str, searched: tuple[str, ...]) -> list[frozenset[str]]:
        """The documents a (normalised) question asks of, one group each (no document in two): every searched
        document it names, and the searched laws together when it speaks of the law in general and names none. A
        question that asks of some document and also names a province asks of that province's own documents too
        ("法律对…怎么要求？湖北那边又有什么机制？")."""
        documents = self.searcher.corpus.documents
        named = self.searcher.document_names.named_in(question) & set(searched)
        laws = frozenset(doc for doc in searched if documents[doc].meta.format == LAW_FORMAT)
        asks_laws = bool(laws) and not named & laws and _ASKS_THE_LAWS.search(question) is not None
        if named or asks_laws:
            provinces = provinces_named(question)
            named |= {doc for doc in searched if jurisdiction_of(documents[doc].meta.issuer) in provinces}
        groups = [frozenset({doc}) for doc in sorted(named)]
        if asks_laws:
            groups.append(laws)
        return groups

    @staticmethod
    def _from_other_documents(scored: list[ScoredSentence], top_doc: str,
                              groups: Sequence[frozenset[str]]) -> list[ScoredSentence]:
        """For a question that asks of documents ("专利法对…有什么规定？湖北规划又…", "What does the plan say …"), the
        best-scoring sentence of each one the best clause is not from: the answer quotes every document asked of that
        the search found."""
        best = (max((r for r in scored if r.clause.doc_id in group), key=lambda r: r.score, default=None)
                for group in groups if top_doc not in group)
        return [r for r in best if r is not None]

    def _choose(self, scored: list[ScoredSentence], hits: list[Hit], kind: AnswerType,
                groups: Sequence[frozenset[str]]) -> list[ScoredSentence]:
        """The quoted sentences: the best clause's key sentences (its whole list for a list question) and at most
        one supporting clause's best sentence: the runner-up's when the ranking cannot tell the two apart, else one
        that scores at least as well as the best clause's; for a question asking of documents (``groups``,
        :meth:`documents_asked`), the best sentence of each other document asked of instead."""
        top = hits[0].anchor
        own = [r for r in scored if r.clause.anchor == top]
        if not own:
            return []
        best = max(r.score for r in own)
        if kind is AnswerType.LIST and states_list(" ".join(r.sentence.text for r in own)):
            chosen = own[: self.max_sentences]  # the list, in the clause's order
        else:
            chosen = sorted((r for r in own if r.score >= KEY_SENTENCE * best), key=lambda r: -r.score)
            chosen = chosen[: self.max_sentences]
        if others := self._from_other_documents(scored, hits[0].doc, groups):
            return chosen[: self.max_sentences - len(others)] + others
        tied = self._tied_runner_up(hits)
        support = sorted((r for r in scored
                          if r.clause.anchor != top and (r.score >= best or r.clause.anchor == tied)),
                         key=lambda r: (r.clause.anchor != tied, -r.score))
        if support:
            chosen = chosen[: self.max_sentences - 1] + [support[0]]
        return chosen

    @staticmethod
    def _tied_runner_up(hits: list[Hit]) -> str | None:
        """The second clause, when the ranking model can hardly tell it from the best (scores within
        :data:`TIED_MARGIN`) and it is of the same document: the answer then quotes its best sentence too. A runner-up
        of another document is no paragraph the model cannot tell from the best: with stop 50's models, of 23 such
        answers (training 16, the dev, probe and own sets 7) its sentence cited a gold clause in 2, never the only one
        (a question asking of several documents quotes each anyway, :meth:`_from_other_documents`); eval/report.md,
        § quoted items."""
        rerank = [h.explain.get("rerank", {}).get("score") for h in hits[:2]]
        if (len(rerank) < 2 or None in rerank or rerank[0] - rerank[1] >= TIED_MARGIN
                or hits[1].doc != hits[0].doc):
            return None
        return hits[1].anchor

    def signals(self, query, terms: list[str], hits: list[Hit], scored, quoted: str, kind: AnswerType,
                vector: np.ndarray) -> dict[str, float]:
        """What the decision model reads of an answer (:data:`~retriever.answer.decision.SIGNALS`); ``vector``: the
        question's from the sentence encoder."""
        rerank = [h.explain.get("rerank", {}).get("score", 0.0) for h in hits]
        years = set(YEAR.findall(query.text))
        shares = np.exp(np.array(rerank) - max(rerank)) if rerank else np.zeros(0)
        return {
            "rerank_top": rerank[0] if rerank else 0.0,
            "rerank_margin": rerank[0] - rerank[1] if len(rerank) > 1 else 0.0,
            "coverage": self.coverage(query, terms, hits),
            "similarity": max((r.similarity for r in scored), default=0.0),
            # a list question is no near-miss for want of 、 or ； in the quote ("协商解决；…调解，也可以向人民法院起诉"): on
            # the team's 1,756 questions the list check was missing for 27 answerable list questions (23 of them with
            # a gold clause quoted) and 1 unanswerable one; a figure, date or name stays asked for
            "type_missing": float(kind in _VALUE_KINDS and not carries(kind, quoted, query.text)),
            # the years of the best clause's section frame it (a section's "到2025年"), as in the ranking feature
            "years_missing": float(bool(years - years_named(quoted)
                                        - self.searcher.headings.get("years:" + hits[0].anchor, frozenset())
                                        - self.searcher.corpus.documents[hits[0].doc].meta.years)
                                   if hits else bool(years)),
            "unknown_share": self.unknown_share(query),
            "english": float(threshold_group(query.lang) == "en"),
            # the best clause's share of the ranking model's softmax over the hits: sure of it against all of them
            "rerank_share": float(shares[0] / shares.sum()) if len(shares) else 0.0,
            # how much closer the question is to the team's nearest known near-miss than to its nearest answerable
            # known question (sentence encoder only)
            "near_miss": (self.searcher.known_questions.near_miss(query.text, {self._encoder_name: vector})
                          if self.searcher.known_questions is not None else 0.0),
        }

    def draft(self, question: str, doc: str | None = None) -> Draft:
        """The best answer the documents allow (``doc``'s only, when given), before deciding whether to give it."""
        searched = (doc,) if doc else tuple(self.searcher.corpus.documents)
        groups = self.documents_asked(normalize_query(question).text, searched)
        # a question asking of documents is answered from each: its best clause among every candidate the ranking
        # model orders, when none is among the top clauses
        found = self.searcher.search(question, k=RERANK_DEPTH if groups else self.clauses, doc=doc)
        result = replace(found, hits=found.hits[: self.clauses])
        more: list[Hit] = []
        for group in groups:
            if not any(h.doc in group for h in result.hits):
                more += [h for h in found.hits if h.doc in group][:1]
        q = result.query
        if len(re.sub(r"\W", "", q.text)) < 2:
            raise QueryError("the question is too short to answer: ask a whole question 问题过短，请完整提问")
        asked, place = self._asked_of_place(q, result.hits)
        if place is not None and not any(h.anchor == place or h.anchor.startswith(place + ".")
                                         for h in result.hits + more):
            more += self._place_hits(place, result.hits[0])
        terms, _ = self.searcher.analyzer.lexical_terms(asked)
        unnamed = self._without_document_names(asked)
        quoting = (self.searcher.analyzer.lexical_terms(unnamed)[0] or terms) if unnamed is not asked else terms
        numbers = set(_NUMBER.findall(unnamed.text))
        vector = self._encoder.encode_queries([q.text])[0]  # one encoding for the sentences and the near-miss signal
        scored = self._sentence_features(quoting, numbers, result.hits + more, vector, english=q.lang is Lang.EN)
        kind = answer_type(q.text)
        # the decision reads what the answer will quote: an item with its lead-in, a lead-in with its items
        def score_items(item_hits: list[Hit]) -> list[ScoredSentence]:
            return self._sentence_features(quoting, numbers, item_hits, vector, english=q.lang is Lang.EN)

        chosen = (self._with_list_items(self._choose(scored, result.hits, kind, groups), kind, q.text, score_items)
                  if scored else [])
        if place is not None and self._asks_only_of_place(asked):  # what the place says: it, from its start
            chosen = sorted((r for r in scored if r.clause.anchor == place or r.clause.anchor.startswith(place + ".")),
                            key=lambda r: (r.clause.order, r.index))[: self.max_sentences] or chosen
        elif place is not None:  # the place cited is what is asked about: no other clause's sentences (an item's
            chosen = [r for r in chosen if r.clause.anchor == place  # lead-in stays with it)
                      or r.clause.anchor.startswith(place + ".") or place.startswith(r.clause.anchor + ".")] or chosen
        top = [r for r in scored if r.hit.rank <= self.clauses]  # the decision reads the top clauses' sentences
        signals = self.signals(asked, terms, result.hits, top, " ".join(r.sentence.text for r in chosen), kind, vector)
        if self.model is not None:
            evidence, threshold = self.model.probability(signals), self.model.threshold
        else:
            evidence, threshold = hand_evidence(signals), self.thresholds[threshold_group(q.lang)]
        if asked is not q and not (signals["type_missing"] or signals["years_missing"]):
            # the best clause is in the place the question cites by its reference: the ranking's doubt (its own
            # scores rank that place low) is no doubt about where the answer is; only what the place lacks is
            evidence = max(evidence, threshold)
        return Draft(question, result, chosen, signals, evidence, threshold, searched, scored,
                     asked if asked is not q else None)

    def _without_document_names(self, q: Query) -> Query:
        """The question without the names of the documents it names (the Hubei plan, 科技进步法): it asks of them, and
        their words (湖北, 科技) are in many sentences that do not answer it, as in the plan's preface; with the title
        words just before a name (湖北省科技创新规划). The question itself when it names none."""
        spans = [(start, end) for _, start, end in self.searcher.document_names.spans(q.text)]
        return replace(q, text=without_spans(q.text, spans)) if spans else q

    def _asked_of_place(self, q: Query, hits: list[Hit]) -> tuple[Query, str | None]:
        """The question without the place it cites and its document's name, and that place, when its best clause is
        there, or when it asks nothing but what the place says (wherever the ranking put it): a clause never repeats
        its own number or its law's title, so 第四十五条 and 成果转化法 are not words the answer lacks (nor is 42 a
        figure it must state). Otherwise the question as asked, and None."""
        parser = self.searcher.reference_parser
        cited = parser.cited_places(q.text)
        place = next((a for a in cited if hits and (hits[0].anchor == a or hits[0].anchor.startswith(a + "."))), None)
        rest = parser.without_citations(q.text) if cited else ""
        if place is None and cited and hits and self._asks_only_of_place(replace(q, text=rest)):
            place = cited[0]  # what a place says is asked of it, wherever the ranking put it (规划第五章第一节讲了什么)
        return (replace(q, text=rest), place) if place and re.sub(r"\W", "", rest) else (q, None)

    def _place_hits(self, place: str, template: Hit) -> list[Hit]:
        """Hits for the clauses of a cited place (a clause, or every clause under an article or section)."""
        corpus = self.searcher.corpus
        anchors = [place] if isinstance(corpus.lookup(place), Clause) else corpus.children(place)
        return [self._hit_of(template, corpus.clause(a)) for a in anchors]

    def _hit_of(self, template: Hit, clause: Clause) -> Hit:
        """A hit for ``clause`` where the search found another (``template``: its rank and document's fields)."""
        return replace(template, anchor=clause.anchor, doc=clause.doc_id, label_zh=clause.label_zh,
                       label_en=clause.label_en, heading_path=clause.heading_path, text=clause.text, explain={},
                       marks=(), text_en=self._records[self._position[clause.anchor]].text_en)

    def _asks_only_of_place(self, asked: Query) -> bool:
        """Whether a question, the place it cites taken out, asks nothing more than what the place says (专利法第四十二条
        规定了什么, What does Article 42 of the Patent Law say?): no topic word is left."""
        if asked.lang is Lang.EN:
            return not english_words(asked.text, self._not_topic_en)
        return not self._topic_words_zh(asked.text)

    def prepare(self) -> None:
        """Load now every model the first answer would wait for (:meth:`SearcherBase.prepare`, the sentence encoder)."""
        self.searcher.prepare()
        for question in PREPARING_QUESTIONS:
            self.draft(question)
        # what refusals read: the never-mentioned rule's CC-CEDICT words, the tagger that reads missing words, the
        # general English frequencies that order them, the clauses a run of the question's words is looked up in
        dictionary_words()
        self.searcher.analyzer.tokenizer.grammar_words(PREPARING_QUESTIONS[1])
        general_frequency_en("plan")  # loads wordfreq's English list
        _ = self._clause_texts, self._clause_roots_en

    def ask(self, question: str, doc: str | None = None) -> Answer:
        """Answer from the documents' own sentences (``doc``'s only, when given), or refuse, naming the documents
        searched and what was missing, and list the nearest clauses."""
        d = self.draft(question, doc)
        q, chosen = d.result.query, d.chosen
        rule = self.rule_refusal(d)
        if rule is not None and rule[0] is RefusalReason.NOT_HELD:  # whatever the evidence: it was not searched
            return self._refusal(d, *rule)
        if absent := self.searcher.reference_parser.absent_places(q.text):  # whatever the evidence: no such place
            return self._refusal(d, RefusalReason.WEAK_EVIDENCE, {"absent": absent})
        if never := self._never_mentioned(q):  # whatever the evidence: the documents never speak of it
            return self._refusal(d, RefusalReason.WEAK_EVIDENCE, {"never": never})
        if d.evidence < d.threshold or not chosen:
            if chosen and self._addresses_topic(d):  # the topic is there, the figure, date or name asked for is not
                if rule is not None:
                    return self._refusal(d, *rule)
                if (unit := _KIND_UNITS.get(answer_type(q.text))) is not None:
                    return self._refusal(d, RefusalReason.WEAK_EVIDENCE, {"about": chosen[0].clause.doc_id,
                                                                          "unit": unit})
            return self._refusal(d, RefusalReason.WEAK_EVIDENCE, missing=self._missing(d.asked or q, d))
        if rule is not None:
            return self._refusal(d, *rule)
        lead_doc = chosen[0].clause.doc_id  # document order within the best sentence's document, then by rank
        chosen = sorted(chosen, key=lambda r: (r.clause.order if r.clause.doc_id == lead_doc else 10**6 + r.hit.rank,
                                               r.index))
        sentences = [self._quote(r.hit, r.clause, r.index, r.sentence, r.score, q.lang) for r in chosen]
        notices = list(d.result.notices)
        if (figure := self._figure_missing(d)) is not None:  # a question in parts: the rest answered, not the figure
            notices.append(_in_script(self._not_given(d, chosen[0].clause.doc_id, figure.kind,
                                                      threshold_group(q.lang) == "en"), q.lang))
        return Answer(question, q.lang, True, sentences, d.result.hits, d.evidence, d.threshold, "",
                      notices, searched=d.searched, signals=d.signals)

    def _items(self, lead: Clause) -> list[Clause]:
        """The items (项) a law paragraph introduces ("采用下列方式：" and its （一）…（六）), in order."""
        return [c for a in self.searcher.corpus.children(lead.anchor)
                if (c := self.searcher.corpus.clause(a)).kind == "item"]

    def _with_list_items(self, chosen: list[ScoredSentence], kind: AnswerType, question: str,
                         score_items: Callable[[list[Hit]], list[ScoredSentence]]) -> list[ScoredSentence]:
        """The quoted sentences with the list they belong to: a law paragraph that introduces items says nothing
        without them ("可以采用下列方式："), so its items follow it; an item is quoted after its lead-in ("有权采取下列
        措施：" before "（二）实施现场检查"), and with the other items when the question asks for a list and the
        ranking put the lead-in first. A question whose best clause is an item, a list question too, gets only the
        items chosen: the ranking read it as asking about that item ("这份清单里有没有…", "Is … on the list?"), and
        its siblings do not answer it (quoted whole, the sibling items in 10 of the training set's answers were 45
        sentences, 1 of a gold clause; eval/report.md, § quoted items). Another question that asks for no list gets
        the items that answer it (:meth:`_answering_items`). The decision reads the chosen sentences so completed: an
        item's figure or period may stand in its lead-in ("在申请日以前六个月内，有下列情形之一的")."""
        if not chosen:
            return chosen
        corpus, best = self.searcher.corpus, chosen[0]
        lead = best.clause
        if lead.kind == "item":
            above = section_of(lead.anchor)  # an item's parent: its lead-in paragraph
            parent = corpus.lookup(above) if corpus.has_anchor(above) else None
            if not isinstance(parent, Clause):  # an item under no paragraph of its own: nothing to complete
                return chosen
            lead = parent
        items = self._items(lead)
        chosen_anchors = {r.clause.anchor for r in chosen}

        if kind is not AnswerType.LIST or best.clause.kind == "item":
            answering = (chosen_anchors if best.clause.kind == "item" else
                         self._answering_items(score_items([self._hit_of(best.hit, c) for c in items]), kind, question))
            items = [c for c in items if c.anchor in answering]
        if not items:
            return chosen

        def quoted(clause: Clause) -> list[ScoredSentence]:
            if clause.anchor in chosen_anchors:
                return [r for r in chosen if r.clause.anchor == clause.anchor]
            hit = self._hit_of(best.hit, clause)
            return [best._replace(hit=hit, clause=clause, index=i, sentence=sentence, similarity=0.0)
                    for i, sentence in enumerate(clause.sentences)]

        listed = [r for clause in (lead, *items) for r in quoted(clause)]
        members = {lead.anchor, *(c.anchor for c in items)}
        return listed + [r for r in chosen if r.clause.anchor not in members]

    @staticmethod
    def _answering_items(scored: list[ScoredSentence], kind: AnswerType, question: str) -> set[str]:
        """The anchors of a lead-in's items that answer a question asking for no list: the best-scoring one, and
        every item that carries the figure, date or name asked for (so the quote carries it whenever the whole list
        did). Measured on the team's training set, where such a question's gold holds one item of its lead-in 99
        times, two 5 times, none 3 times and never all of them: the best-scoring item is a gold one 73 times of 107 (the
        probe and dev sets: 17 of 18). The ratio of :data:`KEY_SENTENCE` does not separate items: the clause-rank
        term, the same for each, dominates their scores."""
        if not scored:
            return set()
        best = max(scored, key=lambda r: r.score).clause.anchor
        return {best} | {r.clause.anchor for r in scored
                         if kind in _VALUE_KINDS and carries(kind, r.sentence.text, question)}

    def _not_given(self, d: Draft, doc_id: str, unit: str, english: bool) -> str:
        """"《doc》提到了“光通信科技重大专项”，但没有给出所问的金额" / "… mentions “…” but gives no amount for it" (or the
        date, year or name asked for: :data:`_UNIT_NAMES`); "相关内容" / "the topic" when the quote shares no run of
        the question's words (:meth:`_mentioned`)."""
        unit_zh, unit_en = _UNIT_NAMES[unit]
        what = self._mentioned(d)
        if english:
            return _NOT_GIVEN[1].format(doc_en=self._titles((doc_id,), True)[0], unit_en=unit_en,
                                        what_en=f"“{what}”" if what else _SOME_TOPIC[1])
        return _NOT_GIVEN[0].format(doc=self._titles((doc_id,), False)[0], unit=unit_zh,
                                    what=f"“{what}”" if what else _SOME_TOPIC[0])

    def _mentioned(self, d: Draft) -> str | None:
        """The longest run of the question's words (the documents it names left out) that the quoted sentences write,
        Chinese against their text, English against their clauses' English (:mod:`retriever.answer.mentioned`)."""
        asked = without_quote_marks(self._without_names(d.result.query.text))
        tokenizer = self.searcher.analyzer.tokenizer
        quoted = without_quote_marks(d.quoted)
        run = chinese_run(tokenizer.spans(asked), asked, quoted, self._edge_zh, self._is_topic_zh,
                          lambda text: self._share(text, self._clause_texts) <= _SPECIFIC)
        if run is None and d.result.query.lang.english:
            english = " ".join(dict.fromkeys(r.hit.text_en or "" for r in d.chosen))
            run = english_run(asked, english, self._not_topic_en, _PLACE_WORDS_EN | self._title_words_en,
                              lambda roots: self._share(roots, self._clause_roots_en) <= _SPECIFIC)
        return run

    @staticmethod
    def _share(phrase: str, texts: tuple[str, ...]) -> float:
        return sum(phrase in t for t in texts) / len(texts)

    @cached_property
    def _clause_texts(self) -> tuple[str, ...]:
        return tuple(without_quote_marks(c.text) for c in self._records)

    @cached_property
    def _clause_roots_en(self) -> tuple[str, ...]:
        """Each clause's reference English as its roots in order (:func:`roots_in_order`; empty without English)."""
        return tuple(roots_in_order(c.text_en or "") for c in self._records)

    def _edge_zh(self, word: str) -> bool:
        """Whether a Chinese word may begin or end a run the quote shares: two characters or more (交 of 交科技报告, a
        verb), not a function word or a question word (的话, 哪些, 多少)."""
        return (len(word) >= 2 and any(ch.isalnum() for ch in word)
                and word not in self.searcher.analyzer.tokenizer.stopwords
                and not set(word) <= self._function_chars and not _ASKING_ZH.search(word))

    @cached_property
    def _title_words_en(self) -> frozenset[str]:
        """The words of the documents' English titles (Hubei, province, plan, law): their own subject, no topic."""
        titles = " ".join(doc.meta.title_en or "" for doc in self.searcher.corpus.documents.values())
        return frozenset(w.lower() for w in re.findall(r"[A-Za-z]+", titles))

    def _addresses_topic(self, d: Draft) -> bool:
        """Whether the evidence would suffice but for the kind of answer missing from it."""
        signals = dict(d.signals, type_missing=0.0)
        evidence = self.model.probability(signals) if self.model is not None else hand_evidence(signals)
        return evidence >= d.threshold

    def rule_refusal(self, d: Draft) -> tuple[RefusalReason, dict[str, Any]] | None:
        """Why a draft is refused whatever the evidence, with what the message needs (a figure asked for and not
        quoted: the document; another province: both provinces; a document the corpus does not hold: its title), or
        None."""
        q = d.result.query
        if titles := self._other_documents.named_in(q.text):
            return RefusalReason.NOT_HELD, {"titles": titles}
        if not d.chosen:
            return None
        doc_id = d.chosen[0].clause.doc_id
        if (figure := self._figure_missing(d)) is not None and not asks_besides_figure(q.text):
            return RefusalReason.NO_FIGURE, {"about": doc_id, "unit": figure.kind}
        if (other := self._other_province(q.text, doc_id, d.quoted)) is not None:
            return RefusalReason.OTHER_PROVINCE, {"provinces": other}
        return None

    @staticmethod
    def _figure_missing(d: Draft) -> FigureAsked | None:
        """The figure the question asks for, when no quoted sentence states it in the unit asked."""
        figure = figure_asked(d.result.query.text)
        return figure if figure is not None and d.chosen and not states_figure(d.quoted, figure) else None

    @cached_property
    def _other_documents(self) -> OtherDocuments:
        """The laws and regulations a question may name that the corpus neither holds nor cites."""
        return OtherDocuments.of_corpus(self.searcher.corpus)

    def _missing(self, query, d: Draft) -> list[str]:
        """The question's rarest topic words that the best clause does not use (what the documents do not say), as the
        question writes them (:func:`_as_written`): an English question's words against the quoted clauses' English
        (none claimed missing without English) and what their Chinese renders (:meth:`_rendered_in`); a Chinese word
        only where a dictionary holds it, not the tagger's guess across two words (说排 of 说排在第几). The quoted
        clauses' headings are theirs too: a clause under 主要目标 states a goal, whatever its sentences say."""
        named = years_named(d.quoted) | (self.searcher.headings.get("years:" + d.chosen[0].clause.anchor, frozenset())
                                         if d.chosen else set())  # 十二五末 names 2015: not missing
        metas = [self.searcher.corpus.documents[doc].meta for doc in dict.fromkeys(r.clause.doc_id for r in d.chosen)]
        titles = " ".join(f"{m.title} {m.title_en}" for m in metas)  # the plan's clauses never repeat "Hubei"
        headings = " ".join(dict.fromkeys(h for r in d.chosen for h in r.hit.heading_path))
        asked = self._without_names(query.text)  # a document the question names is no topic it lacks
        if query.lang is Lang.EN:
            english = " ".join(dict.fromkeys(r.hit.text_en or "" for r in d.chosen))
            if not english.strip():
                return []
            chinese = " ".join([*dict.fromkeys(r.hit.text for r in d.chosen), headings, titles])
            found = ({root(w) for w in english_words(f"{english} {titles}", self._stop_en)} | named
                     | self._rendered_in(chinese, d.result.hits[0].explain if d.result.hits else {}))
            words = [w for w in english_words(asked, self._not_topic_en) if root(w) not in found
                     and w not in _NEVER_MISSING_EN and not _everyday_en(w)]
            # the most specific first: the rarest in general English (postdoc before gave), then in the documents
            return _as_written(sorted(dict.fromkeys(words), key=lambda w: (general_frequency_en(w),
                                                                           -self._idf_en.get(root(w), 8.0))), asked)[:3]
        said = d.quoted + headings + titles
        tokenizer = self.searcher.analyzer.tokenizer
        words = [t for t in tokenizer.content_words(asked)  # not 分别, 那种, 的话
                 if self._is_topic_zh(t) and not _NO_THING_ZH.fullmatch(t) and t not in said and t not in _COUNTRY_ZH
                 and t.rstrip("年") not in named
                 and (t.isascii() or tokenizer.in_dictionary(t) or t in dictionary_words())  # not a guess: 说排
                 and not (t.isascii() and (_everyday_en(t) or t in _COUNTRY_EN))]  # a mixed question's "with"
        return _as_written(_apart(sorted(dict.fromkeys(words), key=lambda w: -self._idf.get(w, 99.0)), asked),
                           asked)[:3]

    def _rendered_in(self, chinese: str, explain: dict[str, Any]) -> set[str]:
        """The roots of the question's English words that ``chinese`` renders although the reference English words
        them otherwise: a glossary phrase of the question whose term it holds (tech transfer: 技术转移), a word one of
        whose dictionary translations is among its words (university: 高校; jieba's plain cut, not a substring: 华人 is
        in 中华人民共和国); ``explain``: a hit's, with the question's glossary phrases and translations."""
        terms = {w for w, _, _ in self.searcher.analyzer.tokenizer.spans(chinese)}
        phrases = [g["en"] for g in explain.get("glossary", []) if g["zh"] in chinese]
        words = [t["en"] for t in explain.get("translations", [])  # one character (一 for Chinese) is in any clause
                 if any(len(z) > 1 and z in terms for z in t["zh"])]
        return {root(w) for w in english_words(" ".join(phrases + words), self._stop_en)}

    def _never_mentioned(self, q) -> list[str]:
        """The topic words of a Chinese or English question when no document uses any of them, once the names of
        the documents it names are blanked ("What does the Patent Law say about the metaverse?", 规划里有电子竞技吗):
        in no clause's Chinese or reference English, nor, for an English word, in a dictionary translation the index
        holds. A Chinese question is read by its longest words, CC-CEDICT's among them (元宇宙, not jieba's 宇宙, which
        the plan uses in 宇宙学, cosmology). Of the 2,195 questions of the four sets (1,882 answerable), none has such a
        topic; a paraphrase keeps a word the documents use beside the ones they do not."""
        asked = self._without_names(self.searcher.reference_parser.without_citations(q.text))  # 第五章 is no topic
        if q.lang is Lang.EN:
            words = [w for w in english_words(asked, self._not_topic_en)
                     if w not in _PLACE_WORDS_EN and not any(ch.isdigit() for ch in w)]
            glossed = set(words) - set(self.searcher.analyzer.glossary.unmatched_english(asked))
            unknown = [w for w in words if w not in glossed and not self._known_en(w)
                       and not any(self._known_en(w[:i]) and self._known_en(w[i:])  # cellphone: cell + phone
                                   for i in range(_WORD_PART, len(w) - _WORD_PART + 1))]
        elif q.lang in (Lang.ZH_HANS, Lang.ZH_HANT):
            # the longest words only: the search tokenizer also cuts 电子竞技 into 电子 and 竞技, words of other topics
            cut = list(dict.fromkeys(self._topic_words_zh(asked)))
            cut += [w for w in _dictionary_words_in(asked) if any(part in w for part in cut)]  # 元宇宙, not 宇宙
            words = [w for w in cut if not any(w != longer and w in longer for longer in cut) and w not in _COUNTRY_ZH]
            unknown = [w for w in words if self._unknown_zh(w)]
        else:
            return []
        if not words or len(unknown) < len(words):
            return []
        grammar = self.searcher.analyzer.tokenizer.grammar_words(asked) if q.lang is not Lang.EN else frozenset()
        named = [w for w in unknown if w not in grammar] or unknown  # 宠物、克隆, not 到底
        return _as_written(_apart(sorted(dict.fromkeys(named), key=len, reverse=True), asked),  # 特斯拉, not 斯拉
                           asked)

    def _known_en(self, word: str) -> bool:
        """Whether the reference English uses an English word, or the dictionary translates it into an index term."""
        return root(word) in self._idf_en or self.searcher.translator.candidates(word) is not None

    def _unknown_zh(self, word: str) -> bool:
        """Whether no clause uses a Chinese word (nor its English, for a Latin-letter word such as 5G)."""
        return word not in self._idf and root(word.lower()) not in self._idf_en and word not in self._corpus_text

    def _without_names(self, text: str) -> str:
        """``text`` with the names of the documents it names blanked (科技进步法对… : neither 科技进步 nor 法对 is
        missing from a clause; nor "s&t" of the S&T Progress Law), with the possessive after a name (the Patent Law's:
        no "s" is a word it asks about)."""
        spans = [(start, owned_end(text, end)) for _, start, end in self.searcher.document_names.find(text)]
        return "".join(" " if any(a <= i < b for a, b in spans) else ch for i, ch in enumerate(text))

    def _other_province(self, question: str, doc_id: str, quoted: str) -> tuple[Province, Province] | None:
        """(own, other) when a provincial document is asked about another province it does not mention."""
        own = jurisdiction_of(self.searcher.corpus.documents[doc_id].meta.issuer)
        if own is None:  # a national law speaks for every province
            return None
        other = [p for p in provinces_named(question) if p != own and not p.mentioned_in(quoted)]
        return (own, other[0]) if other else None

    def _titles(self, doc_ids: tuple[str, ...], english: bool) -> list[str]:
        docs = self.searcher.corpus.documents
        return [(docs[d].meta.title_en or docs[d].meta.title) if english else f"《{docs[d].meta.title}》"
                for d in doc_ids]

    def _refusal(self, d: Draft, reason: RefusalReason, details: dict[str, Any] | None = None,
                 missing: list[str] | None = None) -> Answer:
        """A refusal that says what was missing, where it can, and which documents were searched."""
        q, searched = d.result.query, d.searched
        about, provinces = (details or {}).get("about"), (details or {}).get("provinces")
        english = threshold_group(q.lang) == "en"
        detail = ""
        if missing:
            detail = _naming(_MISSING, missing, english)
        if never := (details or {}).get("never"):
            detail = _naming(_NEVER_MENTIONED, never, english)
        if absent := (details or {}).get("absent"):
            detail = _naming(_ABSENT_PLACE, absent, english)
        if reason in (RefusalReason.NO_FIGURE, RefusalReason.WEAK_EVIDENCE) and about:  # a figure, date or name
            detail = self._not_given(d, about, (details or {}).get("unit", "any"), english)
        elif reason is RefusalReason.NOT_HELD:
            titles = [shown(t) for t in (details or {}).get("titles", [])]
            detail = (_NOT_HELD[1].format(titles="; ".join(titles)) if english
                      else _NOT_HELD[0].format(titles="、".join(titles)))
        elif reason is RefusalReason.OTHER_PROVINCE and provinces:
            own, other = provinces
            detail = (_OTHER_PROVINCE[1].format(own_en=own.en, other_en=other.en) if english
                      else _OTHER_PROVINCE[0].format(own=own.zh, other=other.zh))
        titles = self._titles(searched, english)
        if english:
            message = f"{REFUSAL_EN}{': ' + detail if detail else ''}. " + _SEARCHED[1].format(titles="; ".join(titles))
        else:
            message = f"{REFUSAL_ZH}{'：' + detail if detail else ''}。" + _SEARCHED[0].format(titles="、".join(titles))
        return Answer(d.question, q.lang, False, [], d.result.hits, d.evidence, d.threshold,
                      _in_script(message, q.lang), list(d.result.notices), reason, searched, d.signals)

    def _quote(self, hit: Hit, clause: Clause, index: int, sentence, score: float, lang: Lang) -> AnswerSentence:
        text = clause.text[sentence.start : sentence.end]  # verbatim, by construction
        marks = tuple(
            {"start": max(m.start, sentence.start) - sentence.start, "end": min(m.end, sentence.end) - sentence.start,
             "kind": m.kind.value, "note": m.note}
            for m in clause.marks if m.start < sentence.end and m.end > sentence.start
        )
        text_en = scope = None
        hant = None
        english = english_sentences(hit.text_en, _lengths(clause))  # for every question: an English interface
        if english:  # leads with it whatever the question's language
            text_en, scope = english[index], "sentence"
        elif hit.text_en:
            text_en, scope = hit.text_en, "clause"
        if lang is Lang.ZH_HANT:
            hant = to_traditional(text)
        return AnswerSentence(text, clause.anchor, clause.label_zh, clause.label_en, sentence.start, sentence.end,
                              score, text_en, scope, EnSource.REFERENCE if text_en else None, hant, marks)

