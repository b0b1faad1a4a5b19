"""The data every stage passes on, and the package's vocabulary.

- documents: :class:`Document`, its headings, clauses (with sentences and damage marks),
  front/back matter items and :class:`DocumentMeta`;
- the index record of a clause (:class:`IndexedClause`), shared by both backends;
- queries and results: :class:`Lang`, :class:`Query`, :class:`Hit`, :class:`SearchResult`;
- the names said once: :class:`Leg` (a retrieval leg, which knows its JSON key, file name and Milvus field) and the
  enums :class:`Mode`, :class:`Backend`, :class:`MilvusLexical`, :class:`Rebuild`, :class:`Verdict`,
  :class:`InputKind`, :class:`EnSource`, :class:`RefusalReason`, :class:`SentenceStatus`; each has ``from_str``,
  whose error lists the valid values.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property
from enum import StrEnum
from typing import Any

from retriever.errors import MetadataError, QueryError

__all__ = [
    "YEAR",
    "years_named",
    "plan_period_years",
    "Choice",
    "Mode",
    "Backend",
    "MilvusLexical",
    "Rebuild",
    "Verdict",
    "InputKind",
    "EnSource",
    "RefusalReason",
    "SentenceStatus",
    "LegKind",
    "Leg",
    "EXPLAIN_DENSE",
    "Lang",
    "Query",
    "IndexedClause",
    "Hit",
    "SearchResult",
    "MarkKind",
    "Mark",
    "Repair",
    "Sentence",
    "Heading",
    "Clause",
    "MatterItem",
    "DocumentMeta",
    "Document",
    "LOST_CHAR",
    "DOC_ID",
    "RESERVED_DOC_IDS",
    "check_doc_id",
    "check_file_name",
]

LOST_CHAR = "〓"
"""GB 2312's placeholder for a character that is missing from the source (U+3013)."""


# -- the vocabulary ----------------------------------------------------------------------------------------


class Choice(StrEnum):
    """A closed set of names; members compare equal to (and serialise as) their strings."""

    @classmethod
    def from_str(cls, value: "str | Choice") -> "Choice":
        """The member named ``value``; :class:`QueryError` listing the valid values otherwise."""
        try:
            return cls(value)
        except ValueError:
            valid = ", ".join(m.value for m in cls)
            label = _LABELS.get(cls.__name__, cls.__name__.lower())
            raise QueryError(f"unknown {label} {value!r}: choose one of {valid} 无效取值") from None


_LABELS = {"MilvusLexical": "Milvus lexical mode", "EnSource": "English source", "RefusalReason": "refusal reason",
           "SentenceStatus": "sentence status", "InputKind": "input kind", "LegKind": "leg kind",
           "Lang": "language", "MarkKind": "mark kind"}
"""How an error message names a choice (the class name lower-cased otherwise: mode, backend, rebuild, verdict)."""


class Mode(Choice):
    """Which legs a search uses."""

    HYBRID = "hybrid"
    BM25 = "bm25"  # lexical legs only
    DENSE = "dense"  # dense legs only


class Backend(Choice):
    """Which engine holds the clause index."""

    EMBEDDED = "embedded"  # files under index/: bm25s + FAISS
    MILVUS = "milvus"  # a Milvus-lite file or a Milvus server


class MilvusLexical(Choice):
    """Who tokenises the Milvus BM25 leg."""

    JIEBA = "jieba"  # Milvus's own jieba analyzer, given our user dictionary and stopwords
    CLIENT = "client"  # this package's tokenizer; tokens sent as opaque words


class Rebuild(Choice):
    """What opening a searcher may do to its index."""

    NEVER = "never"  # raise if missing, stale or corrupt
    MISSING = "missing"  # build when absent
    STALE = "stale"  # also bring it up to date (a delta segment, or a full build)
    BUILD = "build"  # build from scratch


class Verdict(Choice):
    """What the citation checker found."""

    RESOLVED = "resolved"  # an anchor or reference, resolved to its clause
    VERBATIM = "verbatim"
    UNCONFIRMED = "unconfirmed"  # matches every surviving character, but rests on lost or inferred ones
    ALTERED = "altered"
    NOT_FOUND = "not_found"


class InputKind(Choice):
    """What the citation checker was given."""

    ANCHOR = "anchor"
    REFERENCE = "reference"
    QUOTE = "quote"


