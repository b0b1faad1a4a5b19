"""The citation checker: anchors, human references and quotes, with verdicts, differences and citations."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT

from retriever.answer.citation_check import CitationChecker
from retriever.ingest.references import ReferenceParser
from retriever.errors import QueryError, UnknownAnchorError


@pytest.fixture(scope="module")
def checker(corpus):
    return CitationChecker(corpus)


def test_every_case_of_the_evaluation_file(checker):
    cases = [json.loads(line) for line in (ROOT / "eval" / "citations.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(cases) >= 15
    for case in cases:
        result = checker.check(case["input"])
        assert result.verdict == case["verdict"], case
        if case["anchor"]:
            assert result.anchor == case["anchor"], case


def test_altered_number_is_highlighted_and_damage_reported(checker):
    result = checker.check("到2030年,基本建成科技强省")
    assert result.verdict == "altered" and result.anchor == "hb-sti-14fyp:ch1.s4.p1"
    assert result.diff == [{"op": "replace", "quote": "30", "source": "25", "at": 3}]
    assert any("inferred" in n for n in result.notes) and any("lost" in n for n in result.notes)


def test_citations_in_both_languages(checker):
    result = checker.check("第五章第一节第一段")
    assert result.verdict == "resolved" and result.anchor == "hb-sti-14fyp:ch5.s1.p1"
    assert result.citation_zh == "《湖北省科技创新“十四五”规划》（鄂政发〔2021〕18号）第五章 一、第1段〔hb-sti-14fyp:ch5.s1.p1〕"
    assert result.citation_en.startswith("Hubei Province 14th Five-Year Plan for Science and Technology Innovation "
                                         "(E Zheng Fa [2021] No. 18), Ch. 5 §1 ¶1")
    assert result.context == {"previous": "hb-sti-14fyp:ch5.s0.p1", "next": "hb-sti-14fyp:ch5.s1.p2"}


def test_a_quote_over_lost_or_inferred_characters_is_unconfirmed_not_verbatim(checker):
    result = checker.check("高新技术企业由“十二五”末的3317家增至10404家")
    assert result.verdict == "unconfirmed" and result.anchor == "hb-sti-14fyp:ch1.s1.p4"
    assert any("cannot be confirmed" in n for n in result.notes)
    assert checker.check("湖北省科技创新十四五规划的总体要求是").verdict != "verbatim"
    inferred_only = checker.check("全面布局3D NAND、DRAM")  # 3 of the second 3D is inferred, the first is source
    assert inferred_only.verdict == "verbatim"


def test_exact_text_is_found_everywhere_and_short_quotes_are_refused(checker):
    result = checker.check("通过协议定价、在技术交易市场挂牌交易、拍卖等方式")
    assert result.verdict == "verbatim" and result.also_found
    with pytest.raises(QueryError, match="too short"):
        checker.check("AB")


def test_a_long_invented_sentence_around_a_short_list_item_is_not_found(checker):
    # 动物和植物品种 is an item of 专利法 Art. 25; the rest of this sentence is written nowhere in the corpus
    result = checker.check("动物和植物品种的培育方法，经省级农业主管部门审定后可以申请地方品种权保护。")
    assert result.verdict == "not_found" and any("zlf-2020:ch2.a25.p1.i4" in n for n in result.notes)


@pytest.mark.parametrize(("reference", "anchor"), [
    ("专利法第二十四条第一款第（二）项", "zlf-2020:ch2.a24.p1.i2"),
    ("序言", "hb-sti-14fyp:ch0.s0.p1"),
    ("Chapter 0", "hb-sti-14fyp:ch0.s0.p1"),
    # documents by full name, short name, English name and alias; whole articles and sections resolve to themselves
    ("科技进步法第九十一条", "kjjbf-2021:ch9.a91"),
    ("《中华人民共和国科学技术进步法》第九十一条", "kjjbf-2021:ch9.a91"),
    ("成果转化法第四十五条第一款第（一）项", "cgzhf-2015:ch4.a45.p1.i1"),
    ("规划第五章第一节", "hb-sti-14fyp:ch5.s1"),
    ("《湖北省科技创新“十四五”规划》第五章", "hb-sti-14fyp:ch5"),
    ("Article 42 of the Patent Law", "zlf-2020:ch5.a42"),
    ("Article 42 of the 'Patent Law'", "zlf-2020:ch5.a42"),  # quotes around a name go, an apostrophe in one stays
    ("Article 43 of the Law of the People's Republic of China on Promoting the Transformation of Scientific and "
     "Technological Achievements", "cgzhf-2015:ch4.a43"),
    ("Art. 42(1) Patent Law", "zlf-2020:ch5.a42.p1"),
    ("Patent Law, Article 42", "zlf-2020:ch5.a42"),
    ("Chapter V of the Patent Law", "zlf-2020:ch5"),
    ("Chapter 9 Section 1 of the plan", "hb-sti-14fyp:ch9.s1"),
    # whose document it is, before its name; places innermost first, as official English translations write them
    ("Chapter 9 Section 1 of Hubei Province's innovation plan", "hb-sti-14fyp:ch9.s1"),
    ("China’s Patent Law, Article 42", "zlf-2020:ch5.a42"),
    ("Paragraph 1 of Article 42 of the Patent Law", "zlf-2020:ch5.a42.p1"),
    ("Item 2, Paragraph 1, Article 24 of the Patent Law", "zlf-2020:ch2.a24.p1.i2"),
    ("Section 1 of Chapter 9 of the plan", "hb-sti-14fyp:ch9.s1"),
    ("Art 42 para 1 Patent Law", "zlf-2020:ch5.a42.p1"),  # abbreviations without their full stops
    # the place owned by the name written before it
    ("the Patent Law's Article 42(1)", "zlf-2020:ch5.a42.p1"),
    ("the Hubei plan’s Chapter 5 Section 1", "hb-sti-14fyp:ch5.s1"),
    ("专利法的第四十二条", "zlf-2020:ch5.a42"),
    ("《科技进步法》之第九十一条", "kjjbf-2021:ch9.a91"),
    # Traditional characters, as partners in Taiwan and Hong Kong write them; "PRC" and "Chinese" for the country
    ("專利法第二十四條第一款第（二）項", "zlf-2020:ch2.a24.p1.i2"),
    ("《中華人民共和國科學技術進步法》第九十一條", "kjjbf-2021:ch9.a91"),
    ("規劃第五章第一節", "hb-sti-14fyp:ch5.s1"),
    ("Patent Law of the PRC, Article 42(1)", "zlf-2020:ch5.a42.p1"),
    ("PRC Patent Law Art. 42", "zlf-2020:ch5.a42"),
    ("Chinese Patent Law, Article 42", "zlf-2020:ch5.a42"),
    ("Article 42 of the Patent Law (2020)", "zlf-2020:ch5.a42"),  # its edition's year after the name
    # the words around a reference in a sentence, and a full stop
    ("根据《专利法》第四十二条的规定", "zlf-2020:ch5.a42"),
    ("依照专利法第四十二条第一款规定", "zlf-2020:ch5.a42.p1"),
    ("Under Article 42(1) of the Patent Law,", "zlf-2020:ch5.a42.p1"),
    ("See Article 42 of the Patent Law.", "zlf-2020:ch5.a42"),
    ("专利法第四十二条。", "zlf-2020:ch5.a42"),
    ("第五章第一节。", "hb-sti-14fyp:ch5.s1"),
    # the document's own edition or number after its name, as the product's citations write it
    ("《中华人民共和国专利法》（2020年修正）第四十二条第一款", "zlf-2020:ch5.a42.p1"),
    ("Patent Law of the People's Republic of China (2020 Amendment), Article 42(1)", "zlf-2020:ch5.a42.p1"),
    ("专利法（2020年修正本）第四十二条", "zlf-2020:ch5.a42"),
    ("《湖北省科技创新“十四五”规划》（鄂政发〔2021〕18号）第五章", "hb-sti-14fyp:ch5"),
    ("Hubei's S&T plan (E Zheng Fa [2021] No. 18), Ch. 5 §1 ¶1", "hb-sti-14fyp:ch5.s1.p1"),
    # items in Roman numerals, as legal English numbers them
    ("Art. 45(1)(i) of the Law on Promoting the Transformation of Scientific and Technological Achievements",
     "cgzhf-2015:ch4.a45.p1.i1"),
    ("Patent Law Art. 24(1)(ii)", "zlf-2020:ch2.a24.p1.i2"),
    # a government document by its number, however the year's brackets are typed
    ("鄂政发〔2021〕18号第五章", "hb-sti-14fyp:ch5"),
    ("鄂政发[2021]18号第五章第一节", "hb-sti-14fyp:ch5.s1"),
    ("E Zheng Fa [2021] No. 18, Chapter 5", "hb-sti-14fyp:ch5"),
    # a chapter named by its title after the document's name
    ("专利法总则", "zlf-2020:ch1"),
    ("科技进步法附则", "kjjbf-2021:ch12"),
    ("专利法第八章 附则", "zlf-2020:ch8"),
    ("规划第五章打好现代产业关键核心技术攻坚战", "hb-sti-14fyp:ch5"),
    # commas between a place's parts: no statement follows the place
    ("the plan, ch. 11, sec. 2", "hb-sti-14fyp:ch11.s2"),
    ("Patent Law, Art. 42, para. 1", "zlf-2020:ch5.a42.p1"),
    # numbers in words, ordinals before their unit, a paragraph after a full stop
    ("Chapter Five of the plan", "hb-sti-14fyp:ch5"),
    ("Article Forty-Two of the Patent Law", "zlf-2020:ch5.a42"),
    ("Patent Law Article 42, third paragraph", "zlf-2020:ch5.a42.p3"),
    ("the first paragraph of Article 42 of the Patent Law", "zlf-2020:ch5.a42.p1"),
    ("the second item of Article 24 of the Patent Law", "zlf-2020:ch2.a24.p1.i2"),
    ("Article Ninety-One, Paragraph Two of the Law on Progress of Science and Technology", "kjjbf-2021:ch9.a91.p2"),
    ("Article 42.3 of the Patent Law", "zlf-2020:ch5.a42.p3"),
    # the full English title after the place: the longest name wins over "the Patent Law" inside it
    ("Article 42 of the Patent Law of the People's Republic of China", "zlf-2020:ch5.a42"),
    ("Article 42(1) of the Patent Law of the PRC", "zlf-2020:ch5.a42.p1"),
    # (2) of an article of one paragraph, a list: its item 2 ((1) stays the paragraph)
    ("Patent Law Article 24(2)", "zlf-2020:ch2.a24.p1.i2"),
    ("Patent Law Article 24(1)", "zlf-2020:ch2.a24.p1"),
    # the document described before its name in its own title's words
    ("the Hubei 14th Five-Year Plan, Chapter 5 Section 1", "hb-sti-14fyp:ch5.s1"),
    ("湖北省十四五科技创新规划第五章第一节", "hb-sti-14fyp:ch5.s1"),
    ("中国专利法第四十二条", "zlf-2020:ch5.a42"),
    # 第 left out, an item in brackets alone, a place in brackets after the name
    ("专利法42条", "zlf-2020:ch5.a42"),
    ("科技进步法91条2款", "kjjbf-2021:ch9.a91.p2"),
    ("规划5章1节", "hb-sti-14fyp:ch5.s1"),
    ("专利法第二十四条（二）", "zlf-2020:ch2.a24.p1.i2"),
    ("专利法（第四十二条）", "zlf-2020:ch5.a42"),
    # or the name in brackets after the place
    ("第四十二条（《专利法》）", "zlf-2020:ch5.a42"),
    ("Article 42(1) (Patent Law)", "zlf-2020:ch5.a42.p1"),
    # an anchor typed loosely: a space for the colon, upper case, its path alone (the plan's)
    ("hb-sti-14fyp ch5.s1.p1", "hb-sti-14fyp:ch5.s1.p1"),
    ("ZLF-2020：CH5.A42.P1", "zlf-2020:ch5.a42.p1"),
    ("ch5.s1", "hb-sti-14fyp:ch5.s1"),
    # a section of the plan as its heading's number, in brackets, or as a part
    ("规划第十一章（二）", "hb-sti-14fyp:ch11.s2"),
    ("规划第十一章第二部分", "hb-sti-14fyp:ch11.s2"),
    # a paragraph as 自然段; a section of the plan numbered as its chapter and section (5.1), a paragraph after them
    ("第五章第一节第二自然段", "hb-sti-14fyp:ch5.s1.p2"),
    ("Section 5.1 of the plan", "hb-sti-14fyp:ch5.s1"),
    ("the plan, §5.1.2", "hb-sti-14fyp:ch5.s1.p2"),
    # a name whose alias has "the" (the plan) written without it
    ("plan chapter 5", "hb-sti-14fyp:ch5"),
    ("Section 1 of Chapter 5 of plan", "hb-sti-14fyp:ch5.s1"),
    ("Article 42 of Patent Law", "zlf-2020:ch5.a42"),
])
def test_more_references(checker, reference, anchor):
    result = checker.check(reference)
    assert result.verdict == "resolved" and result.anchor == anchor


def test_a_whole_article_resolves_with_its_clauses_and_is_cited_as_the_article(checker, corpus):
    result = checker.check("专利法第四十二条")
    assert result.anchor == "zlf-2020:ch5.a42" and "二十年" in result.clause_text
    assert corpus.children("zlf-2020:ch5.a42")[0] == "zlf-2020:ch5.a42.p1"
    assert result.citation_en.endswith("Article 42 [zlf-2020:ch5.a42]")
    assert "第四十二条" in result.citation_zh


def test_an_article_a_law_does_not_have_is_an_unknown_anchor_with_suggestions(checker):
    with pytest.raises(UnknownAnchorError) as err:
        checker.check("专利法第九十九条")  # the Patent Law has 82 articles
    assert err.value.suggestions and all(s.startswith("zlf-2020:") for s in err.value.suggestions)
    with pytest.raises(UnknownAnchorError):
        checker.check("Article one hundred and two of the Patent Law")  # in words, still none
    with pytest.raises(UnknownAnchorError):
        checker.check("Article 42.9 of the Patent Law")  # Article 42 has three paragraphs
    with pytest.raises(UnknownAnchorError):
        checker.check("专利法第二十四条第二款")  # 款 is a paragraph, never an item


def test_an_article_cited_without_its_law_asks_for_the_law_and_lists_where_it_is(checker):
    """The plan has no articles: 第四十二条第一款 alone cannot be the plan's, and each law has an Article 42(1)."""
    with pytest.raises(QueryError, match="names no law") as err:
        checker.check("第四十二条第一款")
    assert all(a in str(err.value) for a in ("zlf-2020:ch5.a42.p1", "kjjbf-2021:ch4.a42.p1", "cgzhf-2015:ch4.a42.p1"))
    with pytest.raises(QueryError, match="needs its law's id.*zlf-2020"):
        checker.check("ch5.a42")  # an anchor's path alone is the plan's, which has no articles
    with pytest.raises(QueryError, match="no law here has this article"):
        checker.check("Article 120")  # the longest law here has 117
    assert checker.check("第四十二条第一款", doc="zlf-2020").anchor == "zlf-2020:ch5.a42.p1"


