"""How the answer-or-refuse threshold would fall on the dev set under other rules for choosing it.

``PYTHONHASHSEED=0 python benchmarks/threshold_rules.py collect OUT --seeds 0 5``
    for each seed, the held-out fit of ``benchmarks/held_out.py`` (ranking and answer models fitted on the team's sets
    only, as ``fit`` does, nothing saved) with every draft kept: the training questions' out-of-fold probabilities
    and the dev questions' drafts by the models that never saw them, written to OUT/train-SEED.json,
    OUT/dev-SEED.json and OUT/model-SEED.json; about 15 minutes a seed on the 2-core machine.
``python benchmarks/threshold_rules.py compare OUT --seeds 0 5``
    the dev figures each rule gives: the shipped rule (the lowest threshold meeting both stated targets on the
    out-of-fold probabilities, every question set weighing the same), the median and mean of that rule over 300
    bootstrap resamples of the question groups, the mean of the outer folds' thresholds, one threshold per language
    (each meeting the targets on its own questions), and the dev figures along a grid of thresholds.

Nothing here chooses the shipped threshold; the dev set is only read. Figures are printed, never asserted. Needs
``../shared/eval/dev-questions.jsonl``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np

# a sibling module: benchmarks/ is on the path of a script run from it
from held_out_drafts import command_line, eval_figures, held_out_drafts, shipped_threshold

from retriever.answer.decision import choose_threshold
from retriever.config import DEV_QUESTIONS
from retriever.evaluation.answer_fit import decide_out_of_fold, fit_answer_model
from retriever.evaluation.retrieval import load_questions

BOOTSTRAPS = 300


def _dump(cases: list, probabilities: list[float], path: Path) -> None:
    rows = [{"id": c.question.id, "source": c.source, "group": int(c.group), "cited": c.cited,
             "by_rule": bool(c.by_rule), "correct": bool(c.correct), "answerable": bool(c.question.answerable),
             "english": bool(c.english), "gold": list(c.question.gold), "p": float(p)}
            for c, p in zip(cases, probabilities)]
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")


def collect_drafts(out: Path, seeds: list[int]) -> None:
    """Fit without the dev set once per seed, keeping every draft and probability (nothing saved to the project)."""
    out.mkdir(parents=True, exist_ok=True)
    for seed, cases, drafts, weights in held_out_drafts({DEV_QUESTIONS.stem: load_questions(DEV_QUESTIONS)}, seeds):
        probabilities, _, fold_thresholds = decide_out_of_fold(cases)
        decision = fit_answer_model(cases, probabilities, "", {}, weights)
        _dump(cases, list(probabilities), out / f"train-{seed}.json")
        _dump(drafts, [decision.probability(c.signals) for c in drafts], out / f"dev-{seed}.json")
        (out / f"model-{seed}.json").write_text(json.dumps({"threshold": decision.threshold,
                                                            "fold_thresholds": fold_thresholds}))
        print(f"seed {seed}: threshold {decision.threshold:.3f}", flush=True)


def _arrays(rows: list[dict]) -> tuple[np.ndarray, ...]:
    sizes = Counter(r["source"] for r in rows)
    return (np.array([r["p"] for r in rows]), np.array([r["correct"] for r in rows]),
            np.array([r["answerable"] for r in rows]), np.array([1 / sizes[r["source"]] for r in rows]),
            np.array([r["group"] for r in rows]))


def _rule(rows: list[dict]) -> float:
    return shipped_threshold(rows, np.array([r["p"] for r in rows]))


def _bootstrap(rows: list[dict], seed: int = 0) -> np.ndarray:
    """The shipped rule's threshold on resamples of the question groups (a group: questions sharing a gold clause)."""
    probabilities, correct, answerable, weights, groups = _arrays(rows)
    rng = np.random.default_rng(seed)
    members = {g: np.nonzero(groups == g)[0] for g in np.unique(groups)}
    names = np.array(list(members))
    out = []
    for _ in range(BOOTSTRAPS):
        pick = np.concatenate([members[g] for g in rng.choice(names, len(names))])
        out.append(choose_threshold(probabilities[pick], correct[pick], answerable[pick], weights[pick]))
    return np.array(out)


def _figures(rows: list[dict], thresholds: dict[bool, float]) -> str:
    """The dev figures of eval with a threshold per language (False: Chinese, True: English/mixed)."""
    return eval_figures(rows, [r["p"] >= thresholds[r["english"]] and not r["by_rule"] for r in rows])


def compare(out: Path, seeds: list[int]) -> None:
    head = ("| seed | rule | threshold | answered citing gold, Chinese | English/mixed | refused | precision, Chinese | "
            "English/mixed |")
    print(head + "\n|---|---|---|---|---|---|---|---|")
    grids = []
    for seed in seeds:
        train = json.loads((out / f"train-{seed}.json").read_text(encoding="utf-8"))
        dev = json.loads((out / f"dev-{seed}.json").read_text(encoding="utf-8"))
        folds = json.loads((out / f"model-{seed}.json").read_text())["fold_thresholds"]
        boot = _bootstrap(train)
        rules = {"shipped": _rule(train), "bootstrap median": float(np.median(boot)),
                 "bootstrap mean": float(np.mean(boot)), "mean of the fold thresholds": float(np.mean(folds))}
        for name, t in rules.items():
            print(f"| {seed} | {name} | {t:.3f} | {_figures(dev, {False: t, True: t})} |")
        split = {english: _rule([r for r in train if r["english"] == english]) for english in (False, True)}
        print(f"| {seed} | per language | {split[False]:.3f} / {split[True]:.3f} | {_figures(dev, split)} |")
        low, high = np.percentile(boot, [10, 90])
        grids.append(f"seed {seed}: bootstrap 10–90% of the shipped rule's threshold {low:.3f}–{high:.3f}; fold "
                     f"thresholds {', '.join(f'{t:.3f}' for t in folds)}")
        grids += [f"  t = {t:.2f}: {_figures(dev, {False: t, True: t})}" for t in np.arange(0.46, 0.645, 0.02)]
    print("\n" + "\n".join(grids))


if __name__ == "__main__":
    command_line(__doc__, collect_drafts, compare)
