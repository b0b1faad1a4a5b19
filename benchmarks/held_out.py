"""Held-out figures: fit the ranking and answer models without a question set, then evaluate on that set.

``python benchmarks/held_out.py [--held-out PATH] [--train PATH ...] [--seeds N ...] [--write-report]``

Out-of-fold figures keep a question's own group out of its model but not its writers' style; a set the models never
saw at all is the nearest thing to the hidden set the product is judged on. By default the dev set
(``../shared/eval/dev-questions.jsonl``, which this benchmark needs) is held out and the models are fitted on the
team's sets (``eval/questions.jsonl``, ``eval/train-questions.jsonl``, ``eval/probe-questions.jsonl``). The fit and
the evaluation run as the CLI runs them (``python -m retriever fit`` / ``eval``), in subprocesses whose models and
index live in a temporary folder (``RETRIEVER_RANKER``, ``RETRIEVER_ANSWER_MODEL``, ``RETRIEVER_INDEX_DIR``); the
known questions are the training sets that lie in ``eval/`` (never the held-out set); the embeddings are reused from
the project's store, the shipped models are not touched. ``--seeds 0 5`` fits once per first seed of the boosters
and adds a table of each figure's spread: the part of a difference that is chance. Figures are printed (and written
to eval/report.md with ``--write-report``), never asserted.
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

from retriever.config import (DEFAULT_QUESTIONS, DEV_QUESTIONS, EVAL_DIR, PROBE_QUESTIONS, ROOT, TRAIN_QUESTIONS,
                              IndexConfig)
from retriever.evaluation.report import write_report_section


def run(args: list[str], env: dict[str, str]) -> str:
    """A CLI command's standard output; its error output goes to ours (progress)."""
    done = subprocess.run([sys.executable, "-m", "retriever", *args], env=env, cwd=ROOT, text=True,
                          stdout=subprocess.PIPE, check=True)
    return done.stdout


def held_out_run(held_out: Path, train: list[Path], seed: int) -> tuple[str, float]:
    """Fit on ``train`` with boosters seeded from ``seed``, evaluate on ``held_out``: eval's output, fit seconds."""
    with tempfile.TemporaryDirectory(prefix="held-out-") as tmp:
        env = dict(os.environ, RETRIEVER_RANKER=f"{tmp}/ranker.json", RETRIEVER_ANSWER_MODEL=f"{tmp}/answer.json",
                   RETRIEVER_INDEX_DIR=f"{tmp}/hybrid", RETRIEVER_EMBED_STORE=str(IndexConfig().store_dir))
        started = time.perf_counter()
        known = [str(p) for p in train if p.resolve().parent == EVAL_DIR.resolve()]  # the team's own, as `fit`
        run(["fit", "--questions", *map(str, train), "--known", *known, "--seed", str(seed), "--no-report"], env)
        fitted = time.perf_counter() - started
        run(["index", "update"], env)  # the index records the ranking model it was built with
        return run(["eval", "--questions", str(held_out), "--all-docs", "--no-report"], env), fitted


_RETRIEVAL = re.compile(r"\| (\S+) \| hybrid \| \d+ \| ([\d.]+) \| ([\d.]+) \|")
_GROUP = re.compile(r"\| language × documents: (.+?) \| \d+ \| ([\d.]+) \| ([\d.]+) \|")
_MEASURE = re.compile(r"\| ((?:answerable|unanswerable|answer citation).+?) \| ([\d.]+)(?: \(([\d/]+)\))? \|")


def key_figures(output: str) -> dict[str, tuple[float, str]]:
    """The figures a change is judged by, from eval's output: R@1 and R@5 per language and per language and
    document kind, the answer and refusal shares (value, and the count behind it where there is one)."""
    found: dict[str, tuple[float, str]] = {}
    for lang, at1, at5 in _RETRIEVAL.findall(output):
        found[f"R@1 {lang}"], found[f"R@5 {lang}"] = (float(at1), at1), (float(at5), at5)
    for group, _, at5 in _GROUP.findall(output):
        found[f"R@5 {group}"] = (float(at5), at5)
    for name, value, count in _MEASURE.findall(output):
        found[name] = (float(value), f"{value} ({count})" if count else value)
    return found


