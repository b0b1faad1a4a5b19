"""Bilingual clause search and cited Q&A over Chinese policy text.

The clause tree (this package's foundation): ``Corpus.load()`` reads ``corpus/``, repairs the scraped plan,
and gives every clause a stable anchor such as ``hb-sti-14fyp:ch5.s1.p2``.
"""

from .corpus import Corpus, decode_source, load_document, parse_document
from .errors import (
    BinaryDocumentError,
    CorpusError,
    DocumentError,
    DuplicateAnchorError,
    EmptyDocumentError,
    EncodingError,
    RetrieverError,
    StructureError,
    UnknownAnchorError,
    UnknownDocumentError,
)
from .model import Clause, Document, DocumentMeta, Heading, Mark, MarkKind, MatterItem, Sentence

__all__ = [
    "Corpus",
    "decode_source",
    "load_document",
    "parse_document",
    "Clause",
    "Document",
    "DocumentMeta",
    "Heading",
    "Mark",
    "MarkKind",
    "MatterItem",
    "Sentence",
    "RetrieverError",
    "CorpusError",
    "DocumentError",
    "EmptyDocumentError",
    "BinaryDocumentError",
    "EncodingError",
    "StructureError",
    "DuplicateAnchorError",
    "UnknownAnchorError",
    "UnknownDocumentError",
]
