"""Human references to a place in a document, as staff write them, resolved to anchors.

Chinese: ``专利法第二十四条第一款第（二）项``, ``科技进步法第九十一条``, ``第五章第一节第二段``, ``规划第五章第一节``,
``《湖北省科技创新“十四五”规划》第五章``, ``第五章 一、第2段``, ``序言``, ``专利法的第四十二条``.
English: ``Article 42 of the Patent Law``, ``Art. 42(1) Patent Law``, ``Patent Law, Article 42``, ``the Patent Law's
Article 42``, ``Chapter 9 Section 1 of the plan``, ``Ch. 5 §1 ¶2``, ``Preface``, numbers in words (``Article
Forty-Two``, ``the third paragraph``: text2num reads them), ``Article 42.1``.

A document is named by its title (with or without 中华人民共和国 / of the People's Republic of China, 科学技术 or 科技),
by a short title (the end of the title from a word on: 成果转化法 of 促进科技成果转化法) or by an alias in its
metadata (``aliases``: 科技进步法, Patent Law, the plan); none named, the default document. The edition or number the
product's own citations put after the title (``《中华人民共和国专利法》（2020年修正）第四十二条``, ``… (E Zheng Fa [2021] No.
18), Ch. 5 §1 ¶1``) is read too: a reference to another year's edition is to a text the corpus does not hold. A
reference to a whole article or section resolves to it (``zlf-2020:ch5.a42``), to a paragraph or item to that clause;
a range or list of places (``第四十二条至第四十四条``, ``Articles 42 and 45``) to each (:meth:`ReferenceParser.parse_series`).
The same parser reads the places a question cites (:meth:`ReferenceParser.cited_places`: 专利法第四十二条规定了什么),
which search puts first, a chapter named by its title after its document's name (``专利法总则``), and a statement
attributed to a place (:meth:`ReferenceParser.claim`: ``专利法第四十二条规定：发明专利权的期限为二十年``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property

from retriever.errors import QueryError
from retriever.ingest.corpus import Corpus
from retriever.ingest.document_names import QUOTE_MARKS, DocumentNames, without_spans
from retriever.ingest.text import cn_to_int, english_digits, int_to_cn

__all__ = ["Reference", "ReferenceParser", "owned_end"]

_NUM = r"[0-9一二三四五六七八九十百零〇两]+"
_ZH_PLACE = re.compile(
    rf"^(?:(?P<preface>序言)|第?(?P<ch>{_NUM})章)?"
    rf"(?:第?(?P<sec>{_NUM})(?:节|部分)|(?P<sec2>[一二三四五六七八九十]+)、|[（(](?P<sec3>[一二三四五六七八九十]+)[)）])?"
    rf"(?:第?(?P<art>{_NUM})条(?:之(?P<sub>{_NUM}))?)?(?:第?(?P<para>{_NUM})(?:自然段|段|款))?"
    rf"(?:第?[（(]?(?P<item>{_NUM})[)）]?项|[（(](?P<item3>{_NUM})[)）])?(?:第?(?P<sentence>{_NUM})句)?$"
)
"""A whole Chinese place; 第 may be left out, as staff often do (专利法42条2款, 规划5章1节), and an item written in
brackets alone (第二十四条（二）); a section of the plan also by its heading's number (一、, （一）) or as a part (部分); a
paragraph as 段, 自然段 or 款; a sentence of a paragraph last (第四十二条第一款第一句)."""
_NAME_WAS_HERE = re.compile(r"\s*[（(]\s*《?\s*》?\s*[）)]\s*")
"""The brackets left where a document's name stood after its place: 第四十二条（专利法）, Article 42 (Patent Law)."""
_ENCLOSED = re.compile(r"^[（(]\s*(?P<place>[^（()）]+?)\s*[）)]$")
"""A place in brackets after its document's name: 专利法（第四十二条）, the Patent Law (Article 42)."""
_EN_PLACE = re.compile(
    r"^(?:(?P<preface>preface)|(?:chapter|ch\.?)\s*(?P<ch>\d+|[ivxlc]+))?[,\s]*"
    r"(?:(?:section|sec\.?|§)\s*(?:(?P<ch2>\d+)\.(?P<sec4>\d+)(?:\.(?P<para4>\d+))?|(?P<sec>\d+|[ivx]+)))?[,\s]*"
    r"(?:(?:article|art\.?)\s*(?P<art>\d+)(?:\.(?P<para3>\d+))?)?[,\s]*"
    r"(?:(?:paragraph|para\.?|¶)\s*(?P<para>\d+)|\((?P<para2>\d+)\))?[,\s]*"
    r"(?:(?:item|subparagraph)\s*\(?(?P<item>\d+|[ivx]+)\)?|\((?P<item2>\d+|[ivx]+)\))?[,\s]*"
    r"(?:(?:sentence|sent\.?)\s*(?P<sentence>\d+))?$",
    re.IGNORECASE,
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10, "xi": 11,
          "xii": 12, "xiii": 13, "xiv": 14, "xv": 15, "xvi": 16}
