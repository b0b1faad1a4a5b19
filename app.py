"""A small Streamlit reader for the corpus: pick a document and a chapter, read its clauses with damage marks.

Run with ``streamlit run app.py``; ``?clause=ANCHOR`` opens the chapter of that clause and highlights it.
All retrieval lives in ``retriever``; this file only presents.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import streamlit as st

from retriever import Clause, Corpus, Document, Heading, Mark, MarkKind, RetrieverError, UnknownAnchorError
from retriever.gloss import Glosser
from retriever.glossary import Glossary
from retriever.search import Searcher
from retriever.translation import ILLEGIBLE, load_translations

STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "app_title": "条款阅读器", "document": "文档", "chapter": "章节", "preface": "序言",
        "all": "全部条款", "other": "其他条款", "doc_number": "文号", "issuer": "发布机关",
        "issued": "发布日期", "published": "公布日期", "effective": "施行日期",
        "matter": "前后附文 Front/back matter", "notice": "通知", "contents": "目录", "annexes": "附件",
        "legend": "标记", "notes": "损伤与修复说明", "no_notes": "本章没有损伤标记。",
        "linked": "链接指向的条款", "no_clauses": "本章没有条款。",
        "unknown": "找不到条款锚点 {anchor}。最接近的锚点：{near}",
        "no_near": "（没有相近的锚点）", "load_failed": "语料库加载失败：",
        "lost": "缺字（原文丢失，以〓代替）", "inferred": "推断修复（合理但非原文）",
        "structural": "结构修复（取自同一文件他处）",
        "mode": "功能", "read": "阅读", "search": "检索", "query": "输入问题（中文、繁體或英文）",
        "hits": "命中条款数", "this_doc": "只检索当前文档", "no_hits": "没有找到相关条款。",
        "why": "匹配原因", "search_failed": "检索失败：", "loading": "正在加载模型和索引（首次使用需建立索引，约半分钟）…",
        "matched": "关键词", "dense": "语义相似度", "fused": "融合得分", "rank": "排名",
        "show_en": "并排显示英文", "en_reference": "英文：参考译文（人工审校）", "en_machine": "英文：机器翻译（非参考译文）",
        "en_terms": "英文：仅词语释义（此文档无参考译文；悬停查看释义）",
    },
    "en": {
        "app_title": "Clause reader", "document": "Document", "chapter": "Chapter", "preface": "Preface",
        "all": "All clauses", "other": "Other clauses", "doc_number": "Doc. no.", "issuer": "Issuer",
        "issued": "Issued", "published": "Published", "effective": "Effective",
        "matter": "Front/back matter 前后附文", "notice": "Notice", "contents": "Contents", "annexes": "Annexes",
        "legend": "Marks", "notes": "Damage and repair notes", "no_notes": "No damage marks in this chapter.",
        "linked": "Linked clause", "no_clauses": "This chapter has no clauses.",
        "unknown": "Unknown clause anchor {anchor}. Nearest anchors: {near}",
        "no_near": "(no similar anchors)", "load_failed": "The corpus could not be loaded: ",
        "lost": "lost (missing in the source, shown as 〓)", "inferred": "inferred (plausible, not verbatim)",
        "structural": "structural (restored from elsewhere in the document)",
        "mode": "Mode", "read": "Read", "search": "Search", "query": "Ask a question (Chinese, Traditional or English)",
        "hits": "Number of clauses", "this_doc": "Only the selected document", "no_hits": "No matching clauses.",
        "why": "Why this matched", "search_failed": "Search failed: ",
        "loading": "Loading models and index (the first start builds the index, about half a minute)…",
        "matched": "terms", "dense": "similarity", "fused": "fused score", "rank": "rank",
        "show_en": "Show English side by side", "en_reference": "English: reference translation (reviewed)",
        "en_machine": "English: machine translation (not the reference)",
        "en_terms": "English: term glosses only (no reference translation for this document; hover for glosses)",
    },
}
LANGS = {"zh": "中文", "en": "English"}
MARK_STYLE = {
    MarkKind.LOST: "background:#ffd6d6;color:#b00020;font-weight:bold",
    MarkKind.INFERRED: "color:#c05a00;font-style:italic;text-decoration:underline dotted",
    MarkKind.STRUCTURAL: "color:#1f4fd1;background:#e6eeff;text-decoration:underline dashed",
}
HIGHLIGHT = "background:#fff6c2;border-left:4px solid #e0b000;padding:0.3em 0.6em"
# Markdown/Streamlit syntax characters that html.escape leaves alone (emphasis, code, math, links, :colors[]).
_MD_TABLE = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_[]{}()~$|:!+-"})


def t(lang: str, key: str, **kw: str) -> str:
    """The interface string ``key`` in ``lang``."""
    return STRINGS[lang][key].format(**kw)


def esc(text: str) -> str:
    """Escape document text for st.markdown: HTML first, then Markdown syntax characters."""
    return html.escape(text, quote=True).translate(_MD_TABLE)


def marked(text: str, marks: Sequence[Mark]) -> str:
    """Escaped HTML of ``text`` with each mark's span styled by its kind (the note as a tooltip)."""
    out, pos = [], 0
    for m in sorted(marks, key=lambda m: m.start):
        start, end = max(m.start, pos), min(m.end, len(text))
        if end <= start:
            continue
        out.append(esc(text[pos:start]))
        out.append(f'<span style="{MARK_STYLE[m.kind]}" title="{esc(m.note)}">{esc(text[start:end])}</span>')
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


