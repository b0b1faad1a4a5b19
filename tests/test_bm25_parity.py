"""The BM25 engine (bm25s) against the reference rank_bm25 on the real plan.

bm25s ``method="robertson"`` computes rank_bm25's ``BM25Okapi`` (with epsilon=0, i.e. no idf floor) up to the
constant factor (k1 + 1) that bm25s leaves out: proportional scores, so the same ordered top 10. Production uses bm25s ``method="lucene"``, whose idf
ln(1 + (N - df + 0.5) / (df + 0.5)) is never negative, so terms in more than half of the clauses (科技, 创新)
still count a little instead of pushing clauses down; the test pins that formula and the agreement level.
"""

from __future__ import annotations

import math

import bm25s
import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from retriever.analysis.fields import lexical_text, user_terms
from retriever.analysis.glossary import Glossary
from retriever.analysis.normalize import normalize_query
from retriever.analysis.tokenize import Tokenizer
from retriever.evaluation.retrieval import load_questions

K1, B = 1.2, 0.5


@pytest.fixture(scope="module")
def plan_tokens(corpus, plan):
    tokenizer = Tokenizer(user_terms(corpus, Glossary.load()))
    docs = [tokenizer.tokens(lexical_text(c)) for c in plan.clauses]
    queries = [tokenizer.tokens(normalize_query(q.question).text) for q in load_questions() if q.lang != "en"]
    return docs, [q for q in queries if q]


def test_robertson_equals_rank_bm25_okapi(plan_tokens):
    docs, queries = plan_tokens
    reference = BM25Okapi(docs, k1=K1, b=B, epsilon=0)
    engine = bm25s.BM25(method="robertson", k1=K1, b=B)
    engine.index(docs, show_progress=False)
    vocab = engine.vocab_dict
    assert len(queries) >= 50
    for query in queries:
        expected = reference.get_scores(query)
        got = engine.get_scores([t for t in query if t in vocab])
        np.testing.assert_allclose(got * (K1 + 1), expected, rtol=1e-4, atol=1e-3)
        top = lambda s: list(np.argsort(-s, kind="stable")[:10])  # noqa: E731
        assert top(got) == top(np.asarray(expected, dtype=np.float32))


def test_lucene_variant_formula_and_agreement(plan_tokens):
    docs, queries = plan_tokens
    engine = bm25s.BM25(method="lucene", k1=K1, b=B)
    engine.index(docs, show_progress=False)
    term = "激光"
    df = sum(1 for d in docs if term in d)
    n, avgdl = len(docs), sum(map(len, docs)) / len(docs)
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    i = next(i for i, d in enumerate(docs) if term in d)
    tf = docs[i].count(term)
    expected = idf * tf / (tf + K1 * (1 - B + B * len(docs[i]) / avgdl))
    assert engine.get_scores([term])[i] == pytest.approx(expected, rel=1e-4)

    reference = BM25Okapi(docs, k1=K1, b=B, epsilon=0)
    vocab = engine.vocab_dict
    overlaps = []
    for query in queries:
        a = set(np.argsort(-engine.get_scores([t for t in query if t in vocab]))[:10])
        b = set(np.argsort(-np.asarray(reference.get_scores(query)))[:10])
        overlaps.append(len(a & b) / 10)
    assert sum(overlaps) / len(overlaps) >= 0.8  # the two variants mostly agree; they differ on very common terms
