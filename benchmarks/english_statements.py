"""English statements attributed to a place, as partners paste them to ``check``: each clause's reference English
after its place, as given and with one period or share changed.

``python benchmarks/english_statements.py``

For each clause of the corpus with reference English that states a period or a share (20 years, six months, 50%):
``Article 42 of the Patent Law provides that …`` (a law's clause, after its article) or ``Chapter 5 Section 1 of
the plan provides that …`` (the plan's). As given, the verdict should be ``resolved`` at the place; with its first
such figure changed (its value plus one), ``altered``. English cannot be compared with the Chinese word for word, so
only figures are; a clause whose English states a figure its Chinese does not give in the same unit is counted apart.
The changed figure is the next whole value the place (the article, for a law) does not give.
Figures are printed, never asserted.
"""

from __future__ import annotations

import re
import time
from collections import Counter

from text_to_num import alpha2digit

from retriever.answer.citation_check import CitationChecker
from retriever.answer.figures import chinese_figures, english_figures
from retriever.english.reference import english_by_anchor
from retriever.errors import QueryError
from retriever.ingest.corpus import Corpus
from retriever.types import Clause


def place(corpus: Corpus, clause: Clause) -> tuple[str, str] | None:
    """(kind, the clause's place in English) or None for the preface."""
    doc, rest = clause.anchor.split(":", 1)
    if (article := re.search(r"\.a(\d+)", rest)) is not None:
        meta = corpus.document(doc).meta
        return "law", f"Article {article[1]} of the {meta.title_en}"
    chapter, section = map(int, re.match(r"ch(\d+)\.s(\d+)", rest).groups())
    if chapter == 0:
        return None
    return "plan", f"Chapter {chapter}" + (f" Section {section}" if section else "") + " of the plan"


def changed(english: str, given: set[tuple[float, str]]) -> str | None:
    """``english`` with its first period or share (in digits once numbers in words are read) raised to the next
    whole value the place does not give in that unit (``given``: (value, unit) of the place's figures)."""
    first = english_figures(english)
    if not first:
        return None
    digits = alpha2digit(re.sub(r"-(?=(?:year|month|day)s?\b)", " ", english), "en", threshold=0)
    figure = first[0]
    value = figure.value + 1
    while (value, figure.unit) in given:
        value += 1
    return digits.replace(figure.written, figure.written.replace(f"{figure.value:g}", f"{value:g}", 1), 1)


def main() -> None:
    corpus = Corpus.load()
    checker = CitationChecker(corpus)
    english = english_by_anchor(corpus.documents.values())
    counts: Counter[str] = Counter()
    failures = []
    started = time.perf_counter()
    for clause in corpus.clauses():
        text_en, found = english.get(clause.anchor), place(corpus, clause)
        if not text_en or found is None or not english_figures(text_en):
            continue
        kind, where = found
        units = {f.unit for f in chinese_figures(clause.text)}
        values = {(f.value, f.unit) for f in chinese_figures(clause.text)}
        if not all((f.value, f.unit) in values for f in english_figures(text_en) if f.unit in units):
            counts[f"{kind} english differs"] += 1  # the reference English itself gives another figure
            failures.append(f"{clause.anchor}: its English states {[f.written for f in english_figures(text_en)]}")
            continue
        if not any(f.unit in units for f in english_figures(text_en)):
            counts[f"{kind} no comparable"] += 1
            continue
        statement = text_en[0].lower() + text_en[1:]
        try:
            as_given = checker.check(f"{where} provides that {statement}")
        except QueryError as err:
            counts[f"{kind} n"] += 1
            failures.append(f"{clause.anchor} as given: {err}")
            continue
        counts[f"{kind} n"] += 1
        at_place = as_given.anchor is not None and (clause.anchor + ".").startswith(as_given.anchor + ".")
        counts[f"{kind} resolved"] += as_given.verdict == "resolved" and at_place
        if as_given.verdict != "resolved" or not at_place:
            failures.append(f"{clause.anchor} as given: {as_given.verdict} {as_given.notes[-1][:120]}")
        given = {(f.value, f.unit) for a in corpus.children(as_given.anchor) or [as_given.anchor]
                 for f in chinese_figures(corpus.lookup(a).text)}
        if (wrong := changed(statement, given)) is not None:
            altered = checker.check(f"{where} provides that {wrong}")
            counts[f"{kind} changed n"] += 1
            counts[f"{kind} changed altered"] += altered.verdict == "altered"
            if altered.verdict != "altered":
                failures.append(f"{clause.anchor} changed: {altered.verdict} {altered.notes[1:]} ({wrong[:100]})")
    seconds = time.perf_counter() - started
    print("| clauses | as given: resolved | one figure changed: altered | English gives another figure | "
          "no figure of a unit the Chinese gives |")
    print("|---|---|---|---|---|")
    for kind in ("law", "plan"):
        print(f"| {kind} | {counts[f'{kind} resolved']}/{counts[f'{kind} n']} | "
              f"{counts[f'{kind} changed altered']}/{counts[f'{kind} changed n']} | "
              f"{counts[f'{kind} english differs']} | {counts[f'{kind} no comparable']} |")
    checks = sum(counts[k] for k in counts if k.endswith(" n"))
    print(f"\n{checks} checks in {seconds:.1f} s ({seconds / max(checks, 1) * 1000:.0f} ms each)")
    for line in failures:
        print("not as expected:", line)


if __name__ == "__main__":
    main()
