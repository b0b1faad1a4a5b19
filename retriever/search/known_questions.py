"""Known questions: the team's own questions with their gold clauses, ranking features for new questions.

A question worded like one the team already answered probably wants the same clause, even when it shares no word with
that clause (a partner's situation, a researcher's paraphrase). ``python -m retriever fit`` keeps the questions of the
team's own sets (``eval/questions.jsonl``, ``eval/train-questions.jsonl``; never the dev set) and their vectors from
every embedder in one ``.npz`` beside the ranking model (plain arrays, no pickle). For each candidate clause the
features say how close the nearest known question that cites it is, per embedder, and how far that is from the
nearest answerable known question of all. The team's near-misses (questions the documents do not answer) are known
too: how much closer a question is to the nearest of them than to the nearest answerable one is a signal of the
answer-or-refuse decision (``near_miss``).

The clauses cited by the known questions nearest a question also join its candidates when no leg brought them
(:data:`KNOWN_CANDIDATES`, :meth:`~retriever.search.base.SearcherBase.candidates`): dev question c-002, on the day the
revised S&T Progress Law took effect, shares no word with "本法自2022年1月1日起施行", which no leg ranked in the top 30,
although a known question asks the same. Held out (models
fitted on the team's sets, `benchmarks/held_out.py` and the probe set), with the clauses of the 3 / 5 / 10 nearest
known questions against none: dev R@5 0.959 → 0.966 / 0.966 / 0.966, dev R@1 0.891 → 0.891 / 0.891 / 0.878, probe R@1
0.716 → 0.712 / 0.721 / 0.707, probe R@5 0.912 → 0.921 / 0.926 / 0.921, answers citing a gold clause (dev + probe) 247
→ 258 / 254 / 256; out-of-fold training R@1 0.730 → 0.724 / 0.731 / 0.722. Five: the best ranking.

A known question whose text equals the question asked is left out: a question fitted on must not find itself. While
the models are fitted, each question sees only the other writers' known questions (:meth:`KnownQuestions.leaving_out`),
as a new reader's question sees the team's.

Dropped after measuring: how many of the five nearest known questions cite a clause (it favours the clauses the team
asked most about: four questions on the patent term's extension outvoted two on the term itself for "How long does an
invention patent last?"; without it the models fitted on the team's sets found more gold clauses first on both sets
they never saw, dev R@1 0.871 → 0.884, probe R@5 0.893 → 0.907), and the idf-weighted word overlap with the nearest
known question citing a clause (no change on the dev set, probe R@1 0.721 → 0.707).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from retriever.analysis.embedders import Embedder
from retriever.errors import CorpusError

__all__ = ["KNOWN_CANDIDATES", "KNOWN_FEATURES", "KnownQuestions", "known_path", "writer_of"]

KNOWN_FEATURES = ("known_use", "known_e5", "known_gap")
KNOWN_CANDIDATES = 5  # the nearest known questions whose clauses join the candidates (measured above)
_EMBEDDERS = ("use", "e5")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip member can carry


def writer_of(question_id: str) -> str:
    """A question's writer, from its id: the id without its number (t-c-012 → t-c, q001 → q)."""
    return re.sub(r"-?\d+$", "", question_id) or question_id


def known_path(model_path: Path) -> Path:
    """Where the known questions of a ranking model live: beside it (``ranker.json`` → ``ranker.known.npz``)."""
    return Path(model_path).with_suffix(".known.npz")


