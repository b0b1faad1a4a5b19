"""The reference English translation of the plan: complete, aligned by anchor, honest about damage, glossary-true."""

from __future__ import annotations

import json
from collections import Counter

from conftest import CORPUS, PLAN_ID

from retriever.analysis.glossary import Glossary
from retriever.english.reference import ILLEGIBLE, check_rendering, load_translations, translatable_items

PATH = CORPUS / "hubei-sti-14fyp.en.jsonl"


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
