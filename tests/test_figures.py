"""Periods and shares in English statements and in the Chinese text of the real corpus."""

from __future__ import annotations

from retriever.answer.figures import chinese_figures, compare_figures, english_figures


def test_the_patent_terms_are_read_from_the_chinese_clause(corpus):
    term = corpus.clause("zlf-2020:ch5.a42.p1").text  # 二十年, 十年, 十五年
    assert [(f.value, f.unit) for f in chinese_figures(term)] == [(20, "年"), (10, "年"), (15, "年")]


def test_dates_are_not_periods_and_decimals_stay_whole(corpus):
    assert chinese_figures(corpus.clause("kjjbf-2021:ch1.a18.p1").text) == []  # 每年5月30日: a date
    assert chinese_figures(corpus.clause("kjjbf-2021:ch12.a117.p1").text) == []  # 本法自2022年1月1日起施行
    assert [(f.value, f.unit) for f in chinese_figures("达到8.97%")] == [(8.97, "%")]


def test_english_periods_and_shares_in_words_or_digits():
    found = english_figures("a twenty-year term, within 6 months, fifty per cent and 2.5% of it, thirty days")
    assert [(f.value, f.unit) for f in found] == [(20, "年"), (6, "月"), (50, "%"), (2.5, "%"), (30, "日")]


def test_a_figure_is_compared_only_with_the_places_figures_of_its_unit(corpus):
    term = corpus.clause("zlf-2020:ch5.a42.p1").text
    check = compare_figures("utility models last ten years and designs 16 years, within 3 months", term)
    assert [f.value for f in check.agreed] == [10]
    assert [(f.value, [s.value for s in given]) for f, given in check.differing] == [(16, [20, 10, 15])]
