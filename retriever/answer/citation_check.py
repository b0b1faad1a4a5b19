"""Citation check for staff: is an anchor, a human reference or a quoted sentence real, where is it, what does it say?

- an anchor (``hb-sti-14fyp:ch5.s1.p2``) or a human reference (``第五章第一节第二段``, ``Chapter 5 Section 1``,
  ``Ch. 5 §1 ¶2``, ``专利法第二十四条``) → ``resolved`` and the clause;
- a quote (Simplified or Traditional) → ``verbatim`` (same text; punctuation width ignored), ``unconfirmed`` (it
  matches every surviving character, but the passage has lost (〓) or inferred characters, so it cannot be confirmed
  as the source's words), ``altered`` (the nearest passage, with the exact differences) or ``not_found``; a heading
  quoted as printed → ``verbatim`` at the heading;
- a quote attributed to a place (``专利法第四十二条规定：…``) or ending with an anchor (``…〔zlf-2020:ch5.a42.p1〕``) → the
  quote's verdict, ``altered`` when the place or anchor is not where its words are.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from retriever.analysis.normalize import is_traditional, to_characters_simplified, to_simplified
from retriever.analysis.other_documents import OtherDocuments, shown
from retriever.answer.english_quotes import MIN_WORDS as ENGLISH_MIN_WORDS
from retriever.answer.english_quotes import EnglishQuotes
from retriever.answer.figures import compare_figures
from retriever.english.reference import english_by_anchor
from retriever.ingest.references import Reference, ReferenceParser
from retriever.errors import QueryError, UnknownAnchorError
from retriever.ingest.corpus import Corpus
from retriever.ingest.law import LAW_FORMAT
from retriever.types import LOST_CHAR, Clause, Heading, InputKind, MarkKind, Verdict

__all__ = ["CheckResult", "CitationChecker", "citation"]

_ANCHOR = re.compile(r"^[a-z0-9][a-z0-9-]*:[a-z0-9.\-]+$")
_LOOSE_ANCHOR = re.compile(r"^(?:(?P<doc>[a-z0-9][a-z0-9-]*)\s*[:：\s]\s*)?(?P<path>ch\d+(?:\.[a-z]+\d+(?:-\d+)?)*)$",
                           re.IGNORECASE)
"""An anchor typed loosely: upper case, a space or a full-width colon after the document, or its path alone
(``hb-sti-14fyp ch5.s1.p1``, ``ch5.s1.p1``: the requested or the primary document's)."""
_CITED_ANCHOR = re.compile(r"\s*[〔\[]\s*(?P<anchor>[a-z0-9][a-z0-9-]*:[a-z0-9.\-]+)\s*[〕\]]\s*$")
"""The anchor a citation ends with, as the product writes them: ``…第四十二条第一款〔zlf-2020:ch5.a42.p1〕``."""
_CJK = re.compile(r"[\u4e00-\u9fff]")
_QUOTES = "\"'“”‘’「」『』《》 \u3000"
_PUNCT = re.compile(r"[\W_]*")
_PLACE = re.compile(r"第[0-9一二三四五六七八九十百零〇两]+[章节条款项]|\b(?:article|art\.|chapter|section)\s*\d", re.IGNORECASE)
"""A numbered place (第十条, Article 10): with a document's name, the text is a reference, not a quote."""
_REFERENCE_SLACK = 8
"""Characters a reference may hold besides titles and numbered places (的规定, "of the", "under"): a quote that cites
a law's article inside a sentence ("依照《…法》第十条的规定处罚") is longer and is checked as a quote. Measured: the
references of tests/test_other_documents.py leave 0 characters (专利法实施细则第十条的规定: 3); the 5 corpus sentences
that name a law the corpus does not hold leave 24 to 104."""


def _names_a_place(text: str, titles: list[str]) -> bool:
    """Whether ``text`` is a reference made of the titles and a numbered place, not a sentence that mentions them."""
    rest = text
    for title in titles:
        rest = rest.replace(title, "")
    rest = _PLACE.sub("", rest)
    rest = re.sub(r"[\W_\d]|\b(?:of|the|in|under|paragraph|para|item|china's|prc)\b|[第之款项段（）()]", "", rest,
                  flags=re.IGNORECASE)
    return _PLACE.search(text) is not None and len(rest) <= _REFERENCE_SLACK


MAX_CHECK_CHARS = 20_000


ALTERED_MIN = 0.75
"""A quote is "altered" (rather than "not found") when a passage matches at least three quarters of it, by rapidfuzz's
partial alignment and by the characters it shares with the quote; the bar the checker has used since its first
evaluation (all 21 cases of eval/citations.jsonl and 25 of 26 of the dev set's right with it)."""

@dataclass(frozen=True)
class CheckResult:
    """The verdict, the clause found, the differences and ready-to-paste citations."""

    verdict: Verdict
    input_kind: InputKind
    anchor: str | None = None
    clause_text: str | None = None
    matched_text: str | None = None
    similarity: float | None = None
    diff: list[dict[str, str]] = field(default_factory=list)
    citation_zh: str | None = None
    citation_en: str | None = None
    notes: list[str] = field(default_factory=list)
    context: dict[str, str | None] = field(default_factory=dict)
    also_found: list[str] = field(default_factory=list)  # other clauses with the same text
    start: int | None = None  # where matched_text begins in clause_text (it may occur there more than once)
    end: int | None = None
    places: list[str] = field(default_factory=list)  # every place of a range or list reference, anchor the first

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


_UNIFY = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def _fold_chars(text: str) -> str:
    """The comparison form, one character for one (so offsets hold): NFKC width folding, quotes unified."""
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch).translate(_UNIFY)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


