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
from dataclasses import dataclass
from functools import lru_cache

from retriever.types import Choice

__all__ = ["AnswerType", "FigureAsked", "answer_type", "asks_besides_figure", "asks_for_figure", "figure_asked",
           "states_figure", "states_date", "states_list", "states_name", "carries"]


class AnswerType(Choice):
    """What kind of answer a question wants."""

    FIGURE = "figure"
    DATE = "date"
    LIST = "list"
    NAME = "name"
    OTHER = "other"


_CLASSIFIERS = "家个项所名位条种座批人件类支处次届款台篇"  # counted things: 几家, 多少项
# 几 that asks nothing: 哪几 which, 这几/那几/近几/前几/头几 these, the last, the first few; 好几 several; 十几 a dozen or
# so; 第几 which (article): answered by the citation itself
_NOT_ASKING = "哪这那近前头好十第"
_MEASURE_NOUN = (r"(share|percentage|proportion|rate|ratio|amount|number|level|output|capacity|payload|value|volume|"
                 r"size|scale|total|sum|quota|fee|fine|penalty|allowance|salary|budget|cost|price)")
_NOT_AUXILIARY = r"(?!(?:will|would|can|could|should|must|shall|may|might|do|does|did|is|are|was|were|has|have|had|be)\b)"
_ASKS_FIGURE = re.compile(
    rf"多少|(?<![{_NOT_ASKING}])几[{_CLASSIFIERS}年成倍天日周]|多大|多高|多长|多久|税率|费率|利率|比例是|比重是|金额|"
    r"百分之几|\bhow (much|many|long|large|big|high)\b|"
    # "what (annual) output / payload / capacity …": a measure noun after what, at most four words between; "what is
    # the (yearly maintenance) fee": after "what is the", at most five; none of them an auxiliary ("what support will
    # raise the share" asks how). Widened from two and three: of the 1,002 questions of the four sets with English
    # words, two more are figure questions ("what reduced corporate income tax rate", "what's the 2025 target for the
    # number of …": training questions the documents do not answer, whose quoted clauses state no figure), no other.
    # A word between may be a possessive ("what is the plan's 2025 budget"): of the 2,195 questions, one more asks a
    # figure with it (another province's target number, unanswerable), no other
    rf"\bwhat (?:{_NOT_AUXILIARY}[\w'’-]+ ){{0,4}}?{_MEASURE_NOUN}\b|\bwhat(?:'s| is| are| was| were)(?: the| its)? "
    rf"(?:{_NOT_AUXILIARY}[\w'’-]+ ){{0,5}}?{_MEASURE_NOUN}s?\b|"
    # a budget, cost or price is asked for as a measure noun after "what (is the)" or by "how much"; named in passing
    # ("set their own budget", "low-cost kits") it asks no figure
    r"\bin (yuan|rmb|percent|petaflops|tons?|tonnes)\b",
    re.IGNORECASE,
)
# "when" asks for a time as a question word ("When will …", "and when does the clock start"), not as a conjunction:
# of the team's English questions with "when", 13 of 28 began a condition ("When a court cannot work out the
# losses, what …", "… when investigating", "when it comes to") and their answers state no date
_ASKS_DATE = re.compile(r"何时|什么时候|哪天|哪一天|哪年|哪一年|何年|日期|哪月|几月|几号|起施行|生效|"
                        r"\bwhen (?:will|is|are|was|were|does|do|did|can|could|should|must|shall|has|have|would)\b|"
                        r"\bwhen\s*\?|\bwhat (date|year|month|day)\b|\bwhich (date|year|month|day)\b|\bby what year\b|"
                        r"\beffective\b", re.IGNORECASE)
# 有什么 is a plain "what" (有什么安排, what arrangements): of the training questions it starts, 2 of 47 were written
# as list questions, against 106 of 158 for 哪些 and 40 of 49 for 哪几
_ASKS_LIST = re.compile(r"哪些|哪几|包括什么|包括哪|\bwhich\b.*\b(are|areas|fields|sectors|measures|ways)\b|"
                        r"\bwhat (are|other|kinds?|types?|areas|fields|measures|sectors|ways|forms|channels|routes)\b|"
                        r"\blist\b", re.IGNORECASE)