_UNITS = ("preface", r"chapter|ch\.?", r"section|sec\.?|§", r"article|art\.?", r"paragraph|para\.?|¶",
          "item|subparagraph", r"sentence|sent\.?")
"""The units of an English place, outermost first."""
_EN_UNITS = tuple(re.compile(rf"^(?:{u})(?![A-Za-z])", re.IGNORECASE) for u in _UNITS)
_WORD = rf"(?!(?:of|in|the|{'|'.join(_UNITS)})(?![A-Za-z]))[A-Za-z][\w-]*"
_POSSESSOR = rf"(?:{_WORD}\s+){{0,2}}{_WORD}['\u2019]s"
"""Whose document a reference says it is, before the name (Hubei's S&T plan, China's Patent Law): not part of a place."""
_GLUE = re.compile(rf"^(?:(?:of|in)\s+)?(?:the\s+)?(?:{_POSSESSOR}\s*)?"
                   rf"|[,\s]+(?:of|in)(?:\s+the)?(?:\s+{_POSSESSOR})?\s*$|[,\s]+{_POSSESSOR}\s*$", re.IGNORECASE)
_OWNED = re.compile(r"^(?:['\u2019]s(?![A-Za-z])|\s*[》」]?\s*[的之](?=\s*第))")
"""The possessive right after a document's name (the Patent Law's Article 42, 专利法的第四十二条, 《专利法》之第四十二条):
the place that follows is the name's."""
_END_MARKS = re.compile(r"[\s。.,，;；:：]+$")
_FRAMING = re.compile(r"^(?:根据|依据|依照|按照|参照|参见|详见|见|according to|under|pursuant to|as per|see|cf\.?)\s+|"
                      r"^(?:根据|依据|依照|按照|参照|参见|详见|见)|(?:的|之)?规定$", re.IGNORECASE)
"""Words around a reference in a sentence (根据《专利法》第四十二条的规定, According to Article 42 of the Patent Law):
dropped when the text names a document, so that a law's own sentence (依照第十条规定) stays a quote."""
_QUALIFIER = re.compile(r"^[（(]\s*(?P<text>[^（()）]+?)\s*[）)]")
"""An edition or a document number in brackets right after a document's name: （2020年修正）, (E Zheng Fa [2021] No. 18)."""
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def owned_end(text: str, end: int) -> int:
    """Where a document's name ending at ``end`` ends with the possessive after it (the Patent Law's, 专利法的第…)."""
    return end + len(m.group()) if (m := _OWNED.match(text[end:])) else end


def _zh_place_in_text(ordinal: str) -> str:
    """A Chinese place inside a question, each part opened by ``ordinal`` (第, or 第? where it may be left out)."""
    return (rf"(?:{ordinal}{_NUM}章)?(?:{ordinal}{_NUM}节)?(?:{ordinal}{_NUM}条(?:之{_NUM})?)?"
            rf"(?:{ordinal}{_NUM}[款段])?(?:{ordinal}[（(]?{_NUM}[)）]?项)?")


_ZH_PLACE_IN_TEXT = re.compile(_zh_place_in_text("第"))
_ZH_PLACE_AFTER_NAME = re.compile(r"[》\s]*" + _zh_place_in_text("第?"))
"""A place right after a document's name in a question, 第 left out as in 专利法42条 (elsewhere 第 is required: 三条措施
names no article)."""
_EN_PLACE_IN_TEXT = re.compile(
    r"\b(?:(?:(?:item|paragraph|para\.?)\s*\d+,?\s+(?:of\s+)?)+(?:article|art\.?)\s*\d+"
    r"|(?:chapter|ch\.)\s*(?:\d+|[ivx]+)\b(?:[,\s]*(?:section|sec\.|§)\s*\d+)?"
    r"|(?:article|art\.?)\s*\d+(?:\(\d+\)){0,2}(?:,?\s*item\s*\(?\d+\)?)?)", re.IGNORECASE)
