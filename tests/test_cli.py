"""The command line, run as users run it: ``python -m retriever …`` in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT


def run(*args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "retriever", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def test_show_json():
    result = run("show", "hb-sti-14fyp:ch5.s1.p1", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["anchor"] == "hb-sti-14fyp:ch5.s1.p1"
    assert data["label_zh"] == "第五章 一、第1段" and data["label_en"] == "Ch. 5 §1 ¶1"
    assert data["heading_path"][0] == "第五章 打好现代产业关键核心技术攻坚战"
    assert data["text"].startswith("光通信及激光。") and data["lead"] == "光通信及激光"
    assert data["doc_number"] == "鄂政发〔2021〕18号"


def test_show_text_lists_damage_marks():
    result = run("show", "hb-sti-14fyp:ch1.s1.p4")
    assert result.returncode == 0
    assert "〓" in result.stdout and "lost" in result.stdout and "inferred" in result.stdout


def test_show_heading_lists_its_clauses():
    result = run("show", "hb-sti-14fyp:ch16", "--json")
    data = json.loads(result.stdout)
    assert data["text"] == "第十六章加强规划实施保障"
    assert data["clauses"][0] == "hb-sti-14fyp:ch16.s1.p1"


def test_unknown_anchor_exits_2_with_suggestions_and_no_traceback():
    result = run("show", "hb-sti-14fyp:ch5.s1.p99")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "hb-sti-14fyp:ch5.s1.p" in result.stderr and "nearest" in result.stderr
    result = run("show", "ch5.s1.p1")  # the document part forgotten
    assert result.returncode == 2 and "hb-sti-14fyp:ch5.s1.p1" in result.stderr


def test_corpus_report_figures():
    result = run("corpus", "report", "--json")
    assert result.returncode == 0, result.stderr
    (report,) = json.loads(result.stdout)
    assert report["residues_body"] == 0 and report["question_marks_body"] == 0
    assert report["clauses"] == 202 and report["headings"] == 85
    assert report["by_kind"]["tag-exact"] + report["by_kind"]["tag-folded"] + report["by_kind"]["tag-lost"] == 333
    assert report["by_kind"]["structural:contents"] == 13
    assert report["lost_body"] > 200 and report["inferred_body"] > 0
    text = run("corpus", "report").stdout
    assert "ch16" in text and "lost characters" in text


def test_corpus_list():
    result = run("corpus", "list")
    assert result.returncode == 0
    for needle in ("hb-sti-14fyp", "鄂政发〔2021〕18号", "kjjbf-2021", "cgzhf-2015", "zlf-2020", "clauses 条款: 202"):
        assert needle in result.stdout


def test_bad_corpus_folder_is_a_clear_error(tmp_path):
    result = run("--corpus", str(tmp_path), "corpus", "list")
    assert result.returncode == 1
    assert "no *.meta.json" in result.stderr and "Traceback" not in result.stderr


def test_a_seed_that_is_not_a_whole_number_from_0_is_refused_before_fitting():
    for seed in ("-1", "two"):
        result = run("fit", "--seed", seed, "--no-save", "--no-report")
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "a seed is a whole number from 0" in result.stderr and "随机种子" in result.stderr


def test_eval_checks_the_citations_that_go_with_its_question_set(tmp_path, index_dir):
    """A question set's sibling citations file (mine-questions.jsonl → mine-citations.jsonl) is the one checked."""
    question = (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()[0]
    case = json.loads((ROOT / "eval" / "citations.jsonl").read_text(encoding="utf-8").splitlines()[0])
    wrong = dict(case, id="wrong", verdict="not_found")  # the clause's own text is no invention: a wrong verdict
    (tmp_path / "mine-questions.jsonl").write_text(question + "\n", encoding="utf-8")
    (tmp_path / "mine-citations.jsonl").write_text(
        "\n".join(json.dumps(c, ensure_ascii=False) for c in (case, wrong)) + "\n", encoding="utf-8")
    result = run("eval", "--questions", str(tmp_path / "mine-questions.jsonl"), "--no-report", "--index", str(index_dir),
                 timeout=300)
    assert result.returncode == 0, result.stderr
    assert "| citation-check verdicts correct (mine-citations.jsonl) | 0.500 (1/2) |" in result.stdout
    assert "Citation checks wrong (1): wrong." in result.stdout
