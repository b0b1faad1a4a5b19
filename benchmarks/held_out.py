"""Held-out figures: fit the ranking and answer models without a question set, then evaluate on that set.

``python benchmarks/held_out.py [--held-out PATH] [--train PATH ...] [--write-report]``

Out-of-fold figures keep a question's own group out of its model but not its writers' style; a set the models never
saw at all is the nearest thing to the hidden set the product is judged on. By default the dev set
(``../shared/eval/dev-questions.jsonl``, which this benchmark needs) is held out and the models are fitted on the
team's sets (``eval/questions.jsonl``, ``eval/train-questions.jsonl``). The fit and the evaluation run as the CLI
runs them (``python -m retriever fit`` / ``eval``), in subprocesses whose models and index live in a temporary folder
(``RETRIEVER_RANKER``, ``RETRIEVER_ANSWER_MODEL``, ``RETRIEVER_INDEX_DIR``); the known questions are the training
sets that lie in ``eval/`` (never the held-out set); the embeddings are reused from the
project's store, the shipped models are not touched. Figures are printed (and written to eval/report.md with
``--write-report``), never asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from retriever.config import DEFAULT_QUESTIONS, DEV_QUESTIONS, EVAL_DIR, ROOT, TRAIN_QUESTIONS, IndexConfig
from retriever.evaluation.report import write_report_section


def run(args: list[str], env: dict[str, str]) -> str:
    """A CLI command's standard output; its error output goes to ours (progress)."""
    done = subprocess.run([sys.executable, "-m", "retriever", *args], env=env, cwd=ROOT, text=True,
                          stdout=subprocess.PIPE, check=True)
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--held-out", type=Path, default=DEV_QUESTIONS)
    parser.add_argument("--train", type=Path, nargs="+", default=[DEFAULT_QUESTIONS, TRAIN_QUESTIONS])
    parser.add_argument("--write-report", action="store_true")
    args = parser.parse_args()
    if not args.held_out.exists():
        sys.exit(f"no held-out set at {args.held_out} (the dev set lies in ../shared/eval)")
    with tempfile.TemporaryDirectory(prefix="held-out-") as tmp:
        env = dict(os.environ, RETRIEVER_RANKER=f"{tmp}/ranker.json", RETRIEVER_ANSWER_MODEL=f"{tmp}/answer.json",
                   RETRIEVER_INDEX_DIR=f"{tmp}/hybrid", RETRIEVER_EMBED_STORE=str(IndexConfig().store_dir))
        started = time.perf_counter()
        known = [str(p) for p in args.train if p.resolve().parent == EVAL_DIR.resolve()]  # the team's own, as `fit`
        run(["fit", "--questions", *map(str, args.train), "--known", *known, "--no-report"], env)
        fitted = time.perf_counter() - started
        run(["index", "update"], env)  # the index records the ranking model it was built with
        output = run(["eval", "--questions", str(args.held_out), "--all-docs", "--no-report"], env)
    retrieval = [line for line in output.splitlines() if re.match(r"\| (\S+) \| hybrid \|", line)]
    groups = [line for line in output.splitlines() if line.startswith(("| language × documents", "| user:",
                                                                         "| question kind"))]
    misses = [line for line in output.splitlines() if line.startswith("Missed at 5")]
    start = output.index("| measure | value |")
    answers = output[start:].split("\n\n")[0]
    failures = [line for line in output[start:].splitlines() if line.startswith(("Unanswered", "Answered although"))]
    names = ", ".join(p.name for p in args.train)
    body = "\n".join([
        (f"## Held out (`python benchmarks/held_out.py`): models fitted on {names} only, evaluated on "
         f"{args.held_out.name}"), "",
        (f"The ranking and answer models never saw a question of {args.held_out.name} (fit {fitted:.0f} s); every "
         "document searched. This is the figure to compare with a hidden set written the same way."), "",
        "| language | mode | n | R@1 | R@5 | R@10 | MRR@10 | nDCG@10 |", "|---|---|---|---|---|---|---|---|",
        *retrieval, "", "| group | n | R@1 | R@5 |", "|---|---|---|---|", *groups, "", *misses, "",
        answers, "", *failures])
    print(body)
    if args.write_report:
        write_report_section("held-out", body)


if __name__ == "__main__":
    main()
