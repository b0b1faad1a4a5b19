"""Retrieval evaluation: Recall@1/5/10, MRR@10 and nDCG@10 per language for each mode, written to eval/report.md.

Definitions (answerable questions only; a question may have several gold clauses):
- Recall@k: the share of questions with at least one gold clause in the top k;
- MRR@10: the mean of 1/rank of the first gold clause (0 if none in the top 10);
- nDCG@10: binary gain, ideal ranking = all gold clauses first.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from retriever.config import DEFAULT_QUESTIONS
from retriever.errors import CorpusError
from retriever.ingest.corpus import Corpus
from retriever.ingest.law import LAW_FORMAT
from retriever.search.protocol import Searcher
from retriever.types import Lang, Mode

__all__ = ["EvalQuestion", "load_questions", "evaluate", "format_table", "document_kind", "breakdown"]

LANGS = tuple(Lang)
METRICS = ("R@1", "R@5", "R@10", "MRR@10", "nDCG@10")


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    lang: str
    question: str
    gold: tuple[str, ...]
    answerable: bool
    doc: str | None = None  # the document the question is about: its search scope
    user: str = ""  # the dev set's: researcher | partner | staff
    kind: str = ""  # the dev set's: fact, figure, list, how, why, who, when, definition, topic, unanswerable
    evidence: tuple[str, ...] = ()  # verbatim spans of the gold clauses that answer it (the dev and training sets')


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[EvalQuestion]:
    """Read a JSONL question set (id, lang, question, gold, answerable; the dev set's user and kind if given)."""
    questions = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise CorpusError(f"cannot read the question set {path}: {err.strerror}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            gold = tuple(raw.get("gold", []))
            docs = {a.split(":", 1)[0] for a in gold}
            doc = raw.get("doc") or (docs.pop() if len(docs) == 1 else None)
            questions.append(EvalQuestion(raw["id"], raw["lang"], raw["question"], gold,
                                          bool(raw.get("answerable", bool(gold))), doc, raw.get("user", ""),
                                          raw.get("kind", ""), tuple(raw.get("evidence", []))))
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise CorpusError(f"{path}:{number}: not an evaluation question ({err})") from None
    return questions


def _scores(ranked: list[str], gold: set[str]) -> dict[str, float]:
    first = next((i for i, a in enumerate(ranked[:10], 1) if a in gold), None)
    dcg = sum(1 / math.log2(i + 1) for i, a in enumerate(ranked[:10], 1) if a in gold)
    ideal = sum(1 / math.log2(i + 1) for i in range(1, min(len(gold), 10) + 1))
    return {
        "R@1": float(first == 1),
        "R@5": float(first is not None and first <= 5),
        "R@10": float(first is not None),
        "MRR@10": 1 / first if first else 0.0,
        "nDCG@10": dcg / ideal if ideal else 0.0,
    }


def evaluate(searcher: Searcher, questions: list[EvalQuestion], modes: tuple[Mode, ...] = tuple(Mode),
             scoped: bool = True) -> dict:
    """Run every answerable question in every mode; return metrics per mode and language, and the misses.

    ``scoped``: search only the document a question is about (its ``doc``, or its gold clauses' document),
    as a user reading that document does; otherwise search the whole corpus.
    """
    results: dict[str, dict[str, dict[str, float]]] = {}
    misses: dict[str, list[dict]] = {}
    answerable = [q for q in questions if q.answerable and q.gold]
    for mode in modes:
        per_lang: dict[str, list[dict[str, float]]] = {}
        misses[mode] = []
        lengths: list[int] = []
        for q in answerable:
            doc = q.doc if scoped else None
            hits = searcher.search(q.question, k=10, mode=mode, doc=doc).hits
            ranked = [h.anchor for h in hits]
            lengths += [len(h.text) for h in hits[:5]]
            scores = _scores(ranked, set(q.gold))
            per_lang.setdefault(q.lang, []).append(scores)
            per_lang.setdefault("all", []).append(scores)
            if not scores["R@5"]:
                misses[mode].append({"id": q.id, "lang": q.lang, "question": q.question, "gold": list(q.gold),
                                     "top5": ranked[:5]})
        results[mode] = {
            lang: {m: sum(s[m] for s in rows) / len(rows) for m in METRICS} | {"n": len(rows)}
            for lang, rows in per_lang.items()
        }
        if "all" in results[mode]:
            results[mode]["all"]["chars_per_hit"] = sum(lengths) / max(len(lengths), 1)
    return {"metrics": results, "misses": misses, "questions": len(questions), "answerable": len(answerable)}


def format_table(outcome: dict) -> str:
    """A Markdown table: one row per language and mode."""
    rows = ["| language | mode | n | " + " | ".join(METRICS) + " |", "|---|---|---|" + "---|" * len(METRICS)]
    metrics = outcome["metrics"]
    for lang in (*LANGS, "all"):
        for mode in metrics:
            cell = metrics[mode].get(lang)
            if cell:
                rows.append(f"| {lang} | {mode} | {cell['n']} | " + " | ".join(f"{cell[m]:.3f}" for m in METRICS) + " |")
    lengths = ", ".join(f"{mode} {metrics[mode]['all']['chars_per_hit']:.0f}" for mode in metrics
                        if "all" in metrics[mode])
    rows.append(f"\nMean length of a top-5 hit, in characters: {lengths}.")
    return "\n".join(rows)


def document_kind(question: EvalQuestion, corpus: Corpus) -> str:
    """What a question needs: ``plan`` (plans only), ``law`` (laws only) or ``plan+law``; ``none`` if unanswerable."""
    formats = {corpus.document(a.split(":", 1)[0]).meta.format for a in question.gold if a.split(":", 1)[0]
               in corpus.documents}
    kinds = sorted({"law" if f == LAW_FORMAT else "plan" for f in formats})
    return "+".join(reversed(kinds)) if kinds else "none"


def breakdown(searcher: Searcher, questions: list[EvalQuestion], scoped: bool = True) -> str:
    """R@1 and R@5 (hybrid) of the answerable questions by language × document kind, and by user and question kind
    (where the set has them), as Markdown; the misses at 5 listed with their ids."""
    rows: list[tuple[EvalQuestion, dict[str, float]]] = []
    for q in (q for q in questions if q.answerable and q.gold):
        hits = searcher.search(q.question, k=10, doc=q.doc if scoped else None).hits
        rows.append((q, _scores([h.anchor for h in hits], set(q.gold))))

    def line(label: str, group: list[dict[str, float]]) -> str:
        return f"| {label} | {len(group)} | {sum(s['R@1'] for s in group) / len(group):.3f} | " \
               f"{sum(s['R@5'] for s in group) / len(group):.3f} |"

    out = ["| group | n | R@1 | R@5 |", "|---|---|---|---|"]
    keys = [("language × documents", lambda q: f"{q.lang} · {document_kind(q, searcher.corpus)}"),
            ("user", lambda q: q.user), ("question kind", lambda q: q.kind)]
    for title, key in keys:
        groups: dict[str, list[dict[str, float]]] = {}
        for q, scores in rows:
            if key(q):
                groups.setdefault(key(q), []).append(scores)
        out += [line(f"{title}: {name}", groups[name]) for name in sorted(groups)]
    missed = [f"{q.id}" for q, s in rows if not s["R@5"]]
    return "\n".join(out) + f"\n\nMissed at 5 ({len(missed)}): {', '.join(missed) or 'none'}.\n"
