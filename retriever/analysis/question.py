"""What a question asks for, and whether a text carries that kind of answer.

General patterns of Chinese and English questions, never a list of particular questions' words:
- the *answer type*: a figure (多少, how many), a date (何时, when), a list (哪些, which … are), a name (叫什么,
  what is … called), or none of these;
- whether a text states a figure, a date, a list or a name.

The ranking uses the pair as features (a clause of the asked type is likelier the answer); the answerer refuses when
no quoted sentence carries the asked type (the figure of "how many" is not in a sentence about the topic).
"""

from __future__ import annotations

import re

from retriever.types import Choice

__all__ = ["AnswerType", "answer_type", "asks_for_figure", "states_figure", "states_date", "states_list",
           "states_name", "carries"]


class AnswerType(Choice):
    """What kind of answer a question wants."""

    FIGURE = "figure"
    DATE = "date"
    LIST = "list"
    NAME = "name"
    OTHER = "other"


_ASKS_FIGURE = re.compile(
    r"多少|(?<!哪)几[个项家所名位年成倍条种]|多大|多高|多长|多久|税率|费率|利率|比例是|比重是|金额|"
    r"\bhow (much|many|long|large|big|high)\b|\bwhat (share|percentage|proportion|rate|amount|number|level)\b|"
    r"\bin yuan\b|\bcost\b|\bbudget\b|\bprice\b",
    re.IGNORECASE,
)
_ASKS_DATE = re.compile(r"何时|什么时候|哪天|哪一天|哪年|哪一年|何年|日期|哪月|起施行|生效|\bwhen\b|\bwhat (date|year|day)\b|"
                        r"\bwhich (date|year|day)\b|\bby what year\b|\beffective\b", re.IGNORECASE)
_ASKS_LIST = re.compile(r"哪些|哪几|有什么|包括什么|包括哪|\bwhich\b.*\b(are|areas|fields|sectors|measures|ways)\b|"
                        r"\bwhat (are|other|kinds?|types?|areas|fields|measures|sectors)\b|\blist\b", re.IGNORECASE)
_ASKS_NAME = re.compile(r"叫什么|名称|名字|全称|哪个(实验室|中心|平台|机构|部门|单位|企业|公司)|哪家|"
                        r"\bwhat is (it|the \w+) (called|named)\b|\bname of\b|\bwhich (laboratory|lab|centre|center|"
                        r"platform|agency|department|company|institution|body)\b", re.IGNORECASE)

_FIGURE = re.compile(
    r"(?<![\d.])(?!(?:19|20)\d\d年)\d+(?:\.\d+)?"  # a number that is not a year such as 2025年
    r"|[一二两三四五六七八九十百千万亿]+(?:个|家|项|名|人|所|座|亿|万|倍|成|条|批|类|大|年|%|％)"
    r"|百分之[零一二两三四五六七八九十百]+"  # 百分之五十: a share written out
)
_DATE = re.compile(r"(?:19|20)\d\d年(?:\d{1,2}月(?:\d{1,2}日)?)?|[一二三四五六七八九〇零]{4}年|"
                   r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)"
                   r"\b|\b(?:19|20)\d\d\b")
_LIST = re.compile(r"、.*、|；.*；|;.*;|（[一二三]）|等[^，。]{0,4}[。，；]")
_NAME = re.compile(r"“[^”]{2,30}”|《[^》]{2,40}》|[\u4e00-\u9fff]{2,20}(实验室|中心|平台|研究院|公司|集团|大学|学院|基地|园区|示范区)")


def asks_for_figure(question: str) -> bool:
    """Whether the (normalised, Simplified) question asks for a number: an amount, a count, a rate, a duration."""
    return _ASKS_FIGURE.search(question) is not None


def answer_type(question: str) -> AnswerType:
    """The kind of answer a question wants (a figure first: "how many years" wants the figure, not a date)."""
    if asks_for_figure(question):
        return AnswerType.FIGURE
    if _ASKS_DATE.search(question):
        return AnswerType.DATE
    if _ASKS_NAME.search(question):
        return AnswerType.NAME
    if _ASKS_LIST.search(question):
        return AnswerType.LIST
    return AnswerType.OTHER


def states_figure(text: str) -> bool:
    """Whether a text states a figure (a number that is not a bare year, or a counted Chinese numeral)."""
    return _FIGURE.search(text) is not None


def states_date(text: str) -> bool:
    """Whether a text states a date or a year."""
    return _DATE.search(text) is not None


def states_list(text: str) -> bool:
    """Whether a text enumerates (several 、 or ；, numbered items, an 等-closed series)."""
    return _LIST.search(text) is not None


def states_name(text: str) -> bool:
    """Whether a text names something: a quoted or titled name, or a named laboratory, centre, company …"""
    return _NAME.search(text) is not None


def carries(kind: AnswerType, text: str) -> bool:
    """Whether ``text`` carries an answer of the asked kind (always, when the kind is OTHER)."""
    return {AnswerType.FIGURE: states_figure, AnswerType.DATE: states_date, AnswerType.LIST: states_list,
            AnswerType.NAME: states_name}.get(kind, lambda _: True)(text)
