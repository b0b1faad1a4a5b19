"""Hostile and careless ``corpus add`` / ``corpus remove``: nothing escapes the corpus folder, nothing is lost, and
every failure leaves the corpus exactly as it was. Each test is named after the case it guards."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import CORPUS, PLAN_ID

from retriever.cli import main
from retriever.ingest.corpus import Corpus

LAW = "专利法(2020-10-17)"


def snapshot(folder):
    """Every file under ``folder`` with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def ws(tmp_path):
    """A copy of the corpus, an empty folder beside it, and the CLI's common flags (no index is built)."""
    shutil.copytree(CORPUS, tmp_path / "corpus")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_text("keep me", encoding="utf-8")
    source = tmp_path / "law.md"
    source.write_bytes((CORPUS / "laws" / f"{LAW}.md").read_bytes())
    return {"root": tmp_path, "corpus": tmp_path / "corpus", "outside": outside, "source": source,
            "index": ["--index", str(tmp_path / "index" / "hybrid")]}


def add(ws, meta: dict, *flags: str, source=None) -> int:
    meta_path = ws["root"] / "meta.json"
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return main(["--corpus", str(ws["corpus"]), "corpus", "add", str(source or ws["source"]), "--meta",
                 str(meta_path), *ws["index"], *flags])


def law_meta(**changes) -> dict:
    return {"doc_id": "zlf-copy", "title": "专利法（副本）", "format": "law-md"} | changes


@pytest.mark.parametrize("doc_id", ["../evil", "../../x", "/tmp/evil", "a/b", "x" * 1000, 12345, ".", "ALL", "all",
                                    "has space", "<b>x</b>", "a:b"])
def test_a_doc_id_that_is_not_an_id_changes_nothing(ws, capsys, doc_id):
    before, outside = snapshot(ws["corpus"]), snapshot(ws["outside"])
    around = {p.name for p in ws["root"].iterdir()} | {"meta.json"}
    assert add(ws, law_meta(doc_id=doc_id)) == 2
    err = capsys.readouterr().err
    assert "document id" in err or "reserved" in err
    assert "Traceback" not in err and len(err) < 600  # a 1,000-character id is not echoed whole
    assert snapshot(ws["corpus"]) == before and snapshot(ws["outside"]) == outside
    assert {p.name for p in ws["root"].iterdir()} <= around and not (ws["root"].parent / "evil").exists()
    Corpus.load(ws["corpus"])  # still loads


@pytest.mark.parametrize("field, value", [("source", "../outside/victim.txt"), ("source", "/etc/passwd"),
                                          ("translation_en", "../outside/victim.txt"),
                                          ("translation_en", "/etc/hostname")])
def test_metadata_paths_cannot_leave_the_corpus_folder(ws, capsys, field, value):
    before = snapshot(ws["corpus"])
    assert add(ws, law_meta(**{field: value})) == 2
    assert "plain file name" in capsys.readouterr().err
    assert snapshot(ws["corpus"]) == before and (ws["outside"] / "victim.txt").read_text() == "keep me"


def test_remove_never_deletes_outside_the_corpus_even_with_tampered_metadata(ws, capsys):
    """A metadata file edited by hand to point outside: loading refuses it, and remove deletes nothing outside."""
    meta = ws["corpus"] / "evil.meta.json"
    meta.write_text(json.dumps({"doc_id": "evil", "title": "x", "format": "law-md",
                                "source": "../outside/victim.txt"}), encoding="utf-8")
    assert main(["--corpus", str(ws["corpus"]), "corpus", "list"]) == 1
    assert "plain file name" in capsys.readouterr().err
    assert (ws["outside"] / "victim.txt").read_text() == "keep me"


