"""Hybrid search on the real plan with the real bundled models."""

from __future__ import annotations

import pytest
from conftest import PLAN_ID

from retriever.errors import QueryError, UnknownDocumentError


def anchors(result) -> list[str]:
    return [h.anchor for h in result.hits]


@pytest.mark.parametrize(
    ("question", "gold"),
    [
        ("湖北在光纤和激光器方面打算发展哪些产品?", "ch5.s1.p1"),  # paraphrase of 光通信及激光
        ("湖北要發展哪些雷射與光纖產品?", "ch5.s1.p1"),  # Traditional, Taiwan vocabulary
        ("Which optical fibre and laser products will Hubei develop?", "ch5.s1.p1"),
        ("湖北的光纤 and laser 产业怎么发展?", "ch5.s1.p1"),
        ("How will Hubei break through chokepoint technologies in integrated circuits?", "ch5.s1.p2"),
    ],
)
def test_the_right_clause_comes_back_in_the_top_five(searcher, question, gold):
    result = searcher.search(question, k=5, doc=PLAN_ID)
    assert f"{PLAN_ID}:{gold}" in anchors(result)


def test_a_quoted_slogan_finds_the_clause_that_writes_it_unquoted(searcher, corpus):
    """The plan writes 科技三命精神 without quote marks; a question that quotes part of it still reaches it."""
    result = searcher.search("湖北倡导的「科技三命」精神出自规划哪里?", k=1, doc=PLAN_ID)
    assert "科技三命" in corpus.clause(result.hits[0].anchor).text
    assert "科技三命精神" in result.hits[0].explain["bm25"]["matched_terms"]


def test_hits_are_whole_clauses_that_explain_themselves(searcher, corpus):
    result = searcher.search("东湖科学城建设", k=5)
    assert result.query.lang.value == "zh-Hans"
    for hit in result.hits:
        clause = corpus.clause(hit.anchor)
        assert hit.text == clause.text and hit.label_zh == clause.label_zh
        assert set(hit.explain) >= {"bm25", "dense", "fused"}
        assert set(hit.explain["dense"]) == {"use", "e5"}
    top = result.hits[0].explain
    assert "东湖科学城" in top["bm25"]["matched_terms"] and top["bm25"]["rank"] is not None
    assert result.hits[0].score == pytest.approx(top["fused"]["score"], abs=1e-6)
    assert [h.rank for h in result.hits] == [1, 2, 3, 4, 5]


def test_english_queries_reach_the_lexical_leg_through_the_glossary(searcher):
    result = searcher.search("venture capital guidance fund", k=5, mode="bm25")
    assert result.hits and result.terms
    glossary = result.hits[0].explain["glossary"]
    assert any(m["zh"] == "创业投资引导基金" for m in glossary)


def test_filters_by_document_and_chapter(searcher):
    law = searcher.search("专利权的保护期限", k=5, doc="zlf-2020")
    assert law.hits and all(h.doc == "zlf-2020" for h in law.hits)
    chapter = searcher.search("人才", k=10, doc=PLAN_ID, chapter=12)
    assert chapter.hits and all(h.anchor.startswith(f"{PLAN_ID}:ch12.") for h in chapter.hits)


@pytest.mark.parametrize("mode", ["bm25", "dense"])
def test_single_leg_modes(searcher, mode):
    result = searcher.search("科技成果转化", k=3, mode=mode)
    assert len(result.hits) == 3
    other = {"bm25": "dense", "dense": "bm25"}[mode]
    assert other not in result.hits[0].explain


@pytest.mark.parametrize("k", [0, -1, 100_000])
def test_k_out_of_range(searcher, k):
    with pytest.raises(QueryError, match="k "):
        searcher.search("人才", k=k)


def test_unknown_document_and_mode(searcher):
    with pytest.raises(UnknownDocumentError, match="zlf-2020"):
        searcher.search("人才", doc="no-such-doc")
    with pytest.raises(QueryError, match="mode"):
        searcher.search("人才", mode="magic")


def test_stopwords_only_query_still_answers_with_a_notice(searcher):
    result = searcher.search("有哪些什么的呢")
    assert result.notices and "关键词" in result.notices[-1]
    assert result.hits  # the dense legs still rank clauses


def test_huge_and_noisy_queries(searcher):
    huge = searcher.search("加快建设光谷科技创新大走廊" * 800, k=3)
    assert huge.notices and huge.hits
    noisy = searcher.search("🚀 光谷\x00科技创新大走廊 🚀", k=3)
    assert noisy.hits and noisy.query.text == "光谷 科技创新大走廊"