@pytest.mark.parametrize("name", ["专利法", "《中华人民共和国专利法》", "the Hubei S&T plan", "湖北省科技创新规划"])
def test_a_document_named_without_a_place_is_an_error_that_says_which_document(checker, name):
    with pytest.raises(QueryError, match=r"names a document of the corpus.*\[(zlf-2020|hb-sti-14fyp)\].*请写明章节或条款"):
        checker.check(name)


def test_words_before_a_name_that_are_not_its_title_words_stay_a_quote(checker):
    assert checker.check("人民法院依照专利法第四十二条").verdict == "not_found"  # 人民法院依照 is no title's
    assert checker.check("创新规划").verdict == "verbatim"  # the corpus's own words, though a title's too


def test_references_follow_the_requested_document(checker):
    assert checker.check("第二章", doc="zlf-2020").anchor == "zlf-2020:ch2"


@pytest.mark.parametrize("bad", ["第二三章", "第1十章", "Chapter 5 Section xi", "\udcff激光器的关键核心技术"])
def test_malformed_references_and_broken_text_are_clear_errors_or_checked(checker, bad):
    try:
        checker.check(bad)
    except (QueryError, UnknownAnchorError):
        pass


@pytest.mark.parametrize(("bad", "error"), [
    ("", QueryError), ("  “”  ", QueryError), ("创新" * 20_001, QueryError),
    ("gd-sti-14fyp:ch1.s1.p1", UnknownAnchorError), ("hb-sti-14fyp:ch99.s1.p1", UnknownAnchorError),
])
def test_bad_input(checker, bad, error):
    with pytest.raises(error):
        checker.check(bad)


