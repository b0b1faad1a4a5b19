"""``ask`` (extractive or verified generated answers) and ``check`` (quotes, anchors and references)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from retriever.analysis.chat_model import chat_model_from_env
from retriever.answer.citation_check import CitationChecker
from retriever.answer.extractive import Answerer
from retriever.answer.generative import GenerativeAnswerer
from retriever.cli.common import add_backend_args, batch, searcher_for
from retriever.errors import ChatModelError
from retriever.ingest.corpus import Corpus
from retriever.types import Lang

__all__ = ["register"]


def _show_answer(data: dict) -> None:
    print(f"{data['question']}   [{data['lang']}]")
    for notice in data["notices"]:  # a truncated question; a figure asked for that the answer does not give
        print(f"notice 提示: {notice}")
    if not data["answered"]:
        print(f"\n{data['message']}  (evidence {data['evidence']:.2f} < {data['threshold']:.2f})")
        print("nearest clauses 最接近的条款:")
        for hit in data["nearest"]:
            print(f"  {hit['anchor']}  {hit['label_zh']} · {hit['label_en']}  {hit['text'][:60]}…")
        return
    english = Lang.from_str(data["lang"]).english
    for sentence in data["sentences"]:
        lead = f"\n{sentence['text_en']}  ({sentence['en_scope']}, {sentence['en_source']})" if (
            english and sentence.get("text_en")) else ""  # an English question: the English leads, the Chinese follows
        print(f"{lead}\n「{sentence['text']}」\n    — {sentence['label_zh']} · {sentence['label_en']}  "
              f"[{sentence['anchor']}]")
        for m in sentence["marks"]:
            shown = sentence["text"][m["start"] : m["end"]]
            print(f"    {m['kind']} 「{shown}」: {m['note']}")
        if sentence.get("text_hant"):
            print(f"    繁: {sentence['text_hant']}")


def _ask(corpus: Corpus, args: argparse.Namespace) -> None:
    searcher = searcher_for(args, corpus)
    answerer = Answerer(searcher)
    doc = args.doc  # None: every document
    generator = None
    if args.generate:
        chat = chat_model_from_env()
        if chat is None:
            print("notice 提示: no chat model configured (RETRIEVER_CHAT_MODEL); extractive answer instead "
                  "未配置对话模型，改用摘录式回答", file=sys.stderr)
        else:
            generator = GenerativeAnswerer(searcher, chat, remove_unsupported=args.remove_unsupported)

    def one(question: str) -> dict:
        if generator is not None:
            try:
                return generator.ask(question, doc=doc).to_dict()
            except ChatModelError as err:
                data = answerer.ask(question, doc=doc).to_dict()
                data["notices"].append(f"chat model unavailable, extractive answer instead 对话模型不可用: {err}")
                return data
        return answerer.ask(question, doc=doc).to_dict()

    batch(args, one, _show_answer if generator is None else None)  # a generated answer: JSON, with its verification


def _show_check(data: dict) -> None:
    print(f"verdict 结论: {data['verdict']}   ({data['input_kind']})")
    if data["anchor"]:
        print(f"anchor 锚点: {data['anchor']}")
        print(f"matched 匹配原文: {data['matched_text']}")
    if len(data["places"]) > 1:
        print(f"places 各处: {', '.join(data['places'])}")
    for d in data["diff"]:
        print(f"  difference 差异 at {d['at']}: quote 引文 「{d['quote'] or '∅'}」 ≠ source 原文 「{d['source'] or '∅'}」")
    for note in data["notes"]:
        print(f"  note 说明: {note}")
    if data["citation_zh"]:
        print(f"\n{data['citation_zh']}\n{data['citation_en']}")


def _check(corpus: Corpus, args: argparse.Namespace) -> None:
    checker = CitationChecker(corpus)  # the corpus is the ground truth whichever backend indexes it
    batch(args, lambda text: checker.check(text, doc=args.doc).to_dict(), _show_check)


def register(sub: argparse._SubParsersAction) -> None:
    ask = sub.add_parser("ask", help="answer with the documents' own sentences and their anchors, or say they do not")
    ask.add_argument("text", nargs="?", metavar="QUESTION")
    ask.add_argument("--doc", help="only this document (default: every document of the corpus)")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--jsonl", action="store_true", help="questions from stdin, one JSON answer per line")
    ask.add_argument("--generate", action="store_true",
                     help="answer with the configured chat model (RETRIEVER_CHAT_MODEL), verified; optional")
    ask.add_argument("--remove-unsupported", action="store_true", help="with --generate: drop unverified sentences")
    ask.add_argument("--index", type=Path)
    add_backend_args(ask)
    ask.set_defaults(func=_ask)

    check = sub.add_parser("check", help="check a quote, an anchor or a reference (第五章第一节第二段, Ch. 5 §1 ¶2)")
    check.add_argument("text", nargs="?", metavar="QUOTE_OR_REFERENCE")
    check.add_argument("--doc", default=None, help="only this document for quotes; default document for references")
    check.add_argument("--json", action="store_true")
    check.add_argument("--jsonl", action="store_true", help="one input per stdin line, one JSON verdict per line")
    add_backend_args(check)
    check.set_defaults(func=_check)