def _fold(text: str) -> str:
    """A quote's comparison form: :func:`_fold_chars` without whitespace."""
    return re.sub(r"\s+", "", _fold_chars(text))


_LAW_LABEL_EN = re.compile(r"Art\. (?P<article>\S+?)\((?P<paragraph>\d+)\)(?: item (?P<item>\d+))?$")


def _article_labels(corpus: Corpus, clause: Clause) -> tuple[str, str]:
    """A law clause's label as laws are cited: 第四十二条第一款 / Article 42(1), items 第（一）项 / item (1); the
    paragraph only when the article has more than one (第一条 / Article 1)."""
    parts = clause.label_zh.split()
    start = next(i for i, p in enumerate(parts) if p.endswith("条") or "条之" in p)
    m = _LAW_LABEL_EN.search(clause.label_en)
    article = clause.anchor.rsplit(".p", 1)[0]
    several = corpus.has_anchor(f"{article}.p2")
    zh = "".join(parts[start:] if several else [parts[start], *parts[start + 2 :]])
    en = f"Article {m['article']}" + (f"({m['paragraph']})" if several else "") + (f", item ({m['item']})" if m["item"] else "")
    return zh, en


def citation(corpus: Corpus, anchor: str) -> tuple[str, str]:
    """Chinese and English citations: document title (a law: with its edition; a plan: with its number), the
    clause's label and anchor. A law clause is cited by article, paragraph and item, as laws usually are:
    ``Patent Law of the People's Republic of China (2020 Amendment), Article 42(1) [zlf-2020:ch5.a42.p1]``."""
    item = corpus.lookup(anchor)
    meta = corpus.document(anchor.split(":", 1)[0]).meta
    label_zh = getattr(item, "label_zh", "") or ""
    label_en = getattr(item, "label_en", "") or ""
    title_en = meta.title_en or meta.title
    if meta.format == LAW_FORMAT:
        if isinstance(item, Clause) and item.kind in ("article", "item"):
            label_zh, label_en = _article_labels(corpus, item)
        elif isinstance(item, Heading) and item.level == "article":
            label_en = item.label_en.replace("Art. ", "Article ")
        edition_zh = f"（{meta.edition}）" if meta.edition else ""
        edition_en = f" ({meta.edition_en})" if meta.edition_en else ""
        return f"《{meta.title}》{edition_zh}{label_zh}〔{anchor}〕", f"{title_en}{edition_en}, {label_en} [{anchor}]"
    number_zh = f"（{meta.doc_number}）" if meta.doc_number else ""
    number_en = f" ({meta.doc_number_en or meta.doc_number})" if meta.doc_number else ""
    return (f"《{meta.title}》{number_zh}{label_zh}〔{anchor}〕",
            f"{title_en}{number_en}, {label_en} [{anchor}]")