"""A place cited inside a question (专利法第四十二条规定了什么, What does Article 42(1) of the Patent Law say)."""
_SAYS = re.compile(
    r"(?:的)?(?:明确)?(?:规定|指出|提出|要求|载明|写明|写道|明确|称)\s*[：:，,]?\s*[“「『\"]?|\s*[：:，,]\s*[“「『\"]?"
    r"|\s+(?:provides|states|says|stipulates|requires|reads|specifies|sets out)(?:\s+that)?\s*[:,]?\s*[\"“]?",
    re.IGNORECASE)
"""What joins a reference to the statement it attributes to the place (专利法第四十二条规定：…, 根据规划第五章，…,
Article 42 of the Patent Law provides that …)."""
_STATEMENT_MIN = 4
"""Chinese characters, or English words, a statement needs: the quote checker's own minimum for Chinese (fewer match
anywhere); in English, fewer are a place's own words (``Article 42, third paragraph``), not a statement."""
_THE_LEFT_OUT = re.compile(r"^(?!the\b)|(?<=\bof )(?!the\b)|(?<=\bin )(?!the\b)", re.IGNORECASE)
"""Where a reference may leave out the "the" of a name (plan chapter 5, Chapter 5 of plan: the plan)."""
_EN_PARTS = re.compile(r"\s*,\s*|\s+(?:of|in)\s+(?:the\s+)?", re.IGNORECASE)


_ZH_UNIT = "[章节条款项段]"
_RANGE_MARKS = "至到～~—－–-"
"""What joins the two ends of a range: 第四十二条至第四十四条, 第42-44条, Articles 42–44."""
_ZH_JOIN = rf"[{_RANGE_MARKS}]|以及|[、和及与]"
"""What joins two numbers of a Chinese series: a range's mark, or a list's."""
_ZH_SERIES = re.compile(
    rf"^(?P<outer>.*?)(?P<series>(?:第?[（(]?{_NUM}[)）]?{_ZH_UNIT}?(?:{_ZH_JOIN}|[，,]))+"
    rf"第?[（(]?{_NUM}[)）]?(?P<unit>{_ZH_UNIT}))$")
"""A Chinese range or list of places of one unit, after the place that holds them: (第五章)第一节至第三节,
第四十二、四十三条, (第四十二条)第一款和第三款."""
_ZH_MEMBER = re.compile(rf"(?P<sep>{_ZH_JOIN}|[，,])?第?[（(]?(?P<n>{_NUM})[)）]?(?P<unit>{_ZH_UNIT})?")
_EN_SERIES = re.compile(
    r"(?<![A-Za-z])(?P<unit>articles?|arts?\.?|chapters?|chs?\.?|sections?|secs?\.?|§§?|paragraphs?|paras?\.?|items?)"
    rf"\s*(?P<series>\d+(?:\s*(?:[{_RANGE_MARKS}]|to|through|and|&|,\s*and|,)\s*\d+)+)(?![\d(])", re.IGNORECASE)
"""An English range or list of places of one unit: Articles 42-44, Articles 42 to 44, Arts. 42 and 45, Sections 1, 2
and 4 (of Chapter 5)."""


def _zh_series_in_text(ordinal: str) -> str:
    """A Chinese range or list of places inside a question, the place holding it first, each number opened by
    ``ordinal`` (第, or 第? where it may be left out) and the rest by 第? (第四十二条至四十四条)."""
    return (rf"{_zh_place_in_text(ordinal)}{ordinal}[（(]?{_NUM}[)）]?{_ZH_UNIT}?"
            rf"(?:(?:{_ZH_JOIN})第?[（(]?{_NUM}[)）]?{_ZH_UNIT}?)+(?<={_ZH_UNIT})")


_ZH_SERIES_IN_TEXT = re.compile(_zh_series_in_text("第"))
"""A range or list of places inside a question (专利法第四十二条至第四十四条规定了什么), the place holding it first."""
_ZH_SERIES_AFTER_NAME = re.compile(rf"[》\s]*(?P<series>{_zh_series_in_text('第?')})")
"""A range or list right after a document's name, 第 left out as in 专利法42至44条 (as :data:`_ZH_PLACE_AFTER_NAME`)."""
_JOINED = re.compile(
    r"\s+(?:and|&)\s+(?=(?:the\s+)?(?:articles?|arts?\b|chapters?|ch\b|sections?|§|paragraphs?|para))"
    r"|(?<=[条款项章节段》])\s*(?:以及|[、和及与；;])\s*", re.IGNORECASE)
