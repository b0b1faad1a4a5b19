"""The citation checker: anchors, human references and quotes, with verdicts, differences and citations."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT
from retriever.check import CitationChecker
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


def test_a_quote_over_lost_characters_is_not_called_altered(checker):
    result = checker.check("高新技术企业由“十二五”末的3317家增至10404家")
    assert result.verdict == "verbatim" and result.anchor == "hb-sti-14fyp:ch1.s1.p4"
    assert any("cannot be confirmed" in n for n in result.notes)


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
