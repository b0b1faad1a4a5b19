"""The Milvus backend (milvus-lite, really running) against the embedded one on the real corpus and models."""

from __future__ import annotations

import json

import pytest
from conftest import CORPUS

from retriever.answer.extractive import Answerer
from retriever.cli import main
from retriever.config import BackendConfig, IndexConfig
from retriever.errors import (
    BackendUnavailableError,
    IncompleteLoadError,
    QueryError,
    SchemaVersionError,
    StaleIndexError,
    UnknownDocumentError,
)
from retriever.evaluation.retrieval import load_questions
from retriever.index.milvus_collection import MILVUS_SCHEMA_VERSION, MilvusCollection
from retriever.search.milvus import MilvusSearcher, repeats


@pytest.fixture(scope="session")
def milvus_uri(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("milvus") / "clauses.db")


@pytest.fixture(scope="session")
def milvus(index_dir, searcher, corpus, milvus_uri) -> MilvusSearcher:
    """The real corpus in a milvus-lite collection; vectors come from the session index's embedding store."""
    config = IndexConfig(index_dir=index_dir, corpus_dir=CORPUS)
    return MilvusSearcher.open(config, BackendConfig(backend="milvus", milvus_uri=milvus_uri), rebuild="missing",
                               embedders=searcher.analyzer.embedders, corpus=corpus)


def test_collection_reused_the_stored_vectors(milvus, searcher):
    sync = milvus.last_sync
    assert sync is not None and sync.embedded == 0 and sync.reused > 0
    assert sync.clauses_written == len(searcher.index)


def test_parity_top5_overlap_and_recall(milvus, searcher):
    """On the evaluation questions: top-5 overlap ≥ 80 %, Recall@5 within 0.03 of the embedded backend."""
    questions = [q for q in load_questions() if q.answerable and q.gold]
    overlaps, recall = [], {"embedded": 0, "milvus": 0}
    for q in questions:
        a = [h.anchor for h in searcher.search(q.question, k=5, doc=q.doc).hits]
        b = [h.anchor for h in milvus.search(q.question, k=5, doc=q.doc).hits]
        overlaps.append(len(set(a) & set(b)) / len(a))
        recall["embedded"] += bool(set(a) & set(q.gold))
        recall["milvus"] += bool(set(b) & set(q.gold))
    assert sum(overlaps) / len(overlaps) >= 0.8
    assert abs(recall["embedded"] - recall["milvus"]) / len(questions) <= 0.03


@pytest.mark.parametrize("backend", ["embedded", "milvus"])
def test_a_quoted_slogan_is_the_lexical_legs_first_hit_on_both_backends(backend, milvus, searcher, corpus):
    """Milvus segments the clauses and the question itself (jieba analyzer): both are given without quote marks."""
    found = (milvus if backend == "milvus" else searcher).search("湖北倡导的「科技三命」精神出自规划哪里?", k=5)
    first = [hit.anchor for hit in found.hits if hit.explain["bm25"]["rank"] == 1]
    assert first and "科技三命" in corpus.clause(first[0]).text


def test_same_json_contract_and_explanations(milvus, searcher):
    a = searcher.search("How does Hubei support basic research?", k=3).to_dict()
    b = milvus.search("How does Hubei support basic research?", k=3).to_dict()
    assert set(a) == set(b) and set(a["hits"][0]) == set(b["hits"][0])
    why = b["hits"][0]["explain"]
    assert {"fused", "dense", "backend"} <= set(why)
    assert set(why["dense"]) == set(a["hits"][0]["explain"]["dense"])  # use, e5 and the English leg
    assert why["backend"]["not_provided"]
    assert 0 < b["hits"][0]["score"] < 0.1  # on the embedded backend's RRF scale
    terms = milvus.search("科技成果转化", k=1).hits[0].explain["bm25"]["matched_terms"]
    assert "科技成果转化" in terms


