"""The real app in a real browser: `streamlit run app.py` driven by Debian's headless Chromium through Selenium.

`make test` installs chromium and chromium-driver from Debian; nothing is downloaded by the test tools.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from retriever.answer.extractive import Answerer
from ui.browser_harness import app_server, ask, chromium, simultaneous_sessions, wait_for_text

QUESTION = "湖北光通信及激光产业重点发展哪些产品?"
def anchor_of(href: str) -> str:
    return parse_qs(urlparse(href).query)["clause"][0]


@pytest.fixture(scope="module")
def server(index_dir):
    with app_server(index_dir) as (url, process):
        yield url, process


@pytest.fixture(scope="module")
def browser():
    driver = chromium()
    yield driver
    driver.quit()


def test_a_question_gets_a_cited_answer_whose_clause_link_works(server, browser):
    url, _ = server
    hrefs, _seconds = ask(browser, url, QUESTION)
    anchors = [anchor_of(h) for h in hrefs]
    assert "hb-sti-14fyp:ch5.s1.p1" in anchors
    messages = browser.find_elements("css selector", "[data-testid='stChatMessage']")
    assert "重点发展大尺寸光纤预制棒" in messages[-1].text  # the assistant's turn quotes the plan
    browser.get(hrefs[anchors.index("hb-sti-14fyp:ch5.s1.p1")])  # follow the chip
    wait_for_text(browser, "链接指向的条款")
    highlighted = browser.find_elements("css selector", "div.linked-clause")
    assert highlighted and "光通信及激光。重点发展" in highlighted[0].text


def load_questions_answered_with_gold(searcher, per_group: int = 5) -> dict[str, list[str]]:
    """Five Chinese and five English questions of eval/questions.jsonl whose answer cites a gold clause,
    with the anchors the library cites for each."""
    from retriever.evaluation.retrieval import load_questions

    answerer = Answerer(searcher)
    chosen: dict[str, list[str]] = {}
    counts = {"zh": 0, "en": 0}
    for q in load_questions():
        group = "zh" if q.lang.startswith("zh") else "en"
        if not q.answerable or counts[group] >= per_group:
            continue
        anchors = [s.anchor for s in answerer.ask(q.question).sentences]  # every document, as the app asks
        if set(anchors) & set(q.gold):
            chosen[q.question] = anchors
            counts[group] += 1
    return chosen


def test_ten_simultaneous_sessions_each_get_their_own_correct_answer(server, searcher):
    """Ten browsers ask ten different questions at once; each sees the gold-citing answer of its own question."""
    url, _ = server
    expected = load_questions_answered_with_gold(searcher)
    assert len(expected) == 10
    results = simultaneous_sessions(url, list(expected))
    assert all("error" not in r for r in results), [r for r in results if "error" in r]
    for r in results:
        assert [anchor_of(h) for h in r["hrefs"]] == expected[r["question"]], r["question"]


def test_text_is_escaped_once_apostrophes_and_markup_read_as_written(server, browser):
    """English with apostrophes (the Read page shows English by default in English) and a question full of markup
    characters appear as typed: no entity shows, no element is injected."""
    url, _ = server
    browser.get(f"{url}/?clause=hb-sti-14fyp%3Ach1.s1.p2&lang=en")
    wait_for_text(browser, "The province's national ranking")
    page = browser.find_element("tag name", "body").text
    assert "&#" not in page and "&amp;" not in page
    question = "What's the \"R&D\" <b>intensity</b> target & why?"
    ask(browser, url, question)
    asked = browser.find_elements("css selector", "[data-testid='stChatMessage']")[0].text
    assert question in asked and not browser.find_elements("css selector", "[data-testid='stChatMessage'] b")