def test_a_quote_longer_than_the_document(checker):
    with pytest.raises(QueryError, match="longer than the document"):
        checker.check("科技" * 9_000, doc="cgzhf-2015")


def test_check_cli_json_and_jsonl():
    result = subprocess.run([sys.executable, "-m", "retriever", "check", "光通信及激光。", "--json"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    data = json.loads(result.stdout)
    assert {"verdict", "anchor", "clause_text", "diff", "citation_zh", "citation_en"} <= set(data)
    assert data["verdict"] == "verbatim"
    batch = subprocess.run([sys.executable, "-m", "retriever", "check", "--jsonl"], cwd=ROOT, input="第五章\n\n",
                           capture_output=True, text=True, timeout=120)
    lines = [json.loads(line) for line in batch.stdout.splitlines()]
    assert lines[0]["verdict"] == "resolved" and "error" in lines[1]


def test_law_clauses_are_cited_as_laws_are(checker):
    """Title with its edition, then article, paragraph (when the article has several) and item."""
    patent = checker.check("zlf-2020:ch5.a42.p1")
    assert patent.citation_en == ("Patent Law of the People's Republic of China (2020 Amendment), Article 42(1) "
                                  "[zlf-2020:ch5.a42.p1]")
    assert patent.citation_zh == "《中华人民共和国专利法》（2020年修正）第四十二条第一款〔zlf-2020:ch5.a42.p1〕"
    item = checker.check("zlf-2020:ch2.a24.p1.i1")
    assert item.citation_en.endswith(", Article 24, item (1) [zlf-2020:ch2.a24.p1.i1]")
    assert "第二十四条第（一）项〔" in item.citation_zh
    single = checker.check("kjjbf-2021:ch1.a1.p1")  # an article of one paragraph is cited without it
    assert single.citation_en.startswith("Law of the People's Republic of China on Progress of Science and Technology "
                                         "(2021 Revision), Article 1 [")


def test_no_sentence_of_the_corpus_is_read_as_a_reference(corpus):
    """A law's own sentence (依照本法第十条的规定…) pasted to check is a quote, however it is framed; nor does one read as
    a statement attributed to a place."""
    parser = ReferenceParser(corpus)
    sentences = [c.text[s.start:s.end] for c in corpus.clauses() for s in c.sentences]
    assert len(sentences) > 1000 and not [s for s in sentences if parser.parse(s) is not None]
    assert not [s for s in sentences if parser.claim(s) is not None]
    # the laws cite ranges of their own articles (第四十二条至第四十四条): a sentence holding one is still a quote
    assert not [s for s in sentences if parser.parse_series(s) is not None]


@pytest.mark.parametrize(("reference", "places"), [
    ("专利法第四十二条至第四十四条", ["zlf-2020:ch5.a42", "zlf-2020:ch5.a43", "zlf-2020:ch5.a44"]),
    ("专利法第42-44条", ["zlf-2020:ch5.a42", "zlf-2020:ch5.a43", "zlf-2020:ch5.a44"]),
    ("科技进步法第九十一条、第九十三条", ["kjjbf-2021:ch9.a91", "kjjbf-2021:ch9.a93"]),
    ("专利法第二十四条第（一）项至第（三）项", ["zlf-2020:ch2.a24.p1.i1", "zlf-2020:ch2.a24.p1.i2",
                                        "zlf-2020:ch2.a24.p1.i3"]),
    ("规划第五章第一节至第三节", ["hb-sti-14fyp:ch5.s1", "hb-sti-14fyp:ch5.s2", "hb-sti-14fyp:ch5.s3"]),
    ("Articles 42-44 of the Patent Law", ["zlf-2020:ch5.a42", "zlf-2020:ch5.a43", "zlf-2020:ch5.a44"]),
    ("Arts. 42 and 45 of the Patent Law", ["zlf-2020:ch5.a42", "zlf-2020:ch5.a45"]),
    ("Chapter 5, Sections 1, 2 and 4 of the plan", ["hb-sti-14fyp:ch5.s1", "hb-sti-14fyp:ch5.s2",
                                                    "hb-sti-14fyp:ch5.s4"]),
    # whole places joined, of one document or of several (the 和 of 共和国 and the "and" of a title join nothing)
    ("Patent Law Article 42(1) and Article 43", ["zlf-2020:ch5.a42.p1", "zlf-2020:ch5.a43"]),
    ("专利法第四十二条第一款和第二款", ["zlf-2020:ch5.a42.p1", "zlf-2020:ch5.a42.p2"]),
    ("《中华人民共和国专利法》第四十二条和《中华人民共和国科学技术进步法》第九十一条", ["zlf-2020:ch5.a42", "kjjbf-2021:ch9.a91"]),
    ("Article 42 of the Patent Law and Article 91 of the Law on Progress of Science and Technology",
     ["zlf-2020:ch5.a42", "kjjbf-2021:ch9.a91"]),
])
def test_a_range_or_list_of_places_resolves_to_each(checker, reference, places):
    result = checker.check(reference)
    assert result.verdict == "resolved" and result.input_kind == "reference"
    assert result.places == places and result.anchor == places[0]
    assert result.clause_text == checker.check(places[0]).clause_text
    assert [line.rsplit("〔", 1)[1].rstrip("〕") for line in result.citation_zh.splitlines()] == places


def test_a_statement_attributed_to_a_range_agrees_when_one_of_its_places_holds_it(checker):
    agrees = checker.check("专利法第四十二条至第四十四条规定：发明专利权的期限为二十年")
    assert agrees.verdict == "verbatim" and agrees.anchor == "zlf-2020:ch5.a42.p1"
    wrong = checker.check("专利法第四十三条至第四十四条规定：发明专利权的期限为二十年")
    assert wrong.verdict == "altered" and any("zlf-2020:ch5.a42.p1" in n for n in wrong.notes)
    english = checker.check("Articles 42 and 43 of the Patent Law: an invention patent lasts 30 years")
    assert english.verdict == "altered" and english.places == ["zlf-2020:ch5.a42", "zlf-2020:ch5.a43"]


@pytest.mark.parametrize(("reference", "anchor", "sentence"), [
    ("专利法第四十二条第三款第二句", "zlf-2020:ch5.a42.p3", 2),
    ("the second sentence of Article 42(3) of the Patent Law", "zlf-2020:ch5.a42.p3", 2),
    ("Patent Law, Art. 42, para. 3, sentence 1", "zlf-2020:ch5.a42.p3", 1),
    ("第五章第一节第一段第二句", "hb-sti-14fyp:ch5.s1.p1", 2),
])
def test_a_sentence_of_a_paragraph_is_its_matched_text(checker, corpus, reference, anchor, sentence):
    result = checker.check(reference)
    clause = corpus.clause(anchor)
    wanted = clause.sentences[sentence - 1]
    assert result.verdict == "resolved" and result.anchor == anchor and len(clause.sentences) >= 2
    assert (result.start, result.end) == (wanted.start, wanted.end)
    assert result.matched_text == clause.text[wanted.start:wanted.end] != clause.text


def test_a_statement_attributed_to_a_sentence_must_be_in_that_sentence(checker):
    # Article 42(3): 为补偿新药…给予专利权期限补偿。补偿期限不超过五年，… (two sentences)
    right = checker.check("专利法第四十二条第三款第二句规定：补偿期限不超过五年")
    assert right.verdict == "verbatim" and right.anchor == "zlf-2020:ch5.a42.p3"
    wrong = checker.check("“补偿期限不超过五年”（专利法第四十二条第三款第一句）")
    assert wrong.verdict == "altered" and "sentence 2" in wrong.notes[-1] and "not sentence 1" in wrong.notes[-1]


@pytest.mark.parametrize(("reference", "message"), [
    ("专利法第四十二条第一款第二句", "1 sentence"),  # Article 42(1) is one sentence
    ("专利法第四十二条第一句", "3 paragraphs"),  # which paragraph's?
])
def test_a_sentence_that_is_not_there_is_a_clear_error(checker, reference, message):
    with pytest.raises(QueryError, match=message):
        checker.check(reference)


@pytest.mark.parametrize(("reference", "message"), [
    ("Section 42 of the Patent Law", "numbered by article.*Article 42 is zlf-2020:ch5.a42.*第四十二条"),  # a law's
    ("专利法第90节", "numbered by article \\(条\\), not by section 该法"),  # no Article 90 either: no article named
    ("Section 1 of the plan", "needs its chapter.*节须注明所属章"),
])
def test_a_section_without_its_chapter_is_a_clear_error(checker, reference, message):
    with pytest.raises(QueryError, match=message):
        checker.check(reference)


def test_a_range_that_runs_backwards_or_past_the_end_is_a_clear_error(checker):
    with pytest.raises(QueryError, match="upwards"):
        checker.check("专利法第四十四条至第四十二条")
    with pytest.raises(UnknownAnchorError, match="a83"):
        checker.check("专利法第八十条至第八十三条")  # the Patent Law ends at Article 82


def _without_anchor(citation: str) -> str:
    return citation.rsplit("〔", 1)[0] if citation.endswith("〕") else citation.rsplit(" [", 1)[0]


def test_every_citation_the_product_writes_checks_back_to_its_clause(checker, corpus):
    """Staff paste the citations answers give them, with or without the anchor: each resolves to the clause or
    article it cites (a paragraph cited as its article, when the article has one paragraph, to that article)."""
    clauses = [c.anchor for d in corpus.documents.values() for c in d.clauses]
    articles = sorted({a.split(".p")[0] for a in clauses if ".a" in a})
    assert len(clauses) > 700 and len(articles) > 250
    for anchor in clauses + articles:
        own = checker.check(anchor)
        for written in own.citation_zh, own.citation_en:
            for text in written, _without_anchor(written):
                result = checker.check(text)
                assert result.verdict == "resolved", (text, result.verdict, result.notes)
                cited_as_article = anchor.startswith(result.anchor + ".") and ".a" in anchor
                assert result.anchor == anchor or cited_as_article, (text, result.anchor)


@pytest.mark.parametrize("citation", ["专利法（2008年修正）第四十二条", "Patent Law (2008 Amendment), Article 42",
                                      "Article 42 of the Patent Law (2008)", "《專利法》（2008年修正）第四十二條"])
def test_a_reference_to_an_edition_the_corpus_does_not_hold_is_not_found(checker, citation):
    """The 2008 text numbers its articles otherwise: its Article 42 is not the 2020 amendment's."""
    result = checker.check(citation)
    assert result.verdict == "not_found" and result.anchor is None
    assert "2008" in result.notes[0] and "2020 Amendment" in result.notes[0]


def test_a_citation_whose_anchor_is_another_clause_is_altered(checker):
    """The written place (a reference, a title or a quote) and the anchor after it must agree."""
    agree = checker.check("发明专利权的期限为二十年〔zlf-2020:ch5.a42.p1〕")
    assert agree.verdict == "verbatim" and agree.anchor == "zlf-2020:ch5.a42.p1" and "agrees" in agree.notes[-1]
    quote = checker.check("发明专利权的期限为二十年〔zlf-2020:ch2.a25.p1〕")
    assert quote.verdict == "altered" and quote.anchor == "zlf-2020:ch5.a42.p1"
    assert "zlf-2020:ch2.a25.p1" in quote.notes[-1]
    reference = checker.check("Patent Law, Article 42 [zlf-2020:ch2.a25]")
    assert reference.verdict == "altered" and reference.anchor == "zlf-2020:ch5.a42"
    title = checker.check("Patent Law [kjjbf-2021:ch1.a1]")
    assert title.verdict == "altered" and title.anchor == "kjjbf-2021:ch1.a1"
    invented = checker.check("全体员工每周必须参加三次体育锻炼〔zlf-2020:ch5.a42.p1〕")
    assert invented.verdict == "not_found" and "is real" in invented.notes[-1]
    with pytest.raises(UnknownAnchorError):
        checker.check("专利法第四十二条〔zlf-2020:ch5.a142〕")


@pytest.mark.parametrize(("claim", "verdict", "anchor", "note"), [
    ("专利法第四十二条规定：发明专利权的期限为二十年", "verbatim", "zlf-2020:ch5.a42.p1", "agrees"),
    ("根据《专利法》第四十二条的规定，发明专利权的期限为二十年。", "verbatim", "zlf-2020:ch5.a42.p1", "agrees"),
    ("《中华人民共和国专利法》第四十二条第一款规定“发明专利权的期限为二十年”", "verbatim", "zlf-2020:ch5.a42.p1",
     "agrees"),
    ("專利法第四十二條規定：發明專利權的期限為二十年", "verbatim", "zlf-2020:ch5.a42.p1", "Traditional"),
    ("专利法第四十二条规定：发明专利权的期限为三十年", "altered", "zlf-2020:ch5.a42.p1", "agrees"),
    ("专利法第四十三条规定：发明专利权的期限为二十年", "altered", "zlf-2020:ch5.a42.p1", "zlf-2020:ch5.a43"),
    ("专利法第四十二条规定：每年5月30日为全国科技工作者日", "altered", "kjjbf-2021:ch1.a18.p1", "zlf-2020:ch5.a42"),
    ("专利法第四十二条规定：全体员工每周必须参加三次体育锻炼", "not_found", None, "is real"),
    ("Article 42 of the Patent Law provides that an invention patent lasts twenty years", "resolved",
     "zlf-2020:ch5.a42", "20 years are the place's too"),
    # an English statement's periods and shares are compared with the place's: none of its years is thirty
    ("Article 42 of the Patent Law provides that an invention patent lasts thirty years", "altered",
     "zlf-2020:ch5.a42", "30 years (the place gives 二十年、十年、十五年"),
    ("Article 45 of the Law on Promoting the Transformation of Scientific and Technological Achievements provides "
     "that at least 20% of the net income goes to the team", "altered", "cgzhf-2015:ch4.a45", "百分之五十"),
    ("Article 42 of the Patent Law of the People's Republic of China provides that the patentee pays fees",
     "resolved", "zlf-2020:ch5.a42", "not compared word for word"),
    # counts too: a count agrees with any number the place writes, 万名 as 10,000 (the noun counted is not matched)
    ("Chapter 12 Section 3 of the plan provides that each year 300 specialists are sent to firms and 10,000 "
     "commissioners to the countryside", "resolved", "hb-sti-14fyp:ch12.s3", "figures 300, 10000 are the place's"),
    ("Chapter 12 Section 3 of the plan provides that each year 400 specialists are sent to firms", "altered",
     "hb-sti-14fyp:ch12.s3", "400 (the place gives 300名)"),
    # the place after the words, as a quotation's source is written
    ("“发明专利权的期限为二十年”（《专利法》（2020年修正）第四十二条）", "verbatim", "zlf-2020:ch5.a42.p1", "agrees"),
    ("发明专利权的期限为二十年。——《专利法》第四十三条", "altered", "zlf-2020:ch5.a42.p1", "zlf-2020:ch5.a43"),
])
def test_a_statement_attributed_to_a_place_is_checked_there(checker, claim, verdict, anchor, note):
    """Staff paste a sentence with its source (专利法第四十二条规定：…): the words are checked, and whether the place
    cited holds them (a true sentence attributed to the wrong article or law is altered, naming both)."""
    result = checker.check(claim)
    assert (result.verdict, result.anchor) == (verdict, anchor), result.notes
    assert any(note in n for n in result.notes), result.notes


def test_a_statement_attributed_to_a_place_that_is_not_there(checker):
    with pytest.raises(UnknownAnchorError):
        checker.check("专利法第九十九条规定：发明专利权的期限为二十年")
    held = checker.check("专利法（2008年修正）第四十二条规定：发明专利权的期限为二十年")
    assert held.verdict == "not_found" and "2008" in held.notes[0]
    for unheld in ("《商标法》第三条规定：经商标局核准注册的商标为注册商标", "发明专利权的期限为二十年（专利法实施细则第十条）",
                   "Article 12 of the Patent Law Implementing Regulations provides that an applicant may withdraw"):
        result = checker.check(unheld)
        assert result.verdict == "not_found" and "does not hold" in result.notes[0], result.notes


@pytest.mark.parametrize(("heading", "anchor", "elsewhere"), [
    ("第五章打好现代产业关键核心技术攻坚战", "hb-sti-14fyp:ch5", []),
    ("一、加快建设世界一流光电子信息技术创新高地", "hb-sti-14fyp:ch5.s1", []),
    ("加快建设世界一流光电子信息技术创新高地", "hb-sti-14fyp:ch5.s1", []),
    ("專利權的期限、終止和無效", "zlf-2020:ch5", []),
    ("第一章 总则", "zlf-2020:ch1", ["cgzhf-2015:ch1", "kjjbf-2021:ch1"]),
])
def test_a_heading_quoted_as_printed_is_verbatim_at_the_heading(checker, heading, anchor, elsewhere):
    """Headings are no clauses, so the quote check alone never found them: a real heading was not_found."""
    result = checker.check(heading)
    assert (result.verdict, result.anchor, result.also_found) == ("verbatim", anchor, elsewhere)
    assert checker.check(heading[:-1] + "和").verdict != "verbatim"


def test_an_english_quote_is_found_in_the_reference_english_and_says_it_is_a_translation(checker, corpus):
    from retriever.english.reference import english_by_anchor

    english = english_by_anchor([corpus.document("zlf-2020")])["zlf-2020:ch5.a42.p1"]
    found = checker.check(english)
    assert (found.verdict, found.anchor) == ("verbatim", "zlf-2020:ch5.a42.p1")
    assert "unofficial translation" in found.notes[0] and corpus.clause("zlf-2020:ch5.a42.p1").text in found.notes[0]
    changed = checker.check(english.replace("twenty", "thirty"))
    assert (changed.verdict, changed.anchor) == ("altered", "zlf-2020:ch5.a42.p1")
    assert [(d["quote"], d["source"]) for d in changed.diff] == [("thirty", "twenty")]
    cited = checker.check(f"{english} [zlf-2020:ch5.a43]")  # the right words, another article's anchor
    assert cited.verdict == "altered" and "zlf-2020:ch5.a43" in cited.notes[-1]
    assert checker.check("Every employee must exercise three times a week at the company gym").verdict == "not_found"
    with pytest.raises(QueryError, match="at least 4 words"):
        checker.check("twenty years term")