"""What joins whole places in a list (第四十二条第一款和第四十三条, Article 42(1) and Article 43): a joiner after a
place's unit, or before one in English (not the 和 of 共和国, not the "and" of Science and Technology)."""
_EN_MEMBER = re.compile(rf"(?:(?P<sep>[{_RANGE_MARKS}]|to|through)|,?\s*(?:and|&)|,)?\s*(?P<n>\d+)", re.IGNORECASE)
"""One number of an English series, with what joins it to the one before (a range's end after -, to, through)."""
_EN_SINGULAR = {"a": "Article", "c": "Chapter", "s": "Section", "§": "Section", "p": "paragraph", "i": "item"}


def _whole_places(references: list[Reference | None]) -> bool:
    """Whether a list holds two places or more, each a chapter or an article of some document (or of the default)."""
    return len(references) >= 2 and all(r is not None and (r.article is not None or r.chapter is not None)
                                        for r in references)


def _counted_out(members: list[tuple[int, bool]]) -> list[int]:
    """The numbers of a series (number, whether a range's end), each range counted out; a QueryError for a range
    that runs backwards (第四十四条至第四十二条)."""
    numbers: list[int] = []
    for number, ends_range in members:
        if ends_range:
            if not numbers or number <= numbers[-1]:
                raise QueryError(f"a range must run upwards: {numbers[-1] if numbers else '?'} to {number} "
                                 f"范围须由小到大")
            numbers += range(numbers[-1] + 1, number + 1)
        else:
            numbers.append(number)
    return numbers


def _series_places(place: str) -> list[str] | None:
    """Each place of a range or list of places (:data:`_ZH_SERIES`, :data:`_EN_SERIES`) written alone, the place that
    holds them kept (第五章第一节至第三节 → 第五章第1节, 第五章第2节, 第五章第3节); None when ``place`` is no series."""
    compact = re.sub(r"\s+", "", place)
    if (m := _ZH_SERIES.match(compact)) is not None:
        members = list(_ZH_MEMBER.finditer(m["series"]))
        if any(x["unit"] not in (None, m["unit"]) for x in members):  # 第五章至第三节: no series
            return None
        numbers = _counted_out([(_number(x["n"]), x["sep"] is not None and x["sep"] in _RANGE_MARKS)
                                for x in members])
        return [f"{m['outer']}第{n}{m['unit']}" for n in numbers]
    english = _english_numbers(place)
    if (m := _EN_SERIES.search(english)) is None:
        return None
    numbers = _counted_out([(int(x["n"]), x["sep"] is not None) for x in _EN_MEMBER.finditer(m["series"])])
    unit = _EN_SINGULAR[m["unit"][0].lower()]
    return [f"{english[: m.start()]}{unit} {n}{english[m.end():]}" for n in numbers]


_ORDINAL_UNIT = re.compile(rf"\b(?:the\s+)?(?P<n>\d+)(?:st|nd|rd|th)\s+(?P<unit>{'|'.join(_UNITS[1:])})(?![A-Za-z])",
                           re.IGNORECASE)


def _english_numbers(place: str) -> str:
    """An English place with its numbers in words written in digits, an ordinal after its unit (Article Forty-Two,
    Chapter Five, the third paragraph → Article 42, Chapter 5, paragraph 3); text without Latin letters unchanged."""
    if not re.search(r"[A-Za-z]", place):
        return place
    return _ORDINAL_UNIT.sub(lambda m: f"{m['unit']} {m['n']}", english_digits(place))


def _outermost_first(place: str) -> str:
    """An English place written innermost first, as official translations do (Paragraph 1 of Article 42, Item 2,
    Paragraph 1, Article 24), put outermost first (Article 42 Paragraph 1); any other text is left as it is."""
    parts = [p for p in _EN_PARTS.split(place) if p]
    units = [next((i for i, unit in enumerate(_EN_UNITS) if unit.match(p)), None) for p in parts]
    if len(parts) < 2 or None in units or len(set(units)) < len(units):
        return place
    return " ".join(p for _, p in sorted(zip(units, parts)))


@dataclass(frozen=True)
class Reference:
    """A parsed reference: the document (None: the default one) and the numbered place in it."""

    doc: str | None
    preface: bool = False
    chapter: int | None = None
    section: int | None = None
    article: int | None = None
    sub: int | None = None  # 第X条之Y
    paragraph: int | None = None
    item: int | None = None
    other_edition: str | None = None  # the edition it names when the corpus holds another: 2008年修正
    bracketed: bool = False  # the paragraph written as (2), as English writes items too: Article 24(2)
    sentence: int | None = None  # a sentence of the paragraph (第一款第二句, sentence 2): its place is the paragraph's


def _folded_words(text: str) -> str:
    """Letters and digits only, case-folded: how an edition or a document number is compared."""
    return re.sub(r"[\W_]+", "", text).casefold()


