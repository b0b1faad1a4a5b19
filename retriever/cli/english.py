"""``gloss``: the English of a clause (reference translation, machine translation if asked, or term glosses)."""

from __future__ import annotations

import argparse

from retriever.analysis.chat_model import chat_model_from_env
from retriever.analysis.glossary import Glossary
from retriever.cli.common import print_json
from retriever.config import GLOSSARY_FILE
from retriever.english.machine_translation import MachineTranslator
from retriever.english.reference import load_translations
from retriever.english.term_gloss import Glosser
from retriever.ingest.corpus import Corpus
from retriever.types import EnSource

__all__ = ["register"]

_SOURCE_LABEL = {EnSource.REFERENCE: "reference translation 参考译文", EnSource.MACHINE: "machine translation 机器翻译",
                 EnSource.TERMS: "term glosses only 仅词语释义"}


def _gloss(corpus: Corpus, args: argparse.Namespace) -> None:
    item = corpus.lookup(args.anchor)
    glossary = Glossary.load(args.corpus / GLOSSARY_FILE)
    machine = None
    if args.machine:
        chat = chat_model_from_env()
        machine = MachineTranslator(chat, glossary) if chat is not None else None
    glosser = Glosser(glossary, load_translations(corpus), machine)
    doc_id = item.anchor.split(":", 1)[0]
    result = glosser.gloss(item.anchor, item.text, doc_id, machine=args.machine)
    if args.json:
        print_json(result.to_dict())
        return
    print(result.anchor)
    print(result.zh)
    for m in getattr(item, "marks", ()):
        print(f"  {m.kind.value} 「{item.text[m.start:m.end]}」: {m.note}")
    print(f"\n[{_SOURCE_LABEL[result.en_source]}]")
    if result.en:
        print(result.en)
    for notice in result.notices:
        print(f"notice 提示: {notice}")
    print("\nterms 词语:")
    for term in result.terms:
        if term.en:
            print(f"  {term.zh}  {term.en}  ({term.source})")


def register(sub: argparse._SubParsersAction) -> None:
    gloss = sub.add_parser("gloss", help="the English of a clause: reference translation or term glosses")
    gloss.add_argument("anchor")
    gloss.add_argument("--json", action="store_true")
    gloss.add_argument("--machine", action="store_true",
                       help="machine-translate when there is no reference (needs RETRIEVER_CHAT_MODEL)")
    gloss.set_defaults(func=_gloss)
