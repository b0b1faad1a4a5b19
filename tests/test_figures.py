"""Periods, shares, amounts in yuan, calendar years and counts in English statements and in the Chinese text of the real
corpus."""

from __future__ import annotations

from retriever.answer.figures import (CALENDAR_YEAR, COUNT, YUAN, chinese_figures, compare_figures, english_figures,
                                      numbers_written)


def test_the_patent_terms_are_read_from_the_chinese_clause(corpus):
    term = corpus.clause("zlf-2020:ch5.a42.p1").text  # 二十年, 十年, 十五年
    assert [(f.value, f.unit) for f in chinese_figures(term)] == [(20, "年"), (10, "年"), (15, "年")]


def test_dates_are_not_periods_and_decimals_stay_whole(corpus):
    assert chinese_figures(corpus.clause("kjjbf-2021:ch1.a18.p1").text) == []  # 每年5月30日: a date
    # 本法自2022年1月1日起施行: a calendar year, no period of 2022 years and no period of one day
    assert [(f.value, f.unit) for f in chinese_figures(corpus.clause("kjjbf-2021:ch12.a117.p1").text)] == [
        (2022, CALENDAR_YEAR)]
    assert [(f.value, f.unit) for f in chinese_figures("达到8.97%")] == [(8.97, "%")]


def test_english_periods_and_shares_in_words_or_digits():
    found = english_figures("a twenty-year term, within 6 months, fifty per cent and 2.5% of it, thirty days")
    assert [(f.value, f.unit) for f in found] == [(20, "年"), (6, "月"), (50, "%"), (2.5, "%"), (30, "日")]


def test_a_figure_is_compared_only_with_the_places_figures_of_its_unit(corpus):
    term = corpus.clause("zlf-2020:ch5.a42.p1").text
    check = compare_figures("utility models last ten years and designs 16 years, within 3 months", term)
    assert [f.value for f in check.agreed] == [10]
    assert [(f.value, [s.value for s in given]) for f, given in check.differing] == [(16, [20, 10, 15])]


def test_amounts_in_yuan_read_alike_in_both_languages(corpus):
    damages = corpus.clause("zlf-2020:ch7.a71.p2").text  # 三万元以上五百万元以下
    amounts = [(f.value, f.unit) for f in chinese_figures(damages) if f.unit == YUAN]
    assert amounts == [(30_000, YUAN), (5_000_000, YUAN)]
    found = english_figures("from RMB 30,000 to five million yuan, not 5.5 million yuan or ¥1.2 billion")
    assert [(f.value, f.unit) for f in found] == [(30_000, YUAN), (5_000_000, YUAN), (5_500_000, YUAN),
                                                  (1_200_000_000, YUAN)]
    check = compare_figures("damages of 30,000 to 10 million yuan", damages)
    assert [f.value for f in check.agreed] == [30_000] and [f.value for f, _ in check.differing] == [10_000_000]


def test_a_calendar_year_is_given_by_the_place_or_its_frame(corpus):
    targets = " ".join(corpus.lookup(a).text for a in corpus.children("hb-sti-14fyp:ch1.s4"))  # 到2025年
    assert [f.value for f, _ in compare_figures("by 2030 Hubei will lead", targets).differing] == [2030]
    assert [f.value for f in compare_figures("by 2025 Hubei will lead", targets).agreed] == [2025]
    # a year its frame names (a Five-Year Plan in words: 十四五 is 2021 to 2025) is no figure the place lacks
    assert not compare_figures("in 2023 Hubei will lead", targets, frame="“十四五”时期").differing
    assert [f.value for f in english_figures("Hubei will lead by 2030.")] == [2030]  # at a sentence's end too
    term = english_figures("a 20-year term from 2021")
    assert [(f.value, f.unit) for f in term] == [(20, "年"), (2021, CALENDAR_YEAR)]


def test_counts_are_read_in_both_languages_and_agree_with_any_number_the_place_writes(corpus):
    targets = corpus.clause("hb-sti-14fyp:ch1.s4.p3").text  # 每万名就业人员中研发人员数达到70人年以上
    assert [(f.value, f.unit) for f in chinese_figures(targets) if f.unit == COUNT] == [(70, COUNT)]
    assert 10_000 in numbers_written(targets)  # 每万名: a bare 万
    written = "新增1万余家企业和28.55万人，建成两所大学；一批、第8位、六个月"
    assert [(f.value, f.unit) for f in chinese_figures(written) if f.unit == COUNT] == [(10_000, COUNT),
                                                                                       (285_500, COUNT), (2, COUNT)]
    # a number naming a place, a rank, a code or an ordinal counts nothing; "one" is an article as often as a count
    found = english_figures("Article 42 lists 5G, CO2 and the 14th plan; the top 10; one of three centres, 10,000 "
                            "firms")
    assert [(f.value, f.unit) for f in found] == [(3, COUNT), (10_000, COUNT)]
    check = compare_figures("70 researchers per 10,000 employed persons, and 80 in the labs", targets)
    assert [f.value for f in check.agreed] == [70, 10_000]
    assert [(f.value, [s.written for s in given]) for f, given in check.differing] == [(80, ["70人"])]
