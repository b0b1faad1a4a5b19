"""Known questions: the team's own questions with their gold clauses, a ranking feature (search/known_questions.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from retriever.analysis.normalize import normalize_query
from retriever.errors import CorpusError
from retriever.search.known_questions import KNOWN_FEATURES, KnownQuestions, known_path
from retriever.search.rerank import FEATURES, MODEL_PATH, Reranker

ROOT = Path(__file__).resolve().parents[1]
USE, E5, GAP = (KNOWN_FEATURES.index(name) for name in KNOWN_FEATURES)


def _unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def _known() -> KnownQuestions:
    """Three questions in a 3-d space (vectors are data here, not a model: the arithmetic is what is tested)."""
    vectors = np.vstack([_unit(1, 0, 0), _unit(1, 0.2, 0), _unit(0, 1, 0)])
    return KnownQuestions(("专利保护多久", "发明专利的期限", "光谷在哪里"), (("a",), ("a", "b"), ("c",)),
                          {"use": vectors, "e5": vectors}, ("t-a", "t-b", "t-b"))


def test_the_nearest_known_question_speaks_for_its_gold_clauses():
    query = {"use": _unit(1, 0.02, 0), "e5": _unit(1, 0.02, 0)}
    rows = _known().features("发明专利保护期", query, ["a", "b", "c", "d"])
    assert rows.shape == (4, len(KNOWN_FEATURES))
    assert rows[0, USE] > rows[1, USE] > rows[2, USE] and rows[3, USE] == 0.0  # d: no known question cites it
    assert rows[0, GAP] == pytest.approx(0.0) and rows[2, GAP] < rows[1, GAP] < 0 and rows[3, GAP] == -1.0
    assert rows[0, E5] == pytest.approx(rows[0, USE])  # the same vectors for both embedders here


def test_a_known_question_never_finds_itself():
    query = {"use": _unit(1, 0, 0), "e5": _unit(1, 0, 0)}
    rows = _known().features("专利保护多久", query, ["a", "b"])
    assert rows[0, USE] == pytest.approx(float(_unit(1, 0.2, 0) @ _unit(1, 0, 0)))  # the other question citing a
    assert rows[0, GAP] == pytest.approx(0.0) and rows[1, GAP] == pytest.approx(0.0)  # it is now the nearest


def test_while_fitting_a_question_is_described_by_other_writers_questions():
    from retriever.search.known_questions import writer_of

    assert writer_of("t-c-012") == "t-c" and writer_of("q001") == "q" and writer_of("a-017") == "a"
    others = _known().leaving_out("t-b")
    assert others.texts == ("专利保护多久",) and others.writers == ("t-a",) and others.vectors["use"].shape == (1, 3)
    rows = others.features("发明专利保护期", {"use": _unit(1, 0, 0)}, ["a", "b"])
    assert rows[0, USE] == pytest.approx(1.0) and rows[1, USE] == 0.0 and rows[1, GAP] == -1.0


def test_a_question_closer_to_a_known_near_miss_leans_to_refusal():
    vectors = np.vstack([_unit(1, 0, 0), _unit(0, 1, 0), _unit(0, 0.9, 0.1)])
    known = KnownQuestions(("发明专利保护多久", "光谷2035年的产值目标", "光谷2025年的产值"), (("a",), (), ("c",)),
                           {"use": vectors}, ("t-a", "t-b", "t-c"))
    assert known.near_miss("问题", {"use": _unit(0, 1, 0.02)}) > 0  # nearest: the near-miss (no gold)
    assert known.near_miss("问题", {"use": _unit(1, 0.1, 0)}) < 0
    assert known.near_miss("光谷2035年的产值目标", {"use": _unit(0, 1, 0)}) == 0.0  # never itself: no near-miss left
    assert known.near_miss("问题", {}) == 0.0
    rows = known.features("问题", {"use": _unit(0, 1, 0)}, ["a", "c"])
    assert rows[1, GAP] == pytest.approx(0.0)  # the gap is to the nearest answerable known question


def test_the_nearest_known_questions_bring_their_clauses_nearest_first():
    query = {"use": _unit(1, 0.02, 0), "e5": _unit(1, 0.02, 0)}
    known = _known()
    assert known.cited_by_nearest("发明专利保护期", query, 1) == ["a"]
    assert known.cited_by_nearest("发明专利保护期", query, 2) == ["a", "b"]  # each anchor once
    assert known.cited_by_nearest("专利保护多久", query, 1) == ["a", "b"]  # never itself: the next one speaks
    assert known.cited_by_nearest("发明专利保护期", query, 9) == ["a", "b", "c"]
    assert known.cited_by_nearest("发明专利保护期", {}, 3) == []  # a keyword-only search
    vectors = np.vstack([_unit(1, 0, 0), _unit(0, 1, 0)])
    with_near_miss = KnownQuestions(("光谷2035年的产值目标", "光谷在哪里"), ((), ("c",)), {"use": vectors}, ("t-a", "t-b"))
    assert with_near_miss.cited_by_nearest("问题", {"use": _unit(1, 0.1, 0)}, 1) == ["c"]  # a near-miss cites nothing


def test_without_query_vectors_the_features_are_zero():
    assert not _known().features("光谷", {}, ["a", "c"]).any()  # a keyword-only search


def test_known_questions_are_plain_arrays_checked_on_load(tmp_path):
    path = tmp_path / "ranker.known.npz"
    sha = _known().save(path)
    again = KnownQuestions.load(path, sha)
    assert again.texts == _known().texts and again.gold == _known().gold and again.writers == _known().writers
    assert np.array_equal(again.vectors["use"], _known().vectors["use"])
    assert _known().save(tmp_path / "again.npz") == sha  # the same questions, the same bytes
    with np.load(path, allow_pickle=False) as data:  # no object arrays: readable without pickle
        assert {"texts", "gold", "vectors_use", "vectors_e5"} <= set(data.files)
    with pytest.raises(CorpusError, match="not the ones the ranking model was fitted with"):
        KnownQuestions.load(path, "0" * 64)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(CorpusError, match="unreadable"):
        KnownQuestions.load(path)


def test_the_shipped_model_knows_the_teams_own_questions_only():
    model = Reranker.load(MODEL_PATH)
    assert model.known is not None and set(KNOWN_FEATURES) <= set(FEATURES)
    assert known_path(MODEL_PATH).name == "ranker.known.npz"
    own = {}
    for name in model.info["known_files"]:
        for line in (ROOT / "eval" / name).read_text(encoding="utf-8").splitlines():
            q = json.loads(line)
            own[normalize_query(q["question"]).text] = tuple(q["gold"]) if q.get("answerable", True) else ()
    assert set(model.known.texts) == set(own)  # the dev set is never a known question
    assert all(own[text] == gold for text, gold in zip(model.known.texts, model.known.gold))
    assert {"use", "e5"} == set(model.known.vectors)
    assert 100 < sum(1 for gold in model.known.gold if not gold) < len(model.known.gold) / 4  # near-misses known too


@pytest.mark.slow
def test_a_question_worded_like_a_known_one_gets_its_clause_as_evidence(searcher):
    from retriever.search.filters import Filters

    assert searcher.known_questions is not None
    # a wording of my own of a question the team asked about the patent term (not one of the known questions)
    analyzed = searcher.analyzer.analyze(normalize_query("发明专利能受保护几年？"), "hybrid", searcher.translator)
    ranked, rows = searcher.candidates(analyzed, Filters(), None, 10)
    anchors = [r.record.anchor for r in ranked]
    gold = anchors.index("zlf-2020:ch5.a42.p1")
    column = FEATURES.index("known_use")
    assert rows[gold, column] == rows[:, column].max() > 0.5


@pytest.mark.slow
def test_a_clause_no_leg_finds_joins_the_candidates_through_a_known_question(searcher):
    from retriever.search.filters import Filters

    # my own wording of when the revised S&T Progress Law applies: 实行 where the law says 施行, so neither BM25 nor
    # the dense legs bring its one-line final article; a known question on it does
    question = "新修订的科技进步法什么时候开始实行？"
    analyzed = searcher.analyzer.analyze(normalize_query(question), "hybrid", searcher.translator)
    ranked, rows = searcher.candidates(analyzed, Filters(), None, 30)
    brought = {r.record.anchor: r for r in ranked if not r.evidence}  # no leg evidence: a known question's clause
    assert "kjjbf-2021:ch12.a117.p1" in brought
    assert brought["kjjbf-2021:ch12.a117.p1"].fused["known_question"] is True
    column = FEATURES.index("known_use")
    assert rows[[r.record.anchor for r in ranked].index("kjjbf-2021:ch12.a117.p1"), column] == rows[:, column].max()
    assert "kjjbf-2021:ch12.a117.p1" in [h.anchor for h in searcher.search(question, k=3).hits]
    only_plan = searcher.candidates(analyzed, Filters(doc="hb-sti-14fyp"), ["hb-sti-14fyp"], 30)[0]
    assert all(r.record.doc == "hb-sti-14fyp" for r in only_plan)  # the filters hold for them too
    chapter_one = searcher.candidates(analyzed, Filters(doc="kjjbf-2021", chapter=1), ["kjjbf-2021"], 30)[0]
    assert chapter_one and all(r.record.chapter == 1 for r in chapter_one)  # the final article is in chapter 12
