"""What the English MiniLM tuned on the team's English questions is worth alone, as a leg would be.

``PYTHONHASHSEED=0 python benchmarks/tuned_english.py tune MODELS``
    fine-tunes three models (``retriever.analysis.tuned_english``) into MODELS/: ``half-1`` and ``half-2`` on the two
    halves of the team's English questions (``eval/questions.jsonl`` + ``eval/train-questions.jsonl``, split by gold
    clause as ``fit`` splits them, so no clause's questions are on both sides) and ``full`` on all of them; then
    prints R@5 / MRR@10 of the leg alone (the question against every clause's reference English): the bundled MiniLM
    untuned, each half's questions by the model tuned on the other half, the dev and probe sets (never tuned on) by
    ``full``. About 12 minutes.
What the model is worth after the ranking model: ``python benchmarks/ranking_variants.py compare COLLECTION --drop
sim_tuned gap_tuned en_x_sim_tuned en_x_gap_tuned`` (while fitting, a team question is described by the half model
that never saw it, as here).

Needs ``../shared/eval/dev-questions.jsonl``. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from retriever.analysis.embedders import SentenceTransformerEmbedder
from retriever.analysis.tuned_english import load_tuned, team_halves, team_pairs, tune
from retriever.config import DEFAULT_QUESTIONS, DEV_QUESTIONS, PROBE_QUESTIONS, TRAIN_QUESTIONS, IndexConfig
from retriever.evaluation.fit import load_sets
from retriever.evaluation.retrieval import document_kind
from retriever.ingest.corpus import Corpus
from retriever.search.embedded import EmbeddedSearcher

TEAM = (DEFAULT_QUESTIONS.stem, TRAIN_QUESTIONS.stem)


def clause_english() -> tuple[list[str], list[str]]:
    """Every indexed clause's anchor and reference English."""
    records = EmbeddedSearcher.open(IndexConfig(), rebuild="stale").records()
    return [r.anchor for r in records], [r.text_en or "" for r in records]


def leg_figures(name: str, encoder, questions: list, anchors: list[str], clauses: np.ndarray,
                corpus: Corpus) -> None:
    """R@5 / MRR@10 of one encoder alone over ``questions``: all, and by the kind of document of their gold."""
    position = {a: i for i, a in enumerate(anchors)}
    scores = encoder.encode_queries([q.question for q in questions]) @ clauses.T
    ranks: dict[str, list[int]] = {"all": []}
    for q, row in zip(questions, scores):
        gold = {position[a] for a in q.gold if a in position}
        order = np.argsort(-row, kind="stable")
        rank = next(r for r, i in enumerate(order, 1) if i in gold)
        ranks["all"].append(rank)
        ranks.setdefault(document_kind(q, corpus), []).append(rank)
    for kind, found in sorted(ranks.items()):
        r5 = np.mean([r <= 5 for r in found])
        mrr = np.mean([1 / r if r <= 10 else 0.0 for r in found])
        print(f"| {name} | {kind} | {len(found)} | {r5:.3f} | {mrr:.3f} |")


def tune_all(models: Path) -> None:
    anchors, texts = clause_english()
    english = dict(zip(anchors, texts))
    sets = load_sets([DEFAULT_QUESTIONS, TRAIN_QUESTIONS, DEV_QUESTIONS, PROBE_QUESTIONS])
    pairs, gold_of = team_pairs(english)
    halves = team_halves(pairs, gold_of)  # the split `fit` describes the team's questions by
    by_question = {q.question: q for name in TEAM for q in sets[name]}
    for name, chosen in (("half-1", halves[0]), ("half-2", halves[1]), ("full", pairs)):
        tune(chosen, models / name)
    corpus = Corpus.load()
    print("| model · questions | documents | n | R@5 | MRR@10 |\n|---|---|---|---|---|")
    untuned = SentenceTransformerEmbedder.bundled_minilm()
    untuned_clauses = untuned.encode_passages(texts)
    for n, other in ((1, 2), (2, 1)):
        questions = [by_question[q] for q, _ in halves[n - 1]]
        tuned = load_tuned(models / f"half-{other}")
        leg_figures(f"untuned · team half {n}", untuned, questions, anchors, untuned_clauses, corpus)
        leg_figures(f"tuned on half {other} · team half {n}", tuned, questions, anchors,
                    tuned.encode_passages(texts), corpus)
    full = load_tuned(models / "full")
    full_clauses = full.encode_passages(texts)
    for name in (DEV_QUESTIONS.stem, PROBE_QUESTIONS.stem):
        questions = [q for q in sets[name] if q.answerable and q.lang == "en" and q.gold]
        leg_figures(f"untuned · {name}", untuned, questions, anchors, untuned_clauses, corpus)
        leg_figures(f"tuned on all · {name}", full, questions, anchors, full_clauses, corpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("tune").add_argument("models", type=Path)
    args = parser.parse_args()
    if not DEV_QUESTIONS.is_file():
        raise SystemExit(f"needs the dev set: {DEV_QUESTIONS} not found")
    tune_all(args.models)


if __name__ == "__main__":
    main()