class EnSource(Choice):
    """Where an English text comes from (always shown with it)."""

    REFERENCE = "reference"  # the reviewed reference translation
    MACHINE = "machine"  # a configured chat model
    TERMS = "terms"  # term glosses only


class RefusalReason(Choice):
    """Why an extractive answer refused."""

    WEAK_EVIDENCE = "weak_evidence"
    NO_FIGURE = "no_figure"
    OTHER_PROVINCE = "other_province"
    NOT_HELD = "not_held"  # the question names a document the corpus does not hold


class SentenceStatus(Choice):
    """The verifier's finding on one sentence of a generated answer."""

    SUPPORTED = "supported"
    UNCITED = "uncited"
    INVENTED_ANCHOR = "invented_anchor"
    NOT_RETRIEVED = "not_retrieved"
    MISQUOTE = "misquote"


class LegKind(Choice):
    """Lexical (BM25 over tokens) or dense (one embedder's vectors)."""

    LEXICAL = "lexical"
    DENSE = "dense"


_SAFE = re.compile(r"[^A-Za-z0-9_.-]")
EXPLAIN_DENSE = "dense"
"""The key of a hit's explanation that groups the dense legs (each under its :attr:`Leg.explain_key`)."""


@dataclass(frozen=True, order=True)
class Leg:
    """One retrieval leg: BM25 over the Chinese text or the reference English, or one embedder's vectors of the
    Chinese (with its heading path) or of the reference English.

    Every spelling of a leg comes from here: ``name`` (fusion weights, ``SearchConfig.weights``), ``explain_key``
    (the hit's ``explain``), ``vector_key`` (dense legs: manifest, embedding store), ``file`` (index folder) and
    ``milvus_field``.
    """

    kind: LegKind
    english: bool = False
    embedder: str = ""  # dense legs: the embedder spec ("use", "e5", "minilm", "st:/path/to/model")

    def __post_init__(self) -> None:
        if (self.kind is LegKind.DENSE) != bool(self.embedder):
            raise ValueError("a dense leg names its embedder; a lexical leg does not")

    @classmethod
    def bm25(cls, english: bool = False) -> "Leg":
        return cls(LegKind.LEXICAL, english)

    @classmethod
    def dense(cls, embedder: str, english: bool = False) -> "Leg":
        return cls(LegKind.DENSE, english, embedder)

    @classmethod
    def dense_legs(cls, embedders: "list[str] | tuple[str, ...]") -> "list[Leg]":
        """The dense legs of an index: one per embedder over the Chinese and one per embedder over the reference
        English (multilingual models: the English question meets the English rendering)."""
        return [cls.dense(e) for e in embedders] + [cls.dense(e, english=True) for e in embedders]

    @property
    def lexical(self) -> bool:
        return self.kind is LegKind.LEXICAL

    @property
    def vector_key(self) -> str:
        """A dense leg's key in the manifest (``dense_legs``) and the embedding store: ``use``, ``en:use``."""
        if self.lexical:
            raise ValueError(f"{self.name} has no vectors")
        return f"en:{self.embedder}" if self.english else self.embedder

    @property
    def name(self) -> str:
        """The leg's name in fusion weights: ``bm25``, ``bm25_en``, ``dense:use``, ``dense:en:use``."""
        if self.lexical:
            return "bm25_en" if self.english else "bm25"
        return f"dense:{self.vector_key}"

    @property
    def explain_key(self) -> str:
        """Its key in a hit's explanation: ``bm25``/``bm25_en`` at the top, ``use``/``en:use`` under
        :data:`EXPLAIN_DENSE`."""
        return self.name if self.lexical else self.vector_key

    @property
    def file(self) -> str:
        """Its file-name stem in an index folder: ``bm25``, ``bm25-en``, ``use``, ``en_use``, ``st__models_bge``."""
        if self.lexical:
            return "bm25-en" if self.english else "bm25"
        return _SAFE.sub("_", self.vector_key)

    @property
    def milvus_field(self) -> str:
        """Its field in the Milvus clause collection: ``sparse``, ``sparse_en``, ``dense_use``, ``dense_en_use``."""
        if self.lexical:
            return "sparse_en" if self.english else "sparse"
        return "dense_" + self.vector_key.replace(":", "_")

    @property
    def milvus_text_field(self) -> str:
        """A lexical leg's analysed text field in Milvus (its BM25 function's input): ``lex``, ``lex_en``."""
        return "lex_en" if self.english else "lex"

    @property
    def milvus_function(self) -> str:
        """A lexical leg's BM25 function in the Milvus schema: ``bm25_zh``, ``bm25_en``."""
        return "bm25_en" if self.english else "bm25_zh"

    @classmethod
    def from_vector_key(cls, key: str) -> "Leg":
        """The dense leg of a :attr:`vector_key` (``use``, ``en:use``)."""
        return cls.dense(key.removeprefix("en:"), english=key.startswith("en:"))

    @classmethod
    def parse(cls, text: str) -> "Leg":
        """A leg from any of its spellings (``name``, ``file``, or a dense ``vector_key``)."""
        if text in ("bm25", "bm25_en", "bm25-en"):
            return cls.bm25(english=text != "bm25")
        key = text.removeprefix("dense:")
        if key and key != "en:":
            return cls.from_vector_key(key)
        raise QueryError(f"unknown leg {text!r}: bm25, bm25_en, dense:EMBEDDER or dense:en:EMBEDDER 无效检索路")

    def __str__(self) -> str:
        return self.name