@pytest.mark.parametrize("backend", ["embedded", "milvus"])
def test_filters_doc_chapter_issuer_date(backend, milvus, searcher, corpus):
    engine = searcher if backend == "embedded" else milvus
    hits = engine.search("专利权", k=10, issuer="全国人民代表大会常务委员会", since="2020-01", until="2020-12-31").hits
    assert hits and {h.doc for h in hits} == {"zlf-2020"}  # the only NPCSC law issued in 2020
    hits = engine.search("科技创新", k=10, issuer="hubei provincial").hits
    assert hits and {h.doc for h in hits} == {"hb-sti-14fyp"}
    hits = engine.search("科技创新", k=5, doc="hb-sti-14fyp", chapter=5).hits
    assert hits and all(h.anchor.startswith("hb-sti-14fyp:ch5.") for h in hits)
    with pytest.raises(UnknownDocumentError):
        engine.search("专利", doc="no-such-doc")
    with pytest.raises(QueryError):
        engine.search("专利", since="2021-13")
    with pytest.raises(QueryError):
        engine.search("专利", issuer="no such issuer at all")


def test_request_repeats_realise_rrf_weights():
    assert repeats({"bm25": 1.0, "dense:use": 0.5, "dense:e5": 0.5}) == {"bm25": 2, "dense:use": 1, "dense:e5": 1}
    assert repeats({"bm25": 0.5, "bm25_en": 0.5, "dense:use": 1 / 3, "dense:e5": 1 / 3, "dense:en:use": 1 / 3}) == {
        "bm25": 3, "bm25_en": 3, "dense:use": 2, "dense:e5": 2, "dense:en:use": 2}


def test_unreachable_server_is_a_clear_error(corpus):
    from retriever.index.milvus_collection import connect

    with pytest.raises(BackendUnavailableError, match="cannot reach Milvus"):
        connect(BackendConfig(backend="milvus", milvus_uri="http://127.0.0.1:9", timeout=2))


def test_other_schema_version_is_refused(index_dir, searcher, corpus, milvus, milvus_uri):
    store = milvus.collection
    row = store.schema_row()
    store._put("schema", dict(row, schema_version=MILVUS_SCHEMA_VERSION + 1))
    try:
        with pytest.raises(SchemaVersionError, match="schema version"):
            MilvusSearcher.open(IndexConfig(index_dir=index_dir, corpus_dir=CORPUS),
                                BackendConfig(backend="milvus", milvus_uri=milvus_uri), rebuild="stale",
                                embedders=searcher.analyzer.embedders, corpus=corpus)
    finally:
        store._put("schema", row)
    store.check(corpus)


def test_interrupted_bulk_load_is_refused_then_resumed(index_dir, searcher, corpus, milvus, milvus_uri):
    config = IndexConfig(index_dir=index_dir, corpus_dir=CORPUS)
    backend = BackendConfig(backend="milvus", milvus_uri=milvus_uri, collection="interrupted")
    store = MilvusCollection(milvus.collection.client, backend, config, milvus.analyzer.tokenizer, searcher.analyzer.embedders)

    class Interrupted(Exception):
        pass

    def stop(message: str, fraction: float) -> None:
        raise Interrupted

    from retriever.index.embedding_store import EmbeddingStore

    with pytest.raises(Interrupted):
        store.sync(corpus, EmbeddingStore(config.store_dir), rebuild=True, batch_docs=1, progress=stop)
    with pytest.raises(IncompleteLoadError, match="interrupted"):
        MilvusSearcher.open(config, backend, rebuild="missing", embedders=searcher.analyzer.embedders, corpus=corpus)
    resumed = MilvusSearcher.open(config, backend, rebuild="stale", embedders=searcher.analyzer.embedders, corpus=corpus)
    assert len(resumed.last_sync.added) + len(resumed.last_sync.replaced) == len(corpus.documents) - 1
    assert resumed.search("专利权的期限", k=1).hits[0].doc == "zlf-2020"


