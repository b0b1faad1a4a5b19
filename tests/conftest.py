"""Shared fixtures: the real corpus of the project, parsed once per test session; indexes built once.

Two tiers. ``make test`` runs everything. ``make test-fast`` (``pytest -m "not slow"``) skips the ``slow`` tests:
those that load the real models, build a real index, start Milvus-lite or a browser. A test is slow when it is
marked so, or when it uses a fixture of :data:`SLOW_FIXTURES` (marked here, so no test can forget it).
The fast tier's searcher uses a FAKE embedder (``tests/fakes.py``) for logic that does not depend on model quality.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import FAKE, HashEmbedder

from retriever import Corpus, Document
from retriever.config import ROOT, IndexConfig

CORPUS = ROOT / "corpus"
PLAN_ID = "hb-sti-14fyp"  # the tests know the bundled plan; the package finds it through its metadata
SLOW_FIXTURES = frozenset({"index_dir", "searcher"})  # the real models and a real index


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return Corpus.load(CORPUS)


@pytest.fixture(scope="session")
def plan(corpus: Corpus) -> Document:
    return corpus.document(PLAN_ID)


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    """A fresh index of the real corpus with the real bundled models, built once per test session."""
    from retriever.search.embedded import EmbeddedSearcher

    folder = tmp_path_factory.mktemp("index") / "hybrid"
    EmbeddedSearcher.open(IndexConfig(index_dir=folder, corpus_dir=CORPUS))
    return folder


@pytest.fixture(scope="session")
def searcher(index_dir):
    from retriever.search.embedded import EmbeddedSearcher

    return EmbeddedSearcher.open(IndexConfig(index_dir=index_dir, corpus_dir=CORPUS), rebuild="never")


def fake_config(folder: Path, corpus_dir: Path = CORPUS) -> IndexConfig:
    """An index configuration whose only dense model is the FAKE embedder (its store inside ``folder``)."""
    return IndexConfig(index_dir=folder / "hybrid", corpus_dir=corpus_dir, embedders=(FAKE,))


@pytest.fixture(scope="session")
def fake_embedders() -> dict[str, HashEmbedder]:
    return {FAKE: HashEmbedder()}


@pytest.fixture(scope="session")
def fake_searcher(tmp_path_factory, corpus, fake_embedders):
    """An embedded searcher over the real corpus with the FAKE embedder: real BM25, meaningless vectors."""
    from retriever.search.embedded import EmbeddedSearcher

    return EmbeddedSearcher.open(fake_config(tmp_path_factory.mktemp("fake-index")), corpus=corpus,
                                 embedders=fake_embedders)
