"""Optional generative answers through a chat model the user configures, and the verifier every answer passes.

The model sees the question and the retrieved clauses, numbered with their anchors, and must cite an anchor in
square brackets after every sentence and put the plan's exact words in 「」. The verifier then checks each sentence:
every cited anchor exists and was among the retrieved clauses, and every 「quote」 occurs verbatim in a cited
clause. Unsupported sentences are flagged (default) or removed; the offline extractive answer stays the default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from retriever.analysis.chat_model import chat_model_label
from retriever.answer.citation_check import _fold
from retriever.errors import ChatModelError, UnknownAnchorError
from retriever.ingest.corpus import Corpus
from retriever.search.protocol import Searcher
from retriever.types import Hit, SentenceStatus

__all__ = ["VerifiedSentence", "GenerativeAnswer", "verify", "GenerativeAnswerer", "PROMPT"]

PROMPT = (
    "You answer questions about Chinese policy documents using ONLY the numbered clauses below. Answer in the "
    "language of the question. After every sentence put the anchor(s) of the clause(s) it relies on in square "
    "brackets, e.g. [hb-sti-14fyp:ch5.s1.p1]. Put any words copied from a clause in 「」 exactly as written there. "
    "If the clauses do not answer the question, reply exactly: NOT IN THE PLAN.\n\nClauses:\n{clauses}"
)
_CITATION = re.compile(r"\[([a-z0-9][a-z0-9-]*:[a-z0-9.\-]+)\]")
_QUOTE = re.compile(r"「([^」]+)」")
_QUOTE_SPAN = re.compile(r"「[^」]*」")
_END = re.compile(r"(?<=[。！？!?])|(?<=\.)(?=\s|$)")
_REFUSAL = "NOT IN THE PLAN"


@dataclass(frozen=True)
class VerifiedSentence:
    """A sentence of a generated answer and what the verifier found."""

    text: str
    anchors: list[str]
    status: SentenceStatus
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class GenerativeAnswer:
    """A verified generated answer: its sentences, whether the model declined, and the retrieved clauses."""

    question: str
    model: str
    answered: bool
    sentences: list[VerifiedSentence]
    retrieved: list[str]
    removed: int = 0
    notices: list[str] = field(default_factory=list)

    @property
    def supported(self) -> bool:
        return self.answered and all(s.status is SentenceStatus.SUPPORTED for s in self.sentences)

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "model": self.model, "label": "machine-generated, verified",
                "answered": self.answered, "supported": self.supported, "removed": self.removed,
                "sentences": [s.to_dict() for s in self.sentences], "retrieved": self.retrieved,
                "notices": self.notices}


def split_sentences(text: str) -> list[str]:
    """Sentences of an answer, each keeping its [anchor] citations (anchors contain dots) and never split inside
    a 「quote」 (a quote may hold several of the plan's sentences)."""
    hidden_parts: list[str] = []

    def hide(m: re.Match) -> str:
        hidden_parts.append(m.group())
        return f"\x00{len(hidden_parts) - 1}\x00"

    hidden = _QUOTE_SPAN.sub(hide, _CITATION.sub(hide, text))
    parts = [p for p in _END.split(hidden) if p.strip()]
    merged: list[str] = []
    for part in parts:
        if merged and not re.sub(r"\x00\d+\x00|[\s。.!?！？]", "", part) and "\x00" in part:
            merged[-1] += part  # citations after the sentence end belong to that sentence
        elif merged and not re.sub(r"[\s。.!?！？]", "", part):
            merged[-1] += part
        else:
            merged.append(part)

    def restore(value: str) -> str:
        while "\x00" in value:
            value = re.sub(r"\x00(\d+)\x00", lambda m: hidden_parts[int(m.group(1))], value)
        return value

    return [restore(p).strip() for p in merged]


def verify(text: str, retrieved: list[str], corpus: Corpus) -> list[VerifiedSentence]:
    """Check every sentence of a generated answer against the corpus and the retrieved anchors."""
    sentences = []
    for raw in split_sentences(text):
        if not raw or not re.search(r"\w", _CITATION.sub("", raw)):
            continue
        anchors = _CITATION.findall(raw)
        problems: list[str] = []
        status = SentenceStatus.SUPPORTED
        clauses = []
        for anchor in anchors:
            try:
                clauses.append(corpus.clause(anchor))
            except UnknownAnchorError:
                problems.append(f"{anchor} does not exist")
                status = SentenceStatus.INVENTED_ANCHOR
                continue
            if anchor not in retrieved:
                problems.append(f"{anchor} was not among the retrieved clauses")
                status = SentenceStatus.NOT_RETRIEVED if status is SentenceStatus.SUPPORTED else status
        if not anchors:
            status, problems = SentenceStatus.UNCITED, ["no anchor cited"]
        for quote in _QUOTE.findall(raw):
            if clauses and not any(_fold(quote) in _fold(c.text) for c in clauses):
                problems.append(f"「{quote}」 is not verbatim in the cited clause(s)")
                status = SentenceStatus.MISQUOTE if status is SentenceStatus.SUPPORTED else status
        sentences.append(VerifiedSentence(raw, anchors, status, problems))
    return sentences


class GenerativeAnswerer:
    """Retrieve, prompt the configured chat model with numbered clauses, verify, and flag or remove."""

    def __init__(self, searcher: Searcher, chat_model, k: int = 5, remove_unsupported: bool = False) -> None:
        self.searcher = searcher
        self.chat_model = chat_model
        self.k = k
        self.remove_unsupported = remove_unsupported
        self.label = chat_model_label(chat_model)

    def _prompt(self, hits: list[Hit]) -> str:
        numbered = "\n".join(f"[{i}] [{h.anchor}] {h.label_zh} / {h.label_en}: {h.text}" for i, h in enumerate(hits, 1))
        return PROMPT.format(clauses=numbered)

    def ask(self, question: str, doc: str | None = None) -> GenerativeAnswer:
        """Answer from the top clauses of ``doc`` (None: the whole corpus), verified sentence by sentence."""
        result = self.searcher.search(question, k=self.k, doc=doc)
        retrieved = [h.anchor for h in result.hits]
        try:
            reply = self.chat_model.invoke([("system", self._prompt(result.hits)), ("human", question)])
        except Exception as err:  # an endpoint that is down, slow or refusing
            raise ChatModelError(f"{self.label}: {type(err).__name__}: {err}") from None
        text = str(getattr(reply, "content", reply)).strip()
        if not text or text.upper().startswith(_REFUSAL):
            return GenerativeAnswer(question, self.label, False, [], retrieved, 0, list(result.notices))
        sentences = verify(text, retrieved, self.searcher.corpus)
        removed = 0
        if self.remove_unsupported:
            kept = [s for s in sentences if s.status is SentenceStatus.SUPPORTED]
            removed = len(sentences) - len(kept)
            sentences = kept
        notices = list(result.notices)
        if any(s.status is not SentenceStatus.SUPPORTED for s in sentences):
            notices.append("some sentences are not supported by the cited clauses 部分句子缺乏条款支撑")
        return GenerativeAnswer(question, self.label, bool(sentences), sentences, retrieved, removed, notices)