def test_the_plans_id_needs_replace_and_a_replace_keeps_its_english_and_primary_mark(ws, capsys):
    before = snapshot(ws["corpus"])
    meta = {"doc_id": PLAN_ID, "title": "湖北省科技创新“十四五”规划", "format": "scraped-plan"}
    plan_source = ws["corpus"] / "hubei-sti-14fyp.scraped.txt"
    assert add(ws, meta, source=plan_source) == 2
    assert "--replace" in capsys.readouterr().err and snapshot(ws["corpus"]) == before
    assert add(ws, meta, "--replace", source=plan_source) == 0
    plan = Corpus.load(ws["corpus"]).document(PLAN_ID)
    assert plan.meta.translation_en == "hubei-sti-14fyp.en.jsonl" and plan.meta.primary
    assert (ws["corpus"] / "hubei-sti-14fyp.scraped.txt").exists() and (ws["corpus"] / "hubei-sti-14fyp.en.jsonl").exists()


def test_a_document_over_the_size_limit_is_refused_at_once(ws, capsys):
    big = ws["root"] / "big.md"
    big.write_bytes((CORPUS / "laws" / f"{LAW}.md").read_bytes() * 70)  # 2.3 MB
    before = snapshot(ws["corpus"])
    assert add(ws, law_meta(), source=big) == 2
    err = capsys.readouterr().err
    assert "--max-size" in err and "MB" in err and snapshot(ws["corpus"]) == before


def test_a_symbolic_link_is_not_copied_in(ws, capsys):
    link = ws["root"] / "link.md"
    link.symlink_to(ws["source"])
    assert add(ws, law_meta(), source=link) == 2
    assert "symbolic link" in capsys.readouterr().err


def test_a_metadata_file_with_a_byte_order_mark_is_read(ws):
    meta_path = ws["root"] / "bom.json"
    meta_path.write_bytes(b"\xef\xbb\xbf" + json.dumps(law_meta(), ensure_ascii=False).encode())
    assert main(["--corpus", str(ws["corpus"]), "corpus", "add", str(ws["source"]), "--meta", str(meta_path),
                 *ws["index"]]) == 0
    assert "zlf-copy" in Corpus.load(ws["corpus"]).documents


def test_a_utf16_law_is_read_with_a_notice(ws):
    utf16 = ws["root"] / "law16.md"
    utf16.write_bytes(ws["source"].read_text(encoding="utf-8").encode("utf-16"))
    assert add(ws, law_meta(), source=utf16) == 0
    assert any("UTF-16" in w for w in Corpus.load(ws["corpus"]).document("zlf-copy").warnings)


def test_removing_a_document_with_a_hand_written_translation_needs_force(ws, capsys):
    before = snapshot(ws["corpus"])
    assert main(["--corpus", str(ws["corpus"]), "corpus", "remove", "zlf-2020", *ws["index"]]) == 2
    assert "--force" in capsys.readouterr().err and snapshot(ws["corpus"]) == before
    assert main(["--corpus", str(ws["corpus"]), "corpus", "remove", "zlf-2020", "--force", *ws["index"]]) == 0
    assert not list(ws["corpus"].rglob(f"{LAW}*"))


def test_the_last_document_cannot_be_removed(tmp_path, capsys):
    folder = tmp_path / "corpus"
    (folder / "laws").mkdir(parents=True)
    for name in (f"{LAW}.md", f"{LAW}.meta.json"):
        shutil.copy(CORPUS / "laws" / name, folder / "laws" / name)
    meta = json.loads((folder / "laws" / f"{LAW}.meta.json").read_text(encoding="utf-8"))
    meta.pop("translation_en")
    (folder / "laws" / f"{LAW}.meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    assert main(["--corpus", str(folder), "corpus", "remove", "zlf-2020"]) == 2
    assert "only document" in capsys.readouterr().err and (folder / "laws" / f"{LAW}.md").exists()


def test_a_failed_index_update_puts_the_corpus_back(ws, capsys):
    """A real failure (the Milvus server cannot be reached): the document is not left half added."""
    before = snapshot(ws["corpus"])
    assert add(ws, law_meta(), "--backend", "milvus", "--milvus-uri", "http://127.0.0.1:9") == 2
    err = capsys.readouterr().err
    assert "cannot reach Milvus" in err and "as it was before" in err
    assert snapshot(ws["corpus"]) == before
