"""Documents a question names that the corpus does not hold: found on the real corpus, never in the team's questions
that the documents answer, and refused as such (bilingual, naming the document and what was searched)."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT

from retriever.analysis.other_documents import OtherDocuments, law_titles
from retriever.answer.citation_check import CitationChecker
from retriever.answer.extractive import REFUSAL_EN, REFUSAL_ZH, Answerer
from retriever.ingest.document_names import DocumentNames


@pytest.fixture(scope="module")
def other(corpus):
    return OtherDocuments.of_corpus(corpus)  # the clauses' text and their reference English are where titles are cited


@pytest.mark.parametrize(("question", "named"), [
    ("Does Hubei's S&T plan say anything about hydrogen?", {"hb-sti-14fyp"}),
    ("What does Hubei\u2019s plan say about hydrogen?", {"hb-sti-14fyp"}),
    ("What does the 14th Five-Year Plan want for quantum research?", {"hb-sti-14fyp"}),
    ("Who owns a service invention under the Patent Law of the People's Republic of China and Hubei's plan?",
     {"zlf-2020", "hb-sti-14fyp"}),
    ("How are inventors rewarded in China?", set()),
    # the laws by the short names partners give them, hyphenated or not, British or American spelling
    ("Does the tech-transfer law let a university keep its licence fees?", {"cgzhf-2015"}),
    ("Under China's technology commercialisation law, who pays the inventors?", {"cgzhf-2015"}),
    ("Which agency enforces the S&T law's rules on research ethics?", {"kjjbf-2021"}),
    ("Which S&T laws does China have?", set()),  # a plural names no one law
])
def test_the_names_partners_give_the_documents(corpus, question, named):
    """The plan by the names partners use (Hubei's plan, the S&T plan, the Five-Year Plan), a law by its full English
    title, apostrophe included; a question naming none names none."""
    assert DocumentNames(corpus).named_in(question) == named


@pytest.mark.parametrize(("question", "widest"), [
    ("湖北省科技创新规划对国有企业有什么要求？", {"hb-sti-14fyp": "湖北省科技创新规划"}),  # title characters before 规划
    ("What do the Hubei S&T plan and the Patent Law say?",
     {"hb-sti-14fyp": " the Hubei S&T plan", "zlf-2020": " the Patent Law"}),
    ("支持创新的规划有哪些？", {"hb-sti-14fyp": "规划"}),  # 的 is no title word: 创新 stays
    ("关于科技创新，规划怎么说？", {"hb-sti-14fyp": "规划"}),  # a punctuation mark stops the widening
    ("Does Hubei's 14th Five-Year S&T plan set a review year?",  # a hyphenated title word is one word
     {"hb-sti-14fyp": " Hubei's 14th Five-Year S&T plan"}),
    ("Will post-2025 work follow the S&T plan?", {"hb-sti-14fyp": " the S&T plan"}),  # post-2025: no title word
    ("专利权的期限是多少年？", {}),
])
def test_a_name_spans_the_title_words_just_before_it(corpus, question, widest):
    found: dict[str, str] = {}
    for doc_id, start, end in DocumentNames(corpus).spans(question):
        found[doc_id] = max(found.get(doc_id, ""), question[start:end], key=len)
    assert found == widest


def test_the_title_list_holds_real_titles_longest_first():
    titles = law_titles()
    assert len(titles) > 3000 and {"专利法", "专利法实施细则", "商标法", "科学技术进步法"} <= set(titles)
    assert titles.index("专利法实施细则") < titles.index("专利法")


@pytest.mark.parametrize(("question", "named"), [
    ("专利法实施细则里规定的发明专利年费是多少？", ["专利法实施细则"]),  # a law's regulations, beside the law held
    ("商标法规定注册商标的有效期是多少年？", ["商标法"]),
    ("《湖北省促进科技成果转化条例》规定了哪些奖励？", ["湖北省促进科技成果转化条例"]),  # bracketed, ends as a title
    ("Under China's Patent Law Implementing Regulations, how many months does an applicant have?",
     ["Patent Law Implementing Regulations"]),
    ("What do the Implementing Rules of the Patent Law say about annual fees?",
     ["Implementing Rules of the Patent Law"]),
    # an English title none of whose distinctive words a held or cited law's English name uses
    ("How long does a registration last under China's Trademark Law?", ["Trademark Law"]),
    ("Is a leaked customer list protected by the Anti-Unfair Competition Law?", ["Anti-Unfair Competition Law"]),
    ("Which export licences does the Regulation on Dual-Use Items Export Control require?",
     ["Regulation on Dual-Use Items Export Control"]),
])
def test_a_document_the_corpus_does_not_hold_is_found(other, question, named):
    assert other.named_in(question) == named


@pytest.mark.parametrize("question", [
    "专利法第四十二条规定了什么？",  # held, by its short title
    "《中华人民共和国促进科技成果转化法》第四十三条",  # held, by its full title
    "科技进步法对基础研究有什么要求？",  # held, by an alias
    "《湖北省技术市场管理条例》要怎么修订？",  # not held, but the plan cites it: its clauses may answer
    "《湖北科技创新规划》提出了哪些目标？",  # a plan's title (not a law's) written loosely: never refused for it
    "Does the Patent Law say how long a patent lasts?",
    "规划有没有规定高校科研人员的兼职办法？",  # 规定 and 办法 as words, not titles
    "Under the Tech Transfer Law, who rewards the inventors?",  # held, by English names it goes by
    "Does the Science and Technology Progress Law ban any research?",
    "Is abusing a patent handled under the Anti-monopoly Law?",  # not held, but the Patent Law cites it
    "Which Law applies to a joint venture?",  # no distinctive word: no title
])
def test_documents_held_or_cited_and_ordinary_words_are_not(other, question):
    assert other.named_in(question) == []


def test_no_question_the_documents_answer_names_a_document_not_held(other):
    """The team's own and training questions (1,600+, answerable ones written on the clauses) never trip the rule."""
    for name in ("questions.jsonl", "train-questions.jsonl", "probe-questions.jsonl"):
        for line in (ROOT / "eval" / name).read_text(encoding="utf-8").splitlines():
            q = json.loads(line)
            if q.get("answerable", True):
                assert other.named_in(q["question"]) == [], q["id"]


@pytest.mark.parametrize(("question", "refusal", "title"), [
    ("专利法实施细则规定的发明专利年费每年交多少钱？", REFUSAL_ZH, "《专利法实施细则》"),
    ("How long is a registered trademark valid under the 商标法?", REFUSAL_EN, "《商标法》"),
    ("How long is a registered trademark valid under the Trademark Law?", REFUSAL_EN, "Trademark Law"),
])
def test_a_question_about_a_document_not_held_is_refused_naming_it(searcher, question, refusal, title):
    answer = Answerer(searcher).ask(question)
    assert not answer.answered and answer.reason == "not_held" and not answer.sentences
    assert answer.message.startswith(refusal) and title in answer.message
    assert all(doc in answer.searched for doc in searcher.corpus.documents)  # and what was searched


@pytest.mark.parametrize(("reference", "title"), [
    ("专利法实施细则第十条", "《专利法实施细则》"),
    ("《商标法》第三条第二款", "《商标法》"),
    ("《湖北省技术市场管理条例》第五条", "《湖北省技术市场管理条例》"),  # the plan cites it; its articles are not here
    ("Article 12 of the Patent Law Implementing Regulations", "Patent Law Implementing Regulations"),
    ("Article 3 of the Trademark Law", "Trademark Law"),
    ("《中華人民共和國商標法》第三條", "《中华人民共和国商标法》"),  # Traditional characters
])
def test_a_reference_to_a_document_not_held_is_not_found_as_such(corpus, reference, title):
    result = CitationChecker(corpus).check(reference)
    assert result.verdict == "not_found" and result.input_kind == "reference" and result.anchor is None
    assert title in result.notes[0] and "《中华人民共和国专利法》" in result.notes[0]  # and what the corpus holds


def test_a_sentence_that_cites_another_law_is_still_checked_as_a_quote(corpus, other):
    """The corpus's own sentences that name a law it does not hold (依照《…反垄断法》处理) are quotes, verbatim."""
    checker = CitationChecker(corpus)
    citing = [c.text[s.start : s.end] for c in corpus.clauses() for s in c.sentences
              if other.named_in(c.text[s.start : s.end], cited_too=True)]
    assert citing
    for sentence in citing:
        assert checker.check(sentence).verdict in ("verbatim", "unconfirmed")