@st.cache_resource(show_spinner=False)
def load_corpus() -> Corpus:
    """Load the corpus once per process (the same folder the search index is built from)."""
    from retriever.config import IndexConfig

    return Corpus.load(IndexConfig().corpus_dir)


@st.cache_resource(show_spinner=False)
def load_searcher() -> Searcher:
    """Models and index, once per process; a missing, stale or corrupt index is rebuilt here."""
    return Searcher.open(rebuild="stale")


def search_panel(corpus: Corpus, doc: Document, lang: str) -> None:
    """A question box and the ranked clauses, each with its reasons."""
    query = st.text_input(t(lang, "query"), key="q", max_chars=2000)
    cols = st.columns(2)
    k = cols[0].slider(t(lang, "hits"), 1, 20, 5)
    only_doc = cols[1].checkbox(t(lang, "this_doc"), value=True)
    if not query.strip():
        return
    try:
        with st.spinner(t(lang, "loading")):
            searcher = load_searcher()
        result = searcher.search(query, k=k, doc=doc.doc_id if only_doc else None)
    except RetrieverError as err:
        st.error(t(lang, "search_failed") + esc(str(err)))
        return
    for notice in result.notices:
        st.info(esc(notice))
    if not result.hits:
        st.info(t(lang, "no_hits"))
    for hit in result.hits:
        clause = corpus.clause(hit.anchor)
        with st.container(border=True):
            st.caption(" > ".join(esc(p) for p in hit.heading_path))
            clause_block(clause)
            why = hit.explain
            parts = [f"{t(lang, 'fused')} {why['fused']['score']:.4f}"]
            if "bm25" in why:
                terms = ", ".join(esc(x) for x in why["bm25"]["matched_terms"]) or "-"
                parts.append(f"BM25 {t(lang, 'rank')} {why['bm25']['rank'] or '-'} ({t(lang, 'matched')}: {terms})")
            for name, leg in why.get("dense", {}).items():
                parts.append(f"{name} {t(lang, 'rank')} {leg['rank'] or '-'} ({t(lang, 'dense')} {leg['similarity']:.2f})")
            with st.expander(t(lang, "why")):
                st.markdown("\n".join(f"- {p}" for p in parts))


def chapter_options(doc: Document) -> dict[str, tuple[str, str]]:
    """Chapter keys → (Chinese label, English label): preface, chapters, leftovers; or all clauses."""
    chapters = [h for h in doc.headings if h.level == "chapter"]
    if not chapters:
        return {f"{doc.doc_id}:*": (STRINGS["zh"]["all"], STRINGS["en"]["all"])}
    options: dict[str, tuple[str, str]] = {}
    if any(":ch0." in c.anchor for c in doc.clauses):
        options[f"{doc.doc_id}:ch0"] = ("序言", "Preface")
    for h in chapters:
        options[h.anchor] = (f"{h.label_zh} {h.title}", f"{h.label_en} {h.title}")
    if any(chapter_of(doc, c.anchor, options) is None for c in doc.clauses):
        options[f"{doc.doc_id}:~"] = (STRINGS["zh"]["other"], STRINGS["en"]["other"])
    return options


