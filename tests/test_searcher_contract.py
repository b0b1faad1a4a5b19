"""The searcher contract and the shared query path, on the real corpus with a FAKE embedder (tests/fakes.py).

Nothing here depends on the quality of a model: which legs run for which question, what a hit explains, filters,
what the index records, stale and damaged indexes, delta segments. Quality gates on the real models are in
test_search.py, test_answer.py and test_milvus.py (slow tier).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest
from conftest import CORPUS, PLAN_ID, fake_config
from fakes import FAKE

from retriever.analysis.fields import clause_fields
from retriever.analysis.normalize import normalize_query
from retriever.answer.extractive import Answerer
from retriever.english.reference import english_by_anchor
from retriever.errors import CorruptIndexError, QueryError, StaleIndexError, UnknownDocumentError
from retriever.index.manifest import MANIFEST_FILE
from retriever.search.base import SearcherBase
from retriever.search.embedded import EmbeddedSearcher
from retriever.search.filters import Filters
from retriever.search.milvus import MilvusSearcher
from retriever.search.protocol import Searcher
from retriever.types import Backend, Leg, Mode, Rebuild

USE_EN_KEY = Leg.dense(FAKE, english=True).explain_key


def test_both_backends_implement_the_protocol(fake_searcher):
    assert isinstance(fake_searcher, Searcher)
    for backend, cls in ((Backend.EMBEDDED, EmbeddedSearcher), (Backend.MILVUS, MilvusSearcher)):
        assert issubclass(cls, SearcherBase) and cls.backend is backend
        assert "search" not in vars(cls)  # the query path is written once, in SearcherBase


def test_records_are_what_the_fields_of_the_corpus_say(fake_searcher, corpus):
    """The Milvus searcher computes its records with clause_fields; the embedded index stored the same."""
    documents = list(corpus.documents.values())
    fields = clause_fields(documents, fake_searcher.analyzer.tokenizer, english_by_anchor(documents))
    assert list(fake_searcher.records()) == [f.record() for f in fields]


def test_a_chinese_question_runs_the_chinese_legs_only(fake_searcher):
    result = fake_searcher.search("湖北如何发展光通信产业", k=5)
    why = result.hits[0].explain
    assert result.query.lang == "zh-Hans" and result.mode is Mode.HYBRID
    assert set(why) == {"fused", Leg.bm25().explain_key, "dense"} and set(why["dense"]) == {FAKE}
    assert set(why["fused"]["weights"]) == {Leg.bm25().name, Leg.dense(FAKE).name}
    assert "光通信" in result.terms


def test_an_english_question_also_runs_the_english_legs_and_the_glossary(fake_searcher):
    result = fake_searcher.search("optical communication and lasers in Hubei", k=5)
    why = result.hits[0].explain
    assert result.query.lang == "en"
    assert Leg.bm25(english=True).explain_key in why and USE_EN_KEY in why["dense"]
    assert {"en": "optical communication", "zh": "光通信"} in why["glossary"] and "光通信" in result.terms
    assert all(h.text_en for h in result.hits if h.explain["dense"][USE_EN_KEY]["rank"])


def test_a_candidate_another_leg_brought_has_its_dense_similarity_as_milvus_reads_it(fake_searcher):
    """A clause below a dense leg's depth keeps its true similarity (the stored vector against the question's, as
    the Milvus backend computes it), not 0: the ranking model reads the same evidence from both backends."""
    shallow = EmbeddedSearcher(fake_searcher.index, fake_searcher.corpus, fake_searcher.analyzer,
                               replace(fake_searcher.config, depth=5))
    analyzed = shallow.analyzer.analyze(normalize_query("How will Hubei develop optical communication?"),
                                        Mode.HYBRID, shallow.translator)
    ranked, _ = shallow.candidates(analyzed, Filters(), None)
    rows = {r.anchor: i for i, r in enumerate(shallow.records())}
    unranked = 0
    for candidate in ranked:
        for leg, evidence in candidate.evidence.items():
            if leg.lexical:
                continue
            row = rows[candidate.record.anchor]
            has_vector = not leg.english or candidate.record.text_en is not None
            stored = float(shallow.index.vectors[leg][row] @ analyzed.vector_for(leg)) if has_vector else 0.0
            assert evidence.similarity == pytest.approx(stored, abs=1e-5)
            unranked += evidence.rank is None and has_vector
    assert unranked > 0  # five per leg: most candidates came from another leg


@pytest.mark.parametrize("mode, present, absent", [(Mode.BM25, "bm25", "dense"), (Mode.DENSE, "dense", "bm25")])
def test_a_mode_runs_only_its_legs(fake_searcher, mode, present, absent):
    hits = fake_searcher.search("科技成果转化", k=3, mode=mode).hits
    assert hits and all(present in h.explain and absent not in h.explain for h in hits)


def test_filters_are_checked_against_the_corpus(fake_searcher):
    hits = fake_searcher.search("科技创新", k=10, doc=PLAN_ID, chapter=5).hits
    assert hits and all(h.anchor.startswith(f"{PLAN_ID}:ch5.") for h in hits)
    assert {h.doc for h in fake_searcher.search("专利", k=10, issuer="全国人民代表大会").hits} <= {
        "zlf-2020", "kjjbf-2021", "cgzhf-2015"}
    with pytest.raises(UnknownDocumentError):
        fake_searcher.search("专利", doc="no-such-doc")
    with pytest.raises(QueryError, match="chapter 99"):
        fake_searcher.search("专利", doc=PLAN_ID, chapter=99)
    with pytest.raises(QueryError, match="mode"):
        fake_searcher.search("专利", mode="keyword")
    with pytest.raises(QueryError, match="k must be"):
        fake_searcher.search("专利", k=0)


def test_the_answerer_needs_only_the_protocol(fake_searcher, corpus):
    answer = Answerer(fake_searcher).ask("专利权的期限是多少年", doc="zlf-2020")
    assert answer.nearest and all(h.doc == "zlf-2020" for h in answer.nearest)
    for s in answer.sentences:
        assert corpus.clause(s.anchor).text[s.start : s.end] == s.text


@pytest.fixture()
def copied(tmp_path):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return tmp_path


def test_a_changed_document_makes_the_index_stale_and_an_update_writes_a_delta(copied, fake_embedders):
    config = replace(fake_config(copied, copied / "corpus"), delta_max_fraction=0.5)  # the law is 14% of the clauses
    EmbeddedSearcher.open(config, embedders=fake_embedders)
    law = copied / "corpus" / "laws" / "专利法(2020-10-17).md"
    law.write_text(law.read_text(encoding="utf-8").replace("发明专利权的期限为二十年", "发明专利权的期限为三十年"),
                   encoding="utf-8")
    meta = law.with_name("专利法(2020-10-17).meta.json")
    meta.write_text(json.dumps(dict(json.loads(meta.read_text(encoding="utf-8")), sha256="")), encoding="utf-8")
    with pytest.raises(StaleIndexError, match="zlf-2020"):
        EmbeddedSearcher.open(config, embedders=fake_embedders, rebuild=Rebuild.NEVER)
    updated = EmbeddedSearcher.open(config, embedders=fake_embedders, rebuild=Rebuild.STALE)
    assert updated.index.manifest["delta"]["documents"] == ["zlf-2020"]
    hit = updated.search("发明专利权的期限为三十年", k=1, mode=Mode.BM25).hits[0]
    assert hit.anchor == "zlf-2020:ch5.a42.p1" and "三十年" in hit.text


def test_a_damaged_manifest_is_refused_and_a_build_replaces_it(copied, fake_embedders):
    config = fake_config(copied)
    EmbeddedSearcher.open(config, embedders=fake_embedders)
    (config.index_dir / MANIFEST_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(CorruptIndexError, match="unreadable"):
        EmbeddedSearcher.open(config, embedders=fake_embedders, rebuild=Rebuild.NEVER)
    rebuilt = EmbeddedSearcher.open(config, embedders=fake_embedders, rebuild=Rebuild.BUILD)
    assert rebuilt.index.manifest["build_reason"] == "build" and len(rebuilt.records()) > 700


@pytest.mark.parametrize(("question", "place"), [
    ("What does Article 42 of the Patent Law say?", "zlf-2020:ch5.a42"),
    ("专利法第四十二条第二款讲的是什么", "zlf-2020:ch5.a42.p2"),
    ("规划第五章第一节的内容是什么", "hb-sti-14fyp:ch5.s1"),
])
def test_a_question_citing_a_place_gets_its_clauses_first_whatever_ranks_them(fake_searcher, question, place):
    """The place's clauses come first even when no leg finds them (a clause never repeats its own number)."""
    inside = [r.anchor for r in fake_searcher.records() if r.anchor == place or r.anchor.startswith(place + ".")]
    hits = fake_searcher.search(question, k=len(inside) + 2).hits
    assert {h.anchor for h in hits[:len(inside)]} == set(inside) and hits[len(inside)].anchor not in inside
