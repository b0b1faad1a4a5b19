"""Laws in Markdown (lawrefbook layout) → a clause tree of articles (条), paragraphs (款) and items (项).

``# title``, date lines, ``<!-- INFO END -->``, then ``## 第X编/章`` and ``### 第X节`` headings and article lines
``第X条 …``. Each paragraph of an article is a clause (``<doc>:ch2.a8.p1``), and so is each numbered item
``（一）…`` (``<doc>:ch2.a8.p1.i1``). A file with no articles becomes one section of paragraphs, with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retriever.errors import DuplicateAnchorError, StructureError
from retriever.ingest.text import cn_to_int, int_to_cn, split_sentences
from retriever.types import Clause, Document, DocumentMeta, Heading

__all__ = ["parse_law", "LAW_FORMAT"]

LAW_FORMAT = "law-md"

_NUMERAL = r"[一二三四五六七八九十百千零〇两\d]+"
_HEADING = re.compile(rf"^#{{2,6}}\s*第(?P<num>{_NUMERAL})(?P<level>编|分编|章|节)\s*(?P<title>.*)$")
_OTHER_HEADING = re.compile(r"^#{2,6}\s*(?P<title>.+)$")
_ARTICLE = re.compile(rf"^第(?P<num>{_NUMERAL})条(?:之(?P<sub>[一二三四五六七八九十]+))?(?:\s+|$|(?=[^\s]))(?P<rest>.*)$")
_ITEM = re.compile(r"^[（(](?P<num>[一二三四五六七八九十]+)[）)]")
_INFO_END = "<!-- INFO END -->"
_LEVEL_PREFIX = {"编": "pt", "章": "ch", "节": "s"}
_LEVEL_NAME = {"编": "part", "章": "chapter", "节": "section"}
_LEVEL_EN = {"编": "Part", "章": "Ch.", "节": "Sec."}
_ENDINGS = tuple("。；：！？”」）)…")


@dataclass
class _State:
    """Where the parser is: the current heading numbers and path, and the current article."""

    numbers: dict[str, int] = field(default_factory=dict)  # 编/章/节 → number
    path: list[tuple[str, str]] = field(default_factory=list)  # (level, heading text)
    article: str | None = None  # "8" or "20-1"
    article_label: str = ""
    paragraph: int = 0
    item: int = 0


def _clean(line: str) -> str:
    return line.strip().strip("\u3000").strip()


def _prefix(state: _State) -> list[str]:
    return [f"{_LEVEL_PREFIX[lv]}{state.numbers[lv]}" for lv in ("编", "章", "节") if lv in state.numbers]


def _label_prefix(state: _State) -> tuple[list[str], list[str]]:
    zh = [f"第{int_to_cn(state.numbers[lv])}{lv}" for lv in ("编", "章", "节") if lv in state.numbers]
    en = [f"{_LEVEL_EN[lv]} {state.numbers[lv]}" for lv in ("编", "章", "节") if lv in state.numbers]
    return zh, en


def _contents_list(lines: list[str], start: int) -> range:
    """The lines of a contents list: the first run of headings with nothing between them whose first
    heading is repeated later (where the body really starts); an empty range when there is none."""
    heading_lines = [i for i in range(start, len(lines)) if _HEADING.match(_clean(lines[i]))]
    if len(heading_lines) < 2:
        return range(0)
    run = [heading_lines[0]]
    for i in heading_lines[1:]:
        if any(_clean(ln) for ln in lines[run[-1] + 1 : i]) or _clean(lines[i]) == _clean(lines[run[0]]):
            break
        run.append(i)
    first = _clean(lines[run[0]])
    repeated = any(_clean(lines[i]) == first for i in heading_lines[len(run):])
    return range(run[0], run[-1] + 1) if len(run) >= 2 and repeated else range(0)


def parse_law(text: str, meta: DocumentMeta, path: str) -> Document:
    """Parse a law in lawrefbook Markdown into a :class:`Document`."""
    doc = meta.doc_id
    lines = text.split("\n")
    start = next((i + 1 for i, ln in enumerate(lines) if ln.strip() == _INFO_END), None)
    warnings: list[str] = []
    if start is None:
        start = next((i + 1 for i, ln in enumerate(lines) if ln.startswith("# ")), 0)
    has_articles = any(_ARTICLE.match(_clean(ln)) for ln in lines[start:])
    if not has_articles:
        warnings.append("no articles (第X条) recognised: the text is kept as one section of paragraphs")

    state = _State()
    headings: list[Heading] = []
    clauses: list[Clause] = []
    seen: dict[str, int] = {}

    def claim(anchor: str, line_no: int) -> None:
        if anchor in seen:
            raise DuplicateAnchorError(path, anchor, f"line {seen[anchor]}", f"line {line_no}")
        seen[anchor] = line_no

    def add_clause(anchor: str, kind: str, label_zh: str, label_en: str, body: str, line_no: int) -> None:
        claim(anchor, line_no)
        clauses.append(
            Clause(
                anchor=anchor,
                doc_id=doc,
                kind=kind,
                label_zh=label_zh,
                label_en=label_en,
                heading_path=tuple(text for _, text in state.path),
                text=body,
                sentences=split_sentences(body),
                line=line_no,
                order=len(clauses),
            )
        )

    skip = _contents_list(lines, start)
    if skip:
        warnings.append(f"lines {skip.start + 1}-{skip.stop}: a contents list of headings was skipped")
    loose = 0  # paragraphs outside any article (preamble, or a file without articles)
    for index in range(start, len(lines)):
        if index in skip:
            continue
        line = _clean(lines[index])
        line_no = index + 1
        if not line or line.startswith("<!--"):
            continue
        if m := _HEADING.match(line):
            level, number = m.group("level"), cn_to_int(m.group("num"))
            if level == "分编":  # a sub-part only names a group of chapters: keep it in the path
                state.path = [p for p in state.path if p[0] == "编"] + [("分编", line.lstrip("# ").strip())]
                continue
            depth = ("编", "章", "节").index(level)
            for lower in ("编", "章", "节")[depth:]:
                state.numbers.pop(lower, None)
            state.numbers[level] = number
            keep = {"编": (), "章": ("编", "分编"), "节": ("编", "分编", "章")}[level]
            state.path = [p for p in state.path if p[0] in keep] + [(level, line.lstrip("# ").strip())]
            state.article = None
            anchor = f"{doc}:" + ".".join(_prefix(state))
            claim(anchor, line_no)
            zh, en = _label_prefix(state)
            headings.append(
                Heading(anchor, _LEVEL_NAME[level], number, " ".join(zh), " ".join(en),
                        m.group("title").strip(), line.lstrip("# ").strip(), (), line_no)
            )
            continue
        if line.startswith("#"):
            if line.startswith("# "):
                continue  # the document title
            if other := _OTHER_HEADING.match(line):
                keep = [p for p in state.path if p[0] in ("编", "分编", "章", "节")]
                state.path = keep + [("other", other.group("title").strip())]
            continue
        if m := _ARTICLE.match(line):
            number = cn_to_int(m.group("num"))
            sub = cn_to_int(m.group("sub")) if m.group("sub") else 0
            state.article = f"{number}-{sub}" if sub else str(number)
            state.article_label = line[: m.start("rest")].strip()
            state.paragraph, state.item = 0, 0
            line = m.group("rest").strip()
            if not line:
                continue
        if state.article is None:
            loose += 1
            anchor = f"{doc}:" + ".".join(_prefix(state) + [f"p{loose}"])
            zh, en = _label_prefix(state)
            add_clause(anchor, "paragraph", " ".join(zh + [f"第{loose}段"]), " ".join(en + [f"¶{loose}"]), line, line_no)
            continue
        zh, en = _label_prefix(state)
        article_en = f"Art. {state.article}"
        base = ".".join(_prefix(state) + [f"a{state.article}"])
        item = _ITEM.match(line)
        if item and state.paragraph:
            state.item += 1
            anchor = f"{doc}:{base}.p{state.paragraph}.i{state.item}"
            add_clause(
                anchor, "item",
                " ".join(zh + [state.article_label, f"第{int_to_cn(state.paragraph)}款", f"第（{int_to_cn(state.item)}）项"]),
                " ".join(en + [f"{article_en}({state.paragraph}) item {state.item}"]),
                line, line_no,
            )
            continue
        state.paragraph += 1
        state.item = 0
        anchor = f"{doc}:{base}.p{state.paragraph}"
        add_clause(
            anchor, "article",
            " ".join(zh + [state.article_label, f"第{int_to_cn(state.paragraph)}款"]),
            " ".join(en + [f"{article_en}({state.paragraph})"]),
            line, line_no,
        )

    if not clauses:
        raise StructureError(path, "no text after the title and information lines")
    if not clauses[-1].text.endswith(_ENDINGS):
        warnings.append(
            f"line {clauses[-1].line}: the last clause ends without closing punctuation; the file may be truncated"
        )
    return Document(meta, tuple(headings), tuple(clauses), (), (), (), tuple(warnings))