class CitationChecker:
    """Checks quotes and references against the corpus; ``doc`` is the default document for references."""

    def __init__(self, corpus: Corpus, default_doc: str | None = None) -> None:
        self.corpus = corpus
        self.default_doc = default_doc or corpus.primary_id
        self._references = ReferenceParser(corpus)
        self._other_documents = OtherDocuments.of_corpus(corpus)

    # -- references -----------------------------------------------------------------------------------

    def _resolved(self, anchor: str, kind: InputKind, notes: list[str] | None = None) -> CheckResult:
        item = self.corpus.lookup(anchor)
        zh, en = citation(self.corpus, anchor)
        text = item.text
        notes = list(notes or [])
        if isinstance(item, Heading):
            children = self.corpus.children(anchor)
            what = ("an article", "条") if item.level == "article" else ("a heading", "标题")
            notes.append(f"{what[0]} with {len(children)} clauses {what[1]}，含{len(children)}个条款")
        marks = getattr(item, "marks", ())
        notes += self._damage_notes(text, marks, 0, len(text))
        return CheckResult(Verdict.RESOLVED, kind, anchor, text, text, 1.0, [], zh, en, notes, self._context(anchor),
                           start=0, end=len(text))

    def _reference(self, text: str, doc: str | None) -> CheckResult | None:
        """A human reference resolved, or not found when it names an edition the corpus does not hold; None when the
        text is not a reference."""
        reference = self._references.parse(text)
        if reference is None:
            series = self._references.parse_series(text)
            return self._series(series, doc) if series else None
        if reference.other_edition is not None:
            return self._edition_not_held(reference)
        anchor = self._references.anchor(reference, doc or self.default_doc)
        if reference.sentence is not None:
            return self._sentence(anchor, reference.sentence)
        return self._resolved(anchor, InputKind.REFERENCE, [f"reference read as {anchor}"])

    def _sentence(self, anchor: str, number: int) -> CheckResult:
        """A sentence of a paragraph (专利法第四十二条第一款第一句, Article 42(1), sentence 1): the paragraph resolved,
        the sentence its matched text; an article or section of one paragraph stands for it. A QueryError when the
        place has several paragraphs or fewer sentences."""
        place = self._anchor(anchor)
        clause = self.corpus.lookup(anchor)
        if isinstance(clause, Heading):
            paragraphs = [a for a in self.corpus.children(anchor) if self.corpus.clause(a).kind != "item"]
            if len(paragraphs) != 1:
                raise QueryError(f"{anchor} has {len(paragraphs)} paragraphs: name the one whose sentence is meant "
                                 f"（{clause.label_zh}有{len(paragraphs)}款/段，请写明第几款/段）")
            anchor, clause = paragraphs[0], self.corpus.lookup(paragraphs[0])
            place = self._resolved(anchor, InputKind.REFERENCE)
        sentences = clause.sentences
        if not 1 <= number <= len(sentences):
            raise QueryError(f"{anchor} has {len(sentences)} sentence(s), not {number} "
                             f"该款/段共{len(sentences)}句，没有第{number}句")
        sentence = sentences[number - 1]
        return replace(place, matched_text=clause.text[sentence.start:sentence.end], start=sentence.start,
                       end=sentence.end, notes=[f"reference read as sentence {number} of {len(sentences)} of {anchor} "
                                                f"按{anchor}第{number}句（共{len(sentences)}句）", *place.notes])

    def _places(self, references: list[Reference], doc: str | None) -> list[str]:
        """The anchors of a reference's places, each checked to exist (UnknownAnchorError for the first that does not,
        with the nearest anchors)."""
        anchors = list(dict.fromkeys(self._references.anchor(r, doc or self.default_doc) for r in references))
        for anchor in anchors:
            self._anchor(anchor)
        return anchors

    def _series(self, references: list[Reference], doc: str | None) -> CheckResult:
        """A range or list of places (专利法第四十二条至第四十四条, Articles 42 and 45 of the Patent Law) resolved: the
        first place with its text, every place in ``places`` and a citation for each."""
        if references[0].other_edition is not None:
            return self._edition_not_held(references[0])
        anchors = self._places(references, doc)
        citations = [citation(self.corpus, a) for a in anchors]
        first = self._resolved(anchors[0], InputKind.REFERENCE, [
            f"reference read as {len(anchors)} places 共{len(anchors)}处: {', '.join(anchors)}; the text shown is the "
            f"first's 下文为第一处原文"])
        return replace(first, places=anchors, citation_zh="\n".join(zh for zh, _ in citations),
                       citation_en="\n".join(en for _, en in citations))

    def _edition_not_held(self, reference: Reference) -> CheckResult:
        """``not_found`` for a reference to another edition than the corpus holds, naming the one it holds."""
        meta = self.corpus.document(reference.doc).meta
        return CheckResult(Verdict.NOT_FOUND, InputKind.REFERENCE, notes=[
            f"a reference to another edition ({reference.other_edition}) of {meta.title_en or meta.title}; the corpus "
            f"holds the {meta.edition_en or meta.doc_number_en or meta.doc_number} text, whose numbering may differ "
            f"引用的版本（{reference.other_edition}）不在语料中，语料为《{meta.title}》"
            f"{meta.edition or meta.doc_number}"])

    def _not_held(self, place: str) -> CheckResult | None:
        """``not_found`` when ``place`` is a reference to a document the corpus does not hold (专利法实施细则第十条)."""
        if (titles := self._other_documents.named_in(place, cited_too=True)) and _names_a_place(place, titles):
            named = "、".join(shown(t) for t in titles)
            held = "、".join(f"《{d.meta.title}》" for d in self.corpus.documents.values())
            return CheckResult(Verdict.NOT_FOUND, InputKind.REFERENCE, notes=[
                f"a reference to {named}, which the corpus does not hold 引用的文件不在语料中 (the corpus holds "
                f"语料包括: {held})"])
        return None

    def _refuse_a_bare_name(self, text: str) -> None:
        """A :class:`QueryError` when ``text`` only names a document (专利法, the Hubei S&T plan) and the corpus does not
        hold it word for word: a name is no place and no quote, so say which document it is and ask for the place."""
        named = self._references.names_only(text)
        if named is None or self._exact_matches(_fold(text.strip(_QUOTES)), None):
            return
        meta = self.corpus.document(named).meta
        example = "第四十二条, Article 42" if self._references.has_articles(named) else "第五章第一节, Chapter 5 Section 1"
        raise QueryError(f"this names a document of the corpus, {meta.title_en or meta.title} [{named}], but no "
                         f"place in it: add a chapter, section or article ({example}) "
                         f"只写了文件名《{meta.title}》，请写明章节或条款")

    def _heading_quoted(self, text: str, doc: str | None) -> CheckResult | None:
        """A heading quoted as printed (第五章打好现代产业关键核心技术攻坚战, 第一章 总则) or its title alone: verbatim,
        resolved to the heading with its clauses; the same heading elsewhere in ``also_found``. None when ``text`` is
        no heading's (headings are not clauses, so the quote check would not find it)."""
        folded = _fold(text.strip(_QUOTES))
        if len(re.findall(r"\w", folded)) < 4:  # the quote check's own minimum
            return None
        documents = [self.corpus.document(doc)] if doc else list(self.corpus.documents.values())
        found = [h.anchor for d in documents for h in d.headings if folded in (_fold(h.text), _fold(h.title))]
        if not found:
            return None
        notes = ["the text of a heading 标题原文"]
        if len(found) > 1:
            notes.append(f"the same heading also in {', '.join(found[1:])} 相同标题亦见于其他位置")
        return replace(self._resolved(found[0], InputKind.QUOTE, notes), verdict=Verdict.VERBATIM, also_found=found[1:])

    def _claimed(self, text: str, doc: str | None) -> CheckResult | None:
        """A statement attributed to a place (:meth:`_claim`); to a place of a document the corpus does not hold, the
        whole text checked as a quote when the corpus has it, else ``not_found`` naming the document; None when
        ``text`` attributes nothing to a place, or the corpus holds it word for word (then it is a quote)."""
        if not self._references.statements(text) or self._exact_matches(_fold(text), None):
            return None
        if (claim := self._references.claim(text)) is not None:
            return self._claim(*claim, doc)
        for head, _ in self._references.statements(text):
            if (not_held := self._not_held(head)) is not None:
                try:
                    quote = self._check_quote(text.strip(_QUOTES), doc)
                except QueryError:  # longer than any clause: not one of the corpus's sentences
                    quote = None
                if quote is not None and quote.verdict is not Verdict.NOT_FOUND:
                    return quote
                return replace(not_held, notes=not_held.notes + [
                    "the statement attributed to it was not checked 所引述的内容未核对"])
        return None

    def _claim(self, references: list[Reference], written: str, statement: str, doc: str | None) -> CheckResult:
        """A statement attributed to a place, or to a range or list of them (专利法第四十二条规定：…): the statement
        checked as a quote, and whether the place (one of them) holds it (:meth:`_cited`). An English statement cannot
        be compared with the Chinese text word for word: the place is resolved and the note says so."""
        if references[0].other_edition is not None:
            return self._edition_not_held(references[0])
        anchors = self._places(references, doc)
        if not _CJK.search(statement):
            return self._english_statement(anchors, statement)
        result = self._cited(statement, anchors[0], f"the reference {written} ({', '.join(anchors)})",
                             f"所引{written}", others=anchors[1:])
        sentence = references[0].sentence
        return result if sentence is None or len(references) > 1 else self._in_sentence(result, anchors[0], sentence)

    def _in_sentence(self, result: CheckResult, anchor: str, number: int) -> CheckResult:
        """A statement attributed to a sentence (专利法第四十二条第三款第一句规定：…) and found in its paragraph: ``altered``
        when the words are in another sentence of it, naming both."""
        cited = self._sentence(anchor, number)  # the paragraph (an article of one paragraph stands for it)
        if (result.anchor != cited.anchor or result.verdict not in (Verdict.VERBATIM, Verdict.UNCONFIRMED)
                or result.start is None or result.end is None):
            return result
        clause = self.corpus.clause(cited.anchor)
        wanted = clause.sentences[number - 1]
        if result.start < wanted.end and wanted.start < result.end:
            return result
        found = next(i for i, s in enumerate(clause.sentences, 1) if s.start <= result.start < s.end)
        return replace(result, verdict=Verdict.ALTERED, notes=result.notes + [
            f"the words are sentence {found} of {cited.anchor}, not sentence {number} 引文在第{found}句，不在所引第{number}句"])

    def _english_statement(self, anchors: list[str], statement: str) -> CheckResult:
        """Places with an English statement: the first resolved, as English cannot be compared with the Chinese word
        for word; ``altered`` when a period, share, amount in yuan or calendar year it states (30 years, 50 percent,
        10 million yuan, by 2030) differs from every one of that unit the places give (their frame's years count:
        :meth:`_frame`, :func:`~retriever.answer.figures.compare_figures`), with both in the note."""
        anchor = anchors[0]
        result = replace(self._resolved(anchor, InputKind.REFERENCE), places=anchors if len(anchors) > 1 else [])
        source = " ".join(self.corpus.lookup(a).text
                          for place in anchors for a in self.corpus.children(place) or [place])
        figures = compare_figures(statement, source, self._frame(anchors))
        notes = [f"reference read as {', '.join(anchors)}; the statement after it is English and the source is "
                 "Chinese, so it was not compared word for word: read the clause 引用后的陈述为英文，未与中文原文逐字核对，请阅读原文"]
        if figures.agreed:
            shown_agreed = ", ".join(f.written for f in figures.agreed)
            notes.append(f"its figures {shown_agreed} are the place's too 陈述中的数字与原文一致")
        if not figures.differing:
            return replace(result, notes=notes + result.notes)
        wrong = "; ".join(f"{f.written} (the place gives {'、'.join(dict.fromkeys(s.written for s in source_figures))})"
                          for f, source_figures in figures.differing)
        return replace(result, verdict=Verdict.ALTERED, notes=notes + result.notes + [
            f"figures the place does not give: {wrong} 陈述中的数字与原文不符"])

    def _frame(self, anchors: list[str]) -> str:
        """What frames the places' calendar years: their chapters' and sections' headings and clauses (a section's
        到2025年 frames its paragraphs), and their document's own years (its title, edition and dates)."""
        texts = []
        for anchor in anchors:
            outer = re.match(r"[^:]+:ch\d+(?:\.s\d+)?", anchor)
            if outer is None:
                continue
            section, chapter = outer.group(), outer.group().split(".s")[0]
            texts += [self.corpus.lookup(a).text for a in (chapter, section) if self.corpus.has_anchor(a)]
            texts += [self.corpus.lookup(a).text for a in self.corpus.children(section)]
            texts += sorted(self.corpus.document(anchor.split(":", 1)[0]).meta.years)
        return " ".join(texts)

    def _anchor(self, anchor: str) -> CheckResult:
        """An anchor resolved; UnknownAnchorError (with the nearest anchors) when no clause has it."""
        if anchor.split(":", 1)[0] not in self.corpus.documents or not self.corpus.has_anchor(anchor):
            raise UnknownAnchorError(anchor, self.corpus.suggest(anchor))
        return self._resolved(anchor, InputKind.ANCHOR)

    def _cited(self, written: str, anchor: str, pointer: str | None = None, pointer_zh: str | None = None,
               others: list[str] | None = None) -> CheckResult:
        """A citation that ends with its anchor (as the product writes them), or a statement attributed to a place
        (``pointer``: how the place was written): the reference, title or quote checked in the anchor's document (in
        the whole corpus when that document lacks it), and whether both point at the same place (or one holds the
        other: an article cited with the anchor of its paragraph, a quote from a section's clause). When they do not,
        the citation is wrong whatever each part says alone: its verdict is altered, with what each part points at.
        ``others``: the other places of a range or list the statement is attributed to; one of them holding it
        agrees."""
        by_anchor = self._anchor(anchor)
        pointer, pointer_zh = pointer or f"its anchor {anchor}", pointer_zh or "引文所附锚点"
        doc = anchor.split(":", 1)[0]
        named = self._references.names_only(written)
        if named is not None:  # a title and the anchor: the title must be the anchor's document's
            if named == doc:
                return replace(by_anchor, notes=by_anchor.notes + ["the citation's document agrees 与所附锚点一致"])
            title = self.corpus.document(named).meta.title
            return replace(by_anchor, verdict=Verdict.ALTERED, notes=by_anchor.notes + [
                f"the citation names 《{title}》 but its anchor {anchor} is a clause of another document "
                f"引文所列文件与锚点不符"])
        written_result = self.check(written, doc)
        if written_result.verdict is Verdict.NOT_FOUND and len(self.corpus.documents) > 1:
            elsewhere = self.check(written, None)  # another document's words attributed to this one
            written_result = elsewhere if elsewhere.anchor is not None else written_result
        found, places = written_result.anchor, [anchor, *(others or [])]
        if found is not None and any(found == a or found.startswith(a + ".") or a.startswith(found + ".")
                                     for a in places):
            return replace(written_result, notes=written_result.notes + [f"{pointer} agrees 与{pointer_zh}一致"])
        if written_result.verdict is Verdict.NOT_FOUND:
            return replace(written_result, notes=written_result.notes + [
                f"{pointer} is real: {by_anchor.citation_en} {pointer_zh}存在：{by_anchor.citation_zh}"])
        return replace(written_result, verdict=Verdict.ALTERED, notes=written_result.notes + [
            f"{pointer} is another clause than the {written_result.input_kind} ({found}): one of them is wrong "
            f"{pointer_zh}与出处不符（{anchor}，出处 {found}）"])

    # -- quotes ---------------------------------------------------------------------------------------

    def _damage_notes(self, text: str, marks, start: int, end: int) -> list[str]:
        notes = []
        lost = [m for m in marks if m.kind is MarkKind.LOST and m.start < end and m.end > start]
        inferred = [m for m in marks if m.kind is MarkKind.INFERRED and m.start < end and m.end > start]
        if lost:
            n = sum(m.end - m.start for m in lost)
            notes.append(f"{n} character(s) here are lost in the source (〓) and cannot be confirmed "
                         f"此处有{n}个字符在源文件中缺失，无法核实")
        if inferred:
            chars = "".join(text[m.start : m.end] for m in inferred)
            notes.append(f"'{chars}' is an inferred restoration, not verbatim source text 「{chars}」为推断修复，并非原文")
        return notes

    def _candidates(self, quote: str, doc: str | None, limit: int = 40) -> list[Clause]:
        """Clauses sharing the most character bigrams with the quote (script- and width-folded), best first."""
        clauses = self.corpus.clauses(doc)
        grams = {quote[i : i + 2] for i in range(len(quote) - 1)} or {quote}

        def overlap(clause: Clause) -> int:
            text = _fold_chars(clause.text)
            return sum(1 for g in grams if g in text)

        return sorted(clauses, key=overlap, reverse=True)[:limit]

    def _exact_matches(self, quote: str, doc: str | None) -> list[tuple[Clause, int, int]]:
        """Every clause containing ``quote`` exactly (comparison form), in corpus order."""
        found = []
        for clause in self.corpus.clauses(doc):
            index = _fold_chars(clause.text).find(quote)
            if index >= 0:
                found.append((clause, index, index + len(quote)))
        return found

    @staticmethod
    def _lost_tolerant_match(quote: str, clause: Clause) -> tuple[int, int] | None:
        """A span equal to ``quote`` where the clause's 〓 stand in for characters, if few of them are lost."""
        text = _fold_chars(clause.text)
        if LOST_CHAR not in text:
            return None
        span = _wildcard_find(text, quote)
        if span and text[span[0] : span[1]].count(LOST_CHAR) * 3 <= len(quote):
            return span
        return None

    @staticmethod
    def _best_fuzzy(quote: str, clauses: list[Clause], limit: int = 40) -> tuple[float, Clause | None, int, int]:
        """The passage most like ``quote`` among the first ``limit`` candidates (rapidfuzz partial alignment)."""
        from rapidfuzz import fuzz

        best: tuple[float, Clause | None, int, int] = (0.0, None, 0, 0)
        for clause in clauses[:limit]:
            text = _fold_chars(clause.text)
            found = fuzz.partial_ratio_alignment(quote, text, score_cutoff=best[0] * 100)
            if found is not None and found.score / 100 > best[0]:
                best = (found.score / 100, clause, found.dest_start, found.dest_end)
        return best

    def check(self, text: str, doc: str | None = None) -> CheckResult:
        """Check an anchor, a human reference or a quote."""
        hidden = _hidden_characters(text or "")
        raw = "".join(ch for ch in (text or "") if ch not in hidden and not "\ud800" <= ch <= "\udfff").strip()
        if not raw.strip(_QUOTES):
            raise QueryError("nothing to check: paste a quote, an anchor or a reference 请粘贴引文、锚点或出处")
        if len(raw) > MAX_CHECK_CHARS:
            raise QueryError(f"the text is {len(raw)} characters, longer than any document here "
                             f"(limit {MAX_CHECK_CHARS}) 引文过长")
        if _ANCHOR.match(raw):
            return self._anchor(raw)
        if (loose := _LOOSE_ANCHOR.match(raw)) and (loose["doc"] or doc or self.default_doc):
            if not (loose["doc"] or doc) and ".a" in loose["path"].lower():
                laws = ", ".join(d for d in self.corpus.documents if self._references.has_articles(d))
                raise QueryError(f"an article's anchor needs its law's id before a colon (one of: {laws}), or --doc "
                                 f"条的锚点须写明法律")
            anchor = f"{loose['doc'] or doc or self.default_doc}:{loose['path']}".lower()
            found = self._anchor(anchor)
            return replace(found, notes=[f"read as the anchor {anchor} 按锚点理解", *found.notes])
        if (cited := _CITED_ANCHOR.search(raw)) and (written := raw[:cited.start()].strip(_QUOTES + ",，")):
            return self._cited(written, cited["anchor"])
        place = to_characters_simplified(raw) if is_traditional(raw) else raw  # 專利法第四十二條 is 专利法第四十二条
        if (not_held := self._not_held(place)) is not None:
            return not_held
        found = self._reference(place, doc)
        if found is None:
            found = self._claimed(place, doc)
        if found is None:
            found = self._heading_quoted(place, doc)
        if found is not None:
            return found if place == raw else replace(found, notes=found.notes + [
                "Traditional characters converted for matching 已转换繁体字"])
        self._refuse_a_bare_name(place)
        if not _CJK.search(raw) and re.search(r"[A-Za-z]", raw):
            return self._check_english(raw.strip(_QUOTES), doc)
        result = self._check_quote(raw.strip(_QUOTES), doc)
        if hidden:
            names = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, 'control')} ×{n}" for ch, n in hidden.items())
            result.notes.append(f"the text holds invisible characters that the source does not: {names}; they were "
                                "removed before checking 文本含有原文没有的不可见字符，已在核对前去除")
        return result

    def _verdict(self, clause: Clause, start: int, end: int, differs: bool) -> Verdict:
        """altered if real differences; unconfirmed if the match leans on lost or inferred characters; else verbatim."""
        if differs:
            return Verdict.ALTERED
        touches = [m for m in clause.marks if m.start < end and m.end > start and m.kind is not MarkKind.STRUCTURAL]
        return Verdict.UNCONFIRMED if touches else Verdict.VERBATIM

    def _found(self, verdict: Verdict, clause: Clause, start: int, end: int, similarity: float, diff: list,
               notes: list[str], also: list[str]) -> CheckResult:
        zh, en = citation(self.corpus, clause.anchor)
        notes = notes + self._damage_notes(clause.text, clause.marks, start, end)
        if also:
            notes.append(f"the same text also occurs in {', '.join(also)} 相同文字亦见于其他条款")
        return CheckResult(verdict, InputKind.QUOTE, clause.anchor, clause.text, clause.text[start:end], similarity, diff,
                           zh, en, notes, self._context(clause.anchor), also, start, end)

    def _check_quote(self, quote_raw: str, doc: str | None) -> CheckResult:
        traditional = is_traditional(quote_raw)
        quote = _fold(to_characters_simplified(quote_raw) if traditional else quote_raw)
        if len(re.findall(r"\w", quote)) < 4:
            raise QueryError("the quote is too short to check: paste at least four characters 引文过短，至少四个字")
        total = sum(len(c.text) for c in self.corpus.clauses(doc))
        if len(quote) > total:
            raise QueryError(f"the quote ({len(quote)} characters) is longer than the document ({total}) 引文长于全文")
        longest = max((len(c.text) for c in self.corpus.clauses(doc)), default=0)
        if len(quote) > longest + 20:  # a little slack for added punctuation or spaces
            raise QueryError(f"the quote ({len(quote)} characters) is longer than any single clause ({longest}): "
                             f"check one clause or sentence at a time 引文超过单个条款的长度，请逐段核对")
        notes = ["Traditional characters converted for matching 已转换繁体字"] if traditional else []
        # character conversion first; Taiwan/Hong Kong vocabulary (雷射 → 激光) only if that finds nothing
        forms = list(dict.fromkeys([quote] + ([_fold(to_simplified(quote_raw))] if traditional else [])))
        for form in forms:
            exact = self._exact_matches(form, doc)
            if exact:
                clause, start, end = exact[0]
                also = [c.anchor for c, _, _ in exact[1:]]
                return self._found(self._verdict(clause, start, end, False), clause, start, end, 1.0, [], notes, also)
        candidates = self._candidates(quote, doc)
        for form in forms:
            for clause in candidates:
                span = self._lost_tolerant_match(form, clause)
                if span:
                    return self._found(Verdict.UNCONFIRMED, clause, span[0], span[1], 1.0, [], notes, [])
        ratio, clause, start, end = self._best_fuzzy(quote, candidates)
        if clause is None or ratio < ALTERED_MIN:
            return CheckResult(Verdict.NOT_FOUND, InputKind.QUOTE, None, None, None, round(ratio, 3), [], None, None,
                               notes + ["no passage of the corpus is close to this quote 语料中没有相近的段落"])
        start, end = _refine(quote, _fold_chars(clause.text), start, end)
        source = _fold_chars(clause.text)[start:end]
        opcodes = difflib.SequenceMatcher(None, quote, source, autojunk=False).get_opcodes()
        shared = sum(a1 - a0 for op, a0, a1, _, _ in opcodes if op == "equal") / len(quote)
        if shared < ALTERED_MIN:  # a short clause (a list item) inside a long quote: most of the quote is nowhere
            return CheckResult(Verdict.NOT_FOUND, InputKind.QUOTE, None, None, None, round(shared, 3), [], None, None,
                               notes + [f"the closest passage ({clause.anchor}) holds only {shared:.0%} of the quote "
                                        f"最接近的段落只包含引文的{shared:.0%}"])
        diff = []
        for op, a0, a1, b0, b1 in opcodes:
            if op != "equal":
                diff.append({"op": op, "quote": quote[a0:a1], "source": clause.text[start + b0 : start + b1],
                             "at": start + b0})
        unverifiable = [d for d in diff if d["source"] and set(d["source"]) == {LOST_CHAR}
                        and len(d["source"]) == len(d["quote"])]
        punctuation = [d for d in diff if _PUNCT.fullmatch(d["quote"] + d["source"])]
        if punctuation:
            notes.append("punctuation differs 标点不同: " + " ".join(f"{d['quote'] or '∅'}→{d['source'] or '∅'}"
                                                                   for d in punctuation))
        diff = [d for d in diff if d not in unverifiable and d not in punctuation]
        verdict = self._verdict(clause, start, end, bool(diff))
        return self._found(verdict, clause, start, end, round(ratio, 3), diff, notes, [])

    @cached_property
    def _english_quotes(self) -> EnglishQuotes:
        return EnglishQuotes(english_by_anchor(self.corpus.documents.values()))

    def _check_english(self, quote: str, doc: str | None) -> CheckResult:
        """An English quote, checked against the reference English the product shows beside each clause (the
        documents are Chinese): ``verbatim`` there or ``altered`` with the differing words, the clause's Chinese text
        in the note, since only it is the document's; ``not_found`` when no clause's English is close."""
        if len(re.findall(r"[A-Za-z]+", quote)) < ENGLISH_MIN_WORDS:
            raise QueryError(f"the quote is too short to check: paste at least {ENGLISH_MIN_WORDS} words "
                             f"引文过短，至少{ENGLISH_MIN_WORDS}个词")
        match = self._english_quotes.find(quote, doc, ALTERED_MIN)
        if match is None:
            return CheckResult(Verdict.NOT_FOUND, InputKind.QUOTE, notes=[
                "no passage of the reference English is close to this quote (the documents are Chinese; their English "
                "is this product's unofficial translation) 参考英译中没有相近的段落"])
        clause = self.corpus.lookup(match.anchor)
        punctuation = [d for d in match.diff if d["op"] == "punctuation"]
        diff = [d for d in match.diff if d["op"] != "punctuation"]
        notes = [f"found in the reference English of {match.anchor}, an unofficial translation; the document's text is "
                 f"the Chinese 见于参考英译（非官方译文，以中文原文为准）: 「{clause.text}」"]
        if punctuation:
            notes.append("punctuation differs 标点不同: " + " ".join(f"{d['quote'] or '∅'}→{d['source'] or '∅'}"
                                                                   for d in punctuation))
        if match.also:
            notes.append(f"the same English also in {', '.join(match.also)} 相同译文亦见于其他条款")
        zh, en = citation(self.corpus, match.anchor)
        return CheckResult(Verdict.ALTERED if diff else Verdict.VERBATIM, InputKind.QUOTE, match.anchor,
                           match.english, match.english[match.start:match.end], match.similarity, diff, zh, en, notes,
                           self._context(match.anchor), match.also, match.start, match.end)

    def _context(self, anchor: str) -> dict[str, str | None]:
        """The previous and next clause of the same document, for reading the citation in context."""
        doc = self.corpus.document(anchor.split(":", 1)[0])
        order = [c.anchor for c in doc.clauses]
        if anchor not in order:
            return {"previous": None, "next": None}
        i = order.index(anchor)
        return {"previous": order[i - 1] if i > 0 else None, "next": order[i + 1] if i + 1 < len(order) else None}


