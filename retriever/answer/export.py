"""Answers and result lists as Markdown and CSV, each line with its clause anchor and bilingual citation."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from retriever.answer.citation_check import citation
from retriever.answer.extractive import Answer
from retriever.ingest.corpus import Corpus
from retriever.types import Hit

__all__ = ["answer_markdown", "answer_csv", "hits_markdown", "hits_csv"]

_CSV_FIELDS = ("rank", "anchor", "label_zh", "label_en", "text", "text_en", "citation_zh", "citation_en")


def _md(text: str) -> str:
    """Text safe inside a Markdown paragraph or blockquote (no accidental emphasis, links or HTML)."""
    out = text.replace("\\", "\\\\")
    for ch in "`*_[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", " ")


def answer_markdown(answer: Answer, corpus: Corpus) -> str:
    """The question, each quoted sentence with its citation (or the refusal), and the nearest clauses."""
    lines = [f"# {_md(answer.question)}", ""]
    lines += [f"*{_md(notice)}*\n" for notice in answer.notices]
    if not answer.answered:
        lines += [f"**{_md(answer.message)}**", "", "## Nearest clauses 最接近的条款", ""]
        lines += [f"- `{h.anchor}` {_md(h.label_zh)} · {_md(h.label_en)}: {_md(h.text)}" for h in answer.nearest]
        return "\n".join(lines) + "\n"
    for i, s in enumerate(answer.sentences, 1):
        zh, en = citation(corpus, s.anchor)
        lines += [f"{i}. > {_md(s.text)}", ""]
        if s.text_en:
            lines += [f"   > {_md(s.text_en)}", ""]
        lines += [f"   — {_md(zh)}", f"   — {_md(en)}", ""]
    return "\n".join(lines)


def _rows_csv(rows: Sequence[dict[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return "\ufeff" + buffer.getvalue()  # a byte-order mark, so spreadsheet programs read UTF-8 Chinese


def answer_csv(answer: Answer, corpus: Corpus) -> str:
    """One row per quoted sentence (or, for a refusal, per nearest clause), with citations."""
    if answer.answered:
        rows = [{"rank": i, "anchor": s.anchor, "label_zh": s.label_zh, "label_en": s.label_en, "text": s.text,
                 "text_en": s.text_en or "", **_citations(corpus, s.anchor)} for i, s in enumerate(answer.sentences, 1)]
    else:
        rows = [_hit_row(h, corpus) for h in answer.nearest]
    return _rows_csv(rows)


def hits_markdown(query: str, hits: Sequence[Hit], corpus: Corpus) -> str:
    """A ranked list of clauses with their labels and citations."""
    lines = [f"# {_md(query)}", ""]
    for h in hits:
        zh, en = citation(corpus, h.anchor)
        lines += [f"{h.rank}. `{h.anchor}` {_md(h.label_zh)} · {_md(h.label_en)}", "", f"   > {_md(h.text)}", ""]
        if h.text_en:
            lines += [f"   > {_md(h.text_en)}", ""]
        lines += [f"   — {_md(zh)}", f"   — {_md(en)}", ""]
    return "\n".join(lines)


def hits_csv(hits: Sequence[Hit], corpus: Corpus) -> str:
    """One row per hit, with citations."""
    return _rows_csv([_hit_row(h, corpus) for h in hits])


def _citations(corpus: Corpus, anchor: str) -> dict[str, str]:
    zh, en = citation(corpus, anchor)
    return {"citation_zh": zh, "citation_en": en}


def _hit_row(hit: Hit, corpus: Corpus) -> dict[str, object]:
    return {"rank": hit.rank, "anchor": hit.anchor, "label_zh": hit.label_zh, "label_en": hit.label_en,
            "text": hit.text, "text_en": hit.text_en or "", **_citations(corpus, hit.anchor)}
