"""The scraped plan → a clause tree: page chrome dropped, lines repaired, headings checked against the contents.

Layout of the scraped page (see the design notes): header chrome up to ``备注``; the notice; the plan's title;
``目录`` and its entries (each ending in a page number); the body (a preface, then 第X章 chapters with 一、
sections and paragraphs); annex titles (附件); footer chrome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retriever.errors import DuplicateAnchorError, StructureError
from retriever.ingest.repair import LOST, STRUCTURAL, Inference, RepairedText, fill, repair_line
from retriever.ingest.text import cn_to_int, int_to_cn, lead_phrase, split_sentences
from retriever.types import LOST_CHAR, Clause, Document, DocumentMeta, Heading, MatterItem, Repair

__all__ = ["parse_plan", "ContentsEntry", "contents_entries", "PLAN_FORMAT"]

PLAN_FORMAT = "scraped-plan"

_NUM = "[一二三四五六七八九十]+"
_CHAPTER = re.compile(rf"^第(?P<num>{_NUM})章(?P<title>.+)$")
_SECTION = re.compile(rf"^(?P<num>{_NUM})(?P<sep>、|{LOST_CHAR})(?P<title>.+)$")
_PAGE_NUMBER = re.compile(rf"(?:[(（]|{LOST_CHAR}{LOST_CHAR})\d*）$")
_ANNEX = re.compile(r"^附件|^\d")
_FOOTER = re.compile(r"^地区|^标签")
_SECTION_SEPARATOR = Inference(
    "section-separator",
    re.compile(rf"^{_NUM}(?P<fill>{LOST_CHAR})"),
    "、",
    LOST,
    "section numbers are followed by 、",
)


@dataclass(frozen=True)
class ContentsEntry:
    """One line of the contents page: a chapter or section heading (page number dropped)."""

    level: str
    chapter: int
    section: int
    text: str
    line: int
    marks: tuple = ()


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based line number in the source
    repaired: RepairedText


def _find(lines: list[str], predicate, start: int, what: str, path: str) -> int:
    for i in range(start, len(lines)):
        if predicate(lines[i].strip()):
            return i
    raise StructureError(path, f"{what} not found (the file may be truncated or not the scraped plan)")


def _nonempty(lines: list[str], start: int, end: int) -> list[_Line]:
    return [_Line(i + 1, repair_line(lines[i], i + 1).strip()) for i in range(start, end) if lines[i].strip()]


def _heading_number(text: str) -> tuple[str, int, str] | None:
    """('chapter'|'section', number, title) when a repaired line is a heading."""
    if text.endswith("。") or len(text) > 60:
        return None
    if m := _CHAPTER.match(text):
        return "chapter", cn_to_int(m.group("num")), m.group("title")
    if m := _SECTION.match(text):
        return "section", cn_to_int(m.group("num")), m.group("title")
    return None


def contents_entries(lines: list[_Line]) -> list[ContentsEntry]:
    """Read the contents lines into entries numbered like the body."""
    entries: list[ContentsEntry] = []
    chapter = 0
    for line in lines:
        text = _PAGE_NUMBER.sub("", line.repaired.text)
        notes = tuple((i, n) for i, n in line.repaired.notes if i < len(text))
        entry = fill(RepairedText(text, line.repaired.codes[: len(text)], notes), _SECTION_SEPARATOR, STRUCTURAL)
        text, marks = entry.text, entry.marks()
        kind = _heading_number(text)
        if kind is None:
            continue
        if kind[0] == "chapter":
            chapter = kind[1]
            entries.append(ContentsEntry("chapter", chapter, 0, text, line.number, marks))
        else:
            entries.append(ContentsEntry("section", chapter, kind[1], text, line.number, marks))
    return entries


def _restore_from_contents(heading: RepairedText, entry: ContentsEntry | None, line: int) -> RepairedText:
    """Fill a heading's lost last character from its undamaged copy on the contents page."""
    if entry is None or not heading.text.endswith(LOST_CHAR) or heading.codes[-1] != LOST:
        return heading
    if len(entry.text) != len(heading.text) or entry.text[-1] == LOST_CHAR:
        return heading
    if entry.text[:-1] != heading.text[:-1]:
        return heading
    rule = Inference(
        "contents",
        re.compile(f"(?P<fill>{LOST_CHAR})$"),
        entry.text[-1],
        LOST,
        f"restored from the contents page (line {entry.line})",
    )
    return fill(heading, rule, STRUCTURAL, line)


