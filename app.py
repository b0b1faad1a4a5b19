"""The Streamlit app: Ask, Search, Read and Check citation, in Chinese and English.

Run with ``make app`` (or ``streamlit run app.py``). Deep links: ``?clause=ANCHOR`` opens the clause in the reader,
``?q=QUESTION`` asks a question, ``?page=search|read|check``, ``?doc=ID`` and ``?lang=zh|en`` pick the page, the
document and the language; a search (``?page=search&q=…&scope=…&chapter=N&k=N``) and a check (``?page=check&text=…``)
are in the URL too.
The pages live in ``ui/``; all retrieval lives in ``retriever``; nothing here renders document text unescaped.
"""

from __future__ import annotations

import logging

import streamlit as st

from retriever import Clause, Document, RetrieverError, UnknownAnchorError
from ui import ask_page, check_page, read_page, resources, search_page
from ui.render import md
from ui.strings import LANGS, PAGES, t

log = logging.getLogger("app")


def _sync(name: str) -> None:
    """Mirror a picker into the URL, so the address bar can be shared."""
    st.query_params[name] = st.session_state[name]
    if name == "page" and st.session_state[name] != "read":
        st.query_params.pop("clause", None)


def language() -> str:
    """The interface language: ``?lang=`` on the first run, then the switch."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = st.query_params.get("lang") if st.query_params.get("lang") in LANGS else "zh"
    return st.sidebar.radio("界面语言 / Language", list(LANGS), key="lang", format_func=LANGS.get,
                            horizontal=True, on_change=_sync, args=("lang",))


def deep_link(lang: str) -> Clause | None:
    """``?clause=``: the clause to open (and the read page), or a bilingual warning with the nearest anchors."""
    anchor = st.query_params.get("clause", "").strip()[:200]
    if not anchor:
        return None
    try:
        clause = resources.corpus().clause(anchor)
    except UnknownAnchorError as err:
        near = ", ".join(md(a) for a in err.suggestions)
        st.warning("\n\n".join(t(x, "unknown", anchor=md(anchor), near=near or t(x, "no_near"))
                               for x in (lang, "en" if lang == "zh" else "zh")))
        return None
    if st.session_state.get("linked") != anchor:  # a new link: point the pickers at it once
        st.session_state["linked"] = anchor
        st.session_state["page"] = "read"
        read_page.point_at(clause)
    return clause


def page(lang: str) -> str:
    """The page switch: ``?page=`` (or ``?q=`` → ask) on the first run, then the radio."""
    if "page" not in st.session_state:
        asked = st.query_params.get("page")
        st.session_state["page"] = asked if asked in PAGES else "ask"
    return st.sidebar.radio(t(lang, "page"), PAGES, key="page", format_func=lambda p: t(lang, p),
                            on_change=_sync, args=("page",))


def document(lang: str) -> Document:
    """The document picker shared by all pages (the primary document, the plan, by default)."""
    corpus = resources.corpus()
    docs = corpus.documents
    if st.session_state.get("doc") not in docs:  # ?doc= on the first run, else the primary document
        asked = st.query_params.get("doc")
        st.session_state["doc"] = asked if asked in docs else corpus.primary_id or next(iter(docs))
    title = (lambda d: d.meta.title_en or d.meta.title) if lang == "en" else (lambda d: d.meta.title)
    doc_id = st.sidebar.selectbox(t(lang, "document"), list(docs), key="doc", format_func=lambda i: title(docs[i]),
                                  on_change=_sync, args=("doc",))
    return docs[doc_id]


def main() -> None:
    """Language, corpus, deep links, the page switch, then the page; no exception reaches the reader."""
    st.set_page_config(page_title="条款检索 Clause search", page_icon="📜", layout="wide")
    lang = language()
    st.title(t(lang, "app_title"))
    try:
        resources.corpus()
    except RetrieverError as err:
        st.error(t(lang, "load_failed") + md(str(err)))
        st.stop()
    linked = deep_link(lang)
    current = page(lang)
    doc = document(lang)
    with st.sidebar.expander(t(lang, "guide")):
        st.markdown(t(lang, "guide_text"))
    try:
        if current == "ask":
            ask_page.render(doc, lang)
        elif current == "search":
            search_page.render(doc, lang)
        elif current == "read":
            read_page.render(doc, lang, linked)
        else:
            check_page.render(lang)
    except RetrieverError as err:
        st.error(t(lang, "error") + md(str(err)))
    except Exception:  # noqa: BLE001 - the last line of defence: log it, tell the reader plainly
        log.exception("unexpected error on page %s", current)
        st.error(t(lang, "unexpected"))


if __name__ == "__main__":
    main()
