"""Laws as a second document kind: chapters, articles, paragraphs (款) and items (项)."""

from __future__ import annotations

import re
from collections import Counter


def articles(doc) -> set[str]:
    return {re.search(r"\.a([\d-]+)\.", c.anchor).group(1) for c in doc.clauses}


def test_article_counts_of_the_three_laws(corpus):
    assert len(articles(corpus.document("kjjbf-2021"))) == 117
    assert len(articles(corpus.document("cgzhf-2015"))) == 52
    assert len(articles(corpus.document("zlf-2020"))) == 82
    for doc_id in ("kjjbf-2021", "cgzhf-2015", "zlf-2020"):
        assert corpus.document(doc_id).warnings == ()


def test_paragraph_anchor_and_labels(corpus):
    clause = corpus.clause("kjjbf-2021:ch1.a8.p1")
    assert clause.text.startswith("国家保障开展科学技术研究开发的自由")
    assert clause.label_zh == "第一章 第八条 第一款"
    assert clause.label_en == "Ch. 1 Art. 8(1)"
    assert clause.heading_path == ("第一章 总 则",)
    second = corpus.clause("kjjbf-2021:ch1.a8.p2")
    assert second.text.startswith("科学技术研究开发机构、高等学校")
    assert second.label_zh == "第一章 第八条 第二款"


def test_items_are_clauses_under_their_paragraph(corpus):
    doc = corpus.document("zlf-2020")
    items = [c for c in doc.clauses if c.kind == "item"]
    assert len(items) == 24
    first = items[0]
    assert re.fullmatch(r"zlf-2020:ch\d+\.a\d+\.p\d+\.i1", first.anchor)
    assert first.text.startswith("（一）")
    assert re.search(r"第（一）项$", first.label_zh) and first.label_en.endswith("item 1")
    parent = corpus.clause(first.anchor.rsplit(".", 1)[0])
    assert parent.kind == "article" and parent.line < first.line


def test_chapters_are_headings(corpus):
    doc = corpus.document("kjjbf-2021")
    assert Counter(h.level for h in doc.headings) == {"chapter": 12}
    assert doc.headings[1].anchor == "kjjbf-2021:ch2" and doc.headings[1].label_en == "Ch. 2"