def test_indexes_with_other_parameters_are_recreated_keeping_the_rows(index_dir, searcher, corpus, milvus, milvus_uri):
    store, client = milvus.collection, milvus.collection.client
    assert store.mismatched_indexes() == []
    assert client.describe_index(store.name, "dense_use")["params"]["M"] == 32  # the parameters reached milvus-lite
    # A collection made before they did: parameters sent as plain keys, which milvus-lite ignores.
    client.release_collection(store.name)
    while client.list_indexes(store.name):
        client.drop_index(store.name, client.list_indexes(store.name)[0])
    params = client.prepare_index_params()
    for field, (kind, metric, build) in store.index_plan().items():
        params.add_index(field, index_type=kind, metric_type=metric, params=build)
    client.create_index(store.name, params)
    client.load_collection(store.name)
    assert "params" not in client.describe_index(store.name, "dense_use")  # M=32 did not arrive
    assert store.mismatched_indexes() == list(store.index_plan())
    with pytest.raises(StaleIndexError, match="dense_use"):
        store.check(corpus)
    reopened = MilvusSearcher.open(IndexConfig(index_dir=index_dir, corpus_dir=CORPUS),
                                   BackendConfig(backend="milvus", milvus_uri=milvus_uri), rebuild="stale",
                                   embedders=searcher.analyzer.embedders, corpus=corpus)
    assert reopened.last_sync.clauses_written == 0 and "recreate indexes" in reopened.last_sync.seconds
    assert store.mismatched_indexes() == []
    assert reopened.search("专利权的期限", k=1).hits[0].doc == "zlf-2020"


def test_the_collection_indexes_the_clauses_the_embedded_index_holds(milvus, searcher):
    """The answerer's statistics (idf, English roots) come from ``records()``: the same on both backends."""
    assert list(milvus.records()) == list(searcher.records())


def _answer_key(answer) -> tuple:
    return answer.answered, answer.reason, tuple(s.anchor for s in answer.sentences)


def test_ask_on_milvus_answers_as_the_embedded_backend(milvus, searcher, corpus):
    """The extractive answerer needs only the Searcher protocol: on the evaluation questions the Milvus backend gives
    the same decision (answer or refusal, and why) for nearly every question; answers cite real clauses verbatim."""
    questions = load_questions()
    embedded, other = Answerer(searcher), Answerer(milvus)
    same = 0
    for q in questions:
        doc = q.doc or corpus.primary_id
        a, b = embedded.ask(q.question, doc=doc), other.ask(q.question, doc=doc)
        same += (a.answered, a.reason) == (b.answered, b.reason)
        for s in b.sentences:
            assert corpus.clause(s.anchor).text[s.start : s.end] == s.text
    # Measured 0.993 of 145 (one question differs, where Milvus's top 5 differs): eval/report.md § milvus-parity.
    assert same / len(questions) >= 0.95


def test_ask_and_check_cli_on_milvus(milvus, index_dir, milvus_uri, capsys):
    flags = ["--backend", "milvus", "--milvus-uri", milvus_uri]
    question = ["ask", "专利权的期限从何时起计算", "--doc", "zlf-2020", "--index", str(index_dir), "--json"]
    assert main([*question, *flags]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["answered"] and "zlf-2020:ch5.a42.p1" in [s["anchor"] for s in answer["sentences"]]
    assert main(question) == 0
    assert json.loads(capsys.readouterr().out)["sentences"] == answer["sentences"]
    quote = "发明专利权的期限为二十年"
    assert main(["check", quote, "--json", *flags]) == 0
    on_milvus = json.loads(capsys.readouterr().out)
    assert main(["check", quote, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == on_milvus
    assert on_milvus["verdict"] == "verbatim" and on_milvus["anchor"] == "zlf-2020:ch5.a42.p1"
