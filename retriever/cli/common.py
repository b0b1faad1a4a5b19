"""What every command shares: JSON output, configuration from the flags, opening the searcher, batch input."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from retriever.config import BackendConfig, IndexConfig
from retriever.errors import QueryError, UnknownAnchorError, UnknownDocumentError
from retriever.index.manifest import has_manifest
from retriever.ingest.corpus import Corpus
from retriever.search.open import open_searcher
from retriever.search.protocol import Searcher
from retriever.types import Backend, MilvusLexical, Rebuild

__all__ = ["print_json", "index_config", "backend_config", "announce_first_build", "progress_printer", "searcher_for", "batch", "stdin_lines", "add_backend_args"]


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def backend_config(args: argparse.Namespace) -> BackendConfig:
    """The backend the flags choose (unset flags: the environment's, else the defaults)."""
    given = {"backend": getattr(args, "backend", None), "milvus_uri": getattr(args, "milvus_uri", None),
             "collection": getattr(args, "milvus_collection", None), "lexical": getattr(args, "milvus_lexical", None)}
    return BackendConfig(**{k: v for k, v in given.items() if v})


def index_config(args: argparse.Namespace) -> IndexConfig:
    index = getattr(args, "index", None)
    return IndexConfig(corpus_dir=args.corpus, **({"index_dir": index} if index else {}))


def progress_printer(every: float = 2.0) -> Callable[[str, float], None]:
    """A build's progress on stderr: a line at most every ``every`` seconds, and the last one."""
    last = [0.0]

    def show(message: str, fraction: float) -> None:
        now = time.monotonic()
        if now - last[0] >= every or fraction >= 1.0:
            last[0] = now
            print(f"  {fraction:4.0%} {message}", file=sys.stderr, flush=True)

    return show


def announce_first_build(config: IndexConfig, rebuild: Rebuild) -> None:
    """Say on stderr that the embedded index is about to be built (it takes a while)."""
    if not has_manifest(config.index_dir) and rebuild is not Rebuild.NEVER:
        print(f"building the index in {config.index_dir} (first use) 首次使用，正在建立索引…", file=sys.stderr)


def searcher_for(args: argparse.Namespace, corpus: Corpus, rebuild: Rebuild = Rebuild.MISSING) -> Searcher:
    """The searcher of the flags' backend (announcing a first build of the embedded index)."""
    config, backend = index_config(args), backend_config(args)
    if backend.backend is Backend.EMBEDDED:
        announce_first_build(config, rebuild)
    return open_searcher(config, backend, rebuild=rebuild, corpus=corpus, progress=progress_printer())


def stdin_lines() -> Iterator[tuple[int, str | None, str | None]]:
    """(line number, text, error) for each line of standard input, decoded strictly: UTF-8, or UTF-16 / UTF-8 with
    a byte-order mark (said once on stderr); a line that is not valid text gets an error naming its number."""
    data = sys.stdin.buffer.read()
    encoding = "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, data = "utf-16", data
        print("notice 提示: standard input is UTF-16: decoded as such", file=sys.stderr)
    elif data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        print("notice 提示: standard input starts with a UTF-8 byte-order mark: dropped", file=sys.stderr)
    if encoding == "utf-16":
        try:
            lines = data.decode("utf-16").splitlines()
        except UnicodeDecodeError as err:
            yield 1, None, f"standard input is not valid UTF-16 ({err.reason}) 输入不是有效的UTF-16"
            return
        yield from ((n, line, None) for n, line in enumerate(lines, 1))
        return
    for n, raw in enumerate(data.splitlines(), 1):
        try:
            yield n, raw.decode("utf-8"), None
        except UnicodeDecodeError as err:
            yield n, None, (f"line {n} is not valid UTF-8 (byte {err.start}: {raw[err.start:err.start + 1]!r}); "
                            "save the input as UTF-8 第{n}行不是有效的UTF-8").replace("{n}", str(n))


def batch(args: argparse.Namespace, one: Callable[[str], dict], show: Callable[[dict], None] | None) -> None:
    """Run ``one(text)`` for the argument or, with --jsonl, for each stdin line (errors become JSON objects with
    the line number); print JSON (with --json, or when there is no ``show``), or ``show`` the result for people."""
    if args.jsonl:
        for number, line, problem in stdin_lines():
            try:
                if problem is not None:
                    raise QueryError(problem)
                print(json.dumps(one(line), ensure_ascii=False), flush=True)
            except (QueryError, UnknownAnchorError, UnknownDocumentError) as err:
                print(json.dumps({"input": line, "line": number, "error": str(err)}, ensure_ascii=False), flush=True)
        return
    if args.text is None:
        raise QueryError("give the text, or --jsonl to read lines from standard input 请输入内容")
    data = one(args.text)
    if args.json or show is None:
        print_json(data)
    else:
        show(data)


def add_backend_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", choices=[b.value for b in Backend],
                        help="embedded index files (default) or Milvus ($RETRIEVER_BACKEND)")
    parser.add_argument("--milvus-uri", help="Milvus-lite file (index/milvus.db) or http://host:19530 "
                                             "($RETRIEVER_MILVUS_URI)")
    parser.add_argument("--milvus-collection", help="collection name (default: clauses)")
    parser.add_argument("--milvus-lexical", choices=[m.value for m in MilvusLexical],
                        help="BM25 tokens from Milvus's jieba analyzer (default) or from this package's tokenizer")
