"""The English MiniLM tuned on the team's English questions: its training pairs, tuning, and the check on loading."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from retriever.analysis.embedders import SentenceTransformerEmbedder
from retriever.analysis.tuned_english import (TUNED_FEATURES, TUNING, TUNING_FILE, TunedEnglish, english_pairs,
                                              load_tuned, team_halves, tune)
from retriever.config import DEFAULT_QUESTIONS, TRAIN_QUESTIONS
from retriever.english.reference import english_by_anchor
from retriever.errors import ModelUnavailableError, StaleIndexError
from retriever.evaluation.retrieval import load_questions


@pytest.fixture(scope="module")
def english(corpus) -> dict[str, str]:
    return english_by_anchor(corpus.documents.values())


@pytest.fixture(scope="module")
def team_pairs(english) -> list[tuple[str, str]]:
    return english_pairs(load_questions(DEFAULT_QUESTIONS) + load_questions(TRAIN_QUESTIONS), english)


def test_pairs_are_english_questions_with_the_english_of_their_gold_clause(team_pairs, english):
    questions = {q.question: q for q in load_questions(DEFAULT_QUESTIONS) + load_questions(TRAIN_QUESTIONS)}
    assert len(team_pairs) > 400
    for question, clause in team_pairs:
        asked = questions[question]
        assert asked.lang == "en" and asked.answerable and clause == english[asked.gold[0]]
    assert not any(q.lang == "mixed" for q in (questions[p[0]] for p in team_pairs))


@pytest.mark.slow  # tunes the real bundled model
def test_tuning_brings_each_question_nearer_its_clause_and_is_checked_on_loading(team_pairs, english, tmp_path):
    pairs = team_pairs[:8]
    quick = replace(TUNING, epochs=2, batch_size=4, learning_rate=1e-4)
    told: list[tuple[str, float]] = []
    folder = tune(pairs, tmp_path / "tuned", quick, progress=lambda message, done: told.append((message, done)))
    assert [done for _, done in told] == [0.0, 0.25, 0.5, 0.75, 1.0]  # 2 epochs of 2 batches, then done
    assert "tuning the English model on 8 questions" in told[0][0]
    record = json.loads((folder / TUNING_FILE).read_text(encoding="utf-8"))
    assert record["pairs"] == 8 and record["tuning"]["batch_size"] == 4
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no half-written folder left

    def margins(model: SentenceTransformerEmbedder) -> np.ndarray:
        sims = model.encode_queries([q for q, _ in pairs]) @ model.encode_passages([c for _, c in pairs]).T
        return np.diag(sims) - (sims.sum(axis=1) - np.diag(sims)) / (len(pairs) - 1)

    tuned = load_tuned(folder, pairs, quick)
    assert margins(tuned).mean() > margins(SentenceTransformerEmbedder.bundled_minilm()).mean()
    vectors = tuned.encode_queries(["Which provincial laboratories are planned?"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    with pytest.raises(StaleIndexError):
        load_tuned(folder, team_pairs[1:9], quick)  # tuned on other questions
    with pytest.raises(StaleIndexError):
        load_tuned(folder, pairs)  # tuned with other settings

    # over the clauses' English: vectors kept beside the model, a later start encodes nothing again
    clauses = dict(list(english.items())[:30])
    over = TunedEnglish.over(tuned, folder, clauses)
    assert (folder / "clauses.npz").is_file() and over.record == record
    tuned.encode_passages = lambda texts: pytest.fail("encoded again")  # type: ignore[method-assign]
    again = TunedEnglish.over(tuned, folder, clauses)
    anchors = list(clauses)[:5] + ["no-such-doc:ch1.p1"]
    rows = again.features(pairs[0][0], True, anchors)
    assert rows.shape == (6, len(TUNED_FEATURES)) and rows[:, 1].max() == 0.0  # a gap to the best candidate
    assert rows[-1, 0] == 0.0 and np.array_equal(rows[:, 2:], rows[:, :2])  # no English: 0; English question
    assert not again.features(pairs[0][0], False, anchors)[:, 2:].any()  # a Chinese question: its English columns 0


def test_the_halves_never_share_a_gold_clause(team_pairs):
    questions = load_questions(DEFAULT_QUESTIONS) + load_questions(TRAIN_QUESTIONS)
    gold_of = {q.question: q.gold[0] for q in questions if q.gold}
    first, second = team_halves(team_pairs, gold_of)
    assert sorted(first + second) == sorted(team_pairs) and abs(len(first) - len(second)) < len(team_pairs) / 4
    assert not {gold_of[q] for q, _ in first} & {gold_of[q] for q, _ in second}


def test_a_missing_tuned_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelUnavailableError, match="no tuned English model"):
        load_tuned(tmp_path)
    with pytest.raises(ValueError, match="no English question pairs"):
        tune([], tmp_path / "none")
