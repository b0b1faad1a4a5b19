"""The Streamlit app, run headless with AppTest over the real corpus, models and index: every page, deep links,
the language switch, exports and bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from retriever import Corpus

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture(autouse=True)
def _test_index(index_dir, monkeypatch):
    """The app reads the session's freshly built index (never the working copy's index/)."""
    monkeypatch.setenv("RETRIEVER_INDEX_DIR", str(index_dir))


def run(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_text(at: AppTest) -> str:
    """All markdown, captions, code and alerts of the page, joined."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [c.value for c in at.code]
    parts += [w.value for w in at.warning] + [e.value for e in at.error] + [i.value for i in at.info]
    parts += [s.value for s in at.success]
    return "\n".join(parts)


def chip(anchor: str) -> str:
    """How an anchor chip's label appears in the page's HTML (escaped like all text)."""
    from ui.render import esc

    return f">{esc(anchor)}</a>"


# -- Ask ---------------------------------------------------------------------------------------------------------

def test_ask_is_the_first_page_and_answers_with_anchor_chips(corpus: Corpus) -> None:
    at = run()
    assert at.sidebar.radio(key="page").value == "ask"
    at.chat_input(key="question").set_value("湖北光通信及激光产业重点发展哪些产品?").run()
    assert not at.exception and not at.error
    text = page_text(at)
    assert chip("hb-sti-14fyp:ch5.s1.p1") in text
    assert 'href="?clause=hb&#45;sti&#45;14fyp%3Ach5.s1.p1&#38;lang=zh"' in text  # the chip opens the clause
    assert "重点发展大尺寸光纤预制棒" in text  # the plan's own words
    assert at.query_params["q"] == "湖北光通信及激光产业重点发展哪些产品?"  # the URL can be shared


def test_an_english_question_shows_english_renderings() -> None:
    at = run(lang="en")
    at.chat_input(key="question").set_value("Which optical fibre and laser products will Hubei develop?").run()
    text = page_text(at)
    # the optical-communication-and-laser clause (ch5) and the laser megaproject (ch9) both list laser products
    assert chip("hb-sti-14fyp:ch5.s1.p1") in text or chip("hb-sti-14fyp:ch9.s1.p2") in text
    assert "color:#1d4b8f" in text and "laser" in text.lower()  # the aligned English under the quote


def test_in_english_the_english_leads_and_the_verbatim_chinese_follows() -> None:
    """Even for a Chinese question: the reference English first, labelled, then the plan's own words."""
    at = run(lang="en")
    at.chat_input(key="question").set_value("湖北光通信及激光产业重点发展哪些产品?").run()
    answer = next(m.value for m in at.markdown if chip("hb-sti-14fyp:ch5.s1.p1") in m.value)
    assert "[reference translation]" in answer and "重点发展大尺寸光纤预制棒" in answer
    assert 0 <= answer.find("color:#1d4b8f") < answer.find("重点发展大尺寸光纤预制棒")


def test_a_law_answer_leads_with_its_reference_english() -> None:
    at = run(lang="en")  # every document by default: no need to pick the law
    assert at.selectbox(key="ask_scope").value == "all"
    at.chat_input(key="question").set_value("How long does an invention patent last?").run()
    text = page_text(at)
    assert chip("zlf-2020:ch5.a42.p1") in text and "twenty years" in text and "[reference translation]" in text


def test_a_refusal_lists_the_nearest_clauses() -> None:
    at = run()
    at.chat_input(key="question").set_value("湖北省的养老保险缴费比例是多少?").run()
    assert any("所检索的文件未涉及" in w.value and "《中华人民共和国专利法》" in w.value for w in at.warning)
    assert "最接近的条款" in page_text(at) and "anchor-chip" in page_text(at)


def test_the_ask_scope_narrows_answers_to_the_selected_document() -> None:
    at = run()
    at.selectbox(key="ask_scope").set_value("doc").run()  # the selected document: the plan
    at.chat_input(key="question").set_value("专利权的期限是多少年？").run()
    _, answer, _ = at.session_state["ask_history"][-1]
    assert answer.searched == ("hb-sti-14fyp",)  # the plan alone: the Patent Law's answer is out of scope
    assert all(h.doc == "hb-sti-14fyp" for h in answer.nearest) and "zlf-2020" not in page_text(at)


def test_deep_link_q_asks_the_question() -> None:
    at = run(q="东湖科学城要怎么建设?")
    text = page_text(at)
    assert "东湖科学城" in text and "anchor-chip" in text


def test_the_answer_exports_as_markdown_and_csv() -> None:
    at = run(q="东湖科学城要怎么建设?")
    buttons = {b.label: b for b in at.get("download_button")}
    assert {"导出 Markdown", "导出 CSV"} <= set(buttons)


