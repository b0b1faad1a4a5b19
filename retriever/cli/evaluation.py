"""``eval`` (retrieval, answer and citation-check figures into eval/report.md) and ``bench`` (timings, memory)."""

from __future__ import annotations

import argparse
from pathlib import Path

from retriever.cli.common import add_backend_args, backend_config, print_json, searcher_for
from retriever.config import DEFAULT_QUESTIONS, citations_for
from retriever.evaluation.answers import answer_metrics
from retriever.evaluation.calibration import calibration_section
from retriever.evaluation.report import write_report_section
from retriever.evaluation.retrieval import breakdown, evaluate, format_table, load_questions
from retriever.ingest.corpus import Corpus
from retriever.types import Backend

__all__ = ["register"]


def _eval(corpus: Corpus, args: argparse.Namespace) -> None:
    searcher = searcher_for(args, corpus)
    questions = load_questions(args.questions)
    outcome = evaluate(searcher, questions, scoped=not args.all_docs)
    table = format_table(outcome)
    print(table)
    if args.json:
        print_json(outcome)
    backend = backend_config(args).backend
    suffix = "" if backend is Backend.EMBEDDED else f"-{backend}"
    citations = args.citations or citations_for(args.questions)
    answers = _fitted_on_note(searcher, args.questions) + answer_metrics(searcher, questions, citations)
    print(answers)
    groups = breakdown(searcher, questions, scoped=not args.all_docs)
    print(groups)
    if args.no_report:
        return
    write_report_section(f"answers-{args.questions.stem}{suffix}", answers)  # every document, as `ask` answers
    if not args.all_docs and args.questions.stem == "questions" and backend is Backend.EMBEDDED:
        write_report_section("refusal-calibration", calibration_section(searcher, questions))
    scope = "the whole corpus" if args.all_docs else "each question's document"
    flags = (" --all-docs" if args.all_docs else "") + (f" --backend {backend}" if suffix else "")
    body = (f"## Retrieval ({args.questions.name}, {outcome['answerable']} answerable of "
            f"{outcome['questions']} questions, searching {scope}{', ' + backend + ' backend' if suffix else ''})"
            f"\n\nCommand: `python -m retriever eval --questions {args.questions.name}{flags}`\n\n"
            f"{_fitted_on_note(searcher, args.questions)}{table}\n\n"
            f"Hybrid mode by group (documents: what the gold clauses belong to):\n\n{groups}")
    write_report_section(f"eval-{args.questions.stem}{'-all' if args.all_docs else ''}{suffix}", body)


def _fitted_on_note(searcher, questions: Path) -> str:
    """A warning line when the shipped ranking model was fitted on these questions: the figures are in-sample."""
    model = getattr(searcher, "reranker", None)
    if model is None or questions.name not in model.info.get("files", []):
        return ""
    return (f"**In-sample**: the shipped ranking and answer models were fitted on {questions.name}; the honest "
            "figures are the out-of-fold ones of `python -m retriever fit` (§ ranking-model, § answer-model).\n\n")


def _bench(corpus: Corpus, args: argparse.Namespace) -> None:
    from retriever.evaluation.bench import run_bench

    run_bench(args)


def register(sub: argparse._SubParsersAction) -> None:
    evaluation = sub.add_parser("eval", help="retrieval metrics per language and mode; writes eval/report.md")
    evaluation.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    evaluation.add_argument("--all-docs", action="store_true", help="search the whole corpus, not the question's document")
    evaluation.add_argument("--citations", type=Path,
                            help="citation checks (default: the question set's own, dev-questions.jsonl → "
                                 "dev-citations.jsonl, when there is one; else eval/citations.jsonl)")
    evaluation.add_argument("--no-report", action="store_true", help="do not write eval/report.md")
    evaluation.add_argument("--json", action="store_true", help="also print metrics and misses as JSON")
    evaluation.add_argument("--index", type=Path)
    add_backend_args(evaluation)
    evaluation.set_defaults(func=_eval)

    bench = sub.add_parser("bench", help="build and query timings, memory; writes eval/report.md")
    bench.add_argument("--laws", type=Path, help="law collection for the scale part (default ../shared/corpora/lawrefbook)")
    bench.add_argument("--skip-laws", action="store_true", help="only the plan's figures")
    bench.add_argument("--sample", type=int, default=20_000, help="clauses to embed for the projection")
    bench.add_argument("--queries", type=int, default=200, help="timed queries per measurement")
    bench.add_argument("--no-report", action="store_true")
    bench.set_defaults(func=_bench)
