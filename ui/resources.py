"""Corpus, models, index and the services built on them: loaded once per process and shared by every session.

Everything here is read-only after loading (the searcher's models guard themselves with locks), so concurrent
sessions can share it. The first load of the searcher may build the index; the page shows its progress.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from retriever import Corpus, Searcher, open_searcher
from retriever.analysis.glossary import Glossary
from retriever.answer.citation_check import CitationChecker
from retriever.answer.extractive import Answerer
from retriever.config import IndexConfig
from retriever.english.reference import load_translations
from retriever.english.term_gloss import Glosser
from retriever.types import Rebuild

from .strings import t


@st.cache_resource(show_spinner=False)
def corpus() -> Corpus:
    """The corpus the index is built from (RETRIEVER_CORPUS_DIR or ``corpus/``)."""
    return Corpus.load(IndexConfig().corpus_dir)


@st.cache_resource(show_spinner=False)
def _searcher(_progress: Callable[[str, float], None] | None = None) -> Searcher:
    return open_searcher(rebuild=Rebuild.STALE, progress=_progress, corpus=corpus())


def searcher(lang: str) -> Searcher:
    """Models and index; a missing, stale or corrupt index is rebuilt on first use, with a progress bar."""
    holder = st.empty()
    bar = None

    def progress(message: str, fraction: float) -> None:
        nonlocal bar
        bar = bar or holder.progress(0.0, text=t(lang, "building"))
        bar.progress(min(max(fraction, 0.0), 1.0), text=f"{t(lang, 'building')} {message}")

    try:
        with st.spinner(t(lang, "loading")):
            return _searcher(progress)
    finally:
        holder.empty()


@st.cache_resource(show_spinner=False)
def _answerer(_searcher: Searcher) -> Answerer:
    return Answerer(_searcher)


def answerer(lang: str) -> Answerer:
    """The extractive answerer over the shared searcher."""
    return _answerer(searcher(lang))


@st.cache_resource(show_spinner=False)
def checker() -> CitationChecker:
    """The citation checker (needs only the corpus)."""
    return CitationChecker(corpus())


@st.cache_resource(show_spinner=False)
def glosser() -> Glosser:
    """Glossary, reference translations and CC-CEDICT."""
    return Glosser(Glossary.load(IndexConfig().glossary_path), load_translations(corpus()))
