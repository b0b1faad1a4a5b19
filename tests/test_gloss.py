"""Term glosses for any document, optional machine translation (with a labelled fake model), and the gloss CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from retriever.analysis.glossary import Glossary
from retriever.english.machine_translation import MachineTranslator
from retriever.english.reference import load_translations
from retriever.english.term_gloss import Glosser
from retriever.errors import MachineTranslationError


@pytest.fixture(scope="module")
def glosser(corpus):
    return Glosser(Glossary.load(), load_translations(corpus))


def without_reference(corpus, doc_id: str = "kjjbf-2021") -> dict:
    """The reference translations but one: that document stands for one added later without reference English."""
    return {d: r for d, r in load_translations(corpus).items() if d != doc_id}


def test_term_glosses_prefer_the_glossary_then_cc_cedict_and_skip_function_words(glosser):
    terms = {t.zh: t for t in glosser.term_glosses("加快建设东湖科学城的光纤产业")}
    assert terms["东湖科学城"].source == "glossary" and terms["东湖科学城"].en == "East Lake Science City"
    assert terms["光纤"].source in ("glossary", "cc-cedict") and "fiber" in terms["光纤"].en.lower()
    assert terms["的"].source == "function" and terms["的"].en is None  # never "bull's-eye"


def test_interlinear_offsets_cover_the_text(glosser, corpus):
    clause = corpus.clause("zlf-2020:ch1.a1.p1")
    segments = glosser.term_glosses(clause.text)
    assert "".join(s.zh for s in segments) == clause.text
    for s in segments:
        assert clause.text[s.start : s.end] == s.zh


def test_a_document_without_translation_gets_term_glosses_with_a_notice(corpus):
    clause = corpus.clause("kjjbf-2021:ch1.a8.p1")
    result = Glosser(Glossary.load(), without_reference(corpus)).gloss(clause.anchor, clause.text, "kjjbf-2021")
    assert result.en is None and result.en_source == "terms"
    assert result.notices and "term glosses" in result.notices[0]
    data = result.to_dict()
    assert {"anchor", "zh", "en", "en_source", "terms"} <= set(data)
    assert all(t["en"] and t["source"] in ("glossary", "cc-cedict") for t in data["terms"])


class FailingChat(FakeListChatModel):
    """FAKE chat model (a remote endpoint cannot run here): raises as a timed-out endpoint does."""

    def invoke(self, *args, **kwargs):
        raise TimeoutError("read timed out")


def test_machine_translation_with_a_fake_model_is_labelled_and_cached(corpus, tmp_path):
    # FAKE chat model: stands in for an OpenAI-compatible or Ollama endpoint, which cannot run here.
    fake = FakeListChatModel(responses=["The State guarantees the freedom of scientific research."])
    machine = MachineTranslator(fake, Glossary.load(), cache_path=tmp_path / "mt.jsonl", label="fake-model")
    glosser = Glosser(Glossary.load(), without_reference(corpus), machine)
    clause = corpus.clause("kjjbf-2021:ch1.a8.p1")
    first = glosser.gloss(clause.anchor, clause.text, "kjjbf-2021", machine=True)
    assert first.en_source == "machine" and first.en.startswith("The State")
    assert "machine translation" in first.notices[0]
    again = MachineTranslator(FailingChat(responses=["x"]), Glossary.load(), cache_path=tmp_path / "mt.jsonl",
                              label="fake-model")
    assert again.translate(clause.text) == first.en  # from the on-disk cache, no call made
    (tmp_path / "mt.jsonl").open("a", encoding="utf-8").write('{"key": "cut off mid-wri')
    assert MachineTranslator(fake, Glossary.load(), cache_path=tmp_path / "mt.jsonl", label="fake-model")


def test_a_failing_endpoint_falls_back_to_term_glosses_with_a_notice(corpus, tmp_path):
    machine = MachineTranslator(FailingChat(responses=["x"]), Glossary.load(), cache_path=tmp_path / "mt.jsonl")
    with pytest.raises(MachineTranslationError, match="timed out"):
        machine.translate("国家保障科学研究的自由。")
    glosser = Glosser(Glossary.load(), without_reference(corpus), machine)
    clause = corpus.clause("kjjbf-2021:ch1.a8.p1")
    result = glosser.gloss(clause.anchor, clause.text, "kjjbf-2021", machine=True)
    assert result.en_source == "terms" and any("unavailable" in n for n in result.notices)


def test_an_unreachable_openai_compatible_server_is_a_clear_error(tmp_path, monkeypatch):
    from retriever.analysis.chat_model import chat_model_from_env

    monkeypatch.setenv("RETRIEVER_CHAT_MODEL", "openai:some-model")
    monkeypatch.setenv("RETRIEVER_CHAT_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens on port 9
    monkeypatch.setenv("RETRIEVER_CHAT_TIMEOUT", "3")
    machine = MachineTranslator(chat_model_from_env(), Glossary.load(), cache_path=tmp_path / "mt.jsonl")
    with pytest.raises(MachineTranslationError, match="some-model"):
        machine.translate("国家保障科学研究的自由。")


def test_gloss_cli_json_for_a_law_clause():
    result = subprocess.run([sys.executable, "-m", "retriever", "gloss", "zlf-2020:ch1.a1.p1", "--json"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["anchor"] == "zlf-2020:ch1.a1.p1" and data["en_source"] == "reference" and data["terms"]
    assert data["en"].startswith("This Law is enacted") or "patentees" in data["en"]


def test_gloss_cli_unknown_anchor():
    result = subprocess.run([sys.executable, "-m", "retriever", "gloss", "zlf-2020:ch1.a999.p1"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
