"""English checked by ``check``, as partners paste it: statements after a place, and quotes of the reference English.

``python benchmarks/english_checks.py``

Statements: for each clause with reference English that states a period, a share, an amount in yuan, a calendar
year or a count (20 years, six months, 50%, 5 million yuan, by 2025, 10 laboratories),
``Article 42 of the Patent Law provides that …`` (a law's clause, after its article) or ``Chapter 5 Section 1 of the
plan provides that …`` (the plan's). As given, the verdict should be ``resolved`` at the place; with its first such
figure changed to the next whole value the place (the article, for a law) does not give, ``altered``. A clause whose
English states a figure its Chinese does not give in the same unit is counted apart.

Quotes: every clause's first reference English sentence (six words or more) as given should be ``verbatim`` at the
clause (or at a clause with the same English); with its longest word replaced, ``altered`` at the clause; an English
question of eval/questions.jsonl or eval/train-questions.jsonl (never the dev set) should be ``not_found``: it asks
about a clause but quotes none. Figures are printed, never asserted; failures are listed.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter

from retriever.answer.citation_check import ALTERED_MIN, CitationChecker
from retriever.answer.figures import (COUNT, chinese_figures, compare_figures, english_figures, in_digits,
                                      numbers_written)
from retriever.config import ROOT
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
    digits = in_digits(english)
    figure = first[0]
    value = figure.value + 1
    while (value, figure.unit) in given:
        value += 1
    def shown(number: float) -> str:  # as in_digits writes it: 56170000000, 2.5
        return f"{number:.0f}" if float(number).is_integer() else f"{number:g}"

    # the figure as a whole token: a count's "4" is not the 4 of "4th" before it
    return re.sub(rf"(?<!\w)(?<!\d\.){re.escape(figure.written)}(?!\w)(?!\.\d)",
                  figure.written.replace(shown(figure.value), shown(value), 1), digits, count=1)


def first_sentence(english: str) -> str:
    """The first sentence of a clause's English (up to its first full stop or semicolon), without it."""
    return re.split(r"(?<=[a-z0-9)])[.;](?:\s|$)", english, maxsplit=1)[0]


def one_word_changed(sentence: str) -> str:
    """``sentence`` with its longest word replaced by a word the corpus's English never uses."""
    longest = max(re.findall(r"[A-Za-z]+", sentence), key=len)
    return sentence.replace(longest, "zebra", 1)


def statements(corpus: Corpus, checker: CitationChecker, english: dict[str, str]) -> None:
    """English statements after their place: resolved as given, altered with a figure changed."""
    counts: Counter[str] = Counter()
    failures = []
    started = time.perf_counter()
    for clause in corpus.clauses():
        text_en, found = english.get(clause.anchor), place(corpus, clause)
        if not text_en or found is None or not english_figures(text_en):
            continue
        kind, where = found
        units = {f.unit for f in chinese_figures(clause.text)}
        if compare_figures(text_en, clause.text).differing:
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
        texts = [corpus.lookup(a).text for a in corpus.children(as_given.anchor) or [as_given.anchor]]
        given = ({(f.value, f.unit) for text in texts for f in chinese_figures(text)}
                 | {(v, COUNT) for text in texts for v in numbers_written(text)})  # any number written agrees
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



def quotes(corpus: Corpus, checker: CitationChecker, english: dict[str, str]) -> None:
    """English quotes: verbatim as given, altered with a word changed; English questions not found."""
    counts: Counter[str] = Counter()
    failures = []
    started = time.perf_counter()
    for anchor, text in english.items():
        sentence = first_sentence(text)
        if len(re.findall(r"[A-Za-z]+", sentence)) < 6:
            continue
        counts["clauses"] += 1
        given = checker.check(sentence)
        counts["verbatim"] += given.verdict == "verbatim" and anchor in (given.anchor, *given.also_found)
        if given.verdict != "verbatim":
            failures.append(f"{anchor} as given: {given.verdict} {given.anchor}")
        changed = checker.check(one_word_changed(sentence))
        counts["altered"] += changed.verdict == "altered" and changed.anchor == anchor
        if changed.verdict != "altered" or changed.anchor != anchor:
            failures.append(f"{anchor} changed: {changed.verdict} {changed.anchor} ({changed.similarity})")
    for name in ("questions.jsonl", "train-questions.jsonl"):
        for line in (ROOT / "eval" / name).read_text(encoding="utf-8").splitlines():
            question = json.loads(line)
            if question.get("lang") != "en":
                continue
            try:
                result = checker.check(question["question"])
            except QueryError:
                continue
            counts["questions"] += 1
            counts["questions not_found"] += result.verdict == "not_found"
            if result.verdict != "not_found":
                failures.append(f"question {question['id']}: {result.verdict} {result.anchor} ({result.similarity})")
    seconds = time.perf_counter() - started
    print("| reference English sentences: verbatim | one word changed: altered | English questions: not_found |")
    print("|---|---|---|")
    print(f"| {counts['verbatim']}/{counts['clauses']} | {counts['altered']}/{counts['clauses']} | "
          f"{counts['questions not_found']}/{counts['questions']} |")
    print(f"\naltered bar (ALTERED_MIN) {ALTERED_MIN}")
    checks = 2 * counts["clauses"] + counts["questions"]
    print(f"{checks} checks in {seconds:.1f} s ({seconds / max(checks, 1) * 1000:.0f} ms each)")
    for line in failures[:40]:
        print("not as expected:", line)
    if len(failures) > 40:
        print(f"… and {len(failures) - 40} more")


def main() -> None:
    corpus = Corpus.load()
    checker = CitationChecker(corpus)
    english = english_by_anchor(corpus.documents.values())
    statements(corpus, checker, english)
    print()
    quotes(corpus, checker, english)


if __name__ == "__main__":
    main()
