"""Shared fixtures: the real corpus of the project, parsed once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from retriever import Corpus, Document

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
PLAN_ID = "hb-sti-14fyp"


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return Corpus.load(CORPUS)


@pytest.fixture(scope="session")
def plan(corpus: Corpus) -> Document:
    return corpus.document(PLAN_ID)
