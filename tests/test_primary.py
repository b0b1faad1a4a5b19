"""The primary document: the plan's id lives only in its metadata; without a primary, nothing guesses one."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import CORPUS, PLAN_ID

from retriever.answer.citation_check import CitationChecker
from retriever.errors import CorpusError, QueryError
from retriever.index.manifest import document_digest
from retriever.ingest.add_remove import add_document
from retriever.ingest.corpus import Corpus


def test_the_plan_is_the_primary_document(corpus):
    assert corpus.primary_id == PLAN_ID and corpus.primary.meta.primary
    assert CitationChecker(corpus).check("第五章第一节第二段").anchor == f"{PLAN_ID}:ch5.s1.p2"


@pytest.fixture()
def unmarked(tmp_path) -> Corpus:
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    meta = folder / "hubei-sti-14fyp.meta.json"
    meta.write_text(json.dumps({k: v for k, v in json.loads(meta.read_text(encoding="utf-8")).items()
                                if k != "primary"}, ensure_ascii=False), encoding="utf-8")
    return Corpus.load(folder)


def test_without_a_primary_a_bare_reference_asks_for_the_document(unmarked):
    assert unmarked.primary is None and unmarked.primary_id is None
    with pytest.raises(QueryError, match="--doc"):
        CitationChecker(unmarked).check("第五章第一节第二段")
    assert CitationChecker(unmarked).check("专利法第四十二条").anchor.startswith("zlf-2020:ch5.a42")


def test_marking_the_primary_changes_nothing_indexed(corpus, unmarked):
    assert document_digest(corpus.document(PLAN_ID)) == document_digest(unmarked.document(PLAN_ID))


def test_a_second_primary_is_refused_before_anything_is_written(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    before = sorted(p.name for p in folder.rglob("*"))
    law = CORPUS / "laws" / "专利法(2020-10-17).md"
    with pytest.raises(CorpusError, match="primary"):
        add_document(folder, law, {"doc_id": "zlf-copy", "title": "专利法（副本）", "format": "law-md", "primary": True})
    assert sorted(p.name for p in folder.rglob("*")) == before
