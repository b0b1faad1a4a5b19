"""Query normalisation: width, scripts, language, and bad input."""

from __future__ import annotations

import pytest

from retriever.analysis.normalize import MAX_QUERY_CHARS, Lang, normalize_query
from retriever.errors import QueryError


@pytest.mark.parametrize(
    ("query", "lang"),
    [
        ("湖北如何发展光通信和激光产业?", Lang.ZH_HANS),
        ("湖北如何發展光通訊與雷射產業?", Lang.ZH_HANT),
        ("How will Hubei support national laboratories?", Lang.EN),
        ("湖北对 5G 芯片的 plan 是什么?", Lang.MIXED),
        ("What does the plan say about 卡脖子 technologies?", Lang.MIXED),
        ("5G芯片和AI有哪些部署", Lang.ZH_HANS),  # acronyms do not make a query English
    ],
)
def test_language_detection(query, lang):
    assert normalize_query(query).lang is lang


def test_traditional_is_converted_with_regional_vocabulary_and_original_kept():
    q = normalize_query("湖北要發展哪些雷射與軟體產業?")
    assert q.text == "湖北要发展哪些激光与软件产业?"
    assert q.original == "湖北要發展哪些雷射與軟體產業?"


def test_nfkc_width_and_controls_and_emoji():
    q = normalize_query("ＡＩ\u200b　芯片\x07 🚀 研发")
    assert q.text == "AI 芯片 研发"


@pytest.mark.parametrize("bad", ["", "   \n\t", "🚀🚀🚀", "\x00\x01", "Привет мир"])
def test_unusable_queries_are_clear_errors(bad):
    with pytest.raises(QueryError):
        normalize_query(bad)


def test_huge_query_is_truncated_with_a_notice():
    q = normalize_query("光通信" * 4000)
    assert len(q.text) == MAX_QUERY_CHARS
    assert q.notices and "12000" in q.notices[0]
