"""Command line: ``corpus list|report``, ``show``, ``search``, ``ask``, ``check``, ``gloss``, ``index``, ``eval``,
``bench`` (``python -m retriever COMMAND``).

User errors print a one-line bilingual message and exit with status 2; a broken corpus exits with 1.
Neither shows a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from .corpus import DEFAULT_CORPUS, Corpus
from .errors import (BackendUnavailableError, IncompleteLoadError, NotInCorpusError, QueryError, RetrieverError,
                     SchemaVersionError, SearchIndexError, UnknownAnchorError, UnknownDocumentError)
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


def _backend_config(args: argparse.Namespace):
    from .config import BackendConfig

    given = {"backend": getattr(args, "backend", None), "milvus_uri": getattr(args, "milvus_uri", None),
             "collection": getattr(args, "milvus_collection", None), "lexical": getattr(args, "milvus_lexical", None)}
    return BackendConfig(**{k: v for k, v in given.items() if v})


def _index_config(args: argparse.Namespace):
    from .config import IndexConfig

    index = getattr(args, "index", None)
    return IndexConfig(corpus_dir=args.corpus, **({"index_dir": index} if index else {}))


def _open_searcher(args: argparse.Namespace, corpus: Corpus, rebuild: str = "missing"):
    from .backend import open_searcher

    config, backend = _index_config(args), _backend_config(args)
    if backend.backend == "embedded" and not config.index_dir.joinpath("manifest.json").exists() and rebuild != "never":
        print(f"building the index in {config.index_dir} (first use) 首次使用，正在建立索引…", file=sys.stderr)
    return open_searcher(config, backend, rebuild=rebuild, corpus=corpus)


def _print_hits(result) -> None:
    data = result.to_dict()
    print(f"{data['query']}   [{data['lang']}, {data['mode']}]   terms 词: {' '.join(data['terms']) or '-'}")
    for notice in data["notices"]:
        print(f"  notice 提示: {notice}")
    if not data["hits"]:
        print("  no results 无结果")
    for hit in data["hits"]:
        text = hit["text"] if len(hit["text"]) <= 90 else hit["text"][:90] + "…"
        why = hit["explain"]
        parts = []
        if "bm25" in why:
            parts.append(f"bm25 #{why['bm25']['rank'] or '-'} {','.join(why['bm25']['matched_terms'][:6])}")
        for name, leg in why.get("dense", {}).items():
            parts.append(f"{name} #{leg['rank'] or '-'} {leg['similarity']:.2f}")
        print(f"{hit['rank']:>3}. {hit['anchor']}  {hit['label_zh']} · {hit['label_en']}")
        print(f"     {text}")
        print(f"     [{'; '.join(parts)}; fused {hit['score']:.4f}]")


def _cmd_search(corpus: Corpus, args: argparse.Namespace) -> None:
    searcher = _open_searcher(args, corpus)
    options = dict(k=args.k, doc=args.doc, chapter=args.chapter, mode=args.mode, issuer=args.issuer,
                   since=args.since, until=args.until)

    def run(query: str):
        return replace(searcher.search(query, **options), english=args.en)

    if args.jsonl:
        for line in sys.stdin.read().splitlines():
            try:
                print(json.dumps(run(line).to_dict(), ensure_ascii=False), flush=True)
            except (QueryError, UnknownDocumentError) as err:
                print(json.dumps({"query": line, "error": str(err), "hits": []}, ensure_ascii=False), flush=True)
        return
    if args.query is None:
        raise QueryError("give a query, or --jsonl to read queries from standard input 请输入查询")
    result = run(args.query)
    if args.json:
        _print_json(result.to_dict())
    else:
        _print_hits(result)


def _cmd_index(corpus: Corpus, args: argparse.Namespace) -> None:
    config, backend = _index_config(args), _backend_config(args)
    if backend.backend == "milvus":
        _cmd_index_milvus(corpus, args)
        return
    if args.index_command == "status":
        searcher = _open_searcher(args, corpus, rebuild="never")
        manifest = searcher.index.manifest
        print(f"index 索引: {config.index_dir}  (up to date 最新)")
        print(f"  clauses: {manifest['clause_count']}   built: {manifest['built_at']}   "
              f"build seconds: {manifest['build_seconds']}")
        print(f"  dense legs: {', '.join(manifest['dense_legs'])}   faiss: {manifest['faiss_types']}")
        print(f"  {_how_updated(manifest)}")
        return
    if args.index_command == "build" and config.index_dir.exists():
        if any(config.index_dir.iterdir()) and not (config.index_dir / "manifest.json").exists():
            raise QueryError(f"{config.index_dir} is not an index folder (no manifest.json): not touching it "
                             "该目录不是索引目录，未作改动")
    searcher = _open_searcher(args, corpus, rebuild="build" if args.index_command == "build" else "stale")
    manifest = searcher.index.manifest
    print(f"built {manifest['clause_count']} clauses into {config.index_dir} in {manifest['build_seconds']['total']} s")


def _cmd_index_milvus(corpus: Corpus, args: argparse.Namespace) -> None:
    backend = _backend_config(args)
    rebuild = {"status": "never", "build": "build", "update": "stale"}[args.index_command]
    searcher = _open_searcher(args, corpus, rebuild=rebuild)
    docs = searcher.store.documents()
    print(f"Milvus collection 集合: {backend.collection} at {backend.milvus_uri}  (up to date 最新)")
    print(f"  documents: {len(docs)}   clauses: {sum(d.get('clauses', 0) for d in docs.values())}   "
          f"lexical: {backend.lexical}   legs: {', '.join(searcher.store.legs)}")
    if searcher.last_sync is not None:
        print(f"  sync: {searcher.last_sync}")


def _how_updated(manifest: dict[str, Any]) -> str:
    """One line on the index's delta segment, or on why it was last built in full."""
    delta = manifest.get("delta")
    if delta is None:
        return f"full build 完整建立 ({manifest.get('build_reason', 'build')}), no delta segment"
    return (f"delta segment 增量段 {delta['generation']}: {len(delta['documents'])} documents, {delta['rows']} clauses "
            f"over the base, {delta['replaced_rows']} base clauses replaced ({len(delta['replaced'])} documents); "
            "`index build` folds it in 完整重建可合并")


