"""Delta segments on the real corpus and models: after a document changes or goes, the embedded index is brought up
to date without rebuilding, answers like a full build of the same corpus, and never shows a replaced clause."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from conftest import CORPUS

from retriever.analysis.fields import user_terms
from retriever.analysis.glossary import Glossary
from retriever.analysis.tokenize import Tokenizer
from retriever.cli import main
from retriever.config import IndexConfig
from retriever.errors import CorruptIndexError, UnknownDocumentError
from retriever.evaluation.retrieval import load_questions
from retriever.index.delta import plan_delta
from retriever.index.manifest import expected_manifest, read_manifest
from retriever.ingest.add_remove import add_document, remove_document
from retriever.ingest.corpus import Corpus
from retriever.search.embedded import EmbeddedSearcher
from retriever.types import Leg

pytestmark = pytest.mark.slow  # the real models: delta segments answer like a full build

LAW = "专利法(2020-10-17)"
OLD, NEW = "发明专利权的期限为二十年", "发明专利权的期限为二十五年"


@pytest.fixture()
def workspace(index_dir, tmp_path):
    """A copy of the corpus and of the session's index (with its embedding store)."""
    shutil.copytree(index_dir, tmp_path / "index" / "hybrid")
    store = index_dir.parent / f"{index_dir.name}-embeddings"
    shutil.copytree(store, tmp_path / "index" / "hybrid-embeddings")
    shutil.copytree(store, tmp_path / "index" / "full-embeddings")  # for a full build beside it, without embedding
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return tmp_path


def config(ws, fraction: float = 0.5, index: str = "hybrid") -> IndexConfig:
    return IndexConfig(index_dir=ws / "index" / index, corpus_dir=ws / "corpus", delta_max_fraction=fraction)


def edit_patent_law(ws) -> None:
    text = (CORPUS / "laws" / f"{LAW}.md").read_text(encoding="utf-8")
    changed = ws / f"{LAW}.md"
    changed.write_text(text.replace(OLD, NEW, 1), encoding="utf-8")
    meta = json.loads((CORPUS / "laws" / f"{LAW}.meta.json").read_text(encoding="utf-8"))
    add_document(ws / "corpus", changed, {k: v for k, v in meta.items() if k != "sha256"}, replace=True)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_changed_document_goes_into_a_delta_segment(workspace, capsys):
    base_files = {p.name: digest(p) for p in (workspace / "index" / "hybrid").glob("*.*") if p.is_file()}
    edit_patent_law(workspace)
    searcher = EmbeddedSearcher.open(config(workspace), rebuild="stale")
    delta = searcher.index.manifest["delta"]
    assert delta["documents"] == ["zlf-2020"] and delta["replaced"] == ["zlf-2020"]
    assert delta["rows"] == delta["replaced_rows"] == len(searcher.corpus.document("zlf-2020").clauses)
    assert searcher.index.manifest["embedded_texts"]["embedded"] == 2  # one changed clause text, two models
    folder = workspace / "index" / "hybrid"
    assert {p.name: digest(folder / p.name) for p in folder.glob("*.*") if p.name in base_files} == base_files
    assert (folder / "delta.json").exists()

    anchors = [c.anchor for c in searcher.index.clauses]
    assert len(anchors) == len(set(anchors)) == sum(len(d.clauses) for d in searcher.corpus.documents.values())
    hit = searcher.search(NEW, k=1, doc="zlf-2020").hits[0]
    assert hit.anchor == "zlf-2020:ch5.a42.p1" and NEW in hit.text
    assert not any(OLD in h.text for h in searcher.search(OLD, k=50).hits)  # the replaced row is gone
    reopened = EmbeddedSearcher.open(config(workspace), rebuild="never")  # the delta is found again on load
    assert [h.anchor for h in reopened.search(NEW, k=5).hits] == [h.anchor for h in searcher.search(NEW, k=5).hits]
    capsys.readouterr()
    assert main(["--corpus", str(workspace / "corpus"), "index", "status", "--index", str(folder)]) == 0
    assert "delta segment 增量段 1: 1 documents, 171 clauses" in capsys.readouterr().out


def test_a_delta_answers_like_a_full_build(workspace):
    edit_patent_law(workspace)
    delta = EmbeddedSearcher.open(config(workspace), rebuild="stale")
    full = EmbeddedSearcher.open(config(workspace, index="full"), rebuild="missing")
    assert "delta" in delta.index.manifest and "delta" not in full.index.manifest
    questions = [q.question for q in load_questions()][:60]
    for mode, least in (("dense", 1.0), ("bm25", 0.9), ("hybrid", 0.9)):
        overlaps = []
        for question in questions:
            a = {h.anchor for h in delta.search(question, k=5, mode=mode).hits}
            b = {h.anchor for h in full.search(question, k=5, mode=mode).hits}
            overlaps.append(len(a & b) / max(len(b), 1))
        assert sum(overlaps) / len(overlaps) >= least, mode