def test_quality_on_the_evaluation_set(searcher):
    from retriever.evaluation.retrieval import evaluate, load_questions

    metrics = evaluate(searcher, load_questions(), modes=("hybrid",))["metrics"]["hybrid"]
    assert metrics["zh-Hans"]["R@5"] >= 0.95
    assert metrics["zh-Hant"]["R@5"] >= 0.9
    assert metrics["en"]["R@5"] >= 0.8


@pytest.mark.parametrize(("question", "place"), [
    ("What does Article 42 of the Patent Law say?", "zlf-2020:ch5.a42"),
    ("科技进步法第九十一条讲的是什么", "kjjbf-2021:ch9.a91"),
    ("規劃第五章第一節的內容是什麼", "hb-sti-14fyp:ch5.s1"),  # Traditional characters
    ("成果转化法第四十五条第一款第一项规定的奖励比例是多少", "cgzhf-2015:ch4.a45.p1.i1"),
    ("科技进步法91条讲的是什么", "kjjbf-2021:ch9.a91"),  # 第 left out right after the law's name
])
def test_a_question_citing_a_place_gets_its_clauses_first(searcher, question, place):
    """Before, the first two of these ranked Article 5 and Article 3 first: a clause never repeats its own number."""
    inside = [a for a in (r.anchor for r in searcher.records()) if a == place or a.startswith(place + ".")]
    hits = searcher.search(question, k=len(inside)).hits
    assert sorted(h.anchor for h in hits) == sorted(inside)


def test_an_article_of_no_named_law_is_no_cited_place(searcher):
    """Each law here has an Article 11: a question naming none cites no place, and is ranked as any other."""
    parser = searcher.reference_parser
    assert parser.cited_places("第十一条规定外观设计专利权人能禁止别人做什么？") == []
    assert parser.cited_places("专利法第十一条和科技进步法第十一条有什么不同？") == []  # two laws named
    assert parser.cited_places("Article 42(1) and Article 43 of the Patent Law") == ["zlf-2020:ch5.a42.p1",
                                                                                     "zlf-2020:ch5.a43"]
    assert parser.without_citations("成果转化法第四十五条第一款第一项规定的奖励比例是多少") == "规定的奖励比例是多少"
    # 第 may be left out only right after a law's name; with it, the longest place wins
    assert parser.cited_places("《专利法》第42条1款规定什么") == ["zlf-2020:ch5.a42.p1"]
    # a range or list of places cites each of them
    assert parser.cited_places("专利法第四十二条至第四十四条规定了什么") == ["zlf-2020:ch5.a42", "zlf-2020:ch5.a43",
                                                                 "zlf-2020:ch5.a44"]
    assert parser.without_citations("专利法第四十二条至第四十四条规定了什么") == "规定了什么"
    # 第 left out right after the law's name, as for one article; a range written backwards cites nothing
    assert parser.cited_places("《专利法》43-45条讲的是什么") == ["zlf-2020:ch5.a43", "zlf-2020:ch5.a44",
                                                          "zlf-2020:ch5.a45"]
    assert parser.without_citations("《专利法》43-45条讲的是什么") == "讲的是什么"
    assert parser.cited_places("科技进步法91条1款和2款讲什么") == ["kjjbf-2021:ch9.a91.p1", "kjjbf-2021:ch9.a91.p2"]
    assert parser.cited_places("专利法45至43条") == []
    assert parser.cited_places("What do Articles 42 and 45 of the Patent Law say?") == ["zlf-2020:ch5.a42",
                                                                                        "zlf-2020:ch5.a45"]
    assert parser.without_citations("《专利法》42条说了什么") == "说了什么"
    assert parser.cited_places("专利法里有哪三条原则") == []
    # English places in words, or innermost first; other numbers in words stay words
    assert parser.cited_places("What does Article Forty-Two of the Patent Law say?") == ["zlf-2020:ch5.a42"]
    assert parser.cited_places("What does the first paragraph of Article 42 of the Patent Law say?") == [
        "zlf-2020:ch5.a42.p1"]
    assert parser.without_citations("Which one of the laws covers patents?") == "Which one of the laws covers patents?"


@pytest.mark.parametrize("question", ["第一款是什么意思", "第一节课讲什么", "第（一）项指什么", "第二段说了什么"])
def test_a_paragraph_or_section_of_nothing_is_no_place_and_no_error(searcher, question):
    """A paragraph, item or section without its chapter or article cites nothing: the question is searched as written
    (these raised "a reference needs a chapter or an article" before they were left out)."""
    assert searcher.reference_parser.cited_places(question) == []
    assert searcher.search(question, k=3).hits
