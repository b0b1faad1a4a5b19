"""The reference English translation of the plan: complete, aligned by anchor, honest about damage, glossary-true."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from conftest import CORPUS, PLAN_ID

from retriever.analysis.glossary import Glossary
from retriever.english.consistency import check_consistency
from retriever.english.reference import ILLEGIBLE, check_rendering, load_translations, translatable_items

PATH = CORPUS / "hubei-sti-14fyp.en.jsonl"
ALLOW = CORPUS / "english-consistency-allow.jsonl"


def test_every_clause_heading_and_front_or_back_item_has_exactly_one_rendering(corpus):
    anchors = [json.loads(line)["anchor"] for line in PATH.read_text(encoding="utf-8").splitlines() if line.strip()]
    duplicates = [a for a, n in Counter(anchors).items() if n > 1]
    assert duplicates == []
    needed = {item.anchor for item in translatable_items(corpus, PLAN_ID)}
    assert len(needed) == 202 + 85 + 3 + 1 + 4  # clauses, headings, notice paragraphs, title, annex titles
    assert set(anchors) == needed  # nothing missing, and every anchor exists
    for anchor in anchors:
        corpus.lookup(anchor)


def test_renderings_mark_losses_and_inferences_and_use_the_glossary(corpus):
    glossary = Glossary.load()
    reference = load_translations(corpus)[PLAN_ID]
    problems = []
    for item in translatable_items(corpus, PLAN_ID):
        problems += check_rendering(item, reference.get(item.anchor).en, glossary)
    assert problems == []


def test_a_damaged_clause_reads_illegible_and_never_guesses(corpus):
    reference = load_translations(corpus)[PLAN_ID]
    clause = corpus.clause(f"{PLAN_ID}:ch1.s1.p4")
    en = reference.get(clause.anchor).en
    assert en.count(ILLEGIBLE) == sum(1 for m in clause.marks if m.kind.value == "lost")
    assert "10404" not in en and "10,404" not in en  # the lost leading digit is not guessed
    assert "⟨" in en  # 十二五 (inferred 五) is marked


LAWS = {"zlf-2020": (171, 8), "cgzhf-2015": (96, 6), "kjjbf-2021": (233, 12)}  # clauses (款 and 项), chapters


@pytest.mark.parametrize("doc_id", sorted(LAWS))
def test_every_law_clause_and_chapter_has_exactly_one_reference_rendering(corpus, doc_id):
    clauses, chapters = LAWS[doc_id]
    items = translatable_items(corpus, doc_id)
    assert len(items) == clauses + chapters
    reference = load_translations(corpus)[doc_id]
    assert set(reference.renderings) == {item.anchor for item in items}  # nothing missing, no anchor invented
    path = CORPUS / "laws" / corpus.document(doc_id).meta.translation_en
    anchors = [json.loads(line)["anchor"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(anchors) == len(set(anchors)) == len(items)


@pytest.mark.parametrize("doc_id", sorted(LAWS))
def test_law_renderings_use_the_glossary_in_the_register_of_laws(corpus, doc_id):
    glossary = Glossary.load()
    reference = load_translations(corpus)[doc_id]
    problems = []
    for item in translatable_items(corpus, doc_id):
        problems += check_rendering(item, reference.get(item.anchor).en, glossary)
    assert problems == []
    chapter = reference.get(f"{doc_id}:ch1").en
    assert chapter == "Chapter I General Provisions"  # the official versions' Roman chapter numbers
    assert not any("Article" in reference.get(i.anchor).en.split(" ", 1)[0] for i in translatable_items(corpus, doc_id))


def test_the_patent_term_reads_as_the_official_version_does(corpus):
    en = load_translations(corpus)["zlf-2020"].get("zlf-2020:ch5.a42.p1").en
    assert "twenty years" in en and "ten years" in en and "fifteen years" in en and "from the filing date" in en
    # 期限 of a patent right is its "term", as in the official version and in this law's "patent term compensation"
    assert en.startswith("The term of invention patent rights")
    ends = [load_translations(corpus)["zlf-2020"].get(f"zlf-2020:ch5.a44.p{n}").en for n in (1, 2)]
    assert all("expiration of its term" in e for e in ends)


def test_the_same_chinese_has_the_same_english_everywhere(corpus):
    """Clauses, sentences and repeated phrases of 8+ characters, per document; the allow-list says why not."""
    allowed = [json.loads(line) for line in ALLOW.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert all(entry["why"].strip() for entry in allowed)
    translations = load_translations(corpus)
    for doc_id, reference in translations.items():
        english = {anchor: r.en for anchor, r in reference.renderings.items()}
        findings = check_consistency(translatable_items(corpus, doc_id), english, (e["zh"] for e in allowed))
        assert [str(f) for f in findings] == [], doc_id


def test_the_consistency_check_finds_a_phrase_rendered_two_ways(corpus):
    reference = load_translations(corpus)["hb-sti-14fyp"]
    english = {anchor: r.en for anchor, r in reference.renderings.items()}
    phrase = "关键核心技术攻关"
    anchors = [i.anchor for i in translatable_items(corpus, "hb-sti-14fyp") if phrase in i.zh]
    assert len(anchors) > 1
    english[anchors[0]] = "Tackle the hardest problems of the most important technologies."
    findings = check_consistency(translatable_items(corpus, "hb-sti-14fyp"), english)
    assert any(f.kind == "phrase" and phrase in f.zh and anchors[0] in f.anchors for f in findings)


def test_a_clause_whose_translation_split_a_sentence_aligns_sentence_by_sentence_by_length(corpus):
    from retriever.english.reference import english_by_anchor, english_sentences

    clause = corpus.clause(f"{PLAN_ID}:ch12.s1.p1")  # seven Chinese sentences, eight English: the first split in two
    text_en = english_by_anchor([corpus.documents[PLAN_ID]])[clause.anchor]
    lengths = [s.end - s.start for s in clause.sentences]
    aligned = english_sentences(text_en, lengths)
    assert len(aligned) == len(lengths) and " ".join(aligned) == " ".join(text_en.split())
    assert aligned[0].startswith("Compile a list") and aligned[0].endswith("pioneering original achievements.")
    assert aligned[2] == "Facilitate visas and residence for overseas high-caliber talent."  # 签证居留便利化
    # lengths no grouping can match (a short sentence against the longest English ones): not trusted
    assert english_sentences(text_en, [1000, 1, 1, 1, 1, 1, 1]) is None