@dataclass(frozen=True)
class KnownQuestions:
    """Known questions (normalised text, gold anchors: none for a near-miss the documents do not answer) and their
    query vectors per embedder (rows L2-normalised)."""

    texts: tuple[str, ...]
    gold: tuple[tuple[str, ...], ...]
    vectors: Mapping[str, np.ndarray]
    writers: tuple[str, ...]  # who wrote each question (its id without the number: t-c-012 → t-c, q001 → q)

    @classmethod
    def embed(cls, questions: Sequence[tuple[str, str, Sequence[str]]],
              embedders: Mapping[str, Embedder]) -> KnownQuestions:
        """Known questions from (id, normalised text, gold anchors), embedded as queries by every embedder."""
        writers = tuple(writer_of(qid) for qid, _, _ in questions)
        texts = tuple(text for _, text, _ in questions)
        gold = tuple(tuple(anchors) for _, _, anchors in questions)
        vectors = {name: e.encode_queries(list(texts)) for name, e in embedders.items() if name in _EMBEDDERS}
        return cls(texts, gold, vectors, writers)

    def leaving_out(self, writer: str) -> KnownQuestions:
        """The known questions of every other writer: what a question of ``writer``'s is described by while the
        models are fitted, as a new reader's question is by the team's (a writer's own questions on one clause
        share wording that another reader's would not)."""
        keep = [i for i, w in enumerate(self.writers) if w != writer]
        return KnownQuestions(tuple(self.texts[i] for i in keep), tuple(self.gold[i] for i in keep),
                              {name: v[keep] for name, v in self.vectors.items()},
                              tuple(self.writers[i] for i in keep))

    def save(self, path: Path) -> str:
        """Write the ``.npz`` atomically and byte for byte the same for the same questions (fixed member times, so a
        refit on unchanged questions changes no file); returns its sha256 (the ranking model records it)."""
        path = Path(path)
        arrays = {"texts": np.array(self.texts, dtype=str), "writers": np.array(self.writers, dtype=str),
                  "gold": np.array([json.dumps(g, ensure_ascii=False) for g in self.gold], dtype=str),
                  **{f"vectors_{name}": v.astype(np.float32) for name, v in sorted(self.vectors.items())}}
        tmp = path.with_name(f".{path.name}.tmp")
        with zipfile.ZipFile(tmp, "w") as archive:  # what np.savez writes, without the clock in it
            for key, array in arrays.items():
                with archive.open(zipfile.ZipInfo(f"{key}.npy", date_time=_ZIP_TIME), "w", force_zip64=True) as out:
                    np.lib.format.write_array(out, array, allow_pickle=False)
        tmp.replace(path)
        return hashlib.sha256(path.read_bytes()).hexdigest()

    @classmethod
    def load(cls, path: Path, sha256: str | None = None) -> KnownQuestions:
        """Read the ``.npz`` (pickle refused); ``sha256``: what the ranking model recorded, checked when given."""
        path = Path(path)
        fix = "fit the models again with `python -m retriever fit`"
        try:
            raw = path.read_bytes()
            if sha256 is not None and hashlib.sha256(raw).hexdigest() != sha256:
                raise CorpusError(f"the known questions {path} are not the ones the ranking model was fitted with: {fix}")
            with np.load(io.BytesIO(raw), allow_pickle=False) as data:  # the bytes whose hash was checked
                texts = tuple(str(t) for t in data["texts"])
                writers = tuple(str(w) for w in data["writers"])
                gold = tuple(tuple(json.loads(str(g))) for g in data["gold"])
                vectors = {key.removeprefix("vectors_"): np.asarray(data[key], dtype=np.float32)
                           for key in data.files if key.startswith("vectors_")}
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as err:  # a truncated .npz is a bad zip
            raise CorpusError(f"the known questions {path} are unreadable ({err}): {fix}") from None
        if any(len(v) != len(texts) for v in vectors.values()) or len(gold) != len(texts) or len(writers) != len(texts):
            raise CorpusError(f"the known questions {path} do not match their vectors: {fix}")
        return cls(texts, gold, vectors, writers)

    @cached_property
    def _answerable(self) -> np.ndarray:
        return np.array([bool(g) for g in self.gold], dtype=bool)

    def _similarities(self, text: str, query_vectors: Mapping[str, np.ndarray]
                      ) -> tuple[dict[str, np.ndarray], np.ndarray] | None:
        """The question's similarity to each known question per embedder, and their mean (-inf for a known question
        with the same text: never itself); None without query vectors of a known embedder."""
        names = [name for name in _EMBEDDERS if name in query_vectors and name in self.vectors]
        if not names or not self.texts:
            return None
        sims = {name: self.vectors[name] @ np.asarray(query_vectors[name], dtype=np.float32) for name in names}
        mean = np.mean(list(sims.values()), axis=0)
        mean[[i for i, t in enumerate(self.texts) if t == text]] = -np.inf
        return sims, mean

    def near_miss(self, text: str, query_vectors: Mapping[str, np.ndarray]) -> float:
        """How much closer the question is to the nearest known near-miss (a question the documents do not answer)
        than to the nearest known answerable question; 0 without either, or without query vectors."""
        if (found := self._similarities(text, query_vectors)) is None:
            return 0.0
        mean = found[1]
        near, far = mean[~self._answerable & np.isfinite(mean)], mean[self._answerable & np.isfinite(mean)]
        return float(near.max() - far.max()) if len(near) and len(far) else 0.0

    def cited_by_nearest(self, text: str, query_vectors: Mapping[str, np.ndarray], n: int) -> list[str]:
        """The anchors cited by the ``n`` nearest answerable known questions (mean of the embedders), nearest
        first, each once; empty without query vectors."""
        if (found := self._similarities(text, query_vectors)) is None:
            return []
        mean = np.where(self._answerable, found[1], -np.inf)
        out: list[str] = []
        for i in np.argsort(-mean, kind="stable")[:n]:
            if np.isfinite(mean[i]):
                out.extend(a for a in self.gold[i] if a not in out)
        return out

    def features(self, text: str, query_vectors: Mapping[str, np.ndarray], anchors: Sequence[str]) -> np.ndarray:
        """One row of :data:`KNOWN_FEATURES` per candidate anchor: the similarity of the nearest known question
        citing it (per embedder), and that similarity (mean of the embedders) minus the nearest answerable known
        question's (-1 when no known question cites it). Zeros without query vectors."""
        out = np.zeros((len(anchors), len(KNOWN_FEATURES)))
        if (found := self._similarities(text, query_vectors)) is None:
            return out
        sims, mean = found
        usable = np.flatnonzero(np.isfinite(mean) & self._answerable)
        if not len(usable):
            return out
        nearest = np.full(len(anchors), -np.inf)  # per candidate: the mean similarity of its nearest known question
        column = {anchor: j for j, anchor in enumerate(anchors)}
        for i in usable:
            for j in (column[a] for a in self.gold[i] if a in column):
                for k, name in enumerate(_EMBEDDERS):
                    if name in sims:
                        out[j, k] = max(out[j, k], float(sims[name][i]))
                nearest[j] = max(nearest[j], float(mean[i]))
        out[:, len(_EMBEDDERS)] = np.where(np.isfinite(nearest), nearest - float(mean[usable].max()), -1.0)
        return out
