"""Corpus, models, index and the services built on them: loaded once per process and shared by every session.

Everything here is read-only after loading (the searcher's models guard themselves with locks), so concurrent
sessions can share it. The first load of the searcher may build the index; the page shows its progress.
"""

from __future__ import annotations

import threading

import streamlit as st

from retriever import Corpus, Searcher, open_searcher
from retriever.analysis.embedders import Embedder, make_embedder
from retriever.analysis.glossary import Glossary
from retriever.answer.citation_check import CitationChecker
from retriever.answer.extractive import Answerer
from retriever.config import IndexConfig
from retriever.english.reference import load_translations
from retriever.english.term_gloss import Glosser
from retriever.errors import CorruptIndexError, IncompleteLoadError, IndexMissingError, StaleIndexError
from retriever.types import Rebuild

from .strings import t

_NOT_READY = (IndexMissingError, StaleIndexError, CorruptIndexError, IncompleteLoadError)


@st.cache_resource(show_spinner=False)
def corpus() -> Corpus:
    """The corpus the index is built from (RETRIEVER_CORPUS_DIR or ``corpus/``)."""
    return Corpus.load(IndexConfig().corpus_dir)


@st.cache_resource(show_spinner=False)
def _embedders() -> dict[str, Embedder]:
    """The embedding models, loaded once per process."""
    return {name: make_embedder(name) for name in IndexConfig().embedders}


@st.cache_resource(show_spinner=False)
def _searcher() -> Searcher:
    """The searcher over an index that is ready. It never builds: a build shows its progress on the page, and a
    cached function must not draw (Streamlit would replay the drawing into every later session)."""
    return open_searcher(rebuild=Rebuild.NEVER, corpus=corpus(), embedders=_embedders())


_BUILDING = threading.Lock()  # one session builds a missing or stale index; the others wait for it


def searcher(lang: str) -> Searcher:
    """Models and index; a missing, stale or corrupt index is rebuilt here, outside the cache, with a progress bar."""
    try:
        with st.spinner(t(lang, "loading")):
            return _searcher()
    except _NOT_READY:
        pass
    with _BUILDING:
        try:
            return _searcher()  # another session built it while this one waited
        except _NOT_READY:
            holder = st.empty()
            bar = holder.progress(0.0, text=t(lang, "building"))

            def progress(message: str, fraction: float) -> None:
                bar.progress(min(max(fraction, 0.0), 1.0), text=f"{t(lang, 'building')} {message}")

            try:
                open_searcher(rebuild=Rebuild.STALE, progress=progress, corpus=corpus(), embedders=_embedders())
            finally:
                holder.empty()
        _searcher.clear()
        return _searcher()


@st.cache_resource(show_spinner=False)
def _answerer(_searcher: Searcher) -> Answerer:
    answerer = Answerer(_searcher)
    answerer.prepare()  # under the loading spinner, not on the first question (5 s)
    return answerer


def answerer(lang: str) -> Answerer:
    """The extractive answerer over the shared searcher, prepared under the loading spinner on first use."""
    shared = searcher(lang)
    with st.spinner(t(lang, "loading")):
        return _answerer(shared)


@st.cache_resource(show_spinner=False)
def checker() -> CitationChecker:
    """The citation checker (needs only the corpus)."""
    return CitationChecker(corpus())


@st.cache_resource(show_spinner=False)
def glosser() -> Glosser:
    """Glossary, reference translations and CC-CEDICT."""
    return Glosser(Glossary.load(IndexConfig().glossary_path), load_translations(corpus()))
