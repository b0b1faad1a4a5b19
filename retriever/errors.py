"""Specific errors raised by the library; the CLI and the app turn them into friendly messages."""

from __future__ import annotations

__all__ = [
    "RetrieverError",
    "ModelFeaturesError",
    "DocumentError",
    "EmptyDocumentError",
    "BinaryDocumentError",
    "EncodingError",
    "StructureError",
    "DuplicateAnchorError",
    "UnknownAnchorError",
    "UnknownDocumentError",
    "CorpusError",
    "QueryError",
    "SearchIndexError",
    "IndexMissingError",
    "StaleIndexError",
    "CorruptIndexError",
    "ModelUnavailableError",
    "BackendUnavailableError",
    "SchemaVersionError",
    "IncompleteLoadError",
    "NotInCorpusError",
    "ChatModelError",
    "MachineTranslationError",
    "MetadataError",
    "IndexWriteError",
]


def shown(text: str, limit: int = 120) -> str:
    """``text`` as a message shows it: cut to ``limit`` characters (a pasted chapter is not echoed whole)."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


class RetrieverError(Exception):
    """Base class of every error this package raises on purpose."""


class CorpusError(RetrieverError):
    """The corpus folder or a metadata file is missing or malformed."""


class ModelFeaturesError(CorpusError):
    """A fitted ranking model was fitted on other features, or with other dense legs, than this searcher computes
    (refit it)."""


class DocumentError(RetrieverError):
    """A source document cannot be read or parsed."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.reason = message
        super().__init__(f"{path}: {message}")


class EmptyDocumentError(DocumentError):
    """The file has no text at all."""


class BinaryDocumentError(DocumentError):
    """The file is not text (NUL bytes or undecodable content)."""


class EncodingError(DocumentError):
    """The file is text but in no encoding we can read faithfully."""


class StructureError(DocumentError):
    """The text was read but its structure is not what the parser needs (e.g. truncated)."""


class DuplicateAnchorError(DocumentError):
    """Two clauses of one document would get the same anchor."""

    def __init__(self, path: str, anchor: str, first: str, second: str) -> None:
        self.anchor = anchor
        self.first = first
        self.second = second
        super().__init__(path, f"duplicate anchor {anchor}: {first} and {second}")


class UnknownAnchorError(RetrieverError, KeyError):
    """An anchor that no clause has; carries the nearest valid anchors."""

    def __init__(self, anchor: str, suggestions: list[str]) -> None:
        self.anchor = shown(anchor)
        self.suggestions = suggestions
        hint = f"; did you mean: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"unknown anchor {self.anchor!r}{hint}")

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


class UnknownDocumentError(RetrieverError, KeyError):
    """A document id that the corpus does not have."""

    def __init__(self, doc_id: str, known: list[str]) -> None:
        doc_id = shown(doc_id)
        self.doc_id = doc_id
        self.known = known
        super().__init__(f"unknown document {doc_id!r}; known documents: {', '.join(known)}")

    def __str__(self) -> str:
        return self.args[0]


class QueryError(RetrieverError, ValueError):
    """A query or search parameter that cannot be used (empty, no words, k out of range …)."""


class SearchIndexError(RetrieverError):
    """Base class of problems with the search index on disk."""


class IndexMissingError(SearchIndexError):
    """No index has been built in this folder yet."""


class StaleIndexError(SearchIndexError):
    """The index was built from another corpus, model or tokenizer than the current one."""


class CorruptIndexError(SearchIndexError):
    """Index files are missing, truncated or unreadable."""


class ModelUnavailableError(RetrieverError):
    """An embedding model package or model directory (or a bundled data package, such as the English word
    frequencies) is not installed or cannot be loaded."""


class BackendUnavailableError(SearchIndexError):
    """The search backend (a Milvus server or Milvus-lite file) cannot be reached or opened."""


class SchemaVersionError(SearchIndexError):
    """A collection was created by another schema version of this package (or by something else)."""


class IncompleteLoadError(SearchIndexError):
    """A bulk load into the collection was interrupted; rerunning the update resumes it."""


class NotInCorpusError(UnknownDocumentError):
    """A document to remove is not in the corpus (never added, or already removed)."""

    def __str__(self) -> str:
        return (f"no document {self.doc_id!r} in the corpus: never added, or already removed "
                f"文档不在语料库中（未添加或已删除）")


class ChatModelError(RetrieverError):
    """The configured chat model is missing, unreachable, timed out or answered nothing usable."""


class MachineTranslationError(ChatModelError):
    """Machine translation failed (see :class:`ChatModelError`)."""


class MetadataError(QueryError):
    """Document metadata that cannot be used: a malformed id, a value of the wrong type, a path that is not a plain
    file name beside the metadata file."""


class IndexWriteError(SearchIndexError):
    """The index cannot be written where it should go (permissions, a full disk)."""
