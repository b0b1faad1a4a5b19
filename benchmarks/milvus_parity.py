"""Parity of the Milvus backend with the embedded one on the project corpus, and incremental re-index time.

``python benchmarks/milvus_parity.py [--write-report]``: builds (or reuses) the embedded index and milvus-lite
collections under ``index/parity/`` (both Milvus lexical modes: Milvus's jieba analyzer and client tokens), then
prints per language R@1/R@5/MRR@10 for both backends (the existing eval code, hybrid mode, each question scoped to
its document), the mean top-5 overlap, and the time to re-index one changed document in each backend. Needs only
the repository (no shared corpus). Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from retriever.answer.extractive import Answerer
from retriever.config import ROOT, BackendConfig, IndexConfig
from retriever.evaluation.report import write_report_section
from retriever.evaluation.retrieval import evaluate, load_questions
from retriever.ingest.add_remove import add_document
from retriever.ingest.corpus import Corpus
from retriever.search.open import open_searcher
from retriever.types import Backend, Mode, Rebuild

LAW = "专利法(2020-10-17)"


def overlap(a, b, questions) -> float:
    """Mean share of the embedded top 5 that the other backend also returns in its top 5."""
    shares = []
    for q in questions:
        x = {h.anchor for h in a.search(q.question, k=5, doc=q.doc).hits}
        y = {h.anchor for h in b.search(q.question, k=5, doc=q.doc).hits}
        shares.append(len(x & y) / max(len(x), 1))
    return sum(shares) / len(shares)


def answer_agreement(a, b, questions) -> dict[str, float]:
    """On every question (answerable or not): the share where both backends make the same decision (answer, or
    refuse for the same reason), and the share where they also quote the same sentences."""
    first, second = Answerer(a), Answerer(b)
    decision = quoted = 0
    for q in questions:
        doc = q.doc or a.corpus.primary_id
        x, y = first.ask(q.question, doc=doc), second.ask(q.question, doc=doc)
        decision += (x.answered, x.reason) == (y.answered, y.reason)
        quoted += [(s.anchor, s.start) for s in x.sentences] == [(s.anchor, s.start) for s in y.sentences]
    return {"decision": decision / len(questions), "quotes": quoted / len(questions)}


def table(results: dict[str, dict]) -> str:
    rows = ["| backend | language | n | R@1 | R@5 | MRR@10 |", "|---|---|---|---|---|---|"]
    for name, metrics in results.items():
        for lang, cell in metrics.items():
            rows.append(f"| {name} | {lang} | {cell['n']} | {cell['R@1']:.3f} | {cell['R@5']:.3f} | {cell['MRR@10']:.3f} |")
    return "\n".join(rows)


def reindex_time(work: Path, embedders, store: Path) -> dict[str, float]:
    """Replace one law with a one-clause edit in a corpus copy; time each backend's incremental update."""
    corpus_dir = work / "corpus-copy"
    shutil.rmtree(corpus_dir, ignore_errors=True)
    shutil.copytree(ROOT / "corpus", corpus_dir)
    config = IndexConfig(index_dir=work / "copy" / "hybrid", corpus_dir=corpus_dir)
    if store.is_dir():  # start from the vectors already computed, as a real corpus would
        shutil.copytree(store, config.store_dir)
    milvus = BackendConfig(backend=Backend.MILVUS, milvus_uri=str(work / "copy.db"))
    for backend in (BackendConfig(backend=Backend.EMBEDDED), milvus):
        open_searcher(config, backend, rebuild=Rebuild.STALE, embedders=embedders)
    text = (ROOT / "corpus" / "laws" / f"{LAW}.md").read_text(encoding="utf-8")
    source = work / f"{LAW}-edit.md"
    source.write_text(text.replace("二十年", "二十五年", 1), encoding="utf-8")
    meta = json.loads((ROOT / "corpus" / "laws" / f"{LAW}.meta.json").read_text(encoding="utf-8"))
    add_document(corpus_dir, source, {k: v for k, v in meta.items() if k not in ("sha256", "source")}, replace=True)
    times = {}
    for backend in (BackendConfig(backend=Backend.EMBEDDED), milvus):
        start = time.perf_counter()
        open_searcher(config, backend, rebuild=Rebuild.STALE, embedders=embedders, corpus=Corpus.load(corpus_dir))
        times[backend.backend] = round(time.perf_counter() - start, 2)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "index")
    parser.add_argument("--write-report", action="store_true", help="write the figures into eval/report.md")
    args = parser.parse_args()
    config = IndexConfig(index_dir=args.work / "hybrid")
    embedded = open_searcher(config, rebuild=Rebuild.STALE)
    questions = load_questions()
    answerable = [q for q in questions if q.answerable and q.gold]
    results = {"embedded": evaluate(embedded, questions, modes=(Mode.HYBRID,))["metrics"][Mode.HYBRID]}
    overlaps, agreement = {}, {}
    for lexical in ("jieba", "client"):
        backend = BackendConfig(backend=Backend.MILVUS, milvus_uri=str(args.work / "milvus.db"), collection=f"c_{lexical}",
                                lexical=lexical)
        milvus = open_searcher(config, backend, rebuild=Rebuild.STALE, embedders=embedded.analyzer.embedders, corpus=embedded.corpus)
        name = f"milvus ({lexical})"
        results[name] = evaluate(milvus, questions, modes=(Mode.HYBRID,))["metrics"][Mode.HYBRID]
        overlaps[name] = overlap(embedded, milvus, answerable)
        agreement[name] = answer_agreement(embedded, milvus, questions)
    scratch = args.work / "parity-reindex"  # milvus-lite may still hold files at exit: no TemporaryDirectory
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    times = reindex_time(scratch, embedded.analyzer.embedders, config.store_dir)
    lines = [table(results), "",
             *(f"- Top-5 overlap with the embedded backend, {name}: {value:.3f} ({len(answerable)} questions)"
               for name, value in overlaps.items()),
             *(f"- Recall@5 difference, {name}: {results[name]['all']['R@5'] - results['embedded']['all']['R@5']:+.3f}"
               for name in overlaps),
             *(f"- `ask` agreement with the embedded backend, {name} ({len(questions)} questions): same decision "
               f"(answer, or refusal and its reason) {value['decision']:.3f}; same quoted sentences {value['quotes']:.3f}"
               for name, value in agreement.items()),
             f"- Re-indexing one changed document (专利法, one article edited; USE + e5 + English legs): embedded "
             f"{times['embedded']} s, Milvus-lite {times['milvus']} s (corpus load, model load excluded)"]
    body = "\n".join(lines)
    print(body)
    if args.write_report:
        write_report_section("milvus-parity", "## Milvus backend parity (`python benchmarks/milvus_parity.py "
                             "--write-report`)\n\nHybrid mode, each question searched within its document.\n\n" + body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
