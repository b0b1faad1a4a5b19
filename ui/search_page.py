"""Search: ranked clauses with heading path, labels, highlighted terms and an explanation; filters; a chart."""

from __future__ import annotations

from collections import Counter
from functools import partial

import pandas as pd
import streamlit as st

from retriever import Document, RetrieverError
from retriever.answer.export import hits_csv, hits_markdown
from retriever.types import EXPLAIN_DENSE, Hit, Leg, SearchResult

from . import resources
from .read_page import chapter_options, clause_view
from .render import md
from .strings import t

CHART_DEPTH = 50  # hits counted for the per-chapter chart


def explanation(hit: Hit, lang: str) -> str:
    """Markdown bullets: fused rank and score, lexical terms, each dense leg's rank and similarity."""
    why = hit.explain
    lines = [f"- {t(lang, 'fused_rank')} {hit.rank} · {t(lang, 'fused')} {why['fused']['score']:.4f}"]
    for leg, name in ((Leg.bm25(), "lexical"), (Leg.bm25(english=True), "english_bm25")):
        if leg.explain_key in why:
            found = why[leg.explain_key]
            terms = "、".join(md(x) for x in found.get("matched_terms", [])) or "-"
            rank = found.get("rank") or t(lang, "not_ranked")
            lines.append(f"- {t(lang, name)}: {t(lang, 'rank')} {rank}; {t(lang, 'matched')}: {terms}")
    for name, leg in why.get(EXPLAIN_DENSE, {}).items():
        rank = leg.get("rank") or t(lang, "not_ranked")
        lines.append(f"- {t(lang, 'semantic')} {md(name)}: {t(lang, 'rank')} {rank}; "
                     f"{t(lang, 'dense')} {leg['similarity']:.3f}")
    return "\n".join(lines)


def chapter_chart(result: SearchResult, lang: str) -> None:
    """Hits per chapter over the top CHART_DEPTH, in document order (only when they spread over chapters)."""
    corpus = resources.corpus()
    counts: Counter[tuple[int, str]] = Counter()
    docs = {doc_id: corpus.document(doc_id) for doc_id in {h.doc for h in result.hits}}
    options = {doc_id: list(chapter_options(doc)) for doc_id, doc in docs.items()}  # once per document, not per hit
    headings = {doc_id: {h.anchor: h for h in doc.headings} for doc_id, doc in docs.items()}
    position = {doc_id: n for n, doc_id in enumerate(corpus.documents)}
    for hit in result.hits:
        order = options[hit.doc]
        key = next((c for c in order if hit.anchor.startswith(c + ".")), None)
        heading = headings[hit.doc].get(key)
        name = (heading.label_zh if lang == "zh" else heading.label_en) if heading else t(lang, "other")
        if len(corpus.documents) > 1 and hit.doc != result.hits[0].doc:
            name = f"{hit.doc} {name}"
        counts[(position[hit.doc] * 1000 + (order.index(key) if key else 999), name)] += 1
    if len(counts) < 2:
        return
    ordered = sorted(counts.items())
    frame = pd.DataFrame({t(lang, "chapter"): [name for (_, name), _ in ordered],
                          t(lang, "hits"): [n for _, n in ordered]})
    st.caption(t(lang, "chart", n=len(result.hits)))
    st.bar_chart(frame, x=t(lang, "chapter"), y=t(lang, "hits"), sort=False, height=200)


def filters(doc: Document, lang: str) -> tuple[str | None, int | None, int]:
    """Document scope (the selected document or all), chapter (all or one) and the number of results."""
    cols = st.columns([2, 2, 1])
    scope = cols[0].selectbox(t(lang, "document"), ["doc", "all"], key="search_scope",
                              format_func=lambda k: (doc.meta.title_en or doc.meta.title) if k == "doc" and lang == "en"
                              else doc.meta.title if k == "doc" else t(lang, "all_docs"))
    chapters = [k for k in chapter_options(doc) if k.split(":", 1)[1].startswith("ch")]
    labels = chapter_options(doc)
    chapter = cols[1].selectbox(t(lang, "chapter"), ["*"] + chapters, key="search_chapter",
                                format_func=lambda k: t(lang, "all_chapters") if k == "*"
                                else labels[k][0 if lang == "zh" else 1], disabled=scope == "all")
    k = cols[2].number_input(t(lang, "hits"), 1, 50, 10, key="search_k")
    number = int(chapter.split(":ch", 1)[1]) if scope == "doc" and chapter != "*" else None
    return (doc.doc_id if scope == "doc" else None), number, int(k)


def from_url(doc: Document) -> None:
    """On a session's first visit, the search the URL describes: ``?q=`` (query), ``?scope=all``,
    ``?chapter=N`` (of the document picked by ``?doc=``) and ``?k=N``."""
    if st.session_state.get("search_from_url"):
        return
    st.session_state["search_from_url"] = True
    params = st.query_params
    if params.get("q", "").strip():
        st.session_state["search_query"] = params["q"][:2000]
    if params.get("scope") in ("doc", "all"):
        st.session_state["search_scope"] = params["scope"]
    chapter = params.get("chapter", "")
    if chapter.isdigit() and f"{doc.doc_id}:ch{int(chapter)}" in chapter_options(doc):
        st.session_state["search_chapter"] = f"{doc.doc_id}:ch{int(chapter)}"
    if params.get("k", "").isdigit():
        st.session_state["search_k"] = min(max(int(params["k"]), 1), 50)


def to_url(query: str, doc: Document, chapter: int | None, k: int) -> None:
    """The address bar follows the search, so it can be shared."""
    wanted = {"page": "search", "q": query[:500], "doc": doc.doc_id, "scope": st.session_state["search_scope"],
              "chapter": "" if chapter is None else str(chapter), "k": str(k)}
    for key, value in wanted.items():
        if value and st.query_params.get(key) != value:
            st.query_params[key] = value
        elif not value:
            st.query_params.pop(key, None)


def render(doc: Document, lang: str) -> None:
    """Query box, filters, hits with reasons, chart and exports."""
    from_url(doc)
    query = st.text_input(t(lang, "query"), key="search_query", max_chars=2000)
    doc_id, chapter, k = filters(doc, lang)
    english = st.toggle(t(lang, "show_en_hits"), key="search_en", value=lang == "en")
    to_url(query.strip(), doc, chapter, k)
    if not query.strip():
        return
    try:
        result = resources.searcher(lang).search(query, k=max(k, CHART_DEPTH), doc=doc_id, chapter=chapter)
    except RetrieverError as err:
        st.error(t(lang, "error") + md(str(err)))
        return
    for notice in result.notices:
        st.info(md(notice))
    if not result.hits:
        st.info(t(lang, "no_hits"))
        return
    corpus = resources.corpus()
    shown = result.hits[:k]
    cols = st.columns(2)  # exports are made when clicked, and a click does not rerun the page
    cols[0].download_button(t(lang, "export_md"), partial(hits_markdown, query, shown, corpus), "results.md",
                            "text/markdown", on_click="ignore")
    cols[1].download_button(t(lang, "export_csv"), partial(hits_csv, shown, corpus), "results.csv", "text/csv",
                            on_click="ignore")
    chapter_chart(result, lang)
    for hit in shown:
        clause = corpus.clause(hit.anchor)
        terms = hit.explain.get(Leg.bm25().explain_key, {}).get("matched_terms", [])
        with st.container(border=True):
            st.caption(" › ".join(md(p) for p in hit.heading_path))
            clause_view(clause, lang, english=english, terms=terms)
            with st.expander(t(lang, "why")):
                st.markdown(explanation(hit, lang))
