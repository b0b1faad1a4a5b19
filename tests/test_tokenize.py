"""Golden tokenisation of the plan's vocabulary (jieba with the project's user dictionary)."""

from __future__ import annotations

import pytest

from retriever.analysis.fields import user_terms
from retriever.analysis.glossary import Glossary
from retriever.analysis.tokenize import Tokenizer, english_as_written, stem


@pytest.fixture(scope="module")
def tokenizer(corpus):
    return Tokenizer(user_terms(corpus, Glossary.load()))


def test_named_programmes_and_places_stay_whole(tokenizer):
    tokens = tokenizer.tokens("加快建设东湖科学城，突破卡脖子技术，壮大光芯屏端网产业")
    for term in ("东湖科学城", "卡脖子", "光芯屏端网"):
        assert term in tokens


def test_document_numbers_are_one_token_in_any_bracket_style(tokenizer):
    assert "鄂政发〔2021〕18号" in tokenizer.tokens("根据鄂政发〔2021〕18号文件")
    assert "鄂政发〔2021〕18号" in tokenizer.tokens("鄂政发[2021]18号")


def test_stopwords_and_punctuation_are_dropped(tokenizer):
    tokens = tokenizer.tokens("规划中关于人才的内容有哪些？")
    assert tokens == ["人才"]


def test_long_terms_keep_their_four_character_words(tokenizer):
    tokens = tokenizer.tokens("组织实施基础研究十年行动")
    assert "基础研究十年行动" in tokens and "基础研究" in tokens


def test_quote_marks_do_not_split_words(tokenizer):
    unquoted = tokenizer.tokens("秉持科技三命精神")
    assert "科技三命精神" in unquoted
    for quoted in ("秉持“科技三命”精神", "秉持「科技三命」精神", '秉持"科技三命"精神', "秉持‘科技三命’精神"):
        assert tokenizer.tokens(quoted) == unquoted


def test_the_user_dictionary_comes_from_the_plan(corpus):
    terms = user_terms(corpus, Glossary.load())
    assert "光通信" in terms and "激光" in terms  # from the lead phrase 光通信及激光
    assert len(terms) > 300


@pytest.mark.parametrize(("british", "american"), [
    ("licences", "license"), ("defence", "defense"), ("programmes", "program"), ("catalogue", "catalog"),
    ("analysed", "analyzed"), ("fulfilment", "fulfillment"), ("judgement", "judgment"), ("ageing", "aging"),
])
def test_british_spellings_meet_the_reference_englishs(british, american):
    assert stem(british) == stem(american)


def test_spelling_rules_leave_other_words_alone():
    for word in ("management", "sense", "licensing", "program", "analysis", "enrollment"):
        assert stem(word) == word


def test_a_refusal_names_each_missing_thing_once(tokenizer):
    """The search tokenizer cuts a phrase into overlapping words (市面上: 市面, 面上, 市面上); the words a refusal says
    the clause lacks keep the first (the rarest) of those that overlap in the question."""
    from retriever.answer.extractive import _apart

    question = "这种设计和市面上常见的产品差距多大"
    tokens = tokenizer.tokens(question)
    assert {"市面", "面上", "市面上"} <= set(tokens)
    kept = _apart(sorted(tokens, key=len, reverse=True), question)
    assert "市面上" in kept and "市面" not in kept and "面上" not in kept and "差距" in kept


def test_english_words_are_found_as_the_text_writes_them():
    # my own sentence: the stem (nowaday, license) is how the search reads a word, not what its writer wrote
    written = english_as_written("Nowadays, do Wuhan's labs need licences? Prototypes and 5G too.")
    assert written[stem("nowadays")] == "nowadays" and written[stem("licences")] == "licences"
    assert written["wuhan"] == "Wuhan" and written["5g"] == "5G"
    assert written[stem("prototypes")] == "prototypes"  # a capital that only starts a sentence is lowered


def test_the_dictionary_holds_words_not_the_taggers_guesses(tokenizer):
    # my own wording: jieba's tagger reads 没谈 (of 谈没谈过) as a word; its dictionary holds 外卖, not 没谈
    assert "没谈" in tokenizer.content_words("规划里谈没谈过让外卖小哥学技术")
    assert tokenizer.in_dictionary("外卖") and not tokenizer.in_dictionary("没谈")