@pytest.mark.parametrize("bad", ["湖", "？", "Привет мир", "创" * 10_000])
def test_bad_questions_give_a_message_not_an_exception(bad: str) -> None:
    at = run()
    at.chat_input(key="question").set_value(bad).run()
    assert not at.exception
    assert at.error or at.warning or "anchor-chip" in page_text(at)


def test_an_empty_question_does_nothing() -> None:
    at = run()
    at.chat_input(key="question").set_value("   ").run()
    assert not at.exception and not at.error and not at.get("chat_message")


# -- Search ------------------------------------------------------------------------------------------------------

def test_search_shows_explained_clauses_with_highlighted_terms() -> None:
    at = run(page="search")
    at.text_input(key="search_query").input("湖北要發展哪些雷射與光纖產品?").run()
    assert not at.exception, [e.value for e in at.exception]
    text = page_text(at)
    assert chip("hb-sti-14fyp:ch5.s1.p1") in text
    assert "<mark" in text  # matched terms highlighted
    why = next(e for e in at.expander if e.label == "匹配原因")
    explained = "\n".join(m.value for m in why.markdown)
    assert "融合排名 1" in explained and "词法（BM25）" in explained and "语义" in explained


def test_search_filters_by_chapter_and_draws_the_chapter_chart() -> None:
    at = run(page="search")
    at.text_input(key="search_query").input("人才").run()
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart"), "no hits-per-chapter chart"
    at.selectbox(key="search_chapter").select("hb-sti-14fyp:ch12").run()
    labels = [part.split("</a>")[0] for part in page_text(at).split('class="anchor-chip"')[1:]]
    assert labels and all("&#58;ch12." in label for label in labels)


def test_search_with_an_empty_or_huge_query() -> None:
    at = run(page="search")
    at.text_input(key="search_query").input("   ").run()
    assert not at.exception
    at.text_input(key="search_query").input("创新" * 999).run()
    assert not at.exception
    assert any("cut" in i.value or "过长" in i.value for i in at.info)


# -- Read --------------------------------------------------------------------------------------------------------

def test_read_shows_the_preface_and_the_front_matter() -> None:
    at = run(page="read")
    text = page_text(at)
    assert chip("hb-sti-14fyp:ch0.s0.p1") in text and "为深入实施创新驱动发展战略" in text
    assert any(e.label == "前后附文" for e in at.expander)
    assert "重大科技创新平台清单" in text  # an annex title


def test_table_of_contents_links_to_sections() -> None:
    at = run(page="read")
    toc = next(e for e in at.sidebar.expander if e.label == "目录导航")
    links = "\n".join(m.value for m in toc.markdown)
    assert "?clause=hb&#45;sti&#45;14fyp%3Ach5.s1.p1" in links and "加快建设世界一流光电子信息技术创新高" in links


def test_deep_link_opens_and_highlights_a_clause() -> None:
    at = run(clause="hb-sti-14fyp:ch4.s1.p1")
    assert at.sidebar.radio(key="page").value == "read"
    assert at.selectbox(key="chapter:hb-sti-14fyp").value == "hb-sti-14fyp:ch4"
    text = page_text(at)
    assert text.count(chip("hb-sti-14fyp:ch4.s1.p1")) == 2  # the box at the top and the chapter listing
    assert "数学。支持科学与工程计算" in text and "background:#fff6c2" in text


def test_deep_link_to_a_law_switches_document() -> None:
    at = run(clause="kjjbf-2021:ch3.a29.p1")
    assert at.selectbox(key="doc").value == "kjjbf-2021"
    assert at.selectbox(key="chapter:kjjbf-2021").value == "kjjbf-2021:ch3"


@pytest.mark.parametrize("anchor", ["hb-sti-14fyp:ch99.s1.p1", "<script>alert(1)</script>", "x" * 5000])
def test_unknown_or_hostile_anchor_in_the_url_warns(anchor: str) -> None:
    at = run(clause=anchor)
    assert len(at.warning) == 1
    warning = at.warning[0].value
    assert "找不到条款锚点" in warning and "Unknown clause anchor" in warning
    assert "<script>" not in warning


def test_lost_and_inferred_characters_are_marked_distinctly() -> None:
    at = run(clause="hb-sti-14fyp:ch1.s1.p2")
    lost = [m.value for m in at.markdown if "〓" in m.value and "background:#ffd6d6" in m.value]
    assert any("由第10位上升为" in v for v in lost)
    at = run(clause="hb-sti-14fyp:ch1.s1.p5")
    assert any("text-decoration:underline dotted" in m.value for m in at.markdown)  # 十四五 inferred


