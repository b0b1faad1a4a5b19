"""``search``: ranked clauses for a question, explained; ``--jsonl`` for batches."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

from retriever.cli.common import add_backend_args, print_json, searcher_for, stdin_lines
from retriever.config import SearchConfig
from retriever.errors import QueryError, UnknownDocumentError
from retriever.ingest.corpus import Corpus
from retriever.types import EXPLAIN_DENSE, Leg, Mode, SearchResult

__all__ = ["register", "print_hits"]


def print_hits(result: SearchResult) -> None:
    """The hits for people: rank, anchor, labels, the start of the text, and why it matched."""
    data = result.to_dict()
    print(f"{data['query']}   [{data['lang']}, {data['mode']}]   terms 词: {' '.join(data['terms']) or '-'}")
    for notice in data["notices"]:
        print(f"  notice 提示: {notice}")
    if not data["hits"]:
        print("  no results 无结果")
    lexical = Leg.bm25().explain_key
    for hit in data["hits"]:
        text = hit["text"] if len(hit["text"]) <= 90 else hit["text"][:90] + "…"
        why = hit["explain"]
        parts = []
        if lexical in why:
            parts.append(f"{lexical} #{why[lexical]['rank'] or '-'} {','.join(why[lexical]['matched_terms'][:6])}")
        for name, leg in why.get(EXPLAIN_DENSE, {}).items():
            parts.append(f"{name} #{leg['rank'] or '-'} {leg['similarity']:.2f}")
        if why.get("fused", {}).get("known_question"):
            parts.append("a known question cites it 已知问题引用")  # no leg brought it
        print(f"{hit['rank']:>3}. {hit['anchor']}  {hit['label_zh']} · {hit['label_en']}")
        print(f"     {text}")
        print(f"     [{'; '.join(parts)}; fused {hit['score']:.4f}]")


def _search(corpus: Corpus, args: argparse.Namespace) -> None:
    SearchConfig().check_k(args.k)  # options that no query can mend: an error at once (exit 2), before loading
    if args.doc is not None:
        corpus.document(args.doc)
    searcher = searcher_for(args, corpus)
    options = dict(k=args.k, doc=args.doc, chapter=args.chapter, mode=args.mode, issuer=args.issuer,
                   since=args.since, until=args.until)

    def run(query: str) -> SearchResult:
        return replace(searcher.search(query, **options), english=args.en)

    if args.jsonl:
        for number, line, problem in stdin_lines():
            try:
                if problem is not None:
                    raise QueryError(problem)
                print(json.dumps(run(line).to_dict(), ensure_ascii=False), flush=True)
            except (QueryError, UnknownDocumentError) as err:
                print(json.dumps({"query": line, "line": number, "error": str(err), "hits": []}, ensure_ascii=False),
                      flush=True)
        return
    if args.query is None:
        raise QueryError("give a query, or --jsonl to read queries from standard input 请输入查询")
    result = run(args.query)
    if args.json:
        print_json(result.to_dict())
    else:
        print_hits(result)


def register(sub: argparse._SubParsersAction) -> None:
    search = sub.add_parser("search", help="find the clauses that answer a question")
    search.add_argument("query", nargs="?", help="a question in Chinese (简/繁) or English")
    search.add_argument("-k", type=int, default=10, help="number of hits (1–200, default 10)")
    search.add_argument("--doc", help="only this document (ids: corpus list)")
    search.add_argument("--chapter", type=int, help="only this chapter number")
    search.add_argument("--mode", choices=[m.value for m in Mode], default=Mode.HYBRID.value)
    search.add_argument("--json", action="store_true", help="print one JSON object")
    search.add_argument("--jsonl", action="store_true", help="read queries from stdin, one JSON object per line out")
    search.add_argument("--en", action="store_true", help="add each hit's English (text_en, en_source)")
    search.add_argument("--issuer", help="only documents whose issuer contains this (Chinese or English)")
    search.add_argument("--since", help="only documents issued on or after this date (YYYY[-MM[-DD]])")
    search.add_argument("--until", help="only documents issued on or before this date")
    search.add_argument("--index", type=Path, help="index folder (default: ./index/hybrid)")
    add_backend_args(search)
    search.set_defaults(func=_search)
