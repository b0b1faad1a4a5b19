"""``index build|update|status`` for either backend, and the index updates after a corpus change."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from retriever.cli.common import add_backend_args, announce_first_build, backend_config, index_config, progress_printer
from retriever.errors import QueryError
from retriever.index.folder import looks_like_index
from retriever.index.manifest import has_manifest
from retriever.ingest.corpus import Corpus
from retriever.search.embedded import EmbeddedSearcher
from retriever.search.milvus import MilvusSearcher
from retriever.types import Backend, Rebuild

__all__ = ["register", "update_indexes", "how_updated"]

_REBUILD = {"status": Rebuild.NEVER, "build": Rebuild.BUILD, "update": Rebuild.STALE}


def how_updated(manifest: dict[str, Any]) -> str:
    """One line on the index's delta segment, or on why it was last built in full."""
    delta = manifest.get("delta")
    if delta is None:
        return f"full build 完整建立 ({manifest.get('build_reason', 'build')}), no delta segment"
    return (f"delta segment 增量段 {delta['generation']}: {len(delta['documents'])} documents, {delta['rows']} clauses "
            f"over the base, {delta['replaced_rows']} base clauses replaced ({len(delta['replaced'])} documents); "
            "`index build` folds it in 完整重建可合并")


def _embedded(corpus: Corpus, args: argparse.Namespace) -> None:
    config = index_config(args)
    if args.index_command == "build" and not looks_like_index(config.index_dir):
        raise QueryError(f"{config.index_dir} holds files an index does not (it is not an index folder): not touching "
                         "it; choose another --index 该目录不是索引目录，未作改动")
    rebuild = _REBUILD[args.index_command]
    announce_first_build(config, rebuild)
    searcher = EmbeddedSearcher.open(config, rebuild=rebuild, corpus=corpus, progress=progress_printer())
    manifest = searcher.index.manifest
    if args.index_command == "update" and searcher.opened == "loaded":
        print(f"index 索引: {config.index_dir} is up to date 已是最新 ({manifest['clause_count']} clauses, built "
              f"{manifest['built_at']}); nothing to do")
        return
    if args.index_command == "status":
        print(f"index 索引: {config.index_dir}  (up to date 最新)")
        print(f"  clauses: {manifest['clause_count']}   built: {manifest['built_at']}   "
              f"build seconds: {manifest['build_seconds']}")
        print(f"  dense legs: {', '.join(manifest['dense_legs'])}   faiss: {manifest['faiss_types']}")
        print(f"  {how_updated(manifest)}")
        return
    if "delta" in manifest and searcher.opened == "updated":
        delta = manifest["delta"]
        print(f"updated {config.index_dir} with a delta segment ({len(delta['documents'])} documents, "
              f"{delta['rows']} clauses) in {delta['seconds']['total']} s")
        return
    print(f"built {manifest['clause_count']} clauses into {config.index_dir} in {manifest['build_seconds']['total']} s")


def _milvus(corpus: Corpus, args: argparse.Namespace) -> None:
    backend = backend_config(args)
    searcher = MilvusSearcher.open(index_config(args), backend, rebuild=_REBUILD[args.index_command], corpus=corpus,
                                   progress=progress_printer())
    docs = searcher.collection.documents()
    print(f"Milvus collection 集合: {backend.collection} at {backend.milvus_uri}  (up to date 最新)")
    print(f"  documents: {len(docs)}   clauses: {sum(d.get('clauses', 0) for d in docs.values())}   "
          f"lexical: {backend.lexical}   legs: {', '.join(leg.vector_key for leg in searcher.collection.legs)}")
    if searcher.last_sync is not None:
        print(f"  sync: {searcher.last_sync}")


def _index(corpus: Corpus, args: argparse.Namespace) -> None:
    (_milvus if backend_config(args).backend is Backend.MILVUS else _embedded)(corpus, args)


def update_indexes(args: argparse.Namespace, changed: str) -> None:
    """After a corpus change: update the embedded index (if built) and, with --backend milvus, the collection."""
    corpus = Corpus.load(args.corpus)
    config, backend = index_config(args), backend_config(args)
    if has_manifest(config.index_dir):
        start = time.perf_counter()
        manifest = EmbeddedSearcher.open(config, rebuild=Rebuild.STALE, corpus=corpus,
                                         progress=progress_printer()).index.manifest
        done = manifest.get("embedded_texts", {})
        detail = f"{done.get('embedded', 0)} texts embedded, {done.get('reused', 0)} reused; " + how_updated(manifest)
        print(f"  {Backend.EMBEDDED} index updated for {changed} in {time.perf_counter() - start:.1f} s ({detail}) "
              "索引已更新")
    if backend.backend is Backend.MILVUS:
        start = time.perf_counter()
        sync = MilvusSearcher.open(config, backend, rebuild=Rebuild.STALE, corpus=corpus,
                             progress=progress_printer()).last_sync
        detail = (f"{sync.clauses_written} clauses written, {sync.embedded} texts embedded, {sync.reused} reused"
                  if sync else "already up to date")
        print(f"  {Backend.MILVUS} index updated for {changed} in {time.perf_counter() - start:.1f} s ({detail}) "
              "索引已更新")


def register(sub: argparse._SubParsersAction) -> None:
    index = sub.add_parser("index", help="build or check the search index")
    index_sub = index.add_subparsers(dest="index_command", required=True)
    for name, text in (("build", "build the index from scratch"), ("update", "rebuild only if missing or stale"),
                       ("status", "check the index against the corpus and models")):
        p = index_sub.add_parser(name, help=text)
        p.add_argument("--index", type=Path, help="index folder (default: ./index/hybrid)")
        add_backend_args(p)
        p.set_defaults(func=_index)
