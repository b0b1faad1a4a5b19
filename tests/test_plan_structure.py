"""The plan's clause tree: counts, pinned real clauses, contents check, anchors and labels."""

from __future__ import annotations

from collections import Counter

from conftest import CORPUS, PLAN_ID

from retriever import Corpus, MarkKind
from retriever.types import LOST_CHAR


def test_counts(plan):
    levels = Counter(h.level for h in plan.headings)
    assert levels == {"chapter": 16, "section": 69}
    assert len(plan.clauses) == 202
    sections_per_chapter = Counter(h.anchor.split(":")[1].split(".")[0] for h in plan.headings if h.level == "section")
    assert [sections_per_chapter[f"ch{n}"] for n in range(1, 17)] == [4, 4, 5, 4, 6, 3, 4, 3, 5, 4, 4, 4, 3, 5, 7, 4]
    assert sum(len(c.sentences) for c in plan.clauses) == 613
    assert sum(1 for c in plan.clauses if c.lead) == 132
    assert plan.warnings == ()


def test_preface_and_chapter_intros(plan):
    preface = [c for c in plan.clauses if c.anchor.startswith(f"{PLAN_ID}:ch0.")]
    assert [c.anchor for c in preface] == [f"{PLAN_ID}:ch0.s0.p1"]
    assert preface[0].text.startswith("为深入实施创新驱动发展战略")
    assert preface[0].label_zh == "序言 第1段" and preface[0].label_en == "Preface ¶1"
    intros = {c.anchor.split(":")[1].split(".")[0] for c in plan.clauses if ".s0." in c.anchor} - {"ch0"}
    assert intros == {f"ch{n}" for n in range(1, 16)}  # every chapter but the 16th opens with an intro


def test_pinned_clause_with_lead_phrase(corpus):
    clause = corpus.clause(f"{PLAN_ID}:ch5.s1.p1")
    assert clause.text.startswith("光通信及激光。重点发展")
    assert clause.lead == "光通信及激光"
    assert clause.label_zh == "第五章 一、第1段"
    assert clause.label_en == "Ch. 5 §1 ¶1"
    assert clause.heading_path == (
        "第五章 打好现代产业关键核心技术攻坚战",
        "一、加快建设世界一流光电子信息技术创新高地",
    )
    assert clause.text.endswith("。")  # the folded 、/p> ending restored


def test_chapter_four_heading_restored_from_contents(corpus):
    heading = corpus.lookup(f"{PLAN_ID}:ch4")
    assert heading.text == "第四章打造全国重要的原始创新策源地"
    (mark,) = heading.marks
    assert mark.kind is MarkKind.STRUCTURAL and heading.text[mark.start : mark.end] == "地"
    assert "contents" in mark.note


def test_lost_digit_is_marked_not_guessed(corpus):
    clause = corpus.clause(f"{PLAN_ID}:ch1.s1.p4")
    i = clause.text.index("0404家")
    assert clause.text[i - 2 : i] == LOST_CHAR * 2
    lost = [m for m in clause.marks if m.start <= i - 1 < m.end]
    assert len(lost) == 1 and lost[0].kind is MarkKind.LOST


def test_sentences_point_into_the_clause(plan):
    for clause in plan.clauses:
        assert "".join(s.text for s in clause.sentences) == clause.text
        for s in clause.sentences:
            assert clause.text[s.start : s.end] == s.text


def test_marks_point_at_what_they_describe(plan):
    for item in list(plan.clauses) + list(plan.headings):
        for m in item.marks:
            span = item.text[m.start : m.end]
            if m.kind is MarkKind.LOST:
                assert set(span) == {LOST_CHAR}
            else:
                assert LOST_CHAR not in span and span


def test_every_contents_entry_matches_its_body_heading(plan):
    contents = [m for m in plan.front_matter if m.kind == "contents"]
    assert len(contents) == 85
    assert [m.text for m in contents] == [h.text for h in plan.headings]


def test_front_and_back_matter_are_not_clauses(plan):
    kinds = Counter(m.kind for m in plan.front_matter)
    assert kinds == {"notice": 3, "title": 1, "contents": 85}
    notice = [m.text for m in plan.front_matter if m.kind == "notice"]
    assert notice[-1] == "2021年9月24日"  # signing date: lost characters filled from the metadata, marked
    date = plan.front_matter[2]
    assert {m.kind for m in date.marks} == {MarkKind.STRUCTURAL}
    annexes = [m.text for m in plan.back_matter]
    assert len(annexes) == 4 and annexes[1].startswith("2.湖北") and annexes[3].endswith("科技重大专项清单")
    clause_texts = {c.text for c in plan.clauses}
    assert not clause_texts & {m.text for m in plan.front_matter + plan.back_matter}


def test_anchors_are_unique_and_stable_across_loads(plan):
    again = Corpus.load(CORPUS).document(PLAN_ID)
    anchors = [c.anchor for c in plan.clauses]
    assert len(set(anchors)) == len(anchors)
    assert anchors == [c.anchor for c in again.clauses]
    assert [c.text for c in plan.clauses] == [c.text for c in again.clauses]


def test_labels_follow_the_anchor(plan):
    for clause in plan.clauses:
        chapter, section, paragraph = (int(p[1:] if p[0] != "c" else p[2:]) for p in clause.anchor.split(":")[1].split("."))
        assert clause.label_en.endswith(f"¶{paragraph}")
        if chapter and section:
            assert clause.label_en == f"Ch. {chapter} §{section} ¶{paragraph}"
        elif chapter:
            assert clause.label_en == f"Ch. {chapter} ¶{paragraph}"
