"""The answer-or-refuse decision with and without English questions' own weights or trees, held out.

``PYTHONHASHSEED=0 python benchmarks/decision_variants.py collect OUT --seeds 0 5``
    for each seed, the held-out fit of ``benchmarks/held_out.py`` (ranking model and sentence weights fitted on the
    team's sets only, nothing saved) with every draft's signals kept: the training questions' drafts by the ranking's
    out-of-fold models (OUT/train-SEED.json) and the dev and probe questions' drafts by the final ranking model, which
    never saw them (OUT/held-SEED.json); about 15 minutes a seed on the 2-core machine.
``python benchmarks/decision_variants.py compare OUT --seeds 0 5``
    for each decision variant, fitted as ``fit`` fits it (a logistic regression on the training drafts, its threshold
    the lowest meeting both stated targets on grouped 5-fold out-of-fold probabilities, every set weighing the same):
    the dev and probe figures of ``eval`` (answered citing gold, refused, quoted sentences citing gold) and the
    training questions' out-of-fold figures and areas under the ROC curve per language.

Variants: ``signals`` (one weight per signal, as shipped), ``per-language`` (each signal but ``english`` also
times ``english``, so that English and mixed questions weigh it with a weight of their own; tried in stop 49, not
shipped: eval/report.md § decision variants), ``boosted`` (LightGBM trees over the signals instead of the regression)
and ``monotone`` (the same trees, each signal's effect held to one direction; both tried in stop 50, not shipped).
The dev set is only read. Figures are printed, never asserted. Needs ``../shared/eval/dev-questions.jsonl``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

# a sibling module: benchmarks/ is on the path of a script run from it
from held_out_drafts import command_line, eval_figures, held_out_drafts, shipped_threshold

from retriever.answer.decision import SIGNALS
from retriever.config import DEV_QUESTIONS, EVAL_DIR, TRAIN_QUESTIONS
from retriever.evaluation.answer_fit import FOLDS, fit_logistic, logistic_probabilities, out_of_fold_probabilities
from retriever.evaluation.retrieval import load_questions

PROBE_QUESTIONS = EVAL_DIR / "probe-questions.jsonl"


def _signals(signals: dict[str, float]) -> np.ndarray:
    """One weight per signal, as shipped."""
    return np.array([float(signals[name]) for name in SIGNALS])


def _per_language(signals: dict[str, float]) -> np.ndarray:
    """Each signal, and each but ``english`` again times ``english``: English and mixed questions' own weights."""
    english = float(signals["english"])
    return np.concatenate([_signals(signals), [float(signals[n]) * english for n in SIGNALS if n != "english"]])


class _Boosted:
    """Gradient-boosted trees over the same rows (LightGBM, small trees: about 1,750 training drafts), probabilities
    from its classifier; seeded like the ranking's boosters."""

    monotone: tuple[int, ...] | None = None

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def fit(self, rows: np.ndarray, labels: np.ndarray) -> object:
        import lightgbm

        extra = {"monotone_constraints": list(self.monotone)} if self.monotone else {}
        return lightgbm.LGBMClassifier(n_estimators=200, num_leaves=4, learning_rate=0.05, min_child_samples=20,
                                       subsample=0.8, subsample_freq=1, colsample_bytree=0.8,
                                       random_state=self.seed, verbose=-1, **extra).fit(rows, labels)

    @staticmethod
    def probabilities(model: object, rows: np.ndarray) -> np.ndarray:
        return model.predict_proba(rows)[:, 1]


class _Monotone(_Boosted):
    """The same trees, each signal's effect held to one direction: surer ranking, more coverage and similarity
    raise the probability; a missing figure or year and a nearer known near-miss lower it."""

    monotone = tuple({"rerank_top": 1, "rerank_margin": 1, "coverage": 1, "similarity": 1, "type_missing": -1,
                      "years_missing": -1, "unknown_share": 0, "english": 0, "rerank_share": 1,
                      "near_miss": -1}[name] for name in SIGNALS)


class _Logistic:
    """The shipped regression (:func:`fit_logistic`)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    fit = staticmethod(fit_logistic)
    probabilities = staticmethod(logistic_probabilities)


VARIANTS = {"signals": (_signals, _Logistic), "per-language": (_per_language, _Logistic),
            "boosted": (_signals, _Boosted), "monotone": (_signals, _Monotone)}



def _dump(cases: list, path: Path) -> None:
    rows = [{"id": c.question.id, "source": c.source, "group": int(c.group), "cited": c.cited,
             "by_rule": bool(c.by_rule), "correct": bool(c.correct), "answerable": bool(c.question.answerable),
             "english": bool(c.english), "gold": list(c.question.gold), "signals": c.signals} for c in cases]
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")


def collect_drafts(out: Path, seeds: list[int]) -> None:
    """Fit the ranking without the dev and probe sets once per seed, keeping every draft's signals."""
    out.mkdir(parents=True, exist_ok=True)
    held = {DEV_QUESTIONS.stem: load_questions(DEV_QUESTIONS), PROBE_QUESTIONS.stem: load_questions(PROBE_QUESTIONS)}
    for seed, cases, drafts, _ in held_out_drafts(held, seeds):
        _dump(cases, out / f"train-{seed}.json")
        _dump(drafts, out / f"held-{seed}.json")
        print(f"seed {seed}: collected", flush=True)


def compare(out: Path, seeds: list[int]) -> None:
    from sklearn.metrics import roc_auc_score

    print("| seed | variant | set | threshold | answered citing gold, Chinese | English/mixed | refused | precision, "
          "Chinese | English/mixed | AUC Chinese / English (training, out of fold) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for seed in seeds:
        train = json.loads((out / f"train-{seed}.json").read_text(encoding="utf-8"))
        held = json.loads((out / f"held-{seed}.json").read_text(encoding="utf-8"))
        labels, groups = np.array([r["correct"] for r in train]), np.array([r["group"] for r in train])
        english = np.array([r["english"] for r in train])
        for name, (row, kind) in VARIANTS.items():
            model = kind(seed)
            features = np.array([row(r["signals"]) for r in train])
            oof = out_of_fold_probabilities(features, labels, groups, FOLDS, model.fit, model.probabilities)
            threshold = shipped_threshold(train, oof)
            held_p = model.probabilities(model.fit(features, labels), np.array([row(r["signals"]) for r in held]))
            auc = " / ".join(f"{roc_auc_score(labels[english == e], oof[english == e]):.3f}" for e in (False, True))
            for source in (DEV_QUESTIONS.stem, PROBE_QUESTIONS.stem, TRAIN_QUESTIONS.stem):
                rows, p = ((train, oof) if source == TRAIN_QUESTIONS.stem else (held, held_p))
                pick = [i for i, r in enumerate(rows) if r["source"] == source]
                part = [rows[i] for i in pick]  # answered: above the threshold, no rule against, a quote to give
                figures = eval_figures(part, [q >= threshold and not r["by_rule"] and bool(r["cited"])
                                              for r, q in zip(part, p[pick])])
                print(f"| {seed} | {name} | {source} | {threshold:.3f} | {figures} | "
                      f"{auc if source == TRAIN_QUESTIONS.stem else ''} |")


if __name__ == "__main__":
    command_line(__doc__, collect_drafts, compare)