_ASKS_NAME = re.compile(r"叫什么|名称|名字|全称|哪个(实验室|中心|平台|机构|部门|单位|企业|公司|高校|大学)|哪家|哪所|"
                        r"\bwhat is (it|the \w+) (called|named)\b|\bname of\b|\bwhich (laboratory|lab|centre|center|"
                        r"platform|agency|department|authority|company|institution|organi[sz]ation|body|university|college)\b", re.IGNORECASE)
# a question for a university is answered by a university's name (大学, 学院), not by the laboratory it asks about
_ASKS_UNIVERSITY = re.compile(r"(?:哪所|哪个|哪家)(?:高校|大学|院校|学校)|\bwhich (?:university|college)\b",
                              re.IGNORECASE)
_UNIVERSITY = re.compile(r"[\u4e00-\u9fff]{2,12}?(?:大学|学院)")
# a question for a body (which agency, department) is answered by a body's name: 国务院专利行政部门, 省科技厅,
# 自然科学基金委员会, 人民法院; never by a laboratory's
_ASKS_BODY = re.compile(r"哪[个家所](?:机构|部门)|\bwhich (?:agency|department|body|authority)\b",
                        re.IGNORECASE)
# 局 and 署 end words that name no body: 全局, 格局, 布局, 大局, 结局; 部署 (deploy), 签署 (sign)
_BODIES = r"部门|机构|机关|委员会|厅|(?<![全格布大结开当胜出终])局|(?<![部签])署|政府|国务院|法院|协会|学会|办公室"
_BODY = re.compile(rf"[\u4e00-\u9fff]{{1,20}}?(?:{_BODIES})")
# a question for a unit (单位: which unit builds, hosts, undertakes it) is answered by an organisation's name: a body,
# a university, an institute or a company; never by the laboratory or centre it asks about, nor by other ones
_ASKS_UNIT = re.compile(r"哪[个家所一]?单位|\bwhich (?:organi[sz]ation|entity|institution)\b", re.IGNORECASE)
_ORGANISATION = re.compile(rf"[\u4e00-\u9fff]{{1,20}}?(?:{_BODIES}|大学|学院|研究院|研究所|科学院|公司|集团)")

_CN_NUMERAL = r"(?:[二两三四五六七八九十百千万亿〇零][一二两三四五六七八九十百千万亿〇零]*|一[十百千万亿][一二两三四五六七八九十百千万亿〇零]*)"
# a lone 一 is an article (一批 a batch, 一个 a, 一流 first-class), a figure only before a unit of time
_FIGURE = re.compile(
    r"(?<![\d.A-Za-z第])(?!(?:19|20)\d\d年)\d+(?:\.\d+)?(?![A-Za-z\d])"  # not a year, an ordinal, 5G or CO2
    rf"|(?<!第){_CN_NUMERAL}(?:个|家|项|名|人|所|座|亿|万|倍|成|条|批|类|大|年|%|％)"
    r"|一(?:年|个月|倍)"
    r"|百分之[零一二两三四五六七八九十百]+"  # 百分之五十: a share written out
    r"|倍增|翻[一两]?番|减半"  # doubling, halving: a figure in words
)
_DATE = re.compile(r"(?:19|20)\d\d年(?:\d{1,2}月(?:\d{1,2}日)?)?|[一二三四五六七八九〇零]{4}年|"
                   r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)"
                   r"\b|\b(?:19|20)\d\d\b"
                   r"|(?:之|申请|公告|公布|授权|届满)日(?:起|前|后|内)?|日起|起施行"  # a time fixed by an event: 自申请日起,
                   r"|当年|[之以]前")  # 被授予专利权的当年, 在被授予专利权之前
