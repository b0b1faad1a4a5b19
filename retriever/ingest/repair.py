"""Pure repair of the scraped plan's byte damage, one line at a time, with a log.

The scraped page was decoded as GBK and back ("junction swallow", see the design notes):
- ``Y/p>``: a character followed by a tag lost one code point and the ``<``; ``chr(ord(Y) + 1)``
  restores it exactly (``、/p>`` is ``。``, the width-folded ``(`` is ``）``, ``9`` is ``：``); a ``?``
  in that place means the character itself is lost;
- ``?ldquo;``: the character before an entity is lost; the residue gives the punctuation mark exactly;
- any other ``?``: a character and the ASCII byte after it (a digit, space or punctuation) are lost.

Every character of a repaired text carries a provenance code (:data:`SOURCE` … :data:`STRUCTURAL`),
so lost characters (shown as 〓) and inferred restorations stay visible down to the citation.
Domain inferences only ever fill a 〓 and are marked as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retriever.types import LOST_CHAR, Mark, MarkKind, Repair

__all__ = [
    "SOURCE",
    "EXACT",
    "LOST",
    "LOST_ASCII",
    "INFERRED",
    "STRUCTURAL",
    "Inference",
    "DOMAIN_INFERENCES",
    "RepairedText",
    "repair_line",
    "fill",
    "residues",
]

SOURCE = "s"  # verbatim from the source file
EXACT = "x"  # provably recovered (tag reversal, entity residue)
LOST = "l"  # a lost character
LOST_ASCII = "a"  # a lost ASCII character (digit, space or punctuation) swallowed with the one before
INFERRED = "i"  # filled from domain knowledge: not verbatim
STRUCTURAL = "t"  # filled from elsewhere in the same document (contents page, numbering, metadata)

_ENTITY_MARKS = {
    "ldquo": "“",
    "rdquo": "”",
    "lsquo": "‘",
    "rsquo": "’",
    "mdash": "—",
    "middot": "·",
    "hellip": "…",
}
# Width-folded characters whose +1 successor is full-width: `(` was `（` (→ `）`), `9` was `９` (→ `：`).
_FOLDED_SUCCESSOR = {"(": "）", "9": "："}

_TOKEN = re.compile(
    r"(?P<tag>(?P<tag_char>.)/(?P<tag_name>[a-z]+)>)"
    r"|(?P<entity>(?P<entity_lost>\?)?(?P<entity_name>" + "|".join(_ENTITY_MARKS) + r");)"
    r"|(?P<lost>\?)"
)
_JUNK_PREFIX = re.compile(r"^\?{4,}(?=[^?])")
_RESIDUE = re.compile(r"/[a-z]+>|(?:" + "|".join(_ENTITY_MARKS) + r");")

_KIND_OF_CODE = {
    LOST: MarkKind.LOST,
    LOST_ASCII: MarkKind.LOST,
    INFERRED: MarkKind.INFERRED,
    STRUCTURAL: MarkKind.STRUCTURAL,
}


def _lost_note(codes: str) -> str:
    n, ascii_lost = len(codes), codes.count(LOST_ASCII)
    note = f"{n} character{'s' if n > 1 else ''} lost in the source (decoding damage)"
    if ascii_lost:
        note += f"; {ascii_lost} of them ASCII (a digit, space or punctuation)"
    return note


@dataclass(frozen=True)
class RepairedText:
    """A repaired text, the provenance code of each character, notes for filled characters, and the log."""

    text: str
    codes: str
    notes: tuple[tuple[int, str], ...] = ()
    repairs: tuple[Repair, ...] = ()

    def __post_init__(self) -> None:
        if len(self.text) != len(self.codes):
            raise ValueError("text and provenance codes differ in length")

    @property
    def lost_count(self) -> int:
        return sum(self.codes.count(code) for code in (LOST, LOST_ASCII))

    def marks(self, offset: int = 0) -> tuple[Mark, ...]:
        """Spans of lost, inferred and structural characters; adjacent lost characters form one span."""
        notes = dict(self.notes)
        runs: list[tuple[int, int, MarkKind, str]] = []
        for i, code in enumerate(self.codes):
            if code in (SOURCE, EXACT):
                continue
            kind = _KIND_OF_CODE[code]
            note = "" if kind is MarkKind.LOST else notes.get(i, "")
            if runs and runs[-1][1] == i and runs[-1][2] is kind and runs[-1][3] == note:
                runs[-1] = (runs[-1][0], i + 1, kind, note)
            else:
                runs.append((i, i + 1, kind, note))
        return tuple(
            Mark(start + offset, end + offset, kind, note or _lost_note(self.codes[start:end]))
            for start, end, kind, note in runs
        )

    def slice(self, start: int, end: int | None = None) -> "RepairedText":
        """The part [start, end) of this text, with codes and notes shifted to match."""
        end = len(self.text) if end is None else end
        notes = tuple((i - start, n) for i, n in self.notes if start <= i < end)
        return RepairedText(self.text[start:end], self.codes[start:end], notes, self.repairs)

    def strip(self) -> "RepairedText":
        """Drop surrounding whitespace, keeping codes aligned."""
        left = len(self.text) - len(self.text.lstrip())
        right = len(self.text.rstrip())
        return self.slice(left, right)


def _scan(raw: str, line: int) -> RepairedText:
    """Undo the exact damage and replace every unrecoverable character with 〓."""
    text: list[str] = []
    codes: list[str] = []
    log: list[Repair] = []
    pos = 0
    junk = _JUNK_PREFIX.match(raw)
    if junk:
        log.append(Repair("junk-prefix", line, junk.group(), "", "junk ? run before the line's text"))
        pos = junk.end()
    for m in _TOKEN.finditer(raw, pos):
        before = raw[pos : m.start()]
        text.append(before)
        codes.append(SOURCE * len(before))
        pos = m.end()
        if m.group("tag"):
            char = m.group("tag_char")
            if char == "?":
                text.append(LOST_CHAR)
                codes.append(LOST)
                log.append(Repair("tag-lost", line, m.group(), LOST_CHAR, "character before a tag lost"))
            elif char in _FOLDED_SUCCESSOR:
                text.append(_FOLDED_SUCCESSOR[char])
                codes.append(EXACT)
                log.append(Repair("tag-folded", line, m.group(), _FOLDED_SUCCESSOR[char]))
            elif ord(char) < 0x80:
                # An ASCII character cannot cause the damage: keep it, drop the stray tag text.
                text.append(char)
                codes.append(SOURCE)
                log.append(Repair("tag-stray", line, m.group(), char, "tag residue after ASCII"))
            else:
                restored = chr(ord(char) + 1)
                text.append(restored)
                codes.append(EXACT)
                log.append(Repair("tag-exact", line, m.group(), restored))
        elif m.group("entity"):
            mark = _ENTITY_MARKS[m.group("entity_name")]
            if m.group("entity_lost"):
                text.append(LOST_CHAR)
                codes.append(LOST)
            text.append(mark)
            codes.append(EXACT)
            log.append(Repair("entity", line, m.group(), (LOST_CHAR if m.group("entity_lost") else "") + mark))
        else:
            at_end = m.end() == len(raw)
            text.append(LOST_CHAR if at_end else LOST_CHAR * 2)
            codes.append(LOST if at_end else LOST + LOST_ASCII)
            log.append(Repair("lost", line, raw[max(0, m.start() - 2) : m.end() + 2], "", "character lost"))
    tail = raw[pos:]
    text.append(tail)
    codes.append(SOURCE * len(tail))
    return RepairedText("".join(text), "".join(codes), (), tuple(log))


@dataclass(frozen=True)
class Inference:
    """Fill lost characters matched by ``pattern``'s group ``fill`` with ``value``: a marked guess."""

    name: str
    pattern: re.Pattern[str]
    value: str
    codes: str  # the provenance codes the filled span must have, so a rule can only fill real losses
    note: str


