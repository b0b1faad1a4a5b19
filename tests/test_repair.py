"""Repair of the scraped plan: exact reversals, marked losses, marked inferences, nothing invented."""

from __future__ import annotations

from conftest import CORPUS

from retriever.ingest.repair import EXACT, INFERRED, LOST, LOST_ASCII, SOURCE, repair_line, residues
from retriever.types import LOST_CHAR, MarkKind

RAW_LINES = (CORPUS / "hubei-sti-14fyp.scraped.txt").read_text(encoding="utf-8").split("\n")


def raw_line(starting: str) -> str:
    return next(line for line in RAW_LINES if line.startswith(starting))


def test_tag_reversal_restores_the_next_code_point():
    fixed = repair_line("一、发展形劾/p>")
    assert fixed.text == "一、发展形势"
    assert fixed.codes[-1] == EXACT
    assert fixed.marks() == ()  # exact repairs are verbatim source text


def test_folded_paragraph_end_becomes_full_stop():
    line = raw_line("光通信及激光。")
    assert line.endswith("、/p>")
    fixed = repair_line(line)
    assert fixed.text.endswith("关键技术。") or fixed.text.endswith("。")
    assert "/p>" not in fixed.text
    assert fixed.codes[-1] == EXACT


def test_width_folded_characters_before_a_tag():
    assert repair_line("一、发展形势(7(/p>").text == "一、发展形势(7）"
    assert repair_line("来源9/p>").text == "来源："


def test_question_mark_before_a_tag_is_one_lost_character():
    fixed = repair_line("第四章打造全国重要的原始创新策源?/p>")
    assert fixed.text == "第四章打造全国重要的原始创新策源" + LOST_CHAR
    assert fixed.codes[-1] == LOST
    (mark,) = fixed.marks()
    assert mark.kind is MarkKind.LOST and (mark.start, mark.end) == (16, 17)


def test_entity_residue_gives_the_mark_and_marks_the_character_before_lost():
    fixed = repair_line("为加?ldquo;建成支点")
    assert fixed.text == f"为加{LOST_CHAR}“建成支点"
    assert fixed.codes == SOURCE * 2 + LOST + EXACT + SOURCE * 4


def test_question_mark_before_a_digit_loses_two_characters_and_guesses_none():
    fixed = repair_line("高新技术企业由十二?rdquo;末的3317家增?0404家,位居全国?位")
    assert "增〓〓0404家" in fixed.text  # 至 and the digit 1 are lost: shown, not guessed
    assert "全国〓〓位" in fixed.text
    start = fixed.text.index("增") + 1
    assert fixed.codes[start : start + 2] == LOST + LOST_ASCII
    assert "十二五”" in fixed.text  # the period name is inferred …
    assert fixed.codes[fixed.text.index("十二五") + 2] == INFERRED  # … and marked as such
    kinds = {m.kind for m in fixed.marks()}
    assert kinds == {MarkKind.LOST, MarkKind.INFERRED}


def test_inferences_only_fill_lost_characters_and_keep_offsets():
    raw = "突破?G+离散型智能工厂,研?G融合,开?G技术预研,发?D打印,上升?020年"
    fixed = repair_line(raw)
    assert fixed.text == "突破〓5G+离散型智能工厂,研〓5G融合,开〓6G技术预研,发〓3D打印,上升〓2020年"
    assert len(fixed.text) == len(fixed.codes)
    for m in fixed.marks():
        if m.kind is MarkKind.INFERRED:
            assert fixed.text[m.start : m.end] in {"5", "6", "3", "2"}


def test_junk_prefix_is_dropped_and_logged():
    fixed = repair_line(raw_line("????第二章"))
    assert fixed.text == "第二章构建全域科技创新新格局"
    assert [r.kind for r in fixed.repairs] == ["junk-prefix"]


def test_from_zero_to_one_is_an_inference_not_source():
    fixed = repair_line(raw_line("瞄准未来科技和产业发展制高点"))
    i = fixed.text.index("从0到1")
    assert fixed.codes[i : i + 4] == INFERRED * 4


def test_no_residue_or_unmarked_question_mark_survives_in_the_body():
    for number in range(197, 770):  # the body's source lines
        fixed = repair_line(RAW_LINES[number - 1], number)
        assert residues(fixed.text) == [], number
        assert "?" not in fixed.text, number
        assert fixed.text.count(LOST_CHAR) == fixed.codes.count(LOST) + fixed.codes.count(LOST_ASCII), number
