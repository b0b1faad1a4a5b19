"""Careless input on the command line: broken encodings, impossible options, pasted pages, hidden characters."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT

from retriever import Corpus
from retriever.answer.citation_check import CitationChecker


def cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "retriever", *args], input=stdin, capture_output=True, cwd=ROOT,
                          timeout=120)


def lines(result: subprocess.CompletedProcess[bytes]) -> list[dict]:
    return [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]


def test_jsonl_names_the_line_that_is_not_utf8_and_goes_on():
    result = cli("check", "--jsonl", stdin="发明专利权的期限为二十年\n".encode() + b"\xff\xfe\xfa bad\n"
                 + "zlf-2020:ch5.a42.p1\n".encode())
    assert result.returncode == 0, result.stderr
    first, bad, last = lines(result)
    assert first["verdict"] == "verbatim" and last["verdict"] == "resolved"
    assert bad["line"] == 2 and "line 2 is not valid UTF-8" in bad["error"]


def test_jsonl_in_utf16_is_read_with_a_notice():
    result = cli("check", "--jsonl", stdin="发明专利权的期限为二十年\nzlf-2020:ch5.a42.p1\n".encode("utf-16"))
    assert [row["verdict"] for row in lines(result)] == ["verbatim", "resolved"]
    assert "UTF-16" in result.stderr.decode()


def test_impossible_batch_options_fail_at_once_with_status_2():
    for options in (["-k", "0"], ["--doc", "nope"]):
        result = cli("search", "--jsonl", *options, stdin=b"x\n")
        assert result.returncode == 2 and not result.stdout and b"Traceback" not in result.stderr


def test_a_pasted_page_as_an_anchor_is_not_echoed_whole():
    result = cli("show", "hb-sti-14fyp:" + "x" * 100_000)
    assert result.returncode == 2 and len(result.stderr) < 1000 and b"100013 characters" in result.stderr


def test_check_reports_hidden_control_and_bidi_characters(corpus: Corpus):
    result = CitationChecker(corpus).check("发明专利权的期限为\u202e二十年\u200b")
    assert result.anchor == "zlf-2020:ch5.a42.p1"
    assert any("U+202E RIGHT-TO-LEFT OVERRIDE" in n and "U+200B" in n for n in result.notes)