def _hidden_characters(text: str) -> dict[str, int]:
    """Control and format characters (bidirectional overrides, zero-width spaces …) but tab and line breaks, with
    their counts: invisible in a quote, so never part of what is checked."""
    found: dict[str, int] = {}
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\t\n\r":
            found[ch] = found.get(ch, 0) + 1
    return found


def _refine(quote: str, text: str, start: int, end: int, slack: int = 6) -> tuple[int, int]:
    """Tighten an aligned window to the source passage that actually matches the quote (first to last match)."""
    lo, hi = max(0, start - slack), min(len(text), end + slack)
    blocks = [b for b in difflib.SequenceMatcher(None, quote, text[lo:hi], autojunk=False).get_matching_blocks()
              if b.size]
    if not blocks:
        return start, end
    first, last = blocks[0], blocks[-1]
    new_start = lo + first.b - first.a  # extend over a differing start of the quote
    new_end = lo + last.b + last.size + (len(quote) - last.a - last.size)
    return max(lo, new_start), min(hi, new_end)


def _wildcard_find(text: str, quote: str) -> tuple[int, int] | None:
    """Find ``quote`` in ``text`` where 〓 in ``text`` matches any one character."""
    n = len(quote)
    for start in range(0, len(text) - n + 1):
        if all(t == q or t == LOST_CHAR for t, q in zip(text[start : start + n], quote)):
            return start, start + n
    return None