def test_every_chapter_of_every_document_renders(corpus: Corpus) -> None:
    at = run(page="read")
    seen: set[str] = set()
    for doc_id, doc in corpus.documents.items():
        at.selectbox(key="doc").select(doc_id).run()
        picker = at.selectbox(key=f"chapter:{doc_id}")
        for index in range(len(picker.options)):
            at.selectbox(key=f"chapter:{doc_id}").select_index(index).run()
            assert not at.exception, (doc_id, index, [e.value for e in at.exception])
            text = page_text(at)
            seen.update(c.anchor for c in doc.clauses if chip(c.anchor) in text)
    assert seen == {c.anchor for c in corpus.clauses()}


def test_english_column_shows_its_source() -> None:
    at = run(page="read")
    at.toggle(key="show_en").set_value(True).run()
    assert any("参考译文" in c.value for c in at.caption)
    at.sidebar.selectbox(key="doc").set_value("kjjbf-2021").run()  # the laws have reference English too
    assert not at.exception
    assert any("参考译文" in c.value for c in at.caption)


# -- Check citation ----------------------------------------------------------------------------------------------

def check(text: str, lang: str = "zh") -> AppTest:
    at = run(page="check", lang=lang)
    at.text_area(key="check_text").input(text)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_an_altered_number_is_shown_with_the_difference_and_citations() -> None:
    at = check("全省全社会研发经费投入由十二五末的561.7亿元上升到2021年的1005.3亿元")
    assert any("与原文不符" in e.value for e in at.error)
    text = page_text(at)
    assert "line-through" in text and "background:#d6f5d6" in text  # quote struck, source in green
    assert any("鄂政发〔2021〕18号" in c.value and "hb-sti-14fyp:ch1.s1.p5" in c.value for c in at.code)
    assert any("E Zheng Fa [2021] No. 18" in c.value for c in at.code)
    labels = [e.label for e in at.expander]
    assert any(label.startswith("上一条: hb-sti-14fyp:ch1.s1.p4") for label in labels)
    assert any(label.startswith("下一条: hb-sti-14fyp:ch1.s1.p6") for label in labels)


def test_a_verbatim_traditional_quote_and_a_reference() -> None:
    at = check("光通信及激光。重點發展大尺寸光纖預製棒", lang="en")
    assert any("Verbatim" in s.value for s in at.success)
    at = check("第五章第一节第一段")
    assert any("出处已定位" in s.value for s in at.success)
    assert chip("hb-sti-14fyp:ch5.s1.p1") in page_text(at)


def test_a_pasted_citation_checks_its_anchor_against_its_reference() -> None:
    at = check("Patent Law of the People's Republic of China (2020 Amendment), Article 42(1) [zlf-2020:ch5.a42.p1]",
               lang="en")
    assert any("Reference resolved" in s.value for s in at.success)
    at = check("《中华人民共和国专利法》（2020年修正）第四十二条第一款〔zlf-2020:ch2.a25.p1〕")
    assert any("与原文不符" in e.value for e in at.error)
    assert "引文所附锚点与出处不符" in page_text(at)


def test_a_statement_attributed_to_the_wrong_article_and_a_heading() -> None:
    at = check("专利法第四十三条规定：发明专利权的期限为二十年")
    assert any("与原文不符" in e.value for e in at.error)
    assert "所引专利法第四十三条与出处不符" in page_text(at) and chip("zlf-2020:ch5.a42.p1") in page_text(at)
    at = check("第五章打好现代产业关键核心技术攻坚战", lang="en")
    assert any("Verbatim" in s.value for s in at.success)
    assert "the text of a heading" in page_text(at)


def test_an_english_quote_with_a_changed_figure_shows_the_english_and_the_chinese() -> None:
    at = check("The term of invention patent rights shall be thirty years", lang="en")
    assert any("Altered" in e.value for e in at.error)
    text = page_text(at)
    assert "unofficial translation" in text and "发明专利权的期限为二十年" in text  # the Chinese is the document's
    assert "twenty" in text and chip("zlf-2020:ch5.a42.p1") in text


@pytest.mark.parametrize(("paste", "message"), [
    ("", "nothing to check"), ("创新" * 5_000, "longer than any single clause"),
    ("hb-sti-14fyp:ch99.s9.p9", "找不到条款锚点"), ("专利法", "请写明章节或条款"),
])
def test_bad_pastes_give_a_message(paste: str, message: str) -> None:
    at = check(paste)
    assert any(message in e.value for e in at.error)


# -- Everywhere --------------------------------------------------------------------------------------------------

