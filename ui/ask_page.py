"""Ask: a chat-style question box; the cited answer with anchor chips, or the refusal with the nearest clauses."""

from __future__ import annotations

import time
from functools import partial

import streamlit as st

from retriever import Document, RetrieverError
from retriever.answer.export import answer_csv, answer_markdown
from retriever.answer.extractive import Answer
from retriever.types import Lang

from . import resources
from .render import chip, esc, link, marked, marks_from_dicts, md
from .strings import t

MAX_QUESTION = 2000  # what the chat box takes
MAX_DEEP_LINK = 100_000  # what a ?q= link is read of at most (browsers cap URLs near 2 MB)
HISTORY = "ask_history"  # session_state: [(question, Answer, milliseconds)]


def ask(question: str, doc: str | None, lang: str) -> None:
    """Answer ``question`` and add it to this session's history; a bad question shows a message instead."""
    try:
        answerer = resources.answerer(lang)  # loads models and index on the first question of the process
        start = time.perf_counter()
        answer = answerer.ask(question[:MAX_DEEP_LINK], doc=doc)  # the library cuts it, saying how long it was
    except RetrieverError as err:
        st.error(t(lang, "error") + md(str(err)))
        return
    elapsed = (time.perf_counter() - start) * 1000
    st.session_state.setdefault(HISTORY, []).append((question, answer, elapsed))


def sentence_html(s, answer: Answer, lang: str) -> str:
    """One quoted sentence with its marks and anchor chip, and its English (labelled by source) or Traditional form.

    In the English interface the English leads and the verbatim Chinese follows; in the Chinese interface the
    Chinese leads and the English follows for English questions."""
    quote = f'{marked(s.text, marks_from_dicts(s.marks))} {chip(s.anchor, lang)}'
    quote += f' <span style="color:#666;font-size:0.85em">{esc(s.label_zh)} · {esc(s.label_en)}</span>'
    hant = (f'<div style="color:#444;margin-left:1em">{t(lang, "traditional_of")}: {esc(s.text_hant)}</div>'
            if s.text_hant and answer.lang is Lang.ZH_HANT else "")
    english = ""
    if s.text_en:
        scope = f' <i>{esc(t(lang, "en_clause_scope"))}</i>' if s.en_scope == "clause" else ""
        source = f' <span style="color:#666;font-size:0.8em">[{esc(t(lang, "en_source_" + s.en_source))}]</span>'
        english = f"{esc(s.text_en)}{scope}{source}"
    if lang == "en" and english:
        return (f'<div style="color:#1d4b8f;margin:0.3em 0 0 0">{english}</div>'
                f'<div style="color:#444;margin:0 0 0.3em 1em;font-size:0.92em">{quote}</div>{hant}')
    out = f'<div style="margin:0.2em 0">{quote}</div>{hant}'
    if english and answer.lang.english:
        out += f'<div style="color:#1d4b8f;margin-left:1em">{english}</div>'
    return out


def answer_view(question: str, answer: Answer, elapsed: float, lang: str, index: int) -> None:
    """The assistant's turn: quotes with chips, or the refusal and the nearest clauses; exports."""
    with st.chat_message("assistant"):
        for notice in answer.notices:
            st.info(md(notice))
        if answer.answered:
            st.markdown("".join(sentence_html(s, answer, lang) for s in answer.sentences), unsafe_allow_html=True)
        else:
            st.warning(md(answer.message))
            st.markdown(f"**{t(lang, 'nearest')}**")
            rows = [f'<div>{chip(h.anchor, lang)} {esc(h.label_zh)} · {esc(h.label_en)}: '
                    f'{esc(h.text[:160])}{"…" if len(h.text) > 160 else ""}</div>' for h in answer.nearest]
            st.markdown("".join(rows), unsafe_allow_html=True)
        corpus = resources.corpus()
        cols = st.columns([1, 1, 2])
        cols[0].download_button(t(lang, "export_md"), partial(answer_markdown, answer, corpus),  # made when clicked
                                f"answer-{index + 1}.md", "text/markdown", key=f"md{index}", on_click="ignore")
        cols[1].download_button(t(lang, "export_csv"), partial(answer_csv, answer, corpus), f"answer-{index + 1}.csv",
                                "text/csv", key=f"csv{index}", on_click="ignore")
        cols[2].markdown(f'<a href="{esc(link(lang, q=question))}" target="_self">{t(lang, "share")}</a> · '
                         f'{t(lang, "answered_in", ms=f"{elapsed:.0f}")}', unsafe_allow_html=True)


def scope(doc: Document, lang: str) -> str | None:
    """The document filter, as on Search: every document (the default) or the selected one; ``?scope=doc``."""
    if "ask_scope" not in st.session_state:
        st.session_state["ask_scope"] = "doc" if st.query_params.get("scope") == "doc" else "all"
    title = (doc.meta.title_en or doc.meta.title) if lang == "en" else doc.meta.title
    chosen = st.selectbox(t(lang, "ask_scope"), ["all", "doc"], key="ask_scope",
                          format_func=lambda k: t(lang, "ask_all") if k == "all" else title)
    return doc.doc_id if chosen == "doc" else None


def render(doc: Document, lang: str) -> None:
    """The chat: the document filter, history, then the input; ``?q=`` asks once per session."""
    st.caption(t(lang, "ask_help"))
    searched = scope(doc, lang)
    deep = st.query_params.get("q", "").strip()
    if deep and st.session_state.get("asked_deep_link") != deep:
        st.session_state["asked_deep_link"] = deep
        ask(deep, searched, lang)
    question = st.chat_input(t(lang, "ask_prompt"), max_chars=MAX_QUESTION, key="question")
    if question and question.strip():
        st.query_params["q"] = question.strip()[:500]
        st.session_state["asked_deep_link"] = question.strip()[:500]
        ask(question.strip(), searched, lang)
    if not st.session_state.get(HISTORY):
        resources.answerer(lang)  # load models and index now (spinner), so the first answer is a warm one
    history = st.session_state.get(HISTORY, [])
    for index, (asked, answer, elapsed) in enumerate(history):
        with st.chat_message("user"):
            st.markdown(md(asked))
        answer_view(asked, answer, elapsed, lang, index)
    if history and st.button(t(lang, "clear")):
        st.session_state[HISTORY] = []
        st.query_params.pop("q", None)
        st.rerun()