class Lang(Choice):
    """The language of a query."""

    ZH_HANS = "zh-Hans"
    ZH_HANT = "zh-Hant"
    EN = "en"
    MIXED = "mixed"

    @property
    def english(self) -> bool:
        """English or mixed: answered with English, searched with the English legs too."""
        return self in (Lang.EN, Lang.MIXED)


@dataclass(frozen=True)
class Query:
    """A normalised query: ``original`` for display, ``text`` (Simplified, NFKC) for matching."""

    original: str
    text: str
    lang: Lang
    notices: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()  # other Simplified readings (character-only conversion) for the lexical leg


@dataclass(frozen=True)
class IndexedClause:
    """What an index keeps of a clause: enough to show and explain a hit without the corpus (both backends)."""

    anchor: str
    doc: str
    label_zh: str
    label_en: str
    heading_path: tuple[str, ...]
    text: str
    chapter: int | None
    tokens: frozenset[str]
    text_en: str | None = None  # the reference English, when the document has one
    tokens_en: frozenset[str] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__, heading_path=list(self.heading_path), tokens=sorted(self.tokens),
                    tokens_en=sorted(self.tokens_en))

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "IndexedClause":
        return cls(**dict(raw, heading_path=tuple(raw["heading_path"]), tokens=frozenset(raw["tokens"]),
                          tokens_en=frozenset(raw.get("tokens_en", ()))))

    @classmethod
    def from_json(cls, line: str) -> "IndexedClause":
        return cls.from_dict(json.loads(line))


@dataclass(frozen=True)
class Hit:
    """One ranked clause with the reasons it ranked there."""

    rank: int
    anchor: str
    doc: str
    label_zh: str
    label_en: str
    heading_path: tuple[str, ...]
    text: str
    score: float
    explain: dict[str, Any]
    text_en: str | None = None
    marks: tuple[dict[str, Any], ...] = ()  # lost / inferred / structural spans of ``text``

    def to_dict(self, english: bool = False) -> dict[str, Any]:
        extra = {"text_en": self.text_en, "en_source": EnSource.REFERENCE if self.text_en else None} if english else {}
        return {
            "rank": self.rank,
            "anchor": self.anchor,
            "doc": self.doc,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "heading_path": list(self.heading_path),
            "text": self.text,
            "score": round(self.score, 6),
            "explain": self.explain,
            "marks": list(self.marks),
        } | extra


@dataclass(frozen=True)
class SearchResult:
    """The normalised query, the hits, and notices for the user (truncation, no lexical terms …)."""

    query: Query
    mode: Mode
    hits: list[Hit]
    terms: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    english: bool = False  # include text_en / en_source in to_dict (the CLI's --en)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query.original,
            "lang": self.query.lang.value,
            "mode": self.mode.value,
            "normalized": self.query.text,
            "terms": self.terms,
            "notices": self.notices,
            "hits": [h.to_dict(english=self.english) for h in self.hits],
        }


