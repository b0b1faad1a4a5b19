"""Read: the table of contents as navigation, a chapter's clauses with anchors and damage marks, English beside."""

from __future__ import annotations

import re
from collections.abc import Sequence

import streamlit as st

from retriever import Clause, Document, Heading, Mark

from . import resources
from .render import clause_header, english_html, esc, legend, link, marked, md, text_block
from .strings import STRINGS, t


def chapter_options(doc: Document) -> dict[str, tuple[str, str]]:
    """Chapter keys → (Chinese label, English label): preface, chapters, leftovers; or all clauses."""
    chapters = [h for h in doc.headings if h.level == "chapter"]
    if not chapters:
        return {f"{doc.doc_id}:*": (STRINGS["zh"]["all"], STRINGS["en"]["all"])}
    options: dict[str, tuple[str, str]] = {}
    if any(":ch0." in c.anchor for c in doc.clauses):
        options[f"{doc.doc_id}:ch0"] = (STRINGS["zh"]["preface"], STRINGS["en"]["preface"])
    for h in chapters:
        options[h.anchor] = (f"{h.label_zh} {h.title}", f"{h.label_en} {h.title}")
    if any(chapter_of(c.anchor, options) is None for c in doc.clauses):
        options[f"{doc.doc_id}:~"] = (STRINGS["zh"]["other"], STRINGS["en"]["other"])
    return options


def chapter_of(anchor: str, options: dict[str, tuple[str, str]]) -> str | None:
    """The chapter key whose clauses include ``anchor``."""
    for key in options:
        if key.endswith((":*", ":~")) or anchor.startswith(key + "."):
            return key
    return None


def chapter_clauses(doc: Document, key: str, options: dict[str, tuple[str, str]]) -> list[Clause]:
    """The clauses of one chapter key, in document order."""
    return [c for c in doc.clauses if chapter_of(c.anchor, options) == key]


def point_at(clause: Clause) -> None:
    """Make the document and chapter pickers show ``clause`` (for deep links)."""
    doc = resources.corpus().document(clause.doc_id)
    st.session_state["doc"] = doc.doc_id
    st.session_state[f"chapter:{doc.doc_id}"] = chapter_of(clause.anchor, chapter_options(doc))


def _clear_deep_link() -> None:
    """Navigating by hand drops ``?clause=`` so the URL follows the page."""
    if "clause" in st.query_params:
        del st.query_params["clause"]


def facts(doc: Document, lang: str) -> str:
    """The document's bibliographic facts as Markdown lines."""
    meta = doc.meta
    rows = [(meta.title, None), (meta.title_en, None), (meta.doc_number, "doc_number"),
            (meta.issuer_en if lang == "en" and meta.issuer_en else meta.issuer, "issuer"),
            (meta.issue_date, "issued"), (meta.publish_date, "published"), (meta.effective_date, "effective")]
    return "  \n".join(f"**{t(lang, k)}**: {md(v)}" if k else f"**{md(v)}**" for v, k in rows if v)


def pickers(doc: Document, lang: str) -> str:
    """The chapter picker in the sidebar (document picker is shared with the other pages); returns the key."""
    options = chapter_options(doc)
    key = f"chapter:{doc.doc_id}"
    if st.session_state.get(key) not in options:
        st.session_state[key] = next(iter(options))
    return st.sidebar.selectbox(t(lang, "chapter"), list(options), key=key,
                                format_func=lambda k: options[k][0 if lang == "zh" else 1], on_change=_clear_deep_link)


def first_clauses(doc: Document) -> dict[str, str]:
    """Heading anchor → the anchor of its first clause (one pass over the clauses' anchor prefixes)."""
    headings = {h.anchor for h in doc.headings}
    first: dict[str, str] = {}
    for c in doc.clauses:
        parts = c.anchor.split(".")
        for n in range(1, len(parts)):
            prefix = ".".join(parts[:n])
            if prefix in headings:
                first.setdefault(prefix, c.anchor)
    return first


def toc_panel(doc: Document, lang: str) -> None:
    """Chapters and sections, each a link to its first clause."""
    first = first_clauses(doc)
    lines = []
    for h in doc.headings:
        if h.anchor not in first or h.level not in ("chapter", "section", "part"):
            continue
        indent = "1.2em" if h.level == "section" else "0"
        lines.append(f'<div style="margin-left:{indent}"><a href="{esc(link(lang, clause=first[h.anchor]))}" '
                     f'target="_self">{marked(h.text, h.marks)}</a></div>')
    if lines:
        with st.sidebar.expander(t(lang, "toc")):
            st.markdown("".join(lines), unsafe_allow_html=True)