# a day of the year without its year (每年5月30日, 五月三十日) answers "which day", never "which year"
_DAY_OF_YEAR = re.compile(r"(?<!\d)\d{1,2}月\d{1,2}日|(?<![一二三四五六七八九十])[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日")
_ASKS_YEAR = re.compile(r"哪一?年|何年|\b(?:what|which) year\b", re.IGNORECASE)
# an enumeration: two 、 or ；, numbered items, an 等-closed series, "X、Y和Z", or a lead-in to items that follow (a
# law's "采用下列方式：" whose items are clauses of their own)
_LIST = re.compile(r"、.*、|；.*；|;.*;|（[一二三]）|等[^，。]{0,4}[。，；]|、[^，。；、]{1,30}(?:和|及|以及|与|或者)|下列|如下[:：]")
# a programme's or event's name ends in its kind (楚才兴鄂科创行动, 乡村振兴科技支撑工程, …技术成果交易会): the corpus's
# damaged quotes (组织实〓“…工程,) often lost the closing ” that would mark it
_NAME = re.compile(r"“[^”]{2,30}”|《[^》]{2,40}》|[\u4e00-\u9fff]{2,20}?(实验室|中心|平台|研究院|公司|集团|大学|学院|基地|园区|示范区|"
                   r"工程|行动|计划|专项|大会|交易会|示范线|联盟|论坛)")


# --- the unit a figure question wants ----------------------------------------------------------------------------
# "How many years" is answered by 二十年, not by 1005.3亿元: a figure question names the unit it wants, and a sentence
# that states a number in another unit does not answer it. General grammar of the two languages, tested on the
# team's own questions (tests/test_ranking.py).
_NUMBER_OF = rf"(?:(?<![\d.A-Za-z第])\d+(?:\.\d+)?|(?<!第){_CN_NUMERAL}|(?<![第\u4e00-\u9fff])一|几|数)(?:余|多)?"
_YEAR_AS_DATE = r"(?!(?:19|20)\d\d年)"
_MEASURES: tuple[tuple[str, re.Pattern, re.Pattern], ...] = (
    # (kind, how a question asks for it, how a text states it); the first whose question pattern matches wins
    ("share",
     re.compile(r"税率|费率|利率|比例|比重|占比|百分比|百分之几|强度|增长率|增速|[多少几]成|\bwhat (share|percentage|"
                r"proportion|rate|ratio|percent)\b|\bhow much of\b|\bintensity\b|\bper ?cent\b|\bgrowth rate\b",
                re.IGNORECASE),
     re.compile(r"[%％]|百分之|百分点|[一二两三四五六七八九十]成|倍|\bper ?cent\b")),
    # a duration asked in days, months or years is stated in that unit: "多少天内" is not answered by "三个月内" (of
    # the team's 38 questions asking a duration in one of these units, the 9 answerable ones' gold clauses all state
    # it; 23 of the 29 unanswerable ones' drafts quote a period in another unit or none)
    ("duration",
     re.compile(rf"(?:多少|(?<![{_NOT_ASKING}])几)(?:天|日)|\bhow many (?:\w+ )?days\b", re.IGNORECASE),
     re.compile(rf"{_NUMBER_OF}(?:个)?(?:日|天)")),
    ("duration",
     re.compile(rf"(?:多少|(?<![{_NOT_ASKING}])几)个?月|\bhow many months\b", re.IGNORECASE),
     re.compile(rf"{_NUMBER_OF}(?:个)?月")),
    ("duration",
     re.compile(rf"多少年(?!来)|(?<![{_NOT_ASKING}])几年|\bhow many years\b", re.IGNORECASE),
     re.compile(rf"{_YEAR_AS_DATE}{_NUMBER_OF}(?:个)?年")),
    # any other duration (多久, 期限, 多少年来, weeks, "how long"): the asks in days, months or years are read above
    ("duration",
     re.compile(rf"多久|多长时间|多少年|(?:多少|(?<![{_NOT_ASKING}])几)周|期限|有效期|\bhow long\b|"
                r"\bhow many weeks\b|\bwhat (term|period|duration)\b", re.IGNORECASE),
     re.compile(rf"{_YEAR_AS_DATE}{_NUMBER_OF}(?:个)?(?:年|月|日|天|周)")),
    ("money",
     re.compile(r"多少钱|(?:多少|几)(?:亿|万)?元|资金|经费|金额|预算|补助|补贴|资助|奖金|投资额|拨款|"
                r"\bhow much (money|funds?|budget|subsid\w*|investment|grants?|financing|capital)\b|"
                r"\bbudget\b|\bcost\b|\bprice\b|\bsubsid\w*\b|\bin (yuan|rmb)\b|\bfees?\b|\bfines?\b|"
                r"\ballowances?\b|\bsalar(y|ies)\b|\broyalt(y|ies)\b|费用|罚款|津贴|薪酬", re.IGNORECASE),
     re.compile(rf"{_NUMBER_OF}(?:万|亿|千)?(?:余|多)?元|[%％]|百分之|\byuan\b|\bRMB\b", re.IGNORECASE)),
)
_CLASSIFIER_ASKED = re.compile(rf"(?:多少|(?<![{_NOT_ASKING}])几)([{_CLASSIFIERS}])")
_ENUMERATED = "项类种"  # how many items, kinds, sorts: the quoted enumeration answers it, its items can be counted
_PEOPLE = "人名位"


