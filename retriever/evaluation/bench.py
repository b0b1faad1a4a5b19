"""``python -m retriever bench``: index build time, warm search latency and memory on the plan, and at scale.

The scale part needs the law collection in ``../shared/corpora/lawrefbook`` (not part of the product): a BM25
index over every clause of all 3,502 laws, and dense embedding of a sample with a projection to the full corpus.
Figures are printed and written to ``eval/report.md``; nothing here is asserted.
"""

from __future__ import annotations

import hashlib
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from retriever.config import SHARED_LAWS, IndexConfig
from retriever.evaluation.report import write_report_section
from retriever.evaluation.retrieval import load_questions
from retriever.types import Mode

__all__ = ["run_bench"]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _time_queries(fn, queries: list[str], n: int) -> tuple[float, float]:
    for q in queries[:5]:
        fn(q)  # warm caches (jieba, numpy, FAISS)
    times = []
    for i in range(n):
        q = queries[i % len(queries)]
        start = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - start) * 1000)
    return _percentiles(times)


def _plan_part(args, lines: list[str]) -> None:
    from retriever.search.embedded import EmbeddedSearcher

    questions = [q.question for q in load_questions()]
    with tempfile.TemporaryDirectory() as tmp:
        config = IndexConfig(index_dir=Path(tmp) / "hybrid")
        start = time.perf_counter()
        searcher = EmbeddedSearcher.open(config)
        total = time.perf_counter() - start
        built = searcher.index.manifest["build_seconds"]
        lines.append(f"- Index build from scratch (plan + 3 laws, {len(searcher.index)} clauses): "
                     f"{built['total']:.1f} s (tokenise {built['tokenise']:.1f} s, BM25 {built['bm25']:.2f} s, "
                     f"embed {', '.join(f'{k} {v:.1f} s' for k, v in built['embed'].items())}); "
                     f"open including model loading: {total:.1f} s")
        for mode in Mode:
            p50, p95 = _time_queries(lambda q: searcher.search(q, k=10, mode=mode), questions, args.queries)
            lines.append(f"- Warm `search` ({mode}, k=10, {args.queries} queries in 4 languages, query embedding "
                         f"included): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        plan = searcher.corpus.primary_id
        p50, p95 = _time_queries(lambda q: searcher.search(q, k=10, doc=plan), questions, args.queries)
        lines.append(f"- Warm `search` (hybrid, `--doc {plan}`): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    lines.append(f"- Peak memory (RSS) of this process after the plan part: {_peak_mb():.0f} MB")


def _law_clauses(folder: Path) -> list:
    from retriever.errors import RetrieverError
    from retriever.ingest.corpus import parse_document
    from retriever.ingest.law import LAW_FORMAT
    from retriever.types import DocumentMeta

    clauses = []
    for path in sorted(folder.rglob("*.md")):
        rel = str(path.relative_to(folder))
        meta = DocumentMeta(doc_id="law-" + hashlib.sha1(rel.encode()).hexdigest()[:10], title=path.stem,
                            format=LAW_FORMAT, source=path.name)
        try:
            clauses.extend(parse_document(path.read_bytes(), meta, rel).clauses)
        except RetrieverError:
            continue
    return clauses


def _scale_part(args, lines: list[str]) -> None:
    import bm25s
    import faiss

    from retriever.analysis.embedders import E5Embedder, UseEmbedder
    from retriever.analysis.fields import dense_text, lexical_text, user_terms
    from retriever.analysis.glossary import Glossary
    from retriever.analysis.normalize import normalize_query
    from retriever.analysis.tokenize import Tokenizer
    from retriever.ingest.corpus import Corpus

    folder = args.laws or SHARED_LAWS
    if not folder.is_dir():
        lines.append(f"- Scale part skipped: no law collection at {folder}")
        return
    start = time.perf_counter()
    clauses = _law_clauses(folder)
    parsed = time.perf_counter() - start
    chars = sum(len(c.text) for c in clauses)
    tokenizer = Tokenizer(user_terms(Corpus.load(), Glossary.load())).warm_up()
    rss0 = _peak_mb()
    start = time.perf_counter()
    tokens = [tokenizer.tokens(lexical_text(c)) for c in clauses]
    tokenised = time.perf_counter() - start
    start = time.perf_counter()
    bm25 = bm25s.BM25(method="lucene", k1=1.2, b=0.5)
    bm25.index(tokens, show_progress=False)
    indexed = time.perf_counter() - start
    del tokens
    lines.append(f"- Laws: {len(clauses):,} clauses ({chars / 1e6:.1f} M characters) from {folder.name}, parsed in "
                 f"{parsed:.1f} s; jieba tokenisation {tokenised:.0f} s ({chars / tokenised / 1000:.0f}k chars/s); "
                 f"bm25s index {indexed:.1f} s; peak RSS {_peak_mb():.0f} MB (+{_peak_mb() - rss0:.0f} MB)")
    queries = [normalize_query(q.question).text for q in load_questions() if q.lang != "en"]
    vocab = bm25.vocab_dict

    def lexical(q: str) -> None:
        terms = [t for t in tokenizer.tokens(q) if t in vocab and t]
        if terms:
            scores = bm25.get_scores(terms)
            np.argpartition(-scores, 100)[:100]

    p50, p95 = _time_queries(lexical, queries, args.queries)
    lines.append(f"- Lexical query over all laws (tokenise + score + top 100): p50 {p50:.2f} ms, p95 {p95:.2f} ms")

    random.seed(0)
    sample = random.sample(clauses, min(args.sample, len(clauses)))
    texts = [dense_text(c, "") for c in sample]
    use = UseEmbedder()
    start = time.perf_counter()
    vectors = use.encode_passages(texts)
    use_s = time.perf_counter() - start
    lines.append(f"- Dense (USE) embedding of a {len(texts):,}-clause sample: {use_s:.0f} s "
                 f"({len(texts) / use_s:.0f} clauses/s) → projected for all {len(clauses):,} clauses: "
                 f"{len(clauses) / (len(texts) / use_s) / 60:.0f} min on this machine")
    e5_texts = texts[: max(1, args.sample // 10)]
    start = time.perf_counter()
    E5Embedder().encode_passages(e5_texts)
    e5_s = time.perf_counter() - start
    lines.append(f"- Dense (e5-small, 2 workers) on {len(e5_texts):,} of them: {e5_s:.0f} s "
                 f"({len(e5_texts) / e5_s:.1f} clauses/s) → projected for all clauses: "
                 f"{len(clauses) / (len(e5_texts) / e5_s) / 3600:.1f} h")
    faiss.omp_set_num_threads(1)
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    start = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efSearch = 128
    hnsw.add(vectors)
    hnsw_build = time.perf_counter() - start
    probe = vectors[:200]
    for name, index in (("flat", flat), ("HNSW M=32 ef=128", hnsw)):
        p50, p95 = _time_queries(lambda i: index.search(probe[i % 200][None, :], 100), list(range(200)), args.queries)
        lines.append(f"- FAISS {name} over {len(vectors):,} × {vectors.shape[1]}: p50 {p50:.2f} ms, p95 {p95:.2f} ms"
                     + (f" (build {hnsw_build:.1f} s)" if index is hnsw else ""))
    _, exact = flat.search(probe, 10)
    _, approx = hnsw.search(probe, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact, approx)])
    lines.append(f"- HNSW recall@10 against exact search on real vectors: {recall:.3f}")
    lines.append(f"- Peak RSS at the end: {_peak_mb():.0f} MB")


def run_bench(args) -> None:
    """Run the plan part and (unless skipped) the scale part; print and write the figures."""
    lines: list[str] = []
    _plan_part(args, lines)
    print("\n".join(lines), flush=True)
    if not args.skip_laws:
        scale: list[str] = []
        _scale_part(args, scale)
        print("\n".join(scale))
        lines += scale
    if not args.no_report:
        body = ("## Benchmark (`python -m retriever bench`)\n\n"
                f"Measured {time.strftime('%Y-%m-%d')} on this 2-core machine, one query thread.\n\n" + "\n".join(lines))
        write_report_section("bench", body)
