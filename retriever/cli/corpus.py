"""``corpus list|report|add|remove`` and ``show``: the documents, their repairs, and one clause by anchor."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from retriever.cli.common import add_backend_args, index_config, print_json
from retriever.cli.index import update_indexes
from retriever.errors import QueryError
from retriever.index.embedding_store import EmbeddingStore
from retriever.ingest.add_remove import MAX_SOURCE_BYTES, CorpusChange, plan_add, plan_remove
from retriever.ingest.corpus import FORMATS, Corpus
from retriever.ingest.repair_report import format_report, repair_report
from retriever.types import Clause, Heading, MatterItem

__all__ = ["register"]


def _list(corpus: Corpus, args: argparse.Namespace) -> None:
    rows = []
    for doc in corpus.documents.values():
        rows.append(
            dict(
                doc.meta.to_dict(),
                clauses=len(doc.clauses),
                headings=len(doc.headings),
                headings_by_level={lv: sum(1 for h in doc.headings if h.level == lv)
                                   for lv in ("part", "chapter", "section") if any(h.level == lv for h in doc.headings)},
                warnings=list(doc.warnings),
            )
        )
    if args.json:
        print_json(rows)
        return
    for row in rows:
        levels = ", ".join(f"{n} {lv}s" for lv, n in row["headings_by_level"].items())
        print(f"{row['doc_id']}  {row['title']}")
        print(f"    {row['title_en']}")
        print(f"    issuer 发布机关: {row['issuer']}   number 文号: {row['doc_number'] or '-'}")
        print(f"    issued 签发: {row['issue_date']}   published 发布: {row['publish_date']}   "
              f"effective 施行: {row['effective_date']}")
        print(f"    clauses 条款: {row['clauses']}   headings 标题: {levels}   format: {row['format']}")
        print(f"    source 来源: {row['source_url']}")
        for w in row["warnings"]:
            print(f"    warning 警告: {w}")


def _report(corpus: Corpus, args: argparse.Namespace) -> None:
    docs = [corpus.document(args.doc)] if args.doc else [d for d in corpus.documents.values() if d.repairs]
    reports = [repair_report(d) for d in docs]
    if args.json:
        print_json([r.to_dict() for r in reports])
        return
    print("\n\n".join(format_report(r) for r in reports))


def _marks_text(marks) -> list[str]:
    return [f"  [{m.start}–{m.end}) {m.kind.value}: {m.note}" for m in marks]


def _show(corpus: Corpus, args: argparse.Namespace) -> None:
    item = corpus.lookup(args.anchor)
    if isinstance(item, Clause):
        doc = corpus.document(item.doc_id)
        if args.json:
            print_json(dict(item.to_dict(), document=doc.meta.title, doc_number=doc.meta.doc_number))
            return
        print(item.anchor)
        print(f"{item.label_zh} · {item.label_en}   ({doc.meta.title})")
        if item.heading_path:
            print(" > ".join(item.heading_path))
        if item.lead:
            print(f"lead 引导语: {item.lead}")
        print()
        print(item.text)
        if item.marks:
            print("\ndamage marks 损伤标记 (〓 = character lost in the source 源文件缺失):")
            print("\n".join(_marks_text(item.marks)))
        return
    if isinstance(item, Heading):
        children = corpus.children(item.anchor)
        if args.json:
            print_json(dict(anchor=item.anchor, level=item.level, label_zh=item.label_zh, label_en=item.label_en,
                            text=item.text, title=item.title, marks=[m.to_dict() for m in item.marks],
                            clauses=children))
            return
        print(item.anchor)
        print(f"{item.label_zh} · {item.label_en}")
        print(item.text)
        if item.marks:
            print("\n".join(_marks_text(item.marks)))
        print(f"\nclauses 条款 ({len(children)}): " + ", ".join(children))
        return
    assert isinstance(item, MatterItem)
    if args.json:
        print_json(dict(anchor=item.anchor, kind=item.kind, text=item.text, marks=[m.to_dict() for m in item.marks],
                        searchable=False))
        return
    print(f"{item.anchor}  ({item.kind}; not a searchable clause 非检索条款)")
    print(item.text)
    if item.marks:
        print("\n".join(_marks_text(item.marks)))


def _read_meta_file(path: Path) -> dict[str, Any]:
    try:
        meta = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as err:
        raise QueryError(f"cannot read the metadata file {path}: {err} 无法读取元数据文件") from None
    if not isinstance(meta, dict):
        raise QueryError(f"{path} must hold a JSON object 元数据须为JSON对象")
    meta.pop("sha256", None)
    return meta


def _apply_and_index(change: CorpusChange, args: argparse.Namespace) -> None:
    """Apply a corpus change and bring the indexes up to date; if the update fails, the corpus is put back."""
    change.apply()
    print(f"{change.how} {change.doc_id}: {', '.join(change.names)} "
          f"已{ {'added': '添加', 'replaced': '替换', 'removed': '删除'}[change.how] }", flush=True)
    try:
        update_indexes(args, change.doc_id)
    except BaseException:
        change.undo()
        print(f"the index update failed: the corpus is as it was before ({change.doc_id} not {change.how}) "
              "索引更新失败，语料已恢复原状", file=sys.stderr)
        raise
    if change.how == "removed":
        EmbeddingStore(index_config(args).store_dir).remove(change.doc_id)


def _add(corpus: Corpus, args: argparse.Namespace) -> None:
    meta = _read_meta_file(args.meta) if args.meta else {}
    for key in ("doc_id", "title", "format", "issuer", "issue_date"):
        if getattr(args, key):
            meta[key] = getattr(args, key)
    if args.max_size <= 0:
        raise QueryError(f"--max-size must be a positive number of megabytes (got {args.max_size}) 须为正数")
    change = plan_add(args.corpus, args.file, meta, replace=args.replace, max_bytes=int(args.max_size * 1e6))
    _apply_and_index(change, args)


def _remove(corpus: Corpus, args: argparse.Namespace) -> None:
    _apply_and_index(plan_remove(args.corpus, args.doc, force=args.force), args)


def register(sub: argparse._SubParsersAction) -> None:
    corpus = sub.add_parser("corpus", help="inspect the corpus")
    corpus_sub = corpus.add_subparsers(dest="corpus_command", required=True)
    listing = corpus_sub.add_parser("list", help="every document with its metadata and clause counts")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_list)
    report = corpus_sub.add_parser("report", help="repair counts per kind and chapter, lost characters")
    report.add_argument("--doc", help="document id (default: every repaired document)")
    report.add_argument("--json", action="store_true")
    report.set_defaults(func=_report)
    add = corpus_sub.add_parser("add", help="add or replace one document; only it is re-indexed")
    add.add_argument("file", type=Path, help="the source file (law Markdown or scraped plan text)")
    add.add_argument("--meta", type=Path, help="metadata JSON (doc_id, title, format …); flags override it")
    add.add_argument("--doc-id", dest="doc_id")
    add.add_argument("--title")
    add.add_argument("--format", choices=FORMATS)
    add.add_argument("--issuer")
    add.add_argument("--issue-date", dest="issue_date")
    add.add_argument("--replace", action="store_true", help="replace the document of the same id (needed to)")
    add.add_argument("--max-size", type=float, default=MAX_SOURCE_BYTES / 1e6, metavar="MB",
                     help=f"the largest source file to take (default {MAX_SOURCE_BYTES / 1e6:g} MB)")
    add.set_defaults(func=_add)
    remove = corpus_sub.add_parser("remove", help="remove one document; the indexes drop only its clauses")
    remove.add_argument("doc", help="document id")
    remove.add_argument("--force", action="store_true",
                        help="also when the document has a hand-written reference translation (deleted with it)")
    remove.set_defaults(func=_remove)
    for p in (add, remove):
        p.add_argument("--index", type=Path, help="embedded index folder (default: ./index/hybrid)")
        add_backend_args(p)

    show = sub.add_parser("show", help="print a clause (or heading) by its anchor")
    show.add_argument("anchor", help="DOC:ch5.s1.p2 (document ids: corpus list)")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=_show)
