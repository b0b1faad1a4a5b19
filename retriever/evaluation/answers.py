"""Answer and citation-check figures: answered with a gold clause, refusals, citation precision, verbatim quotes,
citation-check verdicts and warm ``ask`` latency, as a Markdown table for eval/report.md."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from retriever.answer.citation_check import CitationChecker
from retriever.answer.extractive import Answerer, threshold_group
from retriever.errors import QueryError, UnknownAnchorError
from retriever.evaluation.retrieval import EvalQuestion
from retriever.search.protocol import Searcher
from retriever.types import Lang

__all__ = ["answer_metrics", "share"]


def _same_place(found: str | None, expected: str | None) -> bool:
    """The expected clause, or the article or section that holds it (a reference resolves to either)."""
    return expected is None or found == expected or (found is not None and expected.startswith(found + "."))


def share(values: list[bool]) -> str:
    return f"{sum(values) / len(values):.3f} ({sum(values)}/{len(values)})" if values else "-"


def answer_metrics(searcher: Searcher, questions: list[EvalQuestion], citations_path: Path) -> str:
    """Answers (answered with a gold clause, refusals, citation precision) and citation checks, as Markdown.

    Every question is asked of every document, as ``ask`` does by default."""
    corpus = searcher.corpus
    answerer = Answerer(searcher)
    groups: dict[str, list[bool]] = {}
    cited: dict[str, list[bool]] = {}
    verbatim: list[bool] = []
    times: list[float] = []
    failures: dict[str, list[str]] = {"unanswered or uncited": [], "answered although unanswerable": [],
                                      "citation checks wrong": []}
    for q in questions:
        start = time.perf_counter()
        answer = answerer.ask(q.question)
        times.append((time.perf_counter() - start) * 1000)
        group = threshold_group(Lang.from_str(q.lang))
        for s in answer.sentences:
            clause = corpus.clause(s.anchor)
            verbatim.append(clause.text[s.start : s.end] == s.text)
            cited.setdefault(group, []).append(s.anchor in q.gold)
        if q.answerable:
            ok = answer.answered and any(s.anchor in q.gold for s in answer.sentences)
            groups.setdefault(f"answerable-{group}", []).append(ok)
            if not ok:
                failures["unanswered or uncited"].append(q.id)
        else:
            groups.setdefault("unanswerable", []).append(not answer.answered)
            if answer.answered:
                failures["answered although unanswerable"].append(q.id)
    checker = CitationChecker(corpus)
    cases = [json.loads(line) for line in citations_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    correct = []
    for case in cases:
        try:
            result = checker.check(case["input"])
            right = result.verdict == case["verdict"] and _same_place(result.anchor, case.get("anchor"))
        except (QueryError, UnknownAnchorError):  # a reference the checker cannot place: a wrong verdict, no crash
            right = False
        correct.append(right)
        if not right:
            failures["citation checks wrong"].append(str(case.get("id", case["input"])))
    lines = [
        "## Answers and citation checks (`python -m retriever eval`)", "",
        "| measure | value |", "|---|---|",
        f"| answerable Chinese questions answered with a gold clause cited | {share(groups.get('answerable-zh', []))} |",
        f"| answerable English/mixed questions answered with a gold clause cited | {share(groups.get('answerable-en', []))} |",
        f"| unanswerable questions refused | {share(groups.get('unanswerable', []))} |",
        f"| answer citation precision (cited clause is a gold clause), Chinese | {share(cited.get('zh', []))} |",
        f"| answer citation precision, English/mixed | {share(cited.get('en', []))} |",
        f"| quoted sentences that are verbatim clause text | {share(verbatim)} |",
        f"| citation-check verdicts correct ({citations_path.name}) | {share(correct)} |",
        "| `ask` latency, warm, p50 / p95 | " + (f"{statistics.median(times):.0f} ms / "
                                               f"{sorted(times)[int(0.95 * len(times))]:.0f} ms |" if times else "- |"),
    ]
    lines += ["", *(f"{name.capitalize()} ({len(ids)}): {', '.join(ids) or 'none'}." for name, ids in failures.items())]
    return "\n".join(lines) + "\n"
