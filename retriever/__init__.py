"""Bilingual clause search and cited Q&A over Chinese policy text.

The pipeline, one folder per stage (data flows one way, each stage imports only earlier ones)::

    ingest/      source files → repair → clause tree with stable anchors (Corpus)
    analysis/    normalise, tokenise, what each leg sees, the glossary, the embedding and chat models
    english/     reference translation, term glosses, machine translation
    index/       the embedded index on disk (build, manifest, delta segments), the embedding store, Milvus
    search/      the Searcher protocol and its two backends, query analysis, fusion, filters, LangChain
    answer/      extractive answers and refusals, verified generated answers, the citation check, exports
    evaluation/  retrieval and answer metrics, refusal calibration, benchmarks, eval/report.md
    cli/         ``python -m retriever``

This module is the public API: open a searcher, answer, check citations, gloss, and the types they pass on.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_PUBLIC = {
    "Corpus": "retriever.ingest.corpus",
    "decode_source": "retriever.ingest.corpus",
    "load_document": "retriever.ingest.corpus",
    "parse_document": "retriever.ingest.corpus",
    "open_searcher": "retriever.search.open",
    "Searcher": "retriever.search.protocol",
    "ClauseRetriever": "retriever.search.langchain",
    "Answerer": "retriever.answer.extractive",
    "Answer": "retriever.answer.extractive",
    "AnswerSentence": "retriever.answer.extractive",
    "CitationChecker": "retriever.answer.citation_check",
    "CheckResult": "retriever.answer.citation_check",
    "Glosser": "retriever.english.term_gloss",
    "Gloss": "retriever.english.term_gloss",
    "Clause": "retriever.types",
    "Document": "retriever.types",
    "DocumentMeta": "retriever.types",
    "Heading": "retriever.types",
    "Mark": "retriever.types",
    "MarkKind": "retriever.types",
    "MatterItem": "retriever.types",
    "Sentence": "retriever.types",
    "Query": "retriever.types",
    "Lang": "retriever.types",
    "Hit": "retriever.types",
    "SearchResult": "retriever.types",
    "Leg": "retriever.types",
    "Mode": "retriever.types",
    "Backend": "retriever.types",
    "Rebuild": "retriever.types",
    "Verdict": "retriever.types",
    "InputKind": "retriever.types",
    "EnSource": "retriever.types",
    "RefusalReason": "retriever.types",
    "RetrieverError": "retriever.errors",
    "CorpusError": "retriever.errors",
    "DocumentError": "retriever.errors",
    "EmptyDocumentError": "retriever.errors",
    "BinaryDocumentError": "retriever.errors",
    "EncodingError": "retriever.errors",
    "StructureError": "retriever.errors",
    "DuplicateAnchorError": "retriever.errors",
    "UnknownAnchorError": "retriever.errors",
    "UnknownDocumentError": "retriever.errors",
    "QueryError": "retriever.errors",
    "SearchIndexError": "retriever.errors",
}
"""Each public name and the module that defines it; imported on first use, so ``import retriever.types``
stays cheap (LangChain and the models load only when asked for)."""

__all__ = list(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'retriever' has no attribute {name!r}")
    value = getattr(import_module(_PUBLIC[name]), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from retriever.answer.citation_check import CheckResult, CitationChecker
    from retriever.answer.extractive import Answer, Answerer, AnswerSentence
    from retriever.english.term_gloss import Gloss, Glosser
    from retriever.errors import (
        BinaryDocumentError,
        CorpusError,
        DocumentError,
        DuplicateAnchorError,
        EmptyDocumentError,
        EncodingError,
        QueryError,
        RetrieverError,
        SearchIndexError,
        StructureError,
        UnknownAnchorError,
        UnknownDocumentError,
    )
    from retriever.ingest.corpus import Corpus, decode_source, load_document, parse_document
    from retriever.search.langchain import ClauseRetriever
    from retriever.search.open import open_searcher
    from retriever.search.protocol import Searcher
    from retriever.types import (
        Backend,
        Clause,
        Document,
        DocumentMeta,
        EnSource,
        Heading,
        Hit,
        InputKind,
        Lang,
        Leg,
        Mark,
        MarkKind,
        MatterItem,
        Mode,
        Query,
        Rebuild,
        RefusalReason,
        SearchResult,
        Sentence,
        Verdict,
    )