def _labels(chapter: int, section: int, paragraph: int) -> tuple[str, str]:
    if chapter == 0:
        return f"序言 第{paragraph}段", f"Preface ¶{paragraph}"
    if section == 0:
        return f"第{int_to_cn(chapter)}章 第{paragraph}段", f"Ch. {chapter} ¶{paragraph}"
    return (
        f"第{int_to_cn(chapter)}章 {int_to_cn(section)}、第{paragraph}段",
        f"Ch. {chapter} §{section} ¶{paragraph}",
    )


def _date_fill(notice_date: RepairedText, issue_date: str) -> RepairedText:
    """The notice's damaged signing date (``2021〓〓〓〓4〓``) filled from the metadata's issue date."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", issue_date or "")
    if not m:
        return notice_date
    year, month, day = m.group(1), str(int(m.group(2))), str(int(m.group(3)))
    full = f"{year}年{month}月{day}日"
    if len(full) != len(notice_date.text) or any(
        a != b and a != LOST_CHAR for a, b in zip(notice_date.text, full)
    ):
        return notice_date
    codes = "".join(STRUCTURAL if a == LOST_CHAR else c for a, c in zip(notice_date.text, notice_date.codes))
    notes = tuple((i, "from the metadata's signing date") for i, a in enumerate(notice_date.text) if a == LOST_CHAR)
    return RepairedText(full, codes, notes, notice_date.repairs)


def parse_plan(text: str, meta: DocumentMeta, path: str) -> Document:
    """Parse the scraped plan into a :class:`Document` (raises :class:`StructureError` if it cannot)."""
    lines = text.split("\n")
    doc = meta.doc_id
    header_end = _find(lines, lambda s: s == "备注", 0, "the end of the page header (备注)", path)
    toc = _find(lines, lambda s: s == "目录", header_end, "the contents page (目录)", path)
    title_line = max(i for i in range(header_end + 1, toc) if lines[i].strip()) if toc > header_end + 1 else None
    if title_line is None:
        raise StructureError(path, "no title line before the contents page")

    # Contents: consecutive lines ending in a page number.
    toc_lines: list[_Line] = []
    i = toc + 1
    while i < len(lines):
        if lines[i].strip():
            repaired = repair_line(lines[i], i + 1).strip()
            if not _PAGE_NUMBER.search(repaired.text):
                break
            toc_lines.append(_Line(i + 1, repaired))
        i += 1
    body_start = i
    body_end = next((j for j in range(body_start, len(lines)) if lines[j].startswith("附件")), None)
    if body_end is None:
        body_end = next((j for j in range(body_start, len(lines)) if _FOOTER.match(lines[j])), len(lines))
    annex_end = next((j for j in range(body_end, len(lines)) if _FOOTER.match(lines[j])), len(lines))

    entries = contents_entries(toc_lines)
    by_number = {(e.chapter, e.section): e for e in entries}
    notice = _nonempty(lines, header_end + 1, title_line)
    if notice:
        notice[-1] = _Line(notice[-1].number, _date_fill(notice[-1].repaired, meta.issue_date))
    front = [
        MatterItem(f"{doc}:notice.p{k}", "notice", ln.repaired.text, ln.repaired.marks(), ln.number)
        for k, ln in enumerate(notice, 1)
    ]
    title = repair_line(lines[title_line], title_line + 1).strip()
    front.append(MatterItem(f"{doc}:title", "title", title.text, title.marks(), title_line + 1))
    front += [
        MatterItem(f"{doc}:contents.{k}", "contents", e.text, e.marks, e.line) for k, e in enumerate(entries, 1)
    ]
    back = [
        MatterItem(f"{doc}:annex{k}", "annex", ln.repaired.text, ln.repaired.marks(), ln.number)
        for k, ln in enumerate(_nonempty(lines, body_end, annex_end), 1)
        if _ANNEX.match(ln.repaired.text)
    ]

    headings: list[Heading] = []
    clauses: list[Clause] = []
    repairs: list[Repair] = [r for ln in notice for r in ln.repaired.repairs] + list(title.repairs)
    repairs += [r for ln in toc_lines for r in ln.repaired.repairs]
    warnings: list[str] = []
    seen: dict[str, int] = {}
    chapter, section, paragraph = 0, 0, 0
    path_zh: tuple[str, ...] = ()
    for ln in _nonempty(lines, body_start, body_end):
        repaired = ln.repaired
        kind = _heading_number(repaired.text)
        if kind is not None:
            if kind[0] == "section":
                repaired = fill(repaired, _SECTION_SEPARATOR, STRUCTURAL, ln.number)
            level, number, _ = kind
            if level == "chapter" and number != chapter + 1:
                warnings.append(f"line {ln.number}: chapter {number} follows chapter {chapter}")
            if level == "section" and number != section + 1:
                warnings.append(f"line {ln.number}: section {number} follows section {section} in chapter {chapter}")
            key = (number, 0) if level == "chapter" else (chapter, number)
            repaired = _restore_from_contents(repaired, by_number.get(key), ln.number)
            kind = _heading_number(repaired.text)
            assert kind is not None
            if level == "chapter":
                chapter, section, paragraph = number, 0, 0
                label_zh, label_en = f"第{int_to_cn(number)}章", f"Chapter {number}"
                anchor = f"{doc}:ch{number}"
                path_zh = (f"{label_zh} {kind[2]}",)
            else:
                section, paragraph = number, 0
                label_zh = f"第{int_to_cn(chapter)}章 {int_to_cn(number)}、"
                label_en = f"Ch. {chapter} §{number}"
                anchor = f"{doc}:ch{chapter}.s{number}"
                path_zh = (path_zh[0] if path_zh else "", repaired.text)
            if anchor in seen:
                raise DuplicateAnchorError(path, anchor, f"line {seen[anchor]}", f"line {ln.number}")
            seen[anchor] = ln.number
            headings.append(
                Heading(anchor, level, number, label_zh, label_en, kind[2], repaired.text, repaired.marks(), ln.number)
            )
        else:
            paragraph += 1
            anchor = f"{doc}:ch{chapter}.s{section}.p{paragraph}"
            if anchor in seen:
                raise DuplicateAnchorError(path, anchor, f"line {seen[anchor]}", f"line {ln.number}")
            seen[anchor] = ln.number
            if not repaired.text.endswith("。"):
                warnings.append(f"line {ln.number}: paragraph {anchor} does not end with 。")
            label_zh, label_en = _labels(chapter, section, paragraph)
            clauses.append(
                Clause(
                    anchor=anchor,
                    doc_id=doc,
                    kind="paragraph",
                    label_zh=label_zh,
                    label_en=label_en,
                    heading_path=path_zh if chapter else (),
                    text=repaired.text,
                    sentences=split_sentences(repaired.text),
                    lead=lead_phrase(repaired.text),
                    marks=repaired.marks(),
                    line=ln.number,
                    order=len(clauses),
                )
            )
        repairs.extend(repaired.repairs)
    for ln in _nonempty(lines, body_end, annex_end):
        repairs.extend(ln.repaired.repairs)

    _check_against_contents(headings, entries, warnings, path)
    if not clauses:
        raise StructureError(path, "no body paragraphs found")
    return Document(meta, tuple(headings), tuple(clauses), tuple(front), tuple(back), tuple(repairs), tuple(warnings))


def _check_against_contents(
    headings: list[Heading], entries: list[ContentsEntry], warnings: list[str], path: str
) -> None:
    """Every contents entry must have its body heading; a missing one means a truncated body."""
    body = {(h.number, 0) if h.level == "chapter" else _section_key(h): h for h in headings}
    missing = [e for e in entries if (e.chapter, e.section) not in body]
    if missing:
        names = "; ".join(e.text for e in missing[:3])
        raise StructureError(
            path,
            f"{len(missing)} of {len(entries)} contents entries have no heading in the body "
            f"(first: {names}); the document looks truncated",
        )
    for e in entries:
        h = body[(e.chapter, e.section)]
        if h.text != e.text:
            warnings.append(f"line {h.line}: heading {h.text!r} differs from contents entry {e.text!r}")


def _section_key(h: Heading) -> tuple[int, int]:
    chapter = int(h.anchor.rsplit(":", 1)[1].split(".")[0][2:])
    return chapter, h.number
