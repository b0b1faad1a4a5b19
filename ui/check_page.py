"""Check citation: paste a quote or a reference; the verdict, the differences, the clause in context, citations."""

from __future__ import annotations

import streamlit as st

from retriever import Clause, RetrieverError, UnknownAnchorError
from retriever.answer.citation_check import CheckResult
from retriever.types import Verdict

from . import resources
from .read_page import clause_view
from .render import chip, esc, marked, md
from .strings import t

MAX_PASTE = 20_000  # the text area's limit; the checker itself refuses quotes longer than a document
VERDICT_BOX = {Verdict.VERBATIM: st.success, Verdict.RESOLVED: st.success, Verdict.UNCONFIRMED: st.info,
               Verdict.ALTERED: st.error, Verdict.NOT_FOUND: st.warning}
_DIFF_STYLE = {"quote": "background:#ffd6d6;text-decoration:line-through", "source": "background:#d6f5d6"}


def diff_html(result: CheckResult) -> str:
    """Each difference as quote (struck) → source (green), with its position in the clause."""
    rows = []
    for d in result.diff:
        quote = f'<span style="{_DIFF_STYLE["quote"]}">{esc(d["quote"]) or "∅"}</span>'
        source = f'<span style="{_DIFF_STYLE["source"]}">{esc(d["source"]) or "∅"}</span>'
        rows.append(f"<li>{quote} → {source} <small>(@{d['at']})</small></li>")
    return f"<ul>{''.join(rows)}</ul>"


def matched_html(result: CheckResult) -> str:
    """The clause text with the matched passage outlined and the differing source characters in green."""
    text, matched = result.clause_text or "", result.matched_text or ""
    start = result.start if result.start is not None else (text.find(matched) if matched else -1)
    if start < 0 or not matched:
        return esc(text)
    spans = sorted((d["at"], d["at"] + len(d["source"])) for d in result.diff if d["source"])
    out, pos = [esc(text[:start]), '<span style="outline:2px solid #e0b000">'], start
    for a, b in spans:
        if a < pos:
            continue
        out += [esc(text[pos:a]), f'<span style="{_DIFF_STYLE["source"]}">{esc(text[a:b])}</span>']
        pos = b
    end = start + len(matched)
    out += [esc(text[pos:end]), "</span>", esc(text[end:])]
    return "".join(out)


def result_view(result: CheckResult, lang: str) -> None:
    """Verdict, differences, the clause with neighbours, copy-ready citations."""
    VERDICT_BOX[result.verdict](f"{t(lang, 'verdict')}: {t(lang, result.verdict)}"
                                + (f" · {t(lang, 'similarity')} {result.similarity:.2f}"
                                   if result.similarity is not None and result.verdict is not Verdict.VERBATIM else ""))
    if result.diff:
        st.markdown(f"**{t(lang, 'differences')}**")
        st.markdown(diff_html(result), unsafe_allow_html=True)
    if result.notes:
        st.markdown(f"**{t(lang, 'check_notes')}**\n\n" + "\n".join(f"- {md(n)}" for n in result.notes))
    if len(result.places) > 1:
        st.markdown(t(lang, "places") + " " + " ".join(chip(a, lang) for a in result.places), unsafe_allow_html=True)
    if result.also_found:
        st.markdown(t(lang, "also_found") + " " + " ".join(chip(a, lang) for a in result.also_found),
                    unsafe_allow_html=True)
    if result.citation_zh:
        st.markdown(f"**{t(lang, 'citation_zh')}**")
        st.code(result.citation_zh, language=None, wrap_lines=True)
        st.markdown(f"**{t(lang, 'citation_en')}**")
        st.code(result.citation_en or "", language=None, wrap_lines=True)
    if result.anchor is None:
        return
    corpus = resources.corpus()
    st.markdown(f"**{t(lang, 'clause_in_context')}**")
    for key in ("previous", None, "next"):
        anchor = result.anchor if key is None else result.context.get(key)
        if not anchor:
            continue
        clause = corpus.lookup(anchor)
        if not isinstance(clause, Clause):  # a heading or front matter: its text, with its marks
            st.markdown(f"{chip(anchor, lang)} {marked(clause.text, clause.marks)}", unsafe_allow_html=True)
            continue
        if key is None:
            with st.container(border=True):
                if result.matched_text:
                    st.markdown(f"{chip(anchor, lang)} {esc(clause.label_zh)} · {esc(clause.label_en)}",
                                unsafe_allow_html=True)
                    st.markdown(f"<div>{matched_html(result)}</div>", unsafe_allow_html=True)
                else:
                    clause_view(clause, lang, highlight=True)
        else:
            with st.expander(f"{t(lang, key)}: {anchor}"):
                clause_view(clause, lang)


def render(lang: str) -> None:
    """The paste box and the result; ``?text=`` (the URL of a check) checks once on a session's first visit."""
    deep = st.query_params.get("text", "").strip()[:MAX_PASTE]
    from_url = bool(deep) and st.session_state.get("checked_from_url") != deep
    if from_url:
        st.session_state["checked_from_url"] = deep
        st.session_state["check_text"] = deep
    with st.form("check_form"):
        text = st.text_area(t(lang, "check_prompt"), key="check_text", max_chars=MAX_PASTE, height=120)
        submitted = st.form_submit_button(t(lang, "check_button")) or from_url
    if not submitted and "check_result" not in st.session_state:
        return
    if submitted:
        st.query_params["page"] = "check"
        if len(text.strip()) <= 2000:  # a link can carry a quote; a pasted chapter stays out of the address bar
            st.query_params["text"] = text.strip()
        else:
            st.query_params.pop("text", None)
        try:
            st.session_state["check_result"] = resources.checker().check(text)
        except UnknownAnchorError as err:
            near = ", ".join(err.suggestions) or t(lang, "no_near")
            st.error(t(lang, "unknown", anchor=md(err.anchor), near=md(near)))
            st.session_state.pop("check_result", None)
            return
        except RetrieverError as err:
            st.error(t(lang, "error") + md(str(err)))
            st.session_state.pop("check_result", None)
            return
    result_view(st.session_state["check_result"], lang)
