"""Refusal calibration: the answered-with-gold vs refused-correctly trade-off per evidence threshold."""

from __future__ import annotations

from dataclasses import dataclass

from retriever.answer.extractive import DEFAULT_THRESHOLDS, Answerer, threshold_group
from retriever.evaluation.retrieval import EvalQuestion
from retriever.search.protocol import Searcher

__all__ = ["Outcome", "outcomes", "tradeoff_table", "calibration_section"]


@dataclass(frozen=True)
class Outcome:
    """One question answered with every threshold at 0: its evidence and what would be cited."""

    question: EvalQuestion
    group: str  # "zh" (Simplified and Traditional) or "en" (English and mixed), as detected from the question
    evidence: float
    refused_by_rule: bool  # "no_figure" / "other_province" / "not_held": refused whatever the threshold
    cites_gold: bool


def outcomes(answerer: Answerer, questions: list[EvalQuestion]) -> list[Outcome]:
    """Ask every question once with the evidence thresholds at zero."""
    zero = Answerer(answerer.searcher, thresholds={"zh": 0.0, "en": 0.0}, clauses=answerer.clauses,
                    max_sentences=answerer.max_sentences, sentence_weights=tuple(answerer.sentence_weights))
    rows = []
    for q in questions:
        answer = zero.ask(q.question)  # every document, as `ask` does
        group = threshold_group(answer.lang)  # as detected, as the answerer decides
        rows.append(Outcome(q, group, answer.evidence, not answer.answered,
                            any(s.anchor in q.gold for s in answer.sentences)))
    return rows


def tradeoff_table(rows: list[Outcome], thresholds: list[float], chosen: dict[str, float]) -> str:
    """Markdown: per threshold and group, the share of answerable questions answered with a gold clause cited
    and the share of unanswerable questions refused; the chosen thresholds in bold."""
    def shares(group: str, t: float) -> tuple[str, str]:
        good = [r for r in rows if r.group == group and r.question.answerable]
        bad = [r for r in rows if r.group == group and not r.question.answerable]
        answered = sum(r.cites_gold and not r.refused_by_rule and r.evidence >= t for r in good)
        refused = sum(r.refused_by_rule or r.evidence < t for r in bad)
        cell = (f"{answered / len(good):.3f}" if good else "-", f"{refused}/{len(bad)}" if bad else "-")
        return tuple(f"**{c}**" for c in cell) if abs(chosen.get(group, -1) - t) < 1e-9 else cell

    n = {g: sum(1 for r in rows if r.group == g and not r.question.answerable) for g in ("zh", "en")}
    lines = ["| threshold | Chinese answered with gold | Chinese refused | English/mixed answered with gold "
             "| English/mixed refused |", "|---|---|---|---|---|"]
    for t in thresholds:
        (za, zr), (ea, er) = shares("zh", t), shares("en", t)
        lines.append(f"| {t:.2f} | {za} | {zr} | {ea} | {er} |")
    ruled = [r.question.id for r in rows if r.refused_by_rule]
    lines += ["", f"Refused by a rule whatever the threshold (no figure for a figure question, another province): "
              f"{', '.join(ruled) or 'none'}; unanswerable per group: Chinese {n['zh']}, English/mixed {n['en']}."]
    return "\n".join(lines) + "\n"


def calibration_section(searcher: Searcher, questions: list[EvalQuestion]) -> str:
    """The refusal section of eval/report.md: the evidence and the trade-off per threshold."""
    thresholds = sorted({x / 100 for x in range(32, 47, 2)} | set(DEFAULT_THRESHOLDS.values()))
    table = tradeoff_table(outcomes(Answerer(searcher), questions), thresholds, DEFAULT_THRESHOLDS)
    return "\n".join([
        "## Refusal: calibration on eval/questions.jsonl (`python -m retriever eval`)", "",
        "Evidence = ½ · coverage (idf-weighted share of the question's indexed terms found in one of the top three "
        "clauses; for English/mixed questions, of their English words — Snowball roots, question-framing words left out "
        "— in the clause's reference English, words the translation never uses counting as rare) + ½ · the best "
        "sentence's USE similarity. Below the threshold the answer is a refusal. Two rules refuse whatever the "
        "evidence: a question asking for a figure (多少, how many, what share …) when no quoted sentence states one, "
        "and a question about another province that the quoted sentences do not name.", "",
        f"Chosen (bold): {DEFAULT_THRESHOLDS['zh']:.2f} for Chinese, {DEFAULT_THRESHOLDS['en']:.2f} for English/mixed.",
        "", table])
