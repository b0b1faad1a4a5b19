"""The Streamlit reader, run headless with AppTest over the real corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from retriever import Corpus

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def run(clause: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if clause is not None:
        at.query_params["clause"] = clause
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_text(at: AppTest) -> str:
    """All markdown, captions and alerts of the page, joined."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [w.value for w in at.warning] + [e.value for e in at.error]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def default_page() -> AppTest:
    return run()


def test_default_page_shows_preface(default_page: AppTest) -> None:
    text = page_text(default_page)
    assert "`hb-sti-14fyp:ch0.s0.p1`" in text
    assert "为深入实施创新驱动发展战略" in text
    assert not default_page.error and not default_page.warning
    assert default_page.selectbox(key="doc").value == "hb-sti-14fyp"


def test_front_and_back_matter_expander(default_page: AppTest) -> None:
    labels = [e.label for e in default_page.expander]
    assert any("前后附文" in label for label in labels)
    text = page_text(default_page)
    assert "第五章打好现代产业关键核心技术攻坚战" in text  # a contents entry
    assert "重大科技创新平台清单" in text  # an annex title


def test_select_chapter_five() -> None:
    at = run()
    at.selectbox(key="chapter:hb-sti-14fyp").select("hb-sti-14fyp:ch5").run()
    assert not at.exception
    text = page_text(at)
    assert "`hb-sti-14fyp:ch5.s1.p1`" in text
    assert "光通信及激光。重点发展" in text
    assert "加快建设世界一流光电子信息技术创新高地" in text  # a section heading


def test_language_switch_changes_labels() -> None:
    at = run()
    assert at.selectbox(key="doc").label == "文档"
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.selectbox(key="doc").label == "Document"
    assert at.title[0].value == "Clause reader"
    assert "Preface" in at.selectbox(key="chapter:hb-sti-14fyp").options[0]


def test_deep_link_opens_and_highlights_clause() -> None:
    at = run("hb-sti-14fyp:ch4.s1.p1")
    assert at.selectbox(key="chapter:hb-sti-14fyp").value == "hb-sti-14fyp:ch4"
    text = page_text(at)
    assert text.count("`hb-sti-14fyp:ch4.s1.p1`") == 2  # the box at the top and the chapter listing
    assert "数学。支持科学与工程计算" in text
    assert "background:#fff6c2" in text  # the highlight style
    assert not at.warning


def test_deep_link_to_law_switches_document() -> None:
    at = run("kjjbf-2021:ch3.a29.p1")
    assert at.selectbox(key="doc").value == "kjjbf-2021"
    assert at.selectbox(key="chapter:kjjbf-2021").value == "kjjbf-2021:ch3"


def test_unknown_anchor_warns_and_page_keeps_working() -> None:
    at = run("hb-sti-14fyp:ch99.s1.p1")
    assert len(at.warning) == 1
    warning = at.warning[0].value
    assert "找不到条款锚点" in warning and "Unknown clause anchor" in warning
    assert "`hb-sti-14fyp:ch9.s1.p1`" in warning
    assert "`hb-sti-14fyp:ch0.s0.p1`" in page_text(at)  # the default chapter is still shown


def test_hostile_anchor_is_escaped() -> None:
    at = run("<script>alert(1)</script>")
    warning = at.warning[0].value
    assert "<script>" not in warning and "&lt;script&gt;" in warning


def test_lost_characters_are_marked() -> None:
    at = run("hb-sti-14fyp:ch1.s1.p2")
    lost = [m.value for m in at.markdown if "〓" in m.value and "background:#ffd6d6" in m.value]
    assert lost, "no lost-character span rendered"
    assert any("由第10位上升为" in v for v in lost)
    notes = next(e for e in at.expander if "损伤" in e.label)
    assert "characters lost in the source" in "\n".join(m.value for m in notes.markdown)


def test_law_document_shows_articles() -> None:
    at = run()
    at.selectbox(key="doc").select("kjjbf-2021").run()
    assert not at.exception
    text = page_text(at)
    assert "第一章 第八条 第一款" in text
    assert "`kjjbf-2021:ch1.a8.p1`" in text
    assert "中华人民共和国主席令第一百零三号" in "\n".join(m.value for m in at.sidebar.markdown)
    assert not any("前后附文" in e.label for e in at.expander)  # laws have no front/back matter


def test_every_chapter_of_every_document_renders(corpus: Corpus) -> None:
    """Each chapter option of each document runs cleanly and lists all of its clause anchors."""
    at = run()
    seen: set[str] = set()
    for doc_id, doc in corpus.documents.items():
        at.selectbox(key="doc").select(doc_id).run()
        picker = at.selectbox(key=f"chapter:{doc_id}")
        for index in range(len(picker.options)):
            at.selectbox(key=f"chapter:{doc_id}").select_index(index).run()
            assert not at.exception, (doc_id, index, [e.value for e in at.exception])
            text = page_text(at)
            seen.update(c.anchor for c in doc.clauses if f"`{c.anchor}`" in text)
    assert seen == {c.anchor for c in corpus.clauses()}


def test_search_mode_answers_a_question_with_explained_clauses(index_dir, monkeypatch):
    monkeypatch.setenv("RETRIEVER_INDEX_DIR", str(index_dir))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.sidebar.radio(key="mode").set_value("search").run()
    at.text_input(key="q").input("湖北要發展哪些雷射與光纖產品?").run()
    assert not at.exception, [e.value for e in at.exception]
    text = page_text(at)
    assert "hb-sti-14fyp:ch5.s1.p1" in text and "BM25" in text


def test_search_mode_with_an_empty_or_huge_question(index_dir, monkeypatch):
    monkeypatch.setenv("RETRIEVER_INDEX_DIR", str(index_dir))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.sidebar.radio(key="mode").set_value("search").run()
    at.text_input(key="q").input("   ").run()
    assert not at.exception
    at.text_input(key="q").input("创新" * 999).run()
    assert not at.exception
    assert any("cut" in i.value or "过长" in i.value for i in at.info)


def test_english_column_shows_reference_or_term_glosses():
    at = run()
    at.toggle(key="show_en").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("reference translation" in c.value or "参考译文" in c.value for c in at.caption)
    at.sidebar.selectbox(key="doc").set_value("kjjbf-2021").run()
    assert not at.exception
    assert any("term glosses" in c.value or "词语释义" in c.value for c in at.caption)