def matter_panel(doc: Document, lang: str) -> None:
    """Front matter (notice, title, contents) and back matter (annex titles) in an expander."""
    if not doc.front_matter and not doc.back_matter:
        return
    with st.expander(t(lang, "matter")):
        groups = [("notice", [m for m in doc.front_matter if m.kind in ("notice", "title")]),
                  ("contents", [m for m in doc.front_matter if m.kind == "contents"]),
                  ("annexes", list(doc.back_matter))]
        for name, items in groups:
            if not items:
                continue
            lines = []
            for m in items:
                indent = "0" if m.kind != "contents" or re.match(r"第.+章", m.text) else "1.5em"
                weight = "bold" if m.kind == "title" else "normal"
                lines.append(f'<div style="margin-left:{indent};font-weight:{weight}">{marked(m.text, m.marks)}</div>')
            st.markdown(f"**{t(lang, name)}**")
            st.markdown("".join(lines), unsafe_allow_html=True)


def english_block(clause: Clause, lang: str) -> None:
    """The clause's English, labelled by source: the reference translation, or term glosses (hover for the gloss)."""
    gloss = resources.glosser().gloss(clause.anchor, clause.text, clause.doc_id)
    st.caption(t(lang, f"en_{gloss.en_source}"))
    if gloss.en:
        st.markdown(f"<div>{english_html(gloss.en)}</div>", unsafe_allow_html=True)
        return
    words = [f'<span title="{esc(g.en)} ({g.source})" style="border-bottom:1px dotted #888">{esc(g.zh)}</span>'
             if g.en else esc(g.zh) for g in gloss.terms]
    st.markdown("".join(words), unsafe_allow_html=True)
    st.caption("; ".join(f"{md(g.zh)} {md(g.en)}" for g in gloss.terms if g.en))


def clause_view(clause: Clause, lang: str, highlight: bool = False, english: bool = False,
                terms: Sequence[str] = ()) -> None:
    """A clause: header line, then its text with marks, and its English in a second column."""
    st.markdown(clause_header(clause, lang), unsafe_allow_html=True)
    if not english:
        st.markdown(text_block(clause, terms, highlight), unsafe_allow_html=True)
        return
    left, right = st.columns(2)
    left.markdown(text_block(clause, terms, highlight), unsafe_allow_html=True)
    with right:
        english_block(clause, lang)


def notes_panel(items: Sequence[Heading | Clause], lang: str) -> None:
    """Every mark of the shown headings and clauses, with its note, in an expander."""
    rows = [f"- `{x.anchor}` {marked(x.text[m.start:m.end], [Mark(0, m.end - m.start, m.kind, m.note)])} "
            f"({esc(t(lang, m.kind.value))}) {esc(m.note)}" for x in items for m in x.marks]
    with st.expander(f"{t(lang, 'notes')} ({len(rows)})"):
        st.markdown("\n".join(rows) if rows else t(lang, "no_notes"), unsafe_allow_html=True)


def chapter_panel(doc: Document, key: str, lang: str, linked: Clause | None) -> None:
    """The chapter heading, then its clauses grouped under their section headings, then the notes."""
    english = st.toggle(t(lang, "show_en"), key="show_en", value=lang == "en")  # English first in English
    options = chapter_options(doc)
    head = next((h for h in doc.headings if h.anchor == key), None)
    if head is not None:
        st.markdown(f"### {marked(head.text, head.marks)}", unsafe_allow_html=True)
        st.caption(f"{md(head.anchor)} · {md(head.label_en)}")
    else:
        st.markdown(f"### {md(options[key][0])} {md(options[key][1])}")
    sections = [h for h in doc.headings if h.level == "section" and h.anchor.startswith(key + ".")]
    clauses = chapter_clauses(doc, key, options)
    if not clauses:
        st.info(t(lang, "no_clauses"))
    shown: list[Heading | Clause] = [h for h in [head] if h]
    for clause in clauses:
        section = next((s for s in sections if clause.anchor.startswith(s.anchor + ".")), None)
        if section is not None and section not in shown:
            st.markdown(f"#### {marked(section.text, section.marks)}", unsafe_allow_html=True)
            shown.append(section)
        clause_view(clause, lang, highlight=linked is not None and clause.anchor == linked.anchor, english=english)
        shown.append(clause)
    notes_panel(shown, lang)


def render(doc: Document, lang: str, linked: Clause | None) -> None:
    """The reader: facts, linked clause, legend, front/back matter, the chosen chapter."""
    key = pickers(doc, lang)
    toc_panel(doc, lang)
    st.sidebar.markdown(facts(doc, lang))
    if linked is not None and linked.doc_id == doc.doc_id:
        with st.container(border=True):
            st.markdown(f"**{t(lang, 'linked')}**")
            clause_view(linked, lang, highlight=True)
    legend(lang)
    matter_panel(doc, lang)
    chapter_panel(doc, key, lang, linked)
