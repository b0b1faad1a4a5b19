"""Statements attributed to a place, as staff paste them to ``check``: every clause's first sentence after its place.

``python benchmarks/attributed_statements.py``

For each clause with a first sentence of six word characters or more and no lost character: ``《专利法》第四十二条规定：…``
(a law's clause, after its article) or ``规划第五章第一节规定：…`` (the plan's, after its section; a chapter's lead-in
after its chapter), and the sentence quoted with its place after it in brackets (``“…”（《专利法》第四十二条）``). The verdict should be ``verbatim`` (``unconfirmed`` where the sentence crosses inferred characters)
at the clause. The same sentence after the next article (the next chapter for the plan; the previous one for the last)
should be ``altered``: the place does not hold it. Figures are printed, never asserted.
"""

from __future__ import annotations

import re
import time
from collections import Counter

from retriever.answer.citation_check import CitationChecker
from retriever.errors import UnknownAnchorError
from retriever.ingest.corpus import Corpus
from retriever.ingest.text import int_to_cn
from retriever.types import Clause


def places(corpus: Corpus, clause: Clause) -> tuple[str, str, str] | None:
    """(kind, the clause's place, another place) as staff write them, or None for the preface."""
    doc, rest = clause.anchor.split(":", 1)
    if (article := re.search(r"\.a(\d+)", rest)) is not None:
        title, n = corpus.document(doc).meta.title, int(article[1])
        return "law", f"《{title}》第{int_to_cn(n)}条", f"《{title}》第{int_to_cn(n + 1)}条"
    chapter, section = map(int, re.match(r"ch(\d+)\.s(\d+)", rest).groups())
    if chapter == 0:
        return None
    last = max(int(re.match(r"ch(\d+)", c.anchor.split(":", 1)[1])[1]) for c in corpus.clauses(doc))
    other = chapter + 1 if chapter < last else chapter - 1
    place = f"规划第{int_to_cn(chapter)}章" + (f"第{int_to_cn(section)}节" if section else "")
    return "plan", place, f"规划第{int_to_cn(other)}章"


def main() -> None:
    corpus = Corpus.load()
    checker = CitationChecker(corpus)
    counts: Counter[str] = Counter()
    failures = []
    started = time.perf_counter()
    for clause in corpus.clauses():
        first = clause.sentences[0]
        sentence = clause.text[first.start:first.end].rstrip("。；;，,")
        found = places(corpus, clause)
        if found is None or len(re.findall(r"\w", sentence)) < 6 or "〓" in sentence:
            continue
        kind, place, other = found
        for form, text in (("before", f"{place}规定：{sentence}"), ("after", f"“{sentence}”（{place}）")):
            result = checker.check(text)
            right = result.verdict in ("verbatim", "unconfirmed") and clause.anchor in (result.anchor,
                                                                                     *result.also_found)
            counts[f"{kind} {form} right"] += right
            if not right:
                failures.append(f"{clause.anchor} ({form}): {result.verdict} {result.anchor}")
        counts[f"{kind} n"] += 1
        try:
            wrong = checker.check(f"{other}规定：{sentence}")
        except UnknownAnchorError:  # the last article has no next one
            continue
        counts[f"{kind} wrong n"] += 1
        counts[f"{kind} wrong altered"] += wrong.verdict == "altered"
        if wrong.verdict != "altered":
            failures.append(f"{clause.anchor} after {other}: {wrong.verdict}")
    seconds = time.perf_counter() - started
    print("| clauses | after their place: verbatim there | their place after them, in brackets | "
          "after another place: altered |")
    print("|---|---|---|---|")
    for kind in ("law", "plan"):
        n = counts[f"{kind} n"]
        print(f"| {kind} | {counts[f'{kind} before right']}/{n} | {counts[f'{kind} after right']}/{n} | "
              f"{counts[f'{kind} wrong altered']}/{counts[f'{kind} wrong n']} |")
    checks = sum(counts[k] for k in counts if k.endswith(" wrong n")) + 2 * sum(
        counts[k] for k in counts if k.endswith(" n") and not k.endswith(" wrong n"))
    print(f"\n{checks} checks in {seconds:.1f} s ({seconds / max(checks, 1) * 1000:.0f} ms each)")
    for line in failures:
        print("not as expected:", line)


if __name__ == "__main__":
    main()
