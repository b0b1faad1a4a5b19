"""The bilingual policy glossary: coverage of the plan and English query matching."""

from __future__ import annotations

from collections import Counter

from retriever.analysis.glossary import KINDS, Glossary


def test_glossary_size_kinds_and_uniqueness():
    glossary = Glossary.load()
    assert len(glossary.terms) >= 300
    assert len({t.zh for t in glossary.terms}) == len(glossary.terms)
    kinds = Counter(t.kind for t in glossary.terms)
    assert set(kinds) <= set(KINDS) and len(kinds) >= 5


def test_every_term_occurs_in_a_document_and_the_laws_bring_their_own(corpus, plan):
    text = "\n".join(c.text for c in corpus.clauses()) + "\n".join(h.text for d in corpus.documents.values()
                                                                   for h in d.headings)
    missing = [t.zh for t in Glossary.load().terms if t.zh not in text]
    assert missing == []
    law_terms = {t.zh for t in Glossary.load().terms if not t.first_use[0].startswith(plan.doc_id + ":")}
    assert {"专利权", "职务发明创造", "强制许可", "开放许可", "作价投资", "科学技术奖励"} <= law_terms
    assert len(law_terms) >= 60


def test_english_phrases_reach_chinese_terms():
    glossary = Glossary.load()
    zh = {t.zh for t, _ in glossary.match_english("How will Hubei tackle chokepoint technologies at East Lake Science City?")}
    assert {"卡脖子", "东湖科学城"} <= zh
    plural = {t.zh for t, _ in glossary.match_english("national laboratories")}
    assert "国家实验室" in plural
    assert glossary.unmatched_english("zebra national laboratory") == ["zebra"]


def test_each_term_records_its_first_use_in_the_first_document_that_uses_it(corpus):
    """The plan first, then the laws in corpus order."""
    from retriever.english.reference import first_uses

    glossary = Glossary.load()
    per_document = [first_uses(corpus, glossary, doc_id) for doc_id in corpus.documents]
    for term in glossary.terms:
        expected = next(found[term.zh] for found in per_document if found[term.zh])
        assert term.first_use == (expected,), term.zh
        assert corpus.lookup(term.first_use[0])  # a real anchor


def test_terms_occur_as_words_not_as_pieces_of_other_words():
    glossary = Glossary.load()
    assert "化工" not in {t.zh for t in glossary.occurrences("推广煤气化工艺")}
    assert "化工" in {t.zh for t in glossary.occurrences("发展化工产业")}