def failure_lines(output: str) -> list[str]:
    """eval's lists of the questions answered wrongly: unanswered or uncited, answered although unanswerable."""
    start = output.index("| measure | value |")
    return [line for line in output[start:].splitlines() if line.startswith(("Unanswered", "Answered although"))]


def spread_table(runs: dict[int, dict[str, tuple[float, str]]]) -> list[str]:
    """One row per figure: its value with each seed, the mean and the range (how much it owes to chance)."""
    seeds = list(runs)
    lines = ["| figure | " + " | ".join(f"seed {s}" for s in seeds) + " | mean | max − min |",
             "|---|" + "---|" * (len(seeds) + 2)]
    for name in runs[seeds[0]]:
        values = [runs[s][name][0] for s in seeds if name in runs[s]]
        lines.append(f"| {name} | " + " | ".join(runs[s].get(name, (0, "–"))[1] for s in seeds)
                     + f" | {sum(values) / len(values):.3f} | {max(values) - min(values):.3f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--held-out", type=Path, default=DEV_QUESTIONS)
    parser.add_argument("--train", type=Path, nargs="+",
                        default=[DEFAULT_QUESTIONS, TRAIN_QUESTIONS, PROBE_QUESTIONS])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0],
                        help="fit once per first seed (0 is the shipped models' seed); several show the figures' spread")
    parser.add_argument("--write-report", action="store_true")
    args = parser.parse_args()
    if not args.held_out.exists():
        sys.exit(f"no held-out set at {args.held_out} (the dev set lies in ../shared/eval)")
    outputs = {seed: held_out_run(args.held_out, args.train, seed) for seed in args.seeds}
    output, fitted = outputs[args.seeds[0]]
    retrieval = [line for line in output.splitlines() if _RETRIEVAL.match(line)]
    groups = [line for line in output.splitlines() if line.startswith(("| language × documents", "| user:",
                                                                         "| question kind"))]
    misses = [line for line in output.splitlines() if line.startswith("Missed at 5")]
    start = output.index("| measure | value |")
    answers = output[start:].split("\n\n")[0]
    failures = failure_lines(output)
    names = ", ".join(p.name for p in args.train)
    body = [
        (f"## Held out (`python benchmarks/held_out.py`): models fitted on {names} only, evaluated on "
         f"{args.held_out.name}"), "",
        (f"The ranking and answer models never saw a question of {args.held_out.name} (fit {fitted:.0f} s, boosters "
         f"seeded from {args.seeds[0]}); every document searched. This is the figure to compare with a hidden set "
         "written the same way."), "",
        "| language | mode | n | R@1 | R@5 | R@10 | MRR@10 | nDCG@10 |", "|---|---|---|---|---|---|---|---|",
        *retrieval, "", "| group | n | R@1 | R@5 |", "|---|---|---|---|", *groups, "", *misses, "",
        answers, "", *failures]
    if len(outputs) > 1:
        runs = {seed: key_figures(out) for seed, (out, _) in outputs.items()}
        command = f"python benchmarks/held_out.py --seeds {' '.join(map(str, args.seeds))}"
        body += ["", f"### The same, fitted with other seeds (`{command}`)", "",
                 "Nothing but the boosters' random seeds differs between the columns: a change whose gain is within "
                 "a figure's max − min is not shown to be one.", "", *spread_table(runs)]
        for seed, (out, _) in list(outputs.items())[1:]:  # the first seed's lists are above
            body += ["", f"Seed {seed}:", "", *failure_lines(out)]
    print("\n".join(body))
    if args.write_report:
        write_report_section("held-out", "\n".join(body))


if __name__ == "__main__":
    main()
