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


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    """A fresh index of the real corpus with the real bundled models, built once per test session."""
    from retriever.config import IndexConfig
    from retriever.search.embedded import EmbeddedSearcher

    folder = tmp_path_factory.mktemp("index") / "hybrid"
    EmbeddedSearcher.open(IndexConfig(index_dir=folder, corpus_dir=CORPUS), rebuild="missing")
    return folder


@pytest.fixture(scope="session")
def searcher(index_dir):
    from retriever.config import IndexConfig
    from retriever.search.embedded import EmbeddedSearcher

    return EmbeddedSearcher.open(IndexConfig(index_dir=index_dir, corpus_dir=CORPUS), rebuild="never")
