"""Generative answers are verified: invented anchors, clauses not retrieved and misquotes are caught.

The chat models here are FAKES (``FakeListChatModel``): a real OpenAI-compatible or Ollama endpoint cannot run in
this environment. Retrieval, the corpus and the verifier are real.
"""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from retriever.answer.generative import GenerativeAnswerer, verify
from retriever.errors import ChatModelError

QUESTION = "湖北在光纤方面打算发展什么?"


def fake(reply: str) -> FakeListChatModel:
    """FAKE chat model answering ``reply`` (stands in for a configured endpoint)."""
    return FakeListChatModel(responses=[reply])


def test_a_correct_answer_is_supported(searcher):
    reply = "湖北将重点发展「大尺寸光纤预制棒、特种光纤」等新型光纤[hb-sti-14fyp:ch5.s1.p1]。"
    answer = GenerativeAnswerer(searcher, fake(reply)).ask(QUESTION)
    assert answer.answered and answer.supported
    assert answer.sentences[0].anchors == ["hb-sti-14fyp:ch5.s1.p1"]
    assert answer.to_dict()["label"].startswith("machine-generated")


def test_invented_anchor_misquote_and_unretrieved_clause_are_flagged(searcher):
    reply = ("湖北将发展「超高损耗通信光纤」[hb-sti-14fyp:ch5.s1.p1]。"  # misquote: the plan says 超低损耗
             "还将建设光纤产业园[hb-sti-14fyp:ch5.s1.p99]。"  # invented anchor
             "同时加强规划评估[hb-sti-14fyp:ch16.s4.p1]。"  # real, but not among the retrieved clauses
             "光纤产业规模将翻番。")  # no citation
    answer = GenerativeAnswerer(searcher, fake(reply)).ask(QUESTION)
    statuses = [s.status for s in answer.sentences]
    assert statuses == ["misquote", "invented_anchor", "not_retrieved", "uncited"]
    assert not answer.supported and answer.notices


def test_unsupported_sentences_can_be_removed(searcher):
    reply = ("湖北将重点发展「特种光纤」[hb-sti-14fyp:ch5.s1.p1]。"
             "还将建设光纤产业园[hb-sti-14fyp:ch5.s1.p99]。")
    answer = GenerativeAnswerer(searcher, fake(reply), remove_unsupported=True).ask(QUESTION)
    assert [s.status for s in answer.sentences] == ["supported"] and answer.removed == 1


def test_a_declining_model_is_a_refusal(searcher):
    answer = GenerativeAnswerer(searcher, fake("NOT IN THE PLAN")).ask("武汉的房价是多少?")
    assert not answer.answered and answer.sentences == []


def test_a_failing_endpoint_is_a_clear_error(searcher):
    class Down(FakeListChatModel):
        """FAKE endpoint that is down."""

        def invoke(self, *args, **kwargs):
            raise ConnectionError("connection refused")

    with pytest.raises(ChatModelError, match="connection refused"):
        GenerativeAnswerer(searcher, Down(responses=["x"])).ask(QUESTION)


def test_verify_accepts_english_sentences(corpus):
    text = "Hubei will develop 「超低损耗通信光纤」 [hb-sti-14fyp:ch5.s1.p1]. It also builds labs."
    result = verify(text, ["hb-sti-14fyp:ch5.s1.p1"], corpus)
    assert [s.status for s in result] == ["supported", "uncited"]


def test_a_quote_holding_two_sentences_is_checked_whole(corpus):
    text = "「光通信及激光。重点发展月球基地」[hb-sti-14fyp:ch5.s1.p1]。"
    (sentence,) = verify(text, ["hb-sti-14fyp:ch5.s1.p1"], corpus)
    assert sentence.status == "misquote"
