"""How well the answer-or-refuse decision sorts its drafts, wherever its threshold falls.

``PYTHONHASHSEED=0 python benchmarks/answer_tradeoff.py [--seed N]``

Out-of-fold answer figures move with the threshold each fold chooses, and that choice is noisy: the refusal target
weighs every question set the same, so each of the own set's 15 unanswerable questions counts for 1/45 of it. This
benchmark drafts every question of the team's sets and the dev set (``../shared/eval/dev-questions.jsonl``, which it
needs) as ``python -m retriever fit`` does, with rankings that never saw them, but with the shipped ranking model's
hyperparameters in every fold (no inner search: 9 minutes on this 2-core machine, idle, against 12 for ``fit``).
It prints the out-of-fold table of ``fit``, and per set the out-of-fold probabilities' AUC and the answers citing a
gold clause when refusing 80, 85 or 90% of that set's unanswerable questions: two versions compared at equal refusal
rates. Figures are printed, never asserted; the shipped models are not touched.
"""

from __future__ import annotations

import argparse

import numpy as np

from retriever.config import DEFAULT_QUESTIONS, DEV_QUESTIONS, TRAIN_QUESTIONS, IndexConfig
from retriever.evaluation.answer_fit import answer_table, decide_out_of_fold, draft_cases, fit_sentence_weights
from retriever.evaluation.fit import collect, cross_validate, load_sets, ready_to_collect
from retriever.ingest.corpus import Corpus
from retriever.search.embedded import EmbeddedSearcher

REFUSED_SHARES = (0.80, 0.85, 0.90)


def tradeoff(cases: list, probabilities: np.ndarray) -> list[str]:
    """Per set: AUC, and answers citing gold at each refused share of its unanswerable questions."""
    from sklearn.metrics import roc_auc_score

    lines = ["| set | AUC | " + " | ".join(f"correct, {s:.0%} refused" for s in REFUSED_SHARES) + " |",
             "|---|---|" + "---|" * len(REFUSED_SHARES)]
    for source in dict.fromkeys(c.source for c in cases):
        index = [i for i, c in enumerate(cases) if c.source == source]
        # a draft refused by rule is never answered, whatever its probability
        p = np.array([-1.0 if cases[i].by_rule else probabilities[i] for i in index])
        correct = np.array([cases[i].correct for i in index])
        answerable = np.array([cases[i].question.answerable for i in index])
        counts = [int(((p > np.quantile(p[~answerable], share)) & correct).sum()) for share in REFUSED_SHARES]
        lines.append(f"| {source} | {roc_auc_score(correct, p):.3f} | "
                     + " | ".join(f"{n}/{answerable.sum()}" for n in counts) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="first random seed of the boosters (default 0)")
    args = parser.parse_args()
    corpus = Corpus.load()
    searcher = EmbeddedSearcher.open(IndexConfig(), corpus=corpus, rebuild="stale")
    shipped = searcher.reranker  # the shipped model, when it was fitted with this index's dense legs
    if shipped is None:
        raise SystemExit("no ranking model fitted with these dense legs: run `python -m retriever fit` first")
    params = shipped.info["params"]
    sets = load_sets([p for p in (DEFAULT_QUESTIONS, TRAIN_QUESTIONS, DEV_QUESTIONS) if p.exists()])
    ready_to_collect(searcher, [DEFAULT_QUESTIONS, TRAIN_QUESTIONS])
    examples = collect(searcher, sets)
    cv = cross_validate(examples, args.seed, params)  # the shipped hyperparameters in every fold
    sentence_weights, _ = fit_sentence_weights(draft_cases(searcher, sets, examples, cv))
    cases = draft_cases(searcher, sets, examples, cv, sentence_weights)
    probabilities, answered, _ = decide_out_of_fold(cases)
    print(f"Ranking hyperparameters in every fold: {params}; boosters seeded from {args.seed}.\n")
    print(answer_table(cases, {"out-of-fold": answered}), "\n")
    print("\n".join(tradeoff(cases, probabilities)))


if __name__ == "__main__":
    main()