def test_removing_and_restoring_documents(workspace):
    edit_patent_law(workspace)
    EmbeddedSearcher.open(config(workspace, fraction=0.7), rebuild="stale")
    remove_document(workspace / "corpus", "cgzhf-2015", force=True)  # 171 new + 171 + 96 replaced clauses: 62% of the base
    searcher = EmbeddedSearcher.open(config(workspace, fraction=0.7), rebuild="stale")
    assert searcher.index.manifest["delta"]["replaced"] == ["zlf-2020", "cgzhf-2015"]
    assert all(h.doc != "cgzhf-2015" for h in searcher.search("促进科技成果转化", k=50).hits)
    with pytest.raises(UnknownDocumentError):
        searcher.search("科技成果", doc="cgzhf-2015")
    folder = workspace / "index" / "hybrid"
    assert sorted(p.name for p in folder.glob("delta-*")) == ["delta-000001", "delta-000002"]

    shutil.rmtree(workspace / "corpus")
    shutil.copytree(CORPUS, workspace / "corpus")  # back to what the base holds: the delta is dropped
    searcher = EmbeddedSearcher.open(config(workspace, fraction=0.7), rebuild="stale")
    assert "delta" not in searcher.index.manifest and not (folder / "delta.json").exists()
    assert len(searcher.index) == sum(len(d.clauses) for d in Corpus.load(CORPUS).documents.values())
    assert [p.name for p in folder.glob("delta-*")] == ["delta-000002"]
    edit_patent_law(workspace)  # numbering goes on after the last folder
    assert EmbeddedSearcher.open(config(workspace), rebuild="stale").index.manifest["delta"]["generation"] == 3
    assert sorted(p.name for p in folder.glob("delta-*")) == ["delta-000002", "delta-000003"]


def test_a_large_change_is_built_in_full(workspace):
    edit_patent_law(workspace)  # 171 of 702 clauses: more than a tenth
    searcher = EmbeddedSearcher.open(config(workspace, fraction=0.1), rebuild="stale")
    assert "delta" not in searcher.index.manifest
    assert "rebuilt in full" in searcher.index.manifest["build_reason"]
    assert not (workspace / "index" / "hybrid" / "delta.json").exists()


def test_a_damaged_delta_is_refused_then_replaced(workspace):
    edit_patent_law(workspace)
    EmbeddedSearcher.open(config(workspace), rebuild="stale")
    folder = workspace / "index" / "hybrid"
    (folder / "delta-000001" / "clauses.jsonl").write_text("{broken\n", encoding="utf-8")
    with pytest.raises(CorruptIndexError, match="delta segment"):
        EmbeddedSearcher.open(config(workspace), rebuild="never")
    searcher = EmbeddedSearcher.open(config(workspace), rebuild="stale")
    assert searcher.index.manifest["delta"]["generation"] == 2
    assert NEW in searcher.search(NEW, k=1, doc="zlf-2020").hits[0].text


def test_english_where_the_base_has_none_is_built_in_full(tmp_path):
    laws = shutil.copytree(CORPUS, tmp_path / "corpus", ignore=shutil.ignore_patterns("hubei-*", "*.en.jsonl"))
    for meta in (laws / "laws").glob("*.meta.json"):  # laws without their reference English: no English legs yet
        raw = json.loads(meta.read_text(encoding="utf-8"))
        raw.pop("translation_en")
        meta.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    settings = dict(index_dir=tmp_path / "index" / "hybrid", corpus_dir=laws, embedders=("use",),
                    delta_max_fraction=1.0)
    base = EmbeddedSearcher.open(IndexConfig(**settings), rebuild="missing")
    assert not any(Leg.from_vector_key(key).english for key in base.index.manifest["dense_legs"])
    for name in ("hubei-sti-14fyp.meta.json", "hubei-sti-14fyp.scraped.txt", "hubei-sti-14fyp.en.jsonl"):
        shutil.copy(CORPUS / name, laws / name)
    corpus = Corpus.load(laws)
    tokenizer = Tokenizer(user_terms(corpus, Glossary.load(laws / "glossary.jsonl")))
    expected = expected_manifest(corpus, IndexConfig(**settings), tokenizer, base.index.manifest["embedders"],
                                 laws / "glossary.jsonl")
    plan = plan_delta(corpus, expected, read_manifest(settings["index_dir"]), IndexConfig(**settings))
    assert "tokenizer" in plan  # the plan's lead phrases join the user dictionary: every row is tokenised anew
    same_words = dict(expected, tokenizer=base.index.manifest["tokenizer"])
    plan = plan_delta(corpus, same_words, read_manifest(settings["index_dir"]), IndexConfig(**settings))
    assert "English" in plan  # and on its own, English where the base has no English legs
    searcher = EmbeddedSearcher.open(IndexConfig(**settings), rebuild="stale")
    assert "delta" not in searcher.index.manifest
    assert Leg.dense("use", english=True).vector_key in searcher.index.manifest["dense_legs"]


@pytest.mark.parametrize("value", ["lots", "1.5", "-0.1"])
def test_a_bad_delta_threshold_is_a_clear_error(monkeypatch, capsys, value):
    monkeypatch.setenv("RETRIEVER_DELTA_MAX_FRACTION", value)
    assert main(["index", "status"]) != 0
    err = capsys.readouterr().err
    assert "RETRIEVER_DELTA_MAX_FRACTION" in err and "0 to 1" in err and "Traceback" not in err
