"""The repair report of a document: counts per repair kind and per chapter, lost characters, residue checks."""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from retriever.ingest.repair import residues
from retriever.types import LOST_CHAR, Document, MarkKind

__all__ = ["RepairReport", "repair_report", "format_report"]


@dataclass(frozen=True)
class RepairReport:
    """What repair did to one document, and whether the result is clean."""

    doc_id: str
    by_kind: dict[str, int]
    by_part: dict[str, dict[str, int]]  # "preface", "ch1" … "ch16", "front", "back" → kind → count
    lost_by_part: dict[str, int]
    lost_body: int
    lost_spans_body: int
    inferred_body: int
    structural: int
    residues_body: int
    question_marks_body: int
    clauses: int
    headings: int
    warnings: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__, warnings=list(self.warnings))


def _kind(name: str) -> str:
    return name.split(":", 1)[0] if name.startswith(("inferred:", "structural:")) else name


def repair_report(doc: Document) -> RepairReport:
    """Count the repair log per kind and per part of the document (by source line)."""
    chapters = sorted((h.line, f"ch{h.number}") for h in doc.headings if h.level == "chapter")
    lines = [line for line, _ in chapters]
    first_body = min((c.line for c in doc.clauses), default=0)
    last_body = max([c.line for c in doc.clauses] + [h.line for h in doc.headings], default=0)

    def part(line: int) -> str:
        if line < first_body:
            return "front"
        if line > last_body:
            return "back"
        i = bisect.bisect_right(lines, line) - 1
        return chapters[i][1] if i >= 0 else "preface"

    by_kind: Counter[str] = Counter()
    by_part: dict[str, Counter[str]] = {}
    for r in doc.repairs:
        by_kind[r.kind] += 1
        by_part.setdefault(part(r.line), Counter())[_kind(r.kind)] += 1

    lost_by_part: Counter[str] = Counter()
    body_items = [(c.line, c.text, c.marks) for c in doc.clauses] + [(h.line, h.text, h.marks) for h in doc.headings]
    for line, text, _ in body_items:
        lost_by_part[part(line)] += text.count(LOST_CHAR)
    for m in doc.front_matter + doc.back_matter:
        lost_by_part["front" if m.kind != "annex" else "back"] += m.text.count(LOST_CHAR) if m.kind != "contents" else 0
    marks = [m for _, _, ms in body_items for m in ms]
    body_text = "".join(text for _, text, _ in body_items)
    order = ["front", "preface"] + [name for _, name in chapters] + ["back"]
    return RepairReport(
        doc_id=doc.doc_id,
        by_kind=dict(sorted(by_kind.items())),
        by_part={p: dict(sorted(by_part[p].items())) for p in order if p in by_part},
        lost_by_part={p: lost_by_part[p] for p in order if lost_by_part.get(p)},
        lost_body=body_text.count(LOST_CHAR),
        lost_spans_body=sum(1 for m in marks if m.kind is MarkKind.LOST),
        inferred_body=sum(m.end - m.start for m in marks if m.kind is MarkKind.INFERRED),
        structural=sum(m.end - m.start for m in marks if m.kind is MarkKind.STRUCTURAL),
        residues_body=len(residues(body_text)),
        question_marks_body=body_text.count("?"),
        clauses=len(doc.clauses),
        headings=len(doc.headings),
        warnings=doc.warnings,
    )


def format_report(report: RepairReport) -> str:
    """A plain-text table of the report, bilingual headings."""
    kinds = sorted({k for counts in report.by_part.values() for k in counts})
    out = [f"Repair report 修复报告: {report.doc_id}", ""]
    out.append("Repairs by kind 按类型:")
    width = max((len(k) for k in report.by_kind), default=10)
    for kind, count in report.by_kind.items():
        out.append(f"  {kind:<{width}}  {count:>5}")
    out.append(f"  {'total':<{width}}  {sum(report.by_kind.values()):>5}")
    out += ["", "Repairs by part 按章节 (lost = 〓 left in the text):"]
    header = "  part     " + "".join(f"{k[:12]:>13}" for k in kinds) + f"{'lost':>8}"
    out.append(header)
    for part, counts in report.by_part.items():
        cells = "".join(f"{counts.get(k, 0):>13}" for k in kinds)
        out.append(f"  {part:<9}{cells}{report.lost_by_part.get(part, 0):>8}")
    out += [
        "",
        f"Body 正文: {report.clauses} paragraphs, {report.headings} headings",
        f"  lost characters 缺失字符 (〓): {report.lost_body} in {report.lost_spans_body} spans",
        f"  inferred characters 推断字符: {report.inferred_body}",
        f"  restored from the contents page / numbering / metadata 结构性恢复: {report.structural}",
        f"  tag or entity residues 残留标签: {report.residues_body}",
        f"  unmarked '?' 未标记问号: {report.question_marks_body}",
    ]
    if report.warnings:
        out += ["", "Warnings 警告:"] + [f"  {w}" for w in report.warnings]
    return "\n".join(out)