# -- documents -----------------------------------------------------------------------------------------------


class MarkKind(Choice):
    """How a span of shown text relates to the source file."""

    LOST = "lost"  # the source lost this character; 〓 stands in its place
    INFERRED = "inferred"  # restored from domain knowledge: plausible, not verbatim
    STRUCTURAL = "structural"  # restored from another place of the same document (contents page, numbering)


@dataclass(frozen=True)
class Mark:
    """A damaged or restored span of a text, as character offsets [start, end)."""

    start: int
    end: int
    kind: MarkKind
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "kind": self.kind.value, "note": self.note}


@dataclass(frozen=True)
class Repair:
    """One entry of the repair log: what was found at a source line and what it became."""

    kind: str
    line: int
    found: str
    result: str
    note: str = ""


@dataclass(frozen=True)
class Sentence:
    """A sentence of a clause with its character offsets in the clause text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Heading:
    """A chapter, section, part or other heading of a document."""

    anchor: str
    level: str  # "part" | "chapter" | "section" | "article" (a law article: its clauses' parent, not in headings)
    number: int
    label_zh: str
    label_en: str
    title: str  # the heading text without its number
    text: str  # the heading as printed, number included
    marks: tuple[Mark, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Clause:
    """A citable unit: a paragraph of the plan's body, or a paragraph (款) or item (项) of a law."""

    anchor: str
    doc_id: str
    kind: str  # "paragraph" | "article" | "item"
    label_zh: str
    label_en: str
    heading_path: tuple[str, ...]
    text: str
    sentences: tuple[Sentence, ...]
    lead: str | None = None
    marks: tuple[Mark, ...] = ()
    line: int = 0
    order: int = 0

    @property
    def has_damage(self) -> bool:
        return bool(self.marks)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["heading_path"] = list(self.heading_path)
        data["sentences"] = [asdict(s) for s in self.sentences]
        data["marks"] = [m.to_dict() for m in self.marks]
        return data


@dataclass(frozen=True)
class MatterItem:
    """Front or back matter kept for reading but not searchable: notice, title, contents, annex titles."""

    anchor: str
    kind: str  # "notice" | "title" | "contents" | "annex"
    text: str
    marks: tuple[Mark, ...] = ()
    line: int = 0


YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
"""A year as a question or a clause writes it (2020, 2025年)."""
_PLAN_PERIOD = re.compile(r"(?:(?<![第〇零一二两三四五六七八九十百])十([一二三四五])五|第十([一二三四五])个五年(?:规划|计划)?)"
                          r"[”\"」』’]?(末|初)?")
"""A Five-Year Plan named in words, short or long: 十三五 (第十三个五年规划) is 2016–2020, 十二五末 its last year (2015),
十四五初 its first (2021); the source lost some quote marks (十二五”末), so one may stand between the name and 末."""


_PLAN_PERIOD_EN = re.compile(r"\b(?:(1[1-5])(?:th)?|(eleventh|twelfth|thirteenth|fourteenth|fifteenth))[\s-]+five[\s-]*year",
                             re.IGNORECASE)
"""A Five-Year Plan named in English: the 13th Five-Year Plan, the Thirteenth Five Year period."""
_ORDINALS_EN = ("eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth")


def _plan_years(number: int, part: str = "") -> set[str]:
    """The years of the ``number``-th Five-Year Plan (the 11th ran 2006–2010), or its last (末) or first (初) year."""
    first = 2006 + 5 * (number - 11)
    return {str(y) for y in {"末": (first + 4,), "初": (first,)}.get(part, range(first, first + 5))}


def plan_period_years(text: str) -> set[str]:
    """The years of the Five-Year Plans a text names in words, in Chinese (十三五 or 第十三个五年规划 → 2016 to 2020,
    十二五末 → 2015) or English (the 13th Five-Year Plan)."""
    years = {y for m in _PLAN_PERIOD.finditer(text)
             for y in _plan_years(11 + "一二三四五".index(m.group(1) or m.group(2)), m.group(3) or "")}
    for m in _PLAN_PERIOD_EN.finditer(text):
        years |= _plan_years(int(m.group(1)) if m.group(1) else 11 + _ORDINALS_EN.index(m.group(2).lower()))
    return years