def test_language_switch_changes_every_label() -> None:
    at = run()
    assert at.selectbox(key="doc").label == "文档"
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.selectbox(key="doc").label == "Document"
    assert at.title[0].value.startswith("Hubei S&T Innovation Plan")
    assert at.sidebar.radio(key="page").options == ["Ask", "Search", "Read", "Check citation"]


def test_document_text_is_never_raw_html() -> None:
    from ui.render import chip as make_chip
    from ui.render import marked

    html = marked("<script>alert('x')</script> **bold** [link](http://x)")
    assert "<script" not in html and "**" not in html and "](" not in html
    assert "<script" not in make_chip('"><script>alert(1)</script>', "zh")


def test_exports_carry_citations(searcher, corpus: Corpus) -> None:
    from retriever.answer.export import answer_csv, answer_markdown, hits_csv
    from retriever.answer.extractive import Answerer

    answer = Answerer(searcher).ask("东湖科学城要怎么建设?", doc="hb-sti-14fyp")
    markdown = answer_markdown(answer, corpus)
    assert "鄂政发〔2021〕18号" in markdown and answer.sentences[0].anchor in markdown
    rows = list(csv.DictReader(io.StringIO(answer_csv(answer, corpus).lstrip("\ufeff"))))
    assert [r["anchor"] for r in rows] == [s.anchor for s in answer.sentences]
    assert all(r["citation_en"].startswith("Hubei Province 14th Five-Year Plan") for r in rows)
    hits = searcher.search("人才", k=3).hits
    assert len(list(csv.DictReader(io.StringIO(hits_csv(hits, corpus).lstrip("\ufeff"))))) == 3


def test_the_app_rebuilds_a_corrupt_index_and_later_sessions_keep_working(index_dir, tmp_path, monkeypatch) -> None:
    """The rebuild runs outside the cached loader (with its progress bar), so a second session is not broken."""
    import shutil

    import streamlit as st

    copy = tmp_path / "hybrid"
    shutil.copytree(index_dir, copy)
    shutil.copytree(index_dir.parent / "hybrid-embeddings", tmp_path / "hybrid-embeddings")  # vectors: no re-embedding
    (copy / "manifest.json").write_text("[]", encoding="utf-8")
    monkeypatch.setenv("RETRIEVER_INDEX_DIR", str(copy))
    st.cache_resource.clear()
    try:
        for _session in range(2):
            at = run()
            at.chat_input(key="question").set_value("湖北光通信及激光产业重点发展哪些产品?").run()
            assert not at.exception and not at.error, [e.value for e in at.exception]
            assert chip("hb-sti-14fyp:ch5.s1.p1") in page_text(at)
        assert json.loads((copy / "manifest.json").read_text(encoding="utf-8"))["clause_count"] > 700
    finally:
        st.cache_resource.clear()  # the other tests use the session's index


# -- URLs that carry the state of Search and Check ---------------------------------------------------------------

def test_a_search_url_opens_the_search_it_describes() -> None:
    at = run(page="search", q="激光", doc="hb-sti-14fyp", chapter="5", k="3")
    assert at.text_input(key="search_query").value == "激光"
    text = page_text(at)
    assert chip("hb-sti-14fyp:ch5.s1.p1") in text and chip("hb-sti-14fyp:ch9.s1.p2") not in text  # chapter 5 only
    assert at.query_params["page"] == "search" and at.query_params["k"] == "3"


def test_a_check_url_checks_its_text() -> None:
    at = run(page="check", text="发明专利权的期限为二十年")
    assert any("与原文一致" in s.value for s in at.success)
    assert "zlf-2020:ch5.a42.p1" in page_text(at)


def test_a_range_of_places_shows_each_place_and_its_citation() -> None:
    at = run(page="check", text="专利法第四十二条至第四十四条")
    text = page_text(at)
    assert "所引各处" in text
    assert all(chip(f"zlf-2020:ch5.a{n}") in text and f"第{cn}条〔zlf-2020:ch5.a{n}〕" in text
               for n, cn in ((42, "四十二"), (43, "四十三"), (44, "四十四")))


def test_the_checkers_offset_decides_which_copy_is_outlined() -> None:
    from retriever.answer.citation_check import CheckResult
    from retriever.types import InputKind, Verdict
    from ui.check_page import matched_html

    text = "科技创新引领发展。科技创新引领发展。"
    second = CheckResult(Verdict.VERBATIM, InputKind.QUOTE, "x:p1", text, "科技创新引领发展", 1.0, start=9, end=17)
    html = matched_html(second)
    assert html.index("outline") > html.index("。")  # the second copy, where the checker found it


def test_a_very_long_question_in_the_url_is_cut_with_its_real_length() -> None:
    at = run(q="湖北" * 10_000)
    assert any("20000" in i.value for i in at.info)