def chapter_of(doc: Document, anchor: str, options: dict[str, tuple[str, str]]) -> str | None:
    """The chapter key whose clauses include ``anchor``."""
    for key in options:
        if key.endswith((":*", ":~")) or anchor.startswith(key + "."):
            return key
    return None


def chapter_clauses(doc: Document, key: str, options: dict[str, tuple[str, str]]) -> list[Clause]:
    """The clauses of one chapter key, in document order."""
    return [c for c in doc.clauses if chapter_of(doc, c.anchor, options) == key]


def clear_deep_link() -> None:
    """Navigating by hand drops ``?clause=`` so the URL follows the page."""
    if "clause" in st.query_params:
        del st.query_params["clause"]


def resolve_deep_link(corpus: Corpus, lang: str) -> Clause | None:
    """Read ``?clause=``; point the document and chapter pickers at it, or warn if it is unknown."""
    anchor = st.query_params.get("clause", "").strip()[:200]
    if not anchor:
        return None
    try:
        clause = corpus.clause(anchor)
    except UnknownAnchorError as err:
        near = ", ".join(f"`{a}`" for a in err.suggestions)
        other = "en" if lang == "zh" else "zh"
        lines = [t(x, "unknown", anchor=esc(anchor), near=near or t(x, "no_near")) for x in (lang, other)]
        st.warning("\n\n".join(lines))
        return None
    doc = corpus.document(clause.doc_id)
    st.session_state["doc"] = doc.doc_id
    st.session_state[f"chapter:{doc.doc_id}"] = chapter_of(doc, clause.anchor, chapter_options(doc))
    return clause


def sidebar_panel(corpus: Corpus, lang: str) -> tuple[Document, str]:
    """Document and chapter pickers plus the document's bibliographic facts."""
    sb = st.sidebar
    docs = corpus.documents
    title = (lambda d: d.meta.title_en or d.meta.title) if lang == "en" else (lambda d: d.meta.title)
    doc_id = sb.selectbox(t(lang, "document"), list(docs), key="doc",
                          format_func=lambda i: title(docs[i]), on_change=clear_deep_link)
    doc = docs[doc_id]
    meta = doc.meta
    facts = [(meta.title, None), (meta.title_en, None), (meta.doc_number, "doc_number"),
             (meta.issuer_en if lang == "en" and meta.issuer_en else meta.issuer, "issuer"),
             (meta.issue_date, "issued"), (meta.publish_date, "published"), (meta.effective_date, "effective")]
    sb.markdown("  \n".join(f"**{t(lang, k)}**: {esc(v)}" if k else f"**{esc(v)}**" for v, k in facts if v))
    options = chapter_options(doc)
    key = sb.selectbox(t(lang, "chapter"), list(options), key=f"chapter:{doc_id}",
                       format_func=lambda k: options[k][0 if lang == "zh" else 1], on_change=clear_deep_link)
    return doc, key


def legend_panel(lang: str) -> None:
    """One line explaining the three mark styles."""
    items = [f'<span style="{MARK_STYLE[k]}">{"〓" if k is MarkKind.LOST else "字"}</span> {esc(t(lang, k.value))}'
             for k in MarkKind]
    st.caption(f"{t(lang, 'legend')}: " + " · ".join(items), unsafe_allow_html=True)


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


@st.cache_resource(show_spinner=False)
def load_glosser() -> Glosser:
    """Glossary, reference translations and CC-CEDICT, once per process."""
    corpus = load_corpus()
    return Glosser(Glossary.load(), load_translations(corpus))


def english_html(text: str) -> str:
    """Escaped English with [illegible] and ⟨inferred⟩ spans styled like the Chinese marks."""
    out = esc(text).replace(esc(ILLEGIBLE), f'<span style="{MARK_STYLE[MarkKind.LOST]}">[illegible]</span>')
    return re.sub(r"⟨(.*?)⟩", lambda m: f'<span style="{MARK_STYLE[MarkKind.INFERRED]}">⟨{m.group(1)}⟩</span>', out)