# A bound asked in one direction (最高, 上限, at most …; 最低, 至少, at least …) is stated in that direction: "最高不超过
# 百分之几" is not answered by "不低于百分之五十". Of the team's figure questions asking one bound (train, own and probe
# sets), the 7 answerable ones' gold clauses state it in that direction; 32 are unanswerable.
_ASKS_MAXIMUM = re.compile(r"最高|上限|最多|封顶|不(?:能|得)?超过|\bat most\b|\bmaximum\b|\bcap\b|\bceiling\b|"
                           r"\bupper limit\b", re.IGNORECASE)
_ASKS_MINIMUM = re.compile(r"最低|下限|至少|不(?:能|得)?低于|不少于|\bat least\b|\bminimum\b|\bfloor\b|"
                           r"\blower limit\b", re.IGNORECASE)
_STATES_MAXIMUM = re.compile(r"不超过|不得超过|最高|以内|以下|上限|最多")
_STATES_MINIMUM = re.compile(r"不低于|不少于|至少|以上|最低|下限")


@dataclass(frozen=True)
class FigureAsked:
    """The unit a figure question wants: ``share``, ``duration``, ``money``, ``count`` (of a classifier) or ``any``."""

    kind: str
    stated: re.Pattern | None = None  # how a text states a figure in that unit; None: any figure will do
    bound: re.Pattern | None = None  # how a text states the bound asked (a maximum, a minimum); None: none asked


def _bound_asked(question: str) -> re.Pattern | None:
    """How a text states the one bound a question asks for (:data:`_ASKS_MAXIMUM`), or None (none, or both)."""
    maximum, minimum = _ASKS_MAXIMUM.search(question), _ASKS_MINIMUM.search(question)
    if bool(maximum) == bool(minimum):
        return None
    return _STATES_MAXIMUM if maximum else _STATES_MINIMUM


@lru_cache(maxsize=256)  # asked once per question, read for every candidate clause and again by the answerer
def figure_asked(question: str) -> FigureAsked | None:
    """The unit of the figure a (normalised, Simplified) question asks for, and the bound it asks for, or None when
    it asks for no figure."""
    if not asks_for_figure(question):
        return None
    bound = _bound_asked(question)
    for kind, asked, stated in _MEASURES:
        if asked.search(question):
            return FigureAsked(kind, stated, bound)
    if (m := _CLASSIFIER_ASKED.search(question)) is not None:
        asked = m.group(1)  # 个 is the general classifier: 几个 is answered by 5家 and 5家 by 5个
        units = _PEOPLE if asked in _PEOPLE else _CLASSIFIERS if asked == "个" else asked + "个"
        counted = rf"{_YEAR_AS_DATE}{_NUMBER_OF}(?:万|亿)?(?:余|多)?[{units}]"
        return FigureAsked("count", re.compile(counted + (f"|{_LIST.pattern}" if asked in _ENUMERATED else "")), bound)
    return FigureAsked("any", bound=bound)


