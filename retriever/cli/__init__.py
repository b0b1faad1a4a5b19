"""Command line: ``python -m retriever COMMAND``, one module per command group.

| module | commands |
|---|---|
| :mod:`~retriever.cli.corpus` | ``corpus list|report|add|remove``, ``show`` |
| :mod:`~retriever.cli.index` | ``index build|update|status`` |
| :mod:`~retriever.cli.search` | ``search`` |
| :mod:`~retriever.cli.answer` | ``ask``, ``check`` |
| :mod:`~retriever.cli.english` | ``gloss`` |
| :mod:`~retriever.cli.evaluation` | ``eval``, ``bench`` |
| :mod:`~retriever.cli.fit` | ``fit`` (the ranking model) |

Errors become one bilingual line on stderr and an exit status from :data:`EXIT_CODES` (2: the user's input;
1: the corpus or the index); none shows a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from retriever.cli import answer, corpus, english, evaluation, fit, index, search
from retriever.config import corpus_dir
from retriever.errors import (
    BackendUnavailableError,
    IncompleteLoadError,
    IndexWriteError,
    NotInCorpusError,
    QueryError,
    RetrieverError,
    SchemaVersionError,
    SearchIndexError,
    UnknownAnchorError,
    UnknownDocumentError,
)
from retriever.ingest.corpus import Corpus

__all__ = ["main", "build_parser", "EXIT_CODES", "EXIT_USER_ERROR", "EXIT_CORPUS_ERROR"]

EXIT_USER_ERROR = 2
EXIT_CORPUS_ERROR = 1


def _unknown_anchor(err: UnknownAnchorError) -> str:
    hint = f"\n  nearest anchors 最接近的锚点: {', '.join(err.suggestions)}" if err.suggestions else ""
    return f"no clause has the anchor 未找到锚点 {err.anchor!r}{hint}"


def _unknown_document(err: UnknownDocumentError) -> str:
    return f"unknown document 未知文档 {err.doc_id!r}; known 可用: {', '.join(err.known)}"


def _index_fix(err: SearchIndexError) -> str:
    return f"{err}\n  fix 解决: python -m retriever index build"


EXIT_CODES: tuple[tuple[type[RetrieverError], int, Callable[..., str]], ...] = (
    # error type (the first that matches wins), exit status, the message
    (UnknownAnchorError, EXIT_USER_ERROR, _unknown_anchor),
    (NotInCorpusError, EXIT_USER_ERROR, str),
    (UnknownDocumentError, EXIT_USER_ERROR, _unknown_document),
    (QueryError, EXIT_USER_ERROR, str),
    (BackendUnavailableError, EXIT_USER_ERROR, str),
    (SchemaVersionError, EXIT_USER_ERROR, str),
    (IncompleteLoadError, EXIT_USER_ERROR, str),
    (IndexWriteError, EXIT_CORPUS_ERROR, str),  # its message names the folder and what to do
    (SearchIndexError, EXIT_CORPUS_ERROR, _index_fix),
    (RetrieverError, EXIT_CORPUS_ERROR, str),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m retriever", description="Clause search over Chinese policy text.")
    parser.add_argument("--corpus", type=Path, default=corpus_dir(),
                        help="corpus folder (default: $RETRIEVER_CORPUS_DIR or ./corpus)")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in (corpus, search, answer, english, index, evaluation, fit):
        group.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(Corpus.load(args.corpus), args)
    except RetrieverError as err:
        status, message = next((code, describe) for kind, code, describe in EXIT_CODES if isinstance(err, kind))
        print(f"error 错误: {message(err)}", file=sys.stderr)
        return status
    except BrokenPipeError:
        return 0
    return 0
