"""HTML for document text: always escaped, damage marks styled by kind, matched terms highlighted; anchor chips.

Document text never reaches the page as raw HTML: every character goes through :func:`esc` first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlencode

import streamlit as st

from retriever import Clause, Mark, MarkKind
from retriever.english.reference import ILLEGIBLE

from .strings import t

MARK_STYLE = {
    MarkKind.LOST: "background:#ffd6d6;color:#b00020;font-weight:bold",
    MarkKind.INFERRED: "color:#c05a00;font-style:italic;text-decoration:underline dotted",
    MarkKind.STRUCTURAL: "color:#1f4fd1;background:#e6eeff;text-decoration:underline dashed",
}
TERM_STYLE = "background:#fff0a8;border-radius:2px"
HIGHLIGHT = "background:#fff6c2;border-left:4px solid #e0b000;padding:0.3em 0.6em"
CHIP = ("display:inline-block;padding:0 0.5em;margin:0 0.2em;border-radius:0.8em;background:#e8f0fe;"
        "color:#1a56c4;font-size:0.85em;text-decoration:none;white-space:nowrap")
# Every character that HTML or Markdown/Streamlit would read as syntax (tags, entities, emphasis, code, math, links,
# :colors[]), each to its numeric entity, in one pass: an entity made here is never escaped again (an apostrophe
# reads ', not &#x27;).
_ESCAPES = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'\\`*_[]{}()~$|:!+-#"})


def esc(text: str) -> str:
    """Escape document text for st.markdown(..., unsafe_allow_html=True): HTML and Markdown syntax, once."""
    return text.translate(_ESCAPES)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md(text: str) -> str:
    """Escape text for Markdown-only places (alerts, captions, labels): every syntax character backslashed."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def term_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where the terms occur in ``text`` (longest terms first; overlapping occurrences merged)."""
    covered = [False] * len(text)
    for term in sorted({x for x in terms if x.strip()}, key=len, reverse=True):
        for m in re.finditer(re.escape(term), text, re.IGNORECASE):
            covered[m.start() : m.end()] = [True] * (m.end() - m.start())
    spans, start = [], None
    for i, flag in enumerate(covered + [False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            spans.append((start, i))
            start = None
    return spans


def marked(text: str, marks: Sequence[Mark] = (), terms: Iterable[str] = ()) -> str:
    """Escaped HTML of ``text``: each mark's span styled by its kind (its note as a tooltip), terms highlighted."""
    owner: list[int | None] = [None] * len(text)
    for i, m in enumerate(marks):
        for pos in range(max(m.start, 0), min(m.end, len(text))):
            owner[pos] = i
    lit = [False] * len(text)
    for start, end in term_spans(text, terms):
        lit[start:end] = [True] * (end - start)
    out, pos = [], 0
    while pos < len(text):
        end = pos
        while end < len(text) and owner[end] == owner[pos] and lit[end] == lit[pos]:
            end += 1
        piece = esc(text[pos:end])
        if lit[pos]:
            piece = f'<mark style="{TERM_STYLE}">{piece}</mark>'
        if owner[pos] is not None:
            m = marks[owner[pos]]
            piece = f'<span style="{MARK_STYLE[m.kind]}" title="{esc(m.note)}">{piece}</span>'
        out.append(piece)
        pos = end
    return "".join(out)


def marks_from_dicts(items: Iterable[dict]) -> list[Mark]:
    """Marks given as JSON-style dicts (answers, hits) as :class:`Mark` objects."""
    return [Mark(d["start"], d["end"], MarkKind(d["kind"]), d.get("note", "")) for d in items]


def english_html(text: str) -> str:
    """Escaped English with [illegible] and ⟨inferred⟩ spans styled like the Chinese marks."""
    out = esc(text).replace(esc(ILLEGIBLE), f'<span style="{MARK_STYLE[MarkKind.LOST]}">[illegible]</span>')
    return re.sub(r"⟨(.*?)⟩", lambda m: f'<span style="{MARK_STYLE[MarkKind.INFERRED]}">⟨{m.group(1)}⟩</span>', out)


def link(lang: str, **params: str) -> str:
    """A relative URL to this app with the given query parameters (and the interface language)."""
    return "?" + urlencode({**params, "lang": lang})


def chip(anchor: str, lang: str, label: str | None = None) -> str:
    """A small link that opens the clause in the reader, in the same tab: ``?clause=ANCHOR``."""
    return (f'<a class="anchor-chip" href="{esc(link(lang, clause=anchor))}" target="_self" style="{CHIP}" '
            f'title="{esc(t(lang, "open_clause"))}">{esc(label or anchor)}</a>')


def legend(lang: str) -> None:
    """One line explaining the three mark styles."""
    items = [f'<span style="{MARK_STYLE[k]}">{"〓" if k is MarkKind.LOST else "字"}</span> {esc(t(lang, k.value))}'
             for k in MarkKind]
    st.caption(f"{t(lang, 'legend')}: " + " · ".join(items), unsafe_allow_html=True)


def clause_header(clause: Clause, lang: str) -> str:
    """Anchor chip, both labels and the lead phrase, as HTML."""
    lead = f" · <b>{esc(clause.lead)}</b>" if clause.lead else ""
    return f"{chip(clause.anchor, lang)} {esc(clause.label_zh)} · {esc(clause.label_en)}{lead}"


def text_block(clause: Clause, terms: Iterable[str] = (), highlight: bool = False) -> str:
    """The clause text with its marks (and highlighted terms) in a div."""
    style = f' class="linked-clause" style="{HIGHLIGHT}"' if highlight else ' class="clause-text"'
    return f"<div{style}>{marked(clause.text, clause.marks, terms)}</div>"