def _rule(name: str, pattern: str, value: str, codes: str, note: str) -> Inference:
    return Inference(name, re.compile(pattern), value, codes, note)


DOMAIN_INFERENCES: tuple[Inference, ...] = (
    _rule("five-year-plan", r"十[二三四](?P<fill>〓)”", "五", LOST, "十X五 names a Five-Year Plan period"),
    _rule("kabozi", r"卡脖(?P<fill>〓)”", "子", LOST, "卡脖子 (chokepoint technologies)"),
    _rule("guangxin", r"光芯屏端(?P<fill>〓)”", "网", LOST, "光芯屏端网 (optics, chips, displays, terminals and networks)"),
    _rule("belt-road", r"一带一(?P<fill>〓)”", "路", LOST, "一带一路 (Belt and Road)"),
    _rule("shibaiqian", r"‘十百(?P<fill>〓)’", "千", LOST, "十百千 programme name"),
    _rule("zero-to-one", r"“(?P<fill>〓〓〓〓)(?=的突破|原始创新)", "从0到1", LOST + LOST_ASCII + LOST + LOST_ASCII,
          "从0到1 (from zero to one: original innovation)"),
    _rule("year", r"〓(?P<fill>〓)0\d\d年", "2", LOST_ASCII, "the year's first digit (years 20XX)"),
    _rule("6g", r"(?P<fill>〓)G技术预研", "6", LOST_ASCII, "6G: pre-research on future networks"),
    _rule("5g", r"(?P<fill>〓)G", "5", LOST_ASCII, "5G"),
    _rule("3d", r"(?P<fill>〓)D(?=打印| ?PCM| ?NAND)", "3", LOST_ASCII, "3D (printing / memory)"),
)


def fill(repaired: RepairedText, rule: Inference, code: str = INFERRED, line: int = 0) -> RepairedText:
    """Apply one inference wherever it matches lost characters; offsets never move."""
    text, codes = list(repaired.text), list(repaired.codes)
    notes = dict(repaired.notes)
    log = list(repaired.repairs)
    for m in rule.pattern.finditer(repaired.text):
        start, end = m.span("fill")
        if repaired.codes[start:end] != rule.codes or len(rule.value) != end - start:
            continue
        text[start:end] = rule.value
        codes[start:end] = code * (end - start)
        for i in range(start, end):
            notes[i] = rule.note
        kind = "inferred" if code == INFERRED else "structural"
        log.append(Repair(f"{kind}:{rule.name}", line, m.group(), rule.value, rule.note))
    return RepairedText("".join(text), "".join(codes), tuple(sorted(notes.items())), tuple(log))


def repair_line(raw: str, line: int = 0, inferences: tuple[Inference, ...] = DOMAIN_INFERENCES) -> RepairedText:
    """Repair one scraped line: exact reversals, lost characters marked, then marked domain inferences."""
    repaired = _scan(raw, line)
    for rule in inferences:
        if LOST_CHAR not in repaired.text:
            break
        repaired = fill(repaired, rule, INFERRED, line)
    return repaired


def residues(text: str) -> list[str]:
    """Tag or entity residues left in a text (none should survive repair)."""
    return _RESIDUE.findall(text)
