"""The names said once: legs, modes and the other enums, with errors that list the valid values; fusion weights."""

from __future__ import annotations

import pytest

from retriever.config import BackendConfig
from retriever.errors import QueryError
from retriever.search.fusion import leg_weights, reciprocal_rank_fusion
from retriever.search.milvus import repeats
from retriever.types import Backend, EnSource, Leg, Mode, Rebuild, Verdict

BM25, BM25_EN = Leg.bm25(), Leg.bm25(english=True)
USE, E5, USE_EN = Leg.dense("use"), Leg.dense("e5"), Leg.dense("use", english=True)


def test_every_spelling_of_a_leg_comes_from_the_leg():
    assert [leg.name for leg in (BM25, BM25_EN, USE, USE_EN)] == ["bm25", "bm25_en", "dense:use", "dense:en:use"]
    assert [leg.explain_key for leg in (BM25, BM25_EN, USE, USE_EN)] == ["bm25", "bm25_en", "use", "en:use"]
    assert [leg.file for leg in (BM25, BM25_EN, USE, USE_EN)] == ["bm25", "bm25-en", "use", "en_use"]
    assert [leg.milvus_field for leg in (BM25, BM25_EN, USE, USE_EN)] == ["sparse", "sparse_en", "dense_use",
                                                                          "dense_en_use"]
    assert Leg.dense("st:/models/bge-m3").file == "st__models_bge-m3"
    with pytest.raises(ValueError):
        _ = BM25.vector_key


def test_a_leg_parses_back_from_any_of_its_spellings():
    for leg in (BM25, BM25_EN, USE, E5, USE_EN):
        assert {Leg.parse(leg.name), Leg.parse(leg.file if leg.lexical else leg.vector_key)} == {leg}
    assert Leg.from_vector_key("en:use") == USE_EN
    with pytest.raises(QueryError, match="bm25, bm25_en"):
        Leg.parse("dense:")


def test_dense_legs_are_one_per_model_over_the_chinese_and_one_over_the_english():
    assert Leg.dense_legs(["use", "e5"]) == [USE, E5, USE_EN, Leg.dense("e5", english=True)]
    assert Leg.dense_legs([]) == []


@pytest.mark.parametrize("enum, good, bad", [(Mode, "bm25", "keyword"), (Rebuild, "stale", "always"),
                                             (Verdict, "not_found", "fake"), (EnSource, "terms", "google"),
                                             (Backend, "milvus", "elastic")])
def test_from_str_names_the_valid_values(enum, good, bad):
    assert enum.from_str(good) == good and enum.from_str(enum.from_str(good)) is enum.from_str(good)
    with pytest.raises(QueryError) as err:
        enum.from_str(bad)
    assert all(member.value in str(err.value) for member in enum)


def test_a_bad_backend_setting_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("RETRIEVER_BACKEND", "elastic")
    with pytest.raises(QueryError, match="embedded, milvus"):
        BackendConfig()
    assert BackendConfig(backend="milvus").backend is Backend.MILVUS


def test_lexical_and_dense_evidence_weigh_the_same_by_default():
    weights = leg_weights({BM25: True, BM25_EN: False, USE: True, E5: True, USE_EN: True}, {})
    assert weights == {BM25: 1.0, BM25_EN: 0.0, USE: pytest.approx(1 / 3), E5: pytest.approx(1 / 3),
                       USE_EN: pytest.approx(1 / 3)}
    assert leg_weights({BM25: True, USE: True}, {"bm25": 2.0}) == {BM25: 2.0, USE: 1.0}  # explicit, by name


def test_fusion_and_milvus_repeats_work_on_legs():
    fused = reciprocal_rank_fusion({BM25: [3, 1], USE: [1, 2]}, k=60, weights={BM25: 1.0, USE: 0.5})
    assert [doc for doc, _ in fused] == [1, 3, 2]
    assert repeats({BM25: 1.0, USE: 0.5, E5: 0.5}) == {BM25: 2, USE: 1, E5: 1}