# A question in parts ("应当委托什么机构，代理费多少？", "how many members, and which body appoints them?"): split at
# question marks, semicolons, commas and "and what/which/how …". A part asks something else than the figure when it
# holds a wh-word (什么, 哪, 怎么, what, which, how …) and neither asks for nor speaks of a number. Yes/no parts are not
# counted: "有没有具体数字？", "规划有规定吗？", "is there a cap?" re-ask for the figure (of the training questions asking
# for a figure in several parts, the unanswerable ones mostly did this; the answerable ones asked from when, where
# to, which items).
_PART_BREAK = re.compile(r"[？?；;，,]|\s(?=and\s+(?:what|which|how|who|when|where|why)\b)", re.IGNORECASE)
_ASKS_WH = re.compile(r"什么|哪|怎么|如何|怎样|为何|为什么|\b(?:what|which|how|who|why|where|when)\b", re.IGNORECASE)
_SPEAKS_OF_FIGURE = re.compile(r"数|上限|下限|封顶|具体|百分|比例|占比|金额|多少|几|"
                               r"\b(?:threshold|numbers?|figures?|limits?|caps?|amounts?|much|many)\b", re.IGNORECASE)


def asks_besides_figure(question: str) -> bool:
    """Whether a (normalised) question asking for a figure also asks, in another part, something that is no figure:
    the figure missing from the quote then leaves that part answered."""
    return any(_ASKS_WH.search(part) and not _SPEAKS_OF_FIGURE.search(part) and not asks_for_figure(part)
               for part in _PART_BREAK.split(question) if part and part.strip())


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


_TITLE = re.compile(r"《[^》]{0,60}》")
"""A document's title (《…第十四个五年规划和二〇三五年远景目标纲要》): the numbers and years in it name the document,
they state no figure or date."""


def _without_titles(text: str) -> str:
    """The text without the titles of the documents it names (:data:`_TITLE`)."""
    return _TITLE.sub("", text)


def states_figure(text: str, asked: FigureAsked | None = None) -> bool:
    """Whether a text states a figure (a number that is not a bare year, or a counted Chinese numeral), in the
    asked unit when one is given; never inside a document's title."""
    text = _without_titles(text)
    if asked is not None and asked.bound is not None and asked.bound.search(text) is None:
        return False
    if asked is not None and asked.stated is not None:
        return asked.stated.search(text) is not None
    return _FIGURE.search(text) is not None


def states_date(text: str, question: str = "") -> bool:
    """Whether a text states a date or a year; a day of the year (5月30日) counts unless the (normalised)
    ``question`` asks for a year; never inside a document's title."""
    text = _without_titles(text)
    if _DATE.search(text) is not None:
        return True
    return not _ASKS_YEAR.search(question) and _DAY_OF_YEAR.search(text) is not None


def states_list(text: str) -> bool:
    """Whether a text enumerates (several 、 or ；, numbered items, an 等-closed series)."""
    return _LIST.search(text) is not None


_ASKS_WHICH = re.compile(r"哪家|哪所|哪个|哪一|\bwhich\b", re.IGNORECASE)
_OWN_NAME_TAIL = 4
"""A name the text gives is the question's own when the question holds its last four characters (九峰山实验室 →
山实验室, 湖北省科技厅 → 省科技厅): the shortest tail that tells two names of one kind apart (光谷实验室,
九峰山实验室)."""


def states_name(text: str, question: str = "") -> bool:
    """Whether a text names something: a quoted or titled name, or a named laboratory, centre, company …; a
    university's name when the (normalised) ``question`` asks which university, a body's when it asks which body.
    For a "which" question the name must be another than those the question gives: "九峰山实验室依托哪家单位" is
    not answered by 九峰山实验室."""
    pattern = (_UNIVERSITY if _ASKS_UNIVERSITY.search(question) else _BODY if _ASKS_BODY.search(question)
               else _ORGANISATION if _ASKS_UNIT.search(question) else _NAME)
    names = (m.group() for m in pattern.finditer(text))
    if not _ASKS_WHICH.search(question):
        return next(names, None) is not None
    return any(name[-_OWN_NAME_TAIL:] not in question for name in names)


def carries(kind: AnswerType, text: str, question: str = "") -> bool:
    """Whether ``text`` carries an answer of the kind the (normalised) ``question`` asks for (always, when the kind
    is OTHER): a figure in the unit asked, a university's name when one is asked for."""
    if kind is AnswerType.FIGURE:
        return states_figure(text, figure_asked(question) if question else None)
    if kind is AnswerType.NAME:
        return states_name(text, question)
    if kind is AnswerType.DATE:
        return states_date(text, question)
    return kind is not AnswerType.LIST or states_list(text)
