"""What the English MiniLM tuned on the team's English questions is worth: alone, and as ranking features.

``PYTHONHASHSEED=0 python benchmarks/tuned_english.py tune MODELS``
    fine-tunes three models (``retriever.analysis.tuned_english``) into MODELS/: ``A`` and ``B`` on the two halves of
    the team's English questions (``eval/questions.jsonl`` + ``eval/train-questions.jsonl``, split by gold clause so
    no clause's questions are on both sides) and ``full`` on all of them; then prints R@5 / MRR@10 of the leg alone
    (the question against every clause's reference English): the bundled MiniLM untuned, each half's questions by the
    model tuned on the other half, the dev and probe sets (never tuned on) by ``full``. About 12 minutes.
``PYTHONHASHSEED=0 python benchmarks/tuned_english.py augment COLLECTION MODELS OUT``
    adds the tuned similarity of every candidate to a ``ranking_variants.py collect`` collection as four features
    (similarity, gap to the question's best candidate, both again times "the question is English"), cross-fitted: a
    team question tuned on by one half is scored by the other half's model, every other question by ``full``; then
    ``python benchmarks/ranking_variants.py compare COLLECTION OUT`` gives the ranking model's out-of-fold figures with
    and without them. About 1 minute.

Needs ``../shared/eval/dev-questions.jsonl``. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import numpy as np

from retriever.analysis.tuned_english import english_pairs, load_tuned, tune
from retriever.config import DEFAULT_QUESTIONS, DEV_QUESTIONS, PROBE_QUESTIONS, TRAIN_QUESTIONS, IndexConfig
from retriever.evaluation.fit import load_sets
from retriever.evaluation.retrieval import document_kind
from retriever.ingest.corpus import Corpus
from retriever.search.embedded import EmbeddedSearcher

TEAM = (DEFAULT_QUESTIONS.stem, TRAIN_QUESTIONS.stem)
HALVES = ("A", "B")
ADDED = ("sim_tuned", "gap_tuned", "en_x_sim_tuned", "en_x_gap_tuned")


def clause_english() -> tuple[list[str], list[str]]:
    """Every indexed clause's anchor and reference English."""
    records = EmbeddedSearcher.open(IndexConfig(), rebuild="stale").records()
    return [r.anchor for r in records], [r.text_en or "" for r in records]


def half_of(gold: str, half_a: set[str]) -> str:
    return "A" if gold in half_a else "B"


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
    team = [q for name in TEAM for q in sets[name] if english_pairs([q], english)]
    groups = sorted({q.gold[0] for q in team})
    random.Random(0).shuffle(groups)
    half_a = set(groups[: len(groups) // 2])
    models.mkdir(parents=True, exist_ok=True)
    (models / "half-A.json").write_text(json.dumps(sorted(half_a)), encoding="utf-8")
    by_half = {h: [q for q in team if half_of(q.gold[0], half_a) == h] for h in HALVES}
    for name, questions in (("A", by_half["A"]), ("B", by_half["B"]), ("full", team)):
        tune(english_pairs(questions, english), models / name)
    from retriever.analysis.embedders import SentenceTransformerEmbedder

    corpus = Corpus.load()
    print("| model · questions | documents | n | R@5 | MRR@10 |\n|---|---|---|---|---|")
    untuned = SentenceTransformerEmbedder.bundled_minilm()
    untuned_clauses = untuned.encode_passages(texts)
    for h, other in (("A", "B"), ("B", "A")):
        tuned = load_tuned(models / other)
        leg_figures(f"untuned · team half {h}", untuned, by_half[h], anchors, untuned_clauses, corpus)
        leg_figures(f"tuned on half {other} · team half {h}", tuned, by_half[h], anchors, tuned.encode_passages(texts),
                    corpus)
    full = load_tuned(models / "full")
    full_clauses = full.encode_passages(texts)
    for name in (DEV_QUESTIONS.stem, PROBE_QUESTIONS.stem):
        questions = [q for q in sets[name] if q.answerable and q.lang == "en" and q.gold]
        leg_figures(f"untuned · {name}", untuned, questions, anchors, untuned_clauses, corpus)
        leg_figures(f"tuned on all · {name}", full, questions, anchors, full_clauses, corpus)


def augment(collection: Path, models: Path, out: Path) -> None:
    meta = json.loads(Path(f"{collection}.json").read_text(encoding="utf-8"))
    with np.load(Path(f"{collection}.npz"), allow_pickle=False) as arrays:
        rows, labels, sizes = arrays["rows"], arrays["labels"], arrays["sizes"]
    anchors, texts = clause_english()
    position = {a: i for i, a in enumerate(anchors)}
    half_a = set(json.loads((models / "half-A.json").read_text(encoding="utf-8")))

    def model_for(example: dict) -> str:
        tuned_on = example["source"] in TEAM and example["lang"] == "en"
        return ("B" if half_of(example["gold"][0], half_a) == "A" else "A") if tuned_on else "full"

    examples = meta["examples"]
    chosen = [model_for(e) for e in examples]
    vectors: dict[int, np.ndarray] = {}
    clause_vectors = {}
    for name in sorted(set(chosen)):
        encoder = load_tuned(models / name)
        clause_vectors[name] = encoder.encode_passages(texts)
        idx = [i for i, c in enumerate(chosen) if c == name]
        for i, v in zip(idx, encoder.encode_queries([examples[i]["question"] for i in idx])):
            vectors[i] = v
    starts = np.concatenate([[0], np.cumsum(sizes)])
    added = np.zeros((len(rows), len(ADDED)), dtype=rows.dtype)
    for i, e in enumerate(examples):
        sims = clause_vectors[chosen[i]][[position[a] for a in e["anchors"]]] @ vectors[i]
        english = float(e["lang"] == "en")
        gaps = sims - sims.max()
        added[starts[i]:starts[i + 1]] = np.stack([sims, gaps, english * sims, english * gaps], axis=1)
    meta["features"] = meta["features"] + list(ADDED)
    Path(f"{out}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    np.savez(Path(f"{out}.npz"), rows=np.hstack([rows, added]), labels=labels, sizes=sizes)
    print(f"{len(examples)} questions: {', '.join(ADDED)} added → {out}.npz / .json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("tune").add_argument("models", type=Path)
    aug = sub.add_parser("augment")
    aug.add_argument("collection", type=Path)
    aug.add_argument("models", type=Path)
    aug.add_argument("out", type=Path)
    args = parser.parse_args()
    if not DEV_QUESTIONS.is_file():
        raise SystemExit(f"needs the dev set: {DEV_QUESTIONS} not found")
    if args.command == "tune":
        tune_all(args.models)
    else:
        augment(args.collection, args.models, args.out)


if __name__ == "__main__":
    main()