def _number(value: str | None) -> int | None:
    """A written number (digits, Chinese numerals, Roman numerals), checked to be well-formed."""
    if value is None:
        return None
    if value.lower() in _ROMAN:
        return _ROMAN[value.lower()]
    try:
        number = cn_to_int(value)
    except ValueError:
        number = None
    if number is None or not _well_formed(number, value):
        raise QueryError(f"{value!r} is not a well-formed number 「{value}」不是规范的数字")
    return number


def _well_formed(number: int, written: str) -> bool:
    """Whether ``written`` is ``number`` written the usual way (digits, or a Chinese numeral: 第二三章 is not)."""
    if written.isdigit():
        return True
    try:
        canonical = int_to_cn(number)
    except ValueError:
        return False
    return written in (canonical, canonical.replace("二", "两"), "一" + canonical)


class ReferenceParser:
    """Parses references against the documents of a corpus."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.names = DocumentNames(corpus)

    def _split_name(self, text: str) -> tuple[str | None, str, str | None]:
        """(doc id, the rest of the text, the other edition it names) for the document named in ``text``, its own
        edition or number after the name dropped (:meth:`_qualifier`); (None, text, None) when none is named."""
        found = sorted(self.names.find(text), key=lambda name: name[1])
        if not found:
            return None, text, None
        # the name written first (a document number in brackets after a title, …规划（鄂政发〔2021〕18号）, qualifies
        # it), or the longest of the names overlapping it (the Patent Law of the People's Republic of China, not
        # "the Patent Law" in it)
        doc_id, start, end = max((name for name in found if name[1] < found[0][2]), key=lambda name: name[2] - name[1])
        after, other_edition = self._qualifier(doc_id, text[owned_end(text, end):].strip())
        before = "" if self.names.describes(doc_id, text[:start]) else text[:start]
        rest = _NAME_WAS_HERE.sub(" ", f"{before} {after}").strip()
        return doc_id, _GLUE.sub("", _GLUE.sub("", rest).strip()).strip(" ,"), other_edition

    def _qualifier(self, doc: str, rest: str) -> tuple[str, str | None]:
        """``rest`` (what follows the document's name) without the edition or document number in brackets that opens
        it, when it is the document's own (its metadata's, or naming only the years they name), and the bracketed
        text when it names another year (an edition the corpus does not hold); ``rest`` unchanged when no such
        bracket opens it."""
        m = _QUALIFIER.match(rest)
        if m is None:
            return rest, None
        meta = self.corpus.document(doc).meta
        own = [form for form in (meta.edition, meta.edition_en, meta.doc_number, meta.doc_number_en) if form]
        written, after = m["text"], rest[m.end():].strip(" ,")
        if _folded_words(written) in {_folded_words(form) for form in own}:
            return after, None
        years = set(_YEAR.findall(written))
        if not years:
            return rest, None
        return after, None if years <= set(_YEAR.findall(" ".join(own))) else written

    def names_only(self, text: str) -> str | None:
        """The document ``text`` names when it is nothing but a document's name (and its edition or number)."""
        doc, rest, _ = self._split_name(QUOTE_MARKS.sub("", text).strip())
        return doc if doc is not None and not rest.strip(" ,，") else None

    def parse(self, text: str) -> Reference | None:
        """The reference ``text`` makes, or None when it is not a reference (then it is a quote)."""
        cleaned, doc, rest, other_edition = self._named_place(text)
        return self._place(doc, rest, other_edition, cleaned)

    def parse_series(self, text: str) -> list[Reference] | None:
        """The places of a range or list of them (专利法第四十二条至第四十四条, 第四十二、四十三条, Articles 42-44 of the
        Patent Law, Articles 42 and 45), in the order written, a range counted out; None when ``text`` is no such
        series. A QueryError for a range that runs backwards."""
        _, doc, rest, other_edition = self._named_place(text)
        places = _series_places(rest)
        if places is None:  # whole places joined (第四十二条第一款和第四十三条, Article 42(1) and Article 43)
            places = [p for p in _JOINED.split(rest) if p.strip()]
        references = [self._place(doc, place, other_edition, place) for place in places]
        if not _whole_places(references):  # places of several documents (专利法第四十二条和科技进步法第九十一条)
            references = self._each_named(text)
        return references if _whole_places(references) else None  # type: ignore[return-value]

    def _each_named(self, text: str) -> list[Reference | None]:
        """The places of a list whose parts name their documents, a part naming none in the previous part's."""
        references: list[Reference | None] = []
        for part in (p for p in _JOINED.split(QUOTE_MARKS.sub("", text).strip()) if p.strip()):
            reference = self.parse(part)
            if reference is not None and reference.doc is None and references and references[-1] is not None:
                reference = replace(reference, doc=references[-1].doc, other_edition=references[-1].other_edition)
            references.append(reference)
        return references

    def _named_place(self, text: str) -> tuple[str, str | None, str, str | None]:
        """(the text without quote marks, the document it names, the place written after the name and the words
        around it, the other edition it names)."""
        cleaned = QUOTE_MARKS.sub("", text).strip()
        doc, rest, other_edition = self._split_name(_END_MARKS.sub("", cleaned))
        if doc is None and re.match(r"[A-Za-z]", cleaned):  # an alias written with "the" (the plan) without it
            with_the = self._split_name(_THE_LEFT_OUT.sub("the ", _END_MARKS.sub("", cleaned)))
            doc, rest, other_edition = with_the if with_the[0] is not None else (doc, rest, other_edition)
        if doc is not None:
            rest = _FRAMING.sub("", _END_MARKS.sub("", _FRAMING.sub("", rest))).strip()
        return cleaned, doc, _ENCLOSED.sub(r"\g<place>", rest), other_edition

    def _place(self, doc: str | None, rest: str, other_edition: str | None, cleaned: str) -> Reference | None:
        """The reference to the place ``rest`` of ``doc``; None when ``rest`` is no place."""
        compact = re.sub(r"\s+", "", rest)
        if doc is not None and (chapter := self._chapter_titled(doc, compact)) is not None:
            return Reference(doc, chapter=chapter, other_edition=other_edition)
        if not re.search(r"[章节段条款项序]|(?i:chapter|ch\.|§|¶|article|art\.|art\s*\d|preface|section)", cleaned):
            return None
        m = _ZH_PLACE.match(compact) if re.search(r"[章节段条款项序]", compact) else None
        if m is None:
            m = _EN_PLACE.match(_outermost_first(_english_numbers(rest.strip())))
        if m is None or not any(m.groupdict().values()):
            return None
        g = m.groupdict()
        section = g.get("sec") or g.get("sec2") or g.get("sec3") or g.get("sec4")
        paragraph = g.get("para") or g.get("para2") or g.get("para3") or g.get("para4")
        item = g.get("item") or g.get("item2") or g.get("item3")
        return Reference(doc, bool(g.get("preface")), _number(g.get("ch") or g.get("ch2")), _number(section),
                         _number(g.get("art")), _number(g.get("sub")), _number(paragraph), _number(item), other_edition,
                         bracketed=bool(g.get("para2")), sentence=_number(g.get("sentence")))

    @staticmethod
    def statements(text: str) -> list[tuple[str, str]]:
        """Every way to read ``text`` as a place and what it says there (place, statement): the place before it
        (专利法第四十二条规定：发明专利权的期限为二十年) or after it, in brackets or after a dash, as a quotation's
        source is written (“发明专利权的期限为二十年”（《专利法》第四十二条）, …——《专利法》第四十二条)."""
        found = [(text[: m.start()].strip(), text[m.end() :].strip()) for m in _SAYS.finditer(text)]
        stripped = _END_MARKS.sub("", text)
        if stripped.endswith(("）", ")")):
            found += [(stripped[m.end() : -1].strip(), stripped[: m.start()].strip())
                      for m in re.finditer(r"[（(]", stripped)]
        found += [(stripped[m.end() :].strip(), stripped[: m.start()].strip())
                  for m in re.finditer(r"\s*(?:——|—|--)\s*", stripped)]
        out = []
        for head, statement in found:
            statement = _END_MARKS.sub("", statement).strip("“”「」『』\"' ")
            if head and max(len(re.findall(r"[\u4e00-\u9fff]", statement)),
                            len(re.findall(r"[A-Za-z]+", statement))) >= _STATEMENT_MIN:
                out.append((head, statement))
        return out

    def claim(self, text: str) -> tuple[list[Reference], str, str] | None:
        """(the places, how they are written, the statement) when ``text`` attributes a statement to a place, or to a
        range or list of places (:meth:`parse_series`), of a document it names (专利法第四十二条规定：发明专利权的期限为
        二十年); None otherwise. The place must name its document: a law's own sentence (依照本法第十条规定，…) is no
        claim."""
        for head, statement in self.statements(text):
            try:
                single = self.parse(head)
                references = [single] if single is not None else self.parse_series(head)
            except QueryError:  # a malformed number, a backward range: not a place
                continue
            if references and references[0].doc is not None:
                return references, head, statement
        return None

    @cached_property
    def _chapter_titles(self) -> dict[str, dict[str, int]]:
        """Per document, each chapter's heading as staff name it (its title, or its number and title; spaces dropped:
        总则, 第一章总则) → the chapter's number."""
        out: dict[str, dict[str, int]] = {}
        for doc_id, document in self.corpus.documents.items():
            for h in document.headings:
                if h.level == "chapter" and (title := re.sub(r"\s+", "", h.title)):
                    out.setdefault(doc_id, {}).update({title: h.number, f"第{int_to_cn(h.number)}章{title}": h.number})
        return out

    def _chapter_titled(self, doc: str, compact: str) -> int | None:
        """The chapter of ``doc`` that ``compact`` (what follows the document's name) names by its title."""
        return self._chapter_titles.get(doc, {}).get(compact)

    def anchor(self, ref: Reference, default_doc: str | None) -> str:
        """The anchor a reference points at (which may not exist: the lookup then suggests the nearest)."""
        doc = ref.doc or default_doc
        if doc is None:
            raise QueryError("the reference names no document and none is marked primary: give the document "
                             "(--doc) 引用未指明文件，请指定文件")
        if ref.article is not None:
            if ref.doc is None and not self.has_articles(doc):
                raise QueryError(self._name_the_law(doc, ref))
            return self._article_anchor(doc, ref)
        chapter, section, paragraph = (0 if ref.preface else ref.chapter), ref.section, ref.paragraph
        if chapter is None and section is not None:
            raise QueryError(self._section_alone(doc, ref))
        if chapter is None:
            raise QueryError("a reference needs a chapter or an article 引用须包含章或条")
        if chapter == 0 and paragraph is None:  # the preface is one paragraph
            section, paragraph = 0, 1
        parts = [f"ch{chapter}"]
        if section is not None or paragraph is not None:
            parts.append(f"s{section or 0}")
        if paragraph is not None:
            parts.append(f"p{paragraph}")
        return f"{doc}:" + ".".join(parts)

    def cited_places(self, text: str) -> list[str]:
        """The anchors of the places a question cites: an article (条, Article) of the one law it names; a chapter or
        section (章, 节, Chapter) of the one document it names, or of the primary document when it names none. A place
        that does not exist, or an article whose law the question does not name, is left out."""
        return list(dict.fromkeys(anchor for anchor, _, _ in self._cited(_english_numbers(text))))

    def absent_places(self, text: str) -> list[str]:
        """The places a question cites, as it writes them, that its document does not have (专利法第二百条: the
        Patent Law has 82 articles); the same reading as :meth:`cited_places`."""
        text = _english_numbers(text)
        return list(dict.fromkeys(text[start:end].strip("》 ") for _, start, end in self._cited(text, absent=True)))

    def without_citations(self, text: str) -> str:
        """``text`` without the places it cites and the names of the documents they are in (what a question asks of a
        place once the place is found: 成果转化法第四十五条第一款第一项规定的奖励比例 → 规定的奖励比例); its English
        numbers in digits when it cites a place only in words (What does Article Forty-Two … say about twenty years)."""
        cited = self._cited(text)
        if not cited and (digits := _english_numbers(text)) != text and (cited := self._cited(digits)):
            text = digits
        if not cited:
            return text
        docs = {anchor.split(":", 1)[0] for anchor, _, _ in cited}
        spans = [(start, end) for _, start, end in cited]
        spans += [(start - text[:start].endswith("《"), owned_end(text, end))
                  for doc, start, end in self.names.find(text) if doc in docs]
        return without_spans(text, spans)

    def _cited(self, text: str, absent: bool = False) -> list[tuple[str, int, int]]:
        """(anchor, start, end) of each place ``text`` cites (:meth:`cited_places`); each place of a range or list
        (第四十二条至第四十四条, Articles 42 to 44) with the whole series' span. ``absent``: instead the places it cites
        that the document it names does not have."""
        named = self.names.named_in(text)
        matches = [m for m in _ZH_PLACE_IN_TEXT.finditer(text) if m.group()]
        after_names = [m for _, _, end in self.names.find(text)
                       if (m := _ZH_PLACE_AFTER_NAME.match(text, end)).group().strip("》 ")]
        matches = [m for m in matches if not any(a.start() <= m.start() and m.end() <= a.end() for a in after_names)]
        matches += after_names
        matches += list(_EN_PLACE_IN_TEXT.finditer(text))
        series = [(m.group(), m.start(), m.end()) for m in (*_ZH_SERIES_IN_TEXT.finditer(text),
                                                              *_EN_SERIES.finditer(text))]
        series += [(m.group("series"), m.start(), m.end()) for _, _, end in self.names.find(text)
                   if (m := _ZH_SERIES_AFTER_NAME.match(text, end))]
        places = [(m.group(), m.start(), m.end()) for m in matches
                  if not any(start <= m.start() < end for _, start, end in series)]
        for written, start, end in series:
            try:
                places += [(place, start, end) for place in _series_places(written) or []]
            except QueryError:  # a range that runs backwards: no place
                continue
        out = []
        for written, start, end in sorted(places, key=lambda p: p[1]):
            try:
                ref = self.parse(written)
            except QueryError:  # a malformed number (第二三章): no place
                continue
            if ref is None or (ref.article is None and ref.chapter is None):  # 第一节课, 第二段: of what?
                continue
            if ref.article is not None:
                laws = [d for d in named if self.has_articles(d)]
                doc = laws[0] if len(laws) == 1 else None
            else:
                doc = next(iter(named)) if len(named) == 1 else None if named else self.corpus.primary_id
            if doc is None:
                continue
            try:
                anchor = self.anchor(ref, doc)
            except QueryError:  # a place that cannot be: no place
                continue
            if self.corpus.has_anchor(anchor) is not absent:
                out.append((anchor, start, end))
        return out

    def has_articles(self, doc: str) -> bool:
        """Whether the document is divided into articles (a law)."""
        return doc in self._with_articles

    @cached_property
    def _with_articles(self) -> frozenset[str]:
        """The documents divided into articles (laws), found once."""
        return frozenset(d for d, document in self.corpus.documents.items()
                         if any(".a" in c.anchor for c in document.clauses))

    def _name_the_law(self, doc: str, ref: Reference) -> str:
        """The message for an article cited without its law when the default document (the plan) has none: which
        documents have an article of that number, by anchor."""
        places = [f"{anchor} 《{self.corpus.document(other).meta.title}》" for other in self.corpus.documents
                  if other != doc and self.has_articles(other)
                  and self.corpus.has_anchor(anchor := self._article_anchor(other, ref))]
        title = self.corpus.document(doc).meta.title
        found = (f"; the laws here with this place 含此条的法律: {', '.join(places)}" if places
                 else "; no law here has this article 语料中的法律都没有此条")
        return (f"the reference names no law, and 《{title}》 has no articles: name the law (专利法第四十二条, "
                f"Article 42 of the Patent Law){found} 引用未指明法律，而《{title}》不分条：请写明法律名称")

    def _section_alone(self, doc: str, ref: Reference) -> str:
        """The message for a section cited without its chapter (Section 42 of the Patent Law, 规划第一节): a law is
        numbered by article, so the article of that number is named when there is one; a plan's section needs its
        chapter."""
        title = self.corpus.document(doc).meta.title
        if not self.has_articles(doc):
            return (f"a section of 《{title}》 needs its chapter (Chapter 5 Section 1, 第五章第一节) "
                    f"节须注明所属章（如第五章第一节）")
        article = replace(ref, article=ref.section, section=None)
        anchor = self._article_anchor(doc, article)
        meant = f": Article {ref.section} is {anchor}" if self.corpus.has_anchor(anchor) else ""
        return (f"《{title}》 is numbered by article (条), not by section{meant} "
                f"该法按条编排，不按节引用{f'：第{int_to_cn(ref.section)}条为 {anchor}' if meant else ''}")

    def _article_anchor(self, doc: str, ref: Reference) -> str:
        number = f"{ref.article}-{ref.sub}" if ref.sub else str(ref.article)
        clauses = [c.anchor for c in self.corpus.document(doc).clauses if f".a{number}.p" in c.anchor]
        article = clauses[0].split(f".a{number}.p")[0] + f".a{number}" if clauses else None
        if article is None:
            return f"{doc}:a{number}"  # does not exist: the lookup suggests the nearest anchors
        if ref.paragraph is None and ref.item is None:
            return article
        if ref.item is None:
            paragraphs = {a.split(".p")[-1].split(".")[0] for a in clauses}
            as_item = f"{article}.p1.i{ref.paragraph}"
            if ref.bracketed and paragraphs == {"1"} and ref.paragraph != 1 and as_item in clauses:
                # an article of one paragraph has no (2) but its item 2: Article 24(2) of a list article
                return as_item
            return f"{article}.p{ref.paragraph}"
        if ref.paragraph is not None:
            return f"{article}.p{ref.paragraph}.i{ref.item}"
        return next((a for a in clauses if a.startswith(article + ".p") and a.endswith(f".i{ref.item}")),
                    f"{article}.p1.i{ref.item}")
