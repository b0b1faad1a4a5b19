"""The search CLI contract, run as a subprocess against a built index."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "retriever", *args], cwd=ROOT, capture_output=True, text=True,
                          input=stdin, timeout=300)


def test_search_json_contract(index_dir):
    result = run("search", "湖北如何建设东湖科学城?", "-k", "3", "--json", "--index", str(index_dir))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"query", "lang", "hits"} <= set(data) and data["lang"] == "zh-Hans"
    assert len(data["hits"]) == 3
    for hit in data["hits"]:
        assert {"rank", "anchor", "doc", "label_zh", "label_en", "heading_path", "text", "score", "explain"} <= set(hit)


def test_search_jsonl_batch(index_dir):
    queries = "光通信及激光\n\nHow will Hubei attract overseas talent?\n"
    result = run("search", "--jsonl", "-k", "2", "--doc", "hb-sti-14fyp", "--index", str(index_dir), stdin=queries)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 3
    assert len(lines[0]["hits"]) == 2 and "error" in lines[1] and lines[2]["lang"] == "en"


def test_user_errors_exit_2_without_traceback(index_dir):
    for args in (["search", "人才", "-k", "0"], ["search", "人才", "--doc", "nope"], ["search", "   "],
                 ["search", "人才", "-k", "100000"]):
        result = run(*args, "--index", str(index_dir))
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr and "error" in result.stderr


def test_stale_index_is_reported_with_the_fix(index_dir, tmp_path):
    import shutil

    folder = tmp_path / "hybrid"
    shutil.copytree(index_dir, folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["schema_version"] = 0
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = run("search", "人才", "--index", str(folder))
    assert result.returncode == 1
    assert "stale" in result.stderr and "index build" in result.stderr and "Traceback" not in result.stderr


def test_search_en_adds_the_english_of_each_hit(index_dir):
    result = run("search", "How will Hubei develop optical fibre and lasers?", "-k", "3", "--en", "--json",
                 "--doc", "hb-sti-14fyp", "--index", str(index_dir))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["lang"] == "en"
    for hit in data["hits"]:
        assert hit["en_source"] == "reference" and hit["text_en"]
    assert "bm25_en" in data["hits"][0]["explain"] or "en:use" in data["hits"][0]["explain"]["dense"]


def test_index_build_never_deletes_a_folder_that_is_not_an_index(tmp_path):
    folder = tmp_path / "precious"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run("index", "build", "--index", str(folder))
    assert result.returncode == 2 and "not an index folder" in result.stderr
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_search_says_when_a_known_question_brought_a_hit(index_dir):
    # my own wording of when the revised S&T Progress Law applies: only a known question brings its final article
    result = run("search", "新修订的科技进步法什么时候开始实行？", "-k", "3", "--index", str(index_dir))
    assert result.returncode == 0, result.stderr
    assert "kjjbf-2021:ch12.a117.p1" in result.stdout and "a known question cites it 已知问题引用" in result.stdout
