"""Command line: ``python -m retriever corpus list|report`` and ``python -m retriever show ANCHOR``.

User errors print a one-line bilingual message and exit with status 2; a broken corpus exits with 1.
Neither shows a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .corpus import DEFAULT_CORPUS, Corpus
from .errors import RetrieverError, UnknownAnchorError, UnknownDocumentError
from .model import Clause, Heading, MatterItem
from .report import format_report, repair_report

__all__ = ["main"]

EXIT_USER_ERROR = 2
EXIT_CORPUS_ERROR = 1


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _cmd_corpus_list(corpus: Corpus, args: argparse.Namespace) -> None:
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
        _print_json(rows)
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


def _cmd_corpus_report(corpus: Corpus, args: argparse.Namespace) -> None:
    docs = [corpus.document(args.doc)] if args.doc else [d for d in corpus.documents.values() if d.repairs]
    reports = [repair_report(d) for d in docs]
    if args.json:
        _print_json([r.to_dict() for r in reports])
        return
    print("\n\n".join(format_report(r) for r in reports))


def _marks_text(marks) -> list[str]:
    return [f"  [{m.start}–{m.end}) {m.kind.value}: {m.note}" for m in marks]


def _cmd_show(corpus: Corpus, args: argparse.Namespace) -> None:
    item = corpus.lookup(args.anchor)
    if isinstance(item, Clause):
        doc = corpus.document(item.doc_id)
        if args.json:
            _print_json(dict(item.to_dict(), document=doc.meta.title, doc_number=doc.meta.doc_number))
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
            _print_json(dict(anchor=item.anchor, level=item.level, label_zh=item.label_zh, label_en=item.label_en,
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
        _print_json(dict(anchor=item.anchor, kind=item.kind, text=item.text, marks=[m.to_dict() for m in item.marks],
                         searchable=False))
        return
    print(f"{item.anchor}  ({item.kind}; not a searchable clause 非检索条款)")
    print(item.text)
    if item.marks:
        print("\n".join(_marks_text(item.marks)))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m retriever", description="Clause search over Chinese policy text.")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder (default: ./corpus)")
    sub = parser.add_subparsers(dest="command", required=True)

    corpus = sub.add_parser("corpus", help="inspect the corpus")
    corpus_sub = corpus.add_subparsers(dest="corpus_command", required=True)
    listing = corpus_sub.add_parser("list", help="every document with its metadata and clause counts")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_cmd_corpus_list)
    report = corpus_sub.add_parser("report", help="repair counts per kind and chapter, lost characters")
    report.add_argument("--doc", help="document id (default: every repaired document)")
    report.add_argument("--json", action="store_true")
    report.set_defaults(func=_cmd_corpus_report)

    show = sub.add_parser("show", help="print a clause (or heading) by its anchor")
    show.add_argument("anchor", help="e.g. hb-sti-14fyp:ch5.s1.p2")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=_cmd_show)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        corpus = Corpus.load(args.corpus)
        args.func(corpus, args)
    except UnknownAnchorError as err:
        hint = f"\n  nearest anchors 最接近的锚点: {', '.join(err.suggestions)}" if err.suggestions else ""
        print(f"error 错误: no clause has the anchor 未找到锚点 {err.anchor!r}{hint}", file=sys.stderr)
        return EXIT_USER_ERROR
    except UnknownDocumentError as err:
        print(f"error 错误: unknown document 未知文档 {err.doc_id!r}; known 可用: {', '.join(err.known)}",
              file=sys.stderr)
        return EXIT_USER_ERROR
    except RetrieverError as err:
        print(f"error 错误: {err}", file=sys.stderr)
        return EXIT_CORPUS_ERROR
    except BrokenPipeError:
        return 0
    return 0
