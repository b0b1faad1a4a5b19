"""What the English MiniLM tuned on the team's English questions is worth alone, as a leg would be.

``PYTHONHASHSEED=0 python benchmarks/tuned_english.py tune``
    the three models the product and ``fit`` use (``retriever.analysis.tuned_english``), loaded from where they live
    (``index/tuned-english`` and its two ``-half-N-…`` folders) or tuned there when missing (about 12 minutes):
    one on each half of the team's English questions (``eval/questions.jsonl`` + ``eval/train-questions.jsonl``,
    split by gold clause as ``fit`` splits them, so no clause's questions are on both sides) and one on all of them.
    Prints R@5 / MRR@10 of the leg alone (the question against every clause's reference English, as the ranking
    feature reads it): the bundled MiniLM untuned, each half's questions by the model tuned on the other half, the dev
    and probe sets (never tuned on) by the full model.
What the model is worth after the ranking model: ``python benchmarks/ranking_variants.py compare COLLECTION --drop
FEATURE …`` with the names in ``TUNED_FEATURES`` (while fitting, a team question is described by the half model that
never saw it, as here).

Needs ``../shared/eval/dev-questions.jsonl``. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse

import numpy as np

from retriever.analysis.embedders import SentenceTransformerEmbedder
from retriever.analysis.tuned_english import TUNED_FEATURES, TunedEnglish, team_halves, team_pairs
from retriever.config import DEFAULT_QUESTIONS, DEV_QUESTIONS, PROBE_QUESTIONS, TRAIN_QUESTIONS, TUNED_DIR, IndexConfig
from retriever.evaluation.fit import half_folders, load_sets
from retriever.evaluation.retrieval import document_kind
from retriever.ingest.corpus import Corpus
from retriever.search.embedded import EmbeddedSearcher

TEAM = (DEFAULT_QUESTIONS.stem, TRAIN_QUESTIONS.stem)


def leg_figures(name: str, similarities: np.ndarray, questions: list, anchors: list[str], corpus: Corpus) -> None:
    """R@5 / MRR@10 of one leg alone (``similarities``: question × clause) over ``questions``: all, and by the kind
    of document of their gold."""
    position = {a: i for i, a in enumerate(anchors)}
    ranks: dict[str, list[int]] = {"all": []}
    for q, row in zip(questions, similarities):
        gold = {position[a] for a in q.gold if a in position}
        order = np.argsort(-row, kind="stable")
        rank = next(r for r, i in enumerate(order, 1) if i in gold)
        ranks["all"].append(rank)
        ranks.setdefault(document_kind(q, corpus), []).append(rank)
    for kind, found in sorted(ranks.items()):
        r5 = np.mean([r <= 5 for r in found])
        mrr = np.mean([1 / r if r <= 10 else 0.0 for r in found])
        print(f"| {name} | {kind} | {len(found)} | {r5:.3f} | {mrr:.3f} |", flush=True)


def tuned_figures(name: str, tuned: TunedEnglish, questions: list, anchors: list[str], corpus: Corpus) -> None:
    """The tuned model's similarity as the ranking model reads it (``TunedEnglish.features``, ``sim_tuned``)."""
    column = TUNED_FEATURES.index("sim_tuned")
    similarities = np.array([tuned.features(q.question, True, anchors)[:, column] for q in questions])
    leg_figures(name, similarities, questions, anchors, corpus)


def tune_all() -> None:
    searcher = EmbeddedSearcher.open(IndexConfig(), rebuild="stale")
    english = searcher.clause_english
    anchors = list(english)
    sets = load_sets([DEFAULT_QUESTIONS, TRAIN_QUESTIONS, DEV_QUESTIONS, PROBE_QUESTIONS])
    pairs, gold_of = team_pairs(english)
    halves = team_halves(pairs, gold_of)  # the split `fit` describes the team's questions by
    folders = half_folders(halves)
    models = {folder: searcher.tuned_english(folder, chosen)  # loaded, or tuned when missing
              for folder, chosen in zip((*folders, TUNED_DIR), (*halves, pairs))}
    by_question = {q.question: q for name in TEAM for q in sets[name]}
    corpus = Corpus.load()
    print("| model · questions | documents | n | R@5 | MRR@10 |\n|---|---|---|---|---|")
    untuned = SentenceTransformerEmbedder.bundled_minilm()
    untuned_clauses = untuned.encode_passages(list(english.values()))
    for n, other in ((1, 2), (2, 1)):
        questions = [by_question[q] for q, _ in halves[n - 1]]
        leg_figures(f"untuned · team half {n}", untuned.encode_queries([q.question for q in questions])
                    @ untuned_clauses.T, questions, anchors, corpus)
        tuned_figures(f"tuned on half {other} · team half {n}", models[folders[other - 1]], questions, anchors, corpus)
    for name in (DEV_QUESTIONS.stem, PROBE_QUESTIONS.stem):
        questions = [q for q in sets[name] if q.answerable and q.lang == "en" and q.gold]
        leg_figures(f"untuned · {name}", untuned.encode_queries([q.question for q in questions])
                    @ untuned_clauses.T, questions, anchors, corpus)
        tuned_figures(f"tuned on all · {name}", models[TUNED_DIR], questions, anchors, corpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("tune")
    parser.parse_args()
    if not DEV_QUESTIONS.is_file():
        raise SystemExit(f"needs the dev set: {DEV_QUESTIONS} not found")
    tune_all()


if __name__ == "__main__":
    main()