def years_named(text: str) -> set[str]:
    """The years a text names: in digits (2020年), and those of a Five-Year Plan named in words (十三五 → 2016 to 2020):
    "by the end of 2015" is answered by a clause about 十二五末."""
    return set(YEAR.findall(text)) | plan_period_years(text)


DOC_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
"""A document id: lower-case letters, digits and hyphens, at most 64, starting with a letter or digit (it names files
and appears in every anchor and URL)."""
RESERVED_DOC_IDS = frozenset({"all", "none", "index", "corpus", "laws", "eval", "con", "nul", "prn", "aux"})
"""Ids that name something else: the app's "all documents", the project's folders, devices on some systems."""


def check_doc_id(value: object) -> str:
    """``value`` if it is a usable document id; :class:`MetadataError` saying what a document id is otherwise."""
    if not isinstance(value, str) or not DOC_ID.fullmatch(value) or value in RESERVED_DOC_IDS:
        shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "…"
        reason = "is reserved" if value in RESERVED_DOC_IDS else "is not a document id"
        raise MetadataError(f"{shown} {reason}: use 1–64 lower-case letters, digits and hyphens, starting with a "
                            "letter or digit (e.g. zlf-2020) 文档编号只能包含小写字母、数字和连字符")
    return value


def check_file_name(value: str, field_name: str) -> str:
    """``value`` if it is a plain file name (no folder, no ``..``, not hidden); :class:`MetadataError` otherwise."""
    if (not value or value in (".", "..") or value.startswith(".") or "/" in value or "\\" in value
            or "\x00" in value or len(value) > 255):
        raise MetadataError(f"metadata {field_name} {value[:80]!r} must be a plain file name beside the metadata file "
                            "(no folders, no ..) 文件名不能包含路径")
    return value


@dataclass(frozen=True)
class DocumentMeta:
    """Bibliographic facts about a document, read from its metadata file; checked when made (the id, the types,
    the file names), so no document can name a path outside its folder."""

    doc_id: str
    title: str
    issuer: str = ""
    doc_number: str = ""
    doc_number_en: str = ""
    issue_date: str = ""
    publish_date: str = ""
    effective_date: str = ""
    source_url: str = ""
    language: str = "zh-Hans"
    format: str = ""
    source: str = ""
    title_en: str = ""
    issuer_en: str = ""
    notes: str = ""
    translation_en: str = ""  # a reference English translation beside the source (JSONL keyed by anchor)
    sha256: str = ""
    primary: bool = False  # the corpus's main document: where bare references (第五章第一节) point
    edition: str = ""  # a law's version as cited: 2020年修正
    edition_en: str = ""  # the same in English: 2020 Amendment
    aliases: tuple[str, ...] = ()  # other names people cite it by (科技进步法, Patent Law)

    @cached_property
    def years(self) -> frozenset[str]:
        """The years its title, edition and dates name: "the 2020 amendment" in a question names the document, not a
        year its clauses must state (read once: every ranked candidate asks)."""
        own = " ".join((self.title, self.title_en, self.edition, self.edition_en, self.issue_date, self.publish_date,
                        self.effective_date))
        return frozenset(YEAR.findall(own))

    def __post_init__(self) -> None:
        check_doc_id(self.doc_id)
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "aliases":
                if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in value):
                    raise MetadataError("metadata aliases must be a list of names 元数据类型错误")
                object.__setattr__(self, "aliases", tuple(value))
                continue
            wanted = bool if f.type in ("bool", bool) else str
            if not isinstance(value, wanted):
                raise MetadataError(f"metadata {f.name} must be {'true or false' if wanted is bool else 'text'}, "
                                    f"not {type(value).__name__} 元数据类型错误")
        for name in ("source", "translation_en"):
            if getattr(self, name):
                check_file_name(getattr(self, name), name)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Document:
    """A parsed document: its clauses in order, headings, front/back matter, repair log and warnings."""

    meta: DocumentMeta
    headings: tuple[Heading, ...]
    clauses: tuple[Clause, ...]
    front_matter: tuple[MatterItem, ...] = ()
    back_matter: tuple[MatterItem, ...] = ()
    repairs: tuple[Repair, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    source_path: str = ""  # where the source file was read from (empty for documents parsed from bytes)

    @property
    def doc_id(self) -> str:
        return self.meta.doc_id