def _update_indexes(corpus_dir: Path, args: argparse.Namespace, changed: str) -> None:
    """After a corpus change: update the embedded index (if built) and, with --backend milvus, the collection."""
    import time

    from .backend import open_searcher
    from .config import BackendConfig

    corpus = Corpus.load(corpus_dir)
    config, backend = _index_config(args), _backend_config(args)
    targets = [BackendConfig(backend="embedded")] if (config.index_dir / "manifest.json").exists() else []
    targets += [backend] if backend.backend == "milvus" else []
    for target in targets:
        start = time.perf_counter()
        searcher = open_searcher(config, target, rebuild="stale", corpus=corpus)
        seconds = time.perf_counter() - start
        if target.backend == "milvus":
            sync = searcher.last_sync
            detail = (f"{sync.clauses_written} clauses written, {sync.embedded} texts embedded, {sync.reused} reused"
                      if sync else "already up to date")
        else:
            manifest = searcher.index.manifest
            done = manifest.get("embedded_texts", {})
            detail = f"{done.get('embedded', 0)} texts embedded, {done.get('reused', 0)} reused; " + _how_updated(manifest)
        print(f"  {target.backend} index updated for {changed} in {seconds:.1f} s ({detail}) 索引已更新")


def _cmd_corpus_add(corpus: Corpus, args: argparse.Namespace) -> None:
    from .incremental import add_document

    meta: dict[str, Any] = {}
    if args.meta:
        try:
            meta = json.loads(args.meta.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise QueryError(f"cannot read the metadata file {args.meta}: {err} 无法读取元数据文件") from None
        if not isinstance(meta, dict):
            raise QueryError(f"{args.meta} must hold a JSON object 元数据须为JSON对象")
        meta.pop("sha256", None)
    for key in ("doc_id", "title", "format", "issuer", "issue_date"):
        if getattr(args, key):
            meta[key] = getattr(args, key)
    doc_id, how = add_document(args.corpus, args.file, meta)
    print(f"{how} {doc_id} in {args.corpus} 已{'替换' if how == 'replaced' else '添加'}")
    _update_indexes(args.corpus, args, doc_id)


def _cmd_corpus_remove(corpus: Corpus, args: argparse.Namespace) -> None:
    from .config import IndexConfig
    from .embed_store import EmbeddingStore
    from .incremental import remove_document

    removed = remove_document(args.corpus, args.doc)
    print(f"removed {args.doc}: {', '.join(p.name for p in removed)} 已删除")
    _update_indexes(args.corpus, args, args.doc)
    EmbeddingStore(IndexConfig(**({"index_dir": args.index} if args.index else {})).store_dir).remove(args.doc)


def _cmd_eval(corpus: Corpus, args: argparse.Namespace) -> None:
    from .evaluate import evaluate, format_table, load_questions, write_report_section

    searcher = _open_searcher(args, corpus)
    questions = load_questions(args.questions)
    outcome = evaluate(searcher, questions, scoped=not args.all_docs)
    table = format_table(outcome)
    print(table)
    if args.json:
        _print_json(outcome)
    backend = _backend_config(args)
    suffix = "" if backend.backend == "embedded" else f"-{backend.backend}"
    if backend.backend == "embedded":  # the extractive answerer reads the embedded index's clause tokens
        answers = _answer_metrics(searcher, questions, corpus, args.citations)
        print(answers)
        if not args.no_report and not args.all_docs:
            write_report_section(f"answers-{args.questions.stem}", answers)
            if args.questions.stem == "questions":
                write_report_section("refusal-calibration", _calibration(searcher, questions))
    if not args.no_report:
        scope = "the whole corpus" if args.all_docs else "each question's document"
        flags = (" --all-docs" if args.all_docs else "") + (f" --backend {backend.backend}" if suffix else "")
        body = (f"## Retrieval ({args.questions.name}, {outcome['answerable']} answerable of "
                f"{outcome['questions']} questions, searching {scope}{', ' + backend.backend + ' backend' if suffix else ''})"
                f"\n\nCommand: `python -m retriever eval --questions {args.questions.name}{flags}`\n\n{table}\n")
        write_report_section(f"eval-{args.questions.stem}{'-all' if args.all_docs else ''}{suffix}", body)


def _cmd_gloss(corpus: Corpus, args: argparse.Namespace) -> None:
    from .gloss import Glosser
    from .glossary import Glossary
    from .machine import MachineTranslator, chat_model_from_env
    from .translation import load_translations

    item = corpus.lookup(args.anchor)
    glossary = Glossary.load(args.corpus / "glossary.jsonl")
    machine = None
    if args.machine:
        chat = chat_model_from_env()
        machine = MachineTranslator(chat, glossary) if chat is not None else None
    glosser = Glosser(glossary, load_translations(corpus), machine)
    doc_id = item.anchor.split(":", 1)[0]
    result = glosser.gloss(item.anchor, item.text, doc_id, machine=args.machine)
    if args.json:
        _print_json(result.to_dict())
        return
    label = {"reference": "reference translation 参考译文", "machine": "machine translation 机器翻译",
             "terms": "term glosses only 仅词语释义"}[result.en_source]
    print(result.anchor)
    print(result.zh)
    for m in getattr(item, "marks", ()):
        print(f"  {m.kind.value} 「{item.text[m.start:m.end]}」: {m.note}")
    print(f"\n[{label}]")
    if result.en:
        print(result.en)
    for notice in result.notices:
        print(f"notice 提示: {notice}")
    print("\nterms 词语:")
    for term in result.terms:
        if term.en:
            print(f"  {term.zh}  {term.en}  ({term.source})")


def _batch(args: argparse.Namespace, one) -> None:
    """Run ``one(text)`` for the argument or, with --jsonl, for each stdin line (errors become JSON objects)."""
    if args.jsonl:
        for line in sys.stdin.read().splitlines():
            try:
                print(json.dumps(one(line), ensure_ascii=False), flush=True)
            except (QueryError, UnknownAnchorError, UnknownDocumentError) as err:
                print(json.dumps({"input": line, "error": str(err)}, ensure_ascii=False), flush=True)
        return
    if args.text is None:
        raise QueryError("give the text, or --jsonl to read lines from standard input 请输入内容")
    data = one(args.text)
    if args.json:
        _print_json(data)
    else:
        args.show(data)


def _show_answer(data: dict) -> None:
    print(f"{data['question']}   [{data['lang']}]")
    if not data["answered"]:
        print(f"\n{data['message']}  (evidence {data['evidence']:.2f} < {data['threshold']:.2f})")
        print("nearest clauses 最接近的条款:")
        for hit in data["nearest"]:
            print(f"  {hit['anchor']}  {hit['label_zh']} · {hit['label_en']}  {hit['text'][:60]}…")
        return
    for sentence in data["sentences"]:
        print(f"\n「{sentence['text']}」\n    — {sentence['label_zh']} · {sentence['label_en']}  [{sentence['anchor']}]")
        for m in sentence["marks"]:
            shown = sentence["text"][m["start"] : m["end"]]
            print(f"    {m['kind']} 「{shown}」: {m['note']}")
        if sentence.get("text_en"):
            print(f"    EN ({sentence['en_scope']}): {sentence['text_en']}")
        if sentence.get("text_hant"):
            print(f"    繁: {sentence['text_hant']}")


def _cmd_ask(corpus: Corpus, args: argparse.Namespace) -> None:
    from .answer import Answerer

    searcher = _open_searcher(args, corpus)
    answerer = Answerer(searcher)
    args.show = _show_answer
    generator = None
    if args.generate:
        from .generate import GenerativeAnswerer
        from .machine import ChatModelError, chat_model_from_env

        chat = chat_model_from_env()
        if chat is None:
            print("notice 提示: no chat model configured (RETRIEVER_CHAT_MODEL); extractive answer instead "
                  "未配置对话模型，改用摘录式回答", file=sys.stderr)
        else:
            generator = GenerativeAnswerer(searcher, chat, remove_unsupported=args.remove_unsupported)

    def one(question: str) -> dict:
        if generator is not None:
            try:
                return generator.ask(question, doc=args.doc).to_dict()
            except ChatModelError as err:
                data = answerer.ask(question, doc=args.doc).to_dict()
                data["notices"].append(f"chat model unavailable, extractive answer instead 对话模型不可用: {err}")
                return data
        return answerer.ask(question, doc=args.doc).to_dict()

    if generator is not None and not args.json and not args.jsonl:
        args.json = True  # a generated answer is shown with its verification, as JSON
    _batch(args, one)


def _show_check(data: dict) -> None:
    print(f"verdict 结论: {data['verdict']}   ({data['input_kind']})")
    if data["anchor"]:
        print(f"anchor 锚点: {data['anchor']}")
        print(f"matched 匹配原文: {data['matched_text']}")
    for d in data["diff"]:
        print(f"  difference 差异 at {d['at']}: quote 引文 「{d['quote'] or '∅'}」 ≠ source 原文 「{d['source'] or '∅'}」")
    for note in data["notes"]:
        print(f"  note 说明: {note}")
    if data["citation_zh"]:
        print(f"\n{data['citation_zh']}\n{data['citation_en']}")


def _cmd_check(corpus: Corpus, args: argparse.Namespace) -> None:
    from .check import CitationChecker

    checker = CitationChecker(corpus)
    args.show = _show_check
    _batch(args, lambda text: checker.check(text, doc=args.doc).to_dict())


def _answer_metrics(searcher, questions, corpus: Corpus, citations_path: Path) -> str:
    """Answers (answered with a gold clause, refusals, citation precision) and citation checks, as Markdown."""
    import statistics
    import time

    from .answer import Answerer
    from .check import CitationChecker

    answerer = Answerer(searcher)
    groups: dict[str, list[bool]] = {}
    cited: dict[str, list[bool]] = {}
    verbatim: list[bool] = []
    times: list[float] = []
    for q in questions:
        start = time.perf_counter()
        answer = answerer.ask(q.question, doc=q.doc or "hb-sti-14fyp")
        times.append((time.perf_counter() - start) * 1000)
        group = "zh" if q.lang in ("zh-Hans", "zh-Hant") else "en"
        for s in answer.sentences:
            clause = corpus.clause(s.anchor)
            verbatim.append(clause.text[s.start : s.end] == s.text)
            cited.setdefault(group, []).append(s.anchor in q.gold)
        if q.answerable:
            ok = answer.answered and any(s.anchor in q.gold for s in answer.sentences)
            groups.setdefault(f"answerable-{group}", []).append(ok)
        else:
            groups.setdefault("unanswerable", []).append(not answer.answered)
    checker = CitationChecker(corpus)
    cases = [json.loads(line) for line in citations_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    correct = []
    for case in cases:
        result = checker.check(case["input"])
        correct.append(result.verdict == case["verdict"] and (case["anchor"] is None or result.anchor == case["anchor"]))
    share = lambda xs: f"{sum(xs) / len(xs):.3f} ({sum(xs)}/{len(xs)})" if xs else "-"  # noqa: E731
    lines = [
        "## Answers and citation checks (`python -m retriever eval`)", "",
        "| measure | value |", "|---|---|",
        f"| answerable Chinese questions answered with a gold clause cited | {share(groups.get('answerable-zh', []))} |",
        f"| answerable English/mixed questions answered with a gold clause cited | {share(groups.get('answerable-en', []))} |",
        f"| unanswerable questions refused | {share(groups.get('unanswerable', []))} |",
        f"| answer citation precision (cited clause is a gold clause), Chinese | {share(cited.get('zh', []))} |",
        f"| answer citation precision, English/mixed | {share(cited.get('en', []))} |",
        f"| quoted sentences that are verbatim clause text | {share(verbatim)} |",
        f"| citation-check verdicts correct ({citations_path.name}) | {share(correct)} |",
        "| `ask` latency, warm, p50 / p95 | " + (f"{statistics.median(times):.0f} ms / "
                                               f"{sorted(times)[int(0.95 * len(times))]:.0f} ms |" if times else "- |"),
    ]
    return "\n".join(lines) + "\n"


def _calibration(searcher, questions) -> str:
    """The refusal section of eval/report.md: the evidence and the trade-off per threshold."""
    from .answer import DEFAULT_THRESHOLDS, Answerer
    from .calibrate import outcomes, tradeoff_table

    thresholds = sorted({x / 100 for x in range(32, 47, 2)} | set(DEFAULT_THRESHOLDS.values()))
    table = tradeoff_table(outcomes(Answerer(searcher), questions), thresholds, DEFAULT_THRESHOLDS)
    return "\n".join([
        "## Refusal: calibration on eval/questions.jsonl (`python -m retriever eval`)", "",
        "Evidence = ½ · coverage (idf-weighted share of the question's indexed terms found in one of the top three "
        "clauses; for English/mixed questions, of their English words — Snowball roots, question-framing words left out "
        "— in the clause's reference English, words the translation never uses counting as rare) + ½ · the best "
        "sentence's USE similarity. Below the threshold the answer is a refusal. Two rules refuse whatever the "
        "evidence: a question asking for a figure (多少, how many, what share …) when no quoted sentence states one, "
        "and a question about another province that the quoted sentences do not name.", "",
        f"Chosen (bold): {DEFAULT_THRESHOLDS['zh']:.2f} for Chinese, {DEFAULT_THRESHOLDS['en']:.2f} for English/mixed.",
        "", table])


def _cmd_bench(corpus: Corpus, args: argparse.Namespace) -> None:
    from .bench import run_bench

    run_bench(args)


def _backend_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", choices=["embedded", "milvus"],
                        help="embedded index files (default) or Milvus ($RETRIEVER_BACKEND)")
    parser.add_argument("--milvus-uri", help="Milvus-lite file (index/milvus.db) or http://host:19530 "
                                             "($RETRIEVER_MILVUS_URI)")
    parser.add_argument("--milvus-collection", help="collection name (default: clauses)")
    parser.add_argument("--milvus-lexical", choices=["jieba", "client"],
                        help="BM25 tokens from Milvus's jieba analyzer (default) or from this package's tokenizer")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m retriever", description="Clause search over Chinese policy text.")
    parser.add_argument("--corpus", type=Path, default=Path(os.environ.get("RETRIEVER_CORPUS_DIR", DEFAULT_CORPUS)),
                        help="corpus folder (default: $RETRIEVER_CORPUS_DIR or ./corpus)")
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
    add = corpus_sub.add_parser("add", help="add or replace one document; only it is re-indexed")
    add.add_argument("file", type=Path, help="the source file (law Markdown or scraped plan text)")
    add.add_argument("--meta", type=Path, help="metadata JSON (doc_id, title, format …); flags override it")
    add.add_argument("--doc-id", dest="doc_id")
    add.add_argument("--title")
    add.add_argument("--format", choices=["law-md", "scraped-plan"])
    add.add_argument("--issuer")
    add.add_argument("--issue-date", dest="issue_date")
    add.set_defaults(func=_cmd_corpus_add)
    remove = corpus_sub.add_parser("remove", help="remove one document; the indexes drop only its clauses")
    remove.add_argument("doc", help="document id")
    remove.set_defaults(func=_cmd_corpus_remove)
    for p in (add, remove):
        p.add_argument("--index", type=Path, help="embedded index folder (default: ./index/hybrid)")
        _backend_args(p)

    show = sub.add_parser("show", help="print a clause (or heading) by its anchor")
    show.add_argument("anchor", help="e.g. hb-sti-14fyp:ch5.s1.p2")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=_cmd_show)

    search = sub.add_parser("search", help="find the clauses that answer a question")
    search.add_argument("query", nargs="?", help="a question in Chinese (简/繁) or English")
    search.add_argument("-k", type=int, default=10, help="number of hits (1–200, default 10)")
    search.add_argument("--doc", help="only this document (e.g. hb-sti-14fyp)")
    search.add_argument("--chapter", type=int, help="only this chapter number")
    search.add_argument("--mode", choices=["hybrid", "bm25", "dense"], default="hybrid")
    search.add_argument("--json", action="store_true", help="print one JSON object")
    search.add_argument("--jsonl", action="store_true", help="read queries from stdin, one JSON object per line out")
    search.add_argument("--en", action="store_true", help="add each hit's English (text_en, en_source)")
    search.add_argument("--issuer", help="only documents whose issuer contains this (Chinese or English)")
    search.add_argument("--since", help="only documents issued on or after this date (YYYY[-MM[-DD]])")
    search.add_argument("--until", help="only documents issued on or before this date")
    search.add_argument("--index", type=Path, help="index folder (default: ./index/hybrid)")
    _backend_args(search)
    search.set_defaults(func=_cmd_search)

    ask = sub.add_parser("ask", help="answer with the plan's own sentences and their anchors, or say it does not")
    ask.add_argument("text", nargs="?", metavar="QUESTION")
    ask.add_argument("--doc", default="hb-sti-14fyp", help="document to answer from (default: the plan)")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--jsonl", action="store_true", help="questions from stdin, one JSON answer per line")
    ask.add_argument("--generate", action="store_true",
                     help="answer with the configured chat model (RETRIEVER_CHAT_MODEL), verified; optional")
    ask.add_argument("--remove-unsupported", action="store_true", help="with --generate: drop unverified sentences")
    ask.add_argument("--index", type=Path)
    ask.set_defaults(func=_cmd_ask)

    check = sub.add_parser("check", help="check a quote, an anchor or a reference (第五章第一节第二段, Ch. 5 §1 ¶2)")
    check.add_argument("text", nargs="?", metavar="QUOTE_OR_REFERENCE")
    check.add_argument("--doc", default=None, help="only this document for quotes; default document for references")
    check.add_argument("--json", action="store_true")
    check.add_argument("--jsonl", action="store_true", help="one input per stdin line, one JSON verdict per line")
    check.set_defaults(func=_cmd_check)

    gloss = sub.add_parser("gloss", help="the English of a clause: reference translation or term glosses")
    gloss.add_argument("anchor")
    gloss.add_argument("--json", action="store_true")
    gloss.add_argument("--machine", action="store_true",
                       help="machine-translate when there is no reference (needs RETRIEVER_CHAT_MODEL)")
    gloss.set_defaults(func=_cmd_gloss)

    index = sub.add_parser("index", help="build or check the search index")
    index_sub = index.add_subparsers(dest="index_command", required=True)
    for name, text in (("build", "build the index from scratch"), ("update", "rebuild only if missing or stale"),
                       ("status", "check the index against the corpus and models")):
        p = index_sub.add_parser(name, help=text)
        p.add_argument("--index", type=Path, help="index folder (default: ./index/hybrid)")
        _backend_args(p)
        p.set_defaults(func=_cmd_index)

    evaluation = sub.add_parser("eval", help="retrieval metrics per language and mode; writes eval/report.md")
    evaluation.add_argument("--questions", type=Path, default=Path(__file__).resolve().parent.parent / "eval" / "questions.jsonl")
    evaluation.add_argument("--all-docs", action="store_true", help="search the whole corpus, not the question's document")
    evaluation.add_argument("--citations", type=Path,
                            default=Path(__file__).resolve().parent.parent / "eval" / "citations.jsonl")
    evaluation.add_argument("--no-report", action="store_true", help="do not write eval/report.md")
    evaluation.add_argument("--json", action="store_true", help="also print metrics and misses as JSON")
    evaluation.add_argument("--index", type=Path)
    _backend_args(evaluation)
    evaluation.set_defaults(func=_cmd_eval)

    bench = sub.add_parser("bench", help="build and query timings, memory; writes eval/report.md")
    bench.add_argument("--laws", type=Path, help="law collection for the scale part (default ../shared/corpora/lawrefbook)")
    bench.add_argument("--skip-laws", action="store_true", help="only the plan's figures")
    bench.add_argument("--sample", type=int, default=20_000, help="clauses to embed for the projection")
    bench.add_argument("--queries", type=int, default=200, help="timed queries per measurement")
    bench.add_argument("--no-report", action="store_true")
    bench.set_defaults(func=_cmd_bench)
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
    except NotInCorpusError as err:
        print(f"error 错误: {err}", file=sys.stderr)
        return EXIT_USER_ERROR
    except UnknownDocumentError as err:
        print(f"error 错误: unknown document 未知文档 {err.doc_id!r}; known 可用: {', '.join(err.known)}",
              file=sys.stderr)
        return EXIT_USER_ERROR
    except QueryError as err:
        print(f"error 错误: {err}", file=sys.stderr)
        return EXIT_USER_ERROR
    except (BackendUnavailableError, SchemaVersionError, IncompleteLoadError) as err:
        print(f"error 错误: {err}", file=sys.stderr)
        return EXIT_USER_ERROR
    except SearchIndexError as err:
        print(f"error 错误: {err}\n  fix 解决: python -m retriever index build", file=sys.stderr)
        return EXIT_CORPUS_ERROR
    except RetrieverError as err:
        print(f"error 错误: {err}", file=sys.stderr)
        return EXIT_CORPUS_ERROR
    except BrokenPipeError:
        return 0
    return 0