def english_block(clause: Clause, lang: str) -> None:
    """The clause's English, labelled by source: the reference translation, or term glosses (hover for the gloss)."""
    gloss = load_glosser().gloss(clause.anchor, clause.text, clause.doc_id)
    st.caption(t(lang, f"en_{gloss.en_source}"))
    if gloss.en:
        st.markdown(f"<div>{english_html(gloss.en)}</div>", unsafe_allow_html=True)
        return
    words = [f'<span title="{esc(g.en)} ({g.source})" style="border-bottom:1px dotted #888">{esc(g.zh)}</span>'
             if g.en else esc(g.zh) for g in gloss.terms]
    st.markdown("".join(words), unsafe_allow_html=True)
    listed = "; ".join(f"{esc(g.zh)} {esc(g.en)}" for g in gloss.terms if g.en)
    st.caption(listed)


def clause_block(clause: Clause, highlight: bool = False, english: str | None = None) -> None:
    """A clause: anchor, labels and lead phrase, then its text with marks (and its English beside it)."""
    lead = f" · **{esc(clause.lead)}**" if clause.lead else ""
    st.markdown(f"`{clause.anchor}` · {esc(clause.label_zh)} · {esc(clause.label_en)}{lead}")
    style = f' style="{HIGHLIGHT}"' if highlight else ""
    if english is None:
        st.markdown(f"<div{style}>{marked(clause.text, clause.marks)}</div>", unsafe_allow_html=True)
        return
    left, right = st.columns(2)
    left.markdown(f"<div{style}>{marked(clause.text, clause.marks)}</div>", unsafe_allow_html=True)
    with right:
        english_block(clause, english)


def chapter_panel(doc: Document, key: str, lang: str, linked: Clause | None) -> None:
    """The chapter heading, then its clauses grouped under their section headings, then the notes."""
    st.toggle(t(lang, "show_en"), key="show_en")
    options = chapter_options(doc)
    head = next((h for h in doc.headings if h.anchor == key), None)
    if head is not None:
        st.markdown(f"### {marked(head.text, head.marks)}", unsafe_allow_html=True)
        st.caption(f"`{head.anchor}` · {esc(head.label_en)}")
    else:
        st.markdown(f"### {esc(options[key][0])} {esc(options[key][1])}")
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
        clause_block(clause, highlight=linked is not None and clause.anchor == linked.anchor,
                     english=lang if st.session_state.get("show_en") else None)
        shown.append(clause)
    notes_panel(shown, lang)


def notes_panel(items: Sequence[Heading | Clause], lang: str) -> None:
    """Every mark of the shown headings and clauses, with its note, in an expander."""
    rows = [f"- `{x.anchor}` {marked(x.text[m.start:m.end], [Mark(0, m.end - m.start, m.kind, m.note)])} "
            f"({esc(t(lang, m.kind.value))}) {esc(m.note)}" for x in items for m in x.marks]
    with st.expander(f"{t(lang, 'notes')} ({len(rows)})"):
        st.markdown("\n".join(rows) if rows else t(lang, "no_notes"), unsafe_allow_html=True)


def main() -> None:
    """Language switch, corpus, deep link, then the sidebar and the reading panels."""
    st.set_page_config(page_title="Clause reader 条款阅读器", page_icon="📜")
    lang = st.sidebar.radio("界面语言 / Language", list(LANGS), key="lang", format_func=LANGS.get, horizontal=True)
    st.title(t(lang, "app_title"))
    try:
        corpus = load_corpus()
    except RetrieverError as err:
        st.error(t(lang, "load_failed") + esc(str(err)))
        st.stop()
    mode = st.sidebar.radio(t(lang, "mode"), ["read", "search"], key="mode", horizontal=True,
                            format_func=lambda m: t(lang, m))
    linked = resolve_deep_link(corpus, lang)
    doc, key = sidebar_panel(corpus, lang)
    if mode == "search":
        search_panel(corpus, doc, lang)
        return
    if linked is not None and linked.doc_id == doc.doc_id:
        with st.container(border=True):
            st.markdown(f"**{t(lang, 'linked')}**")
            clause_block(linked, highlight=True)
    legend_panel(lang)
    matter_panel(doc, lang)
    chapter_panel(doc, key, lang, linked)


if __name__ == "__main__":
    main()
