"""What each leg sees of a clause, and the tokenizer's user dictionary.

Both backends index a clause through :func:`clause_fields`, so the embedded index and the Milvus collection hold
the same tokens, English words and texts by construction:

- the Chinese BM25 leg: :func:`lexical_text` (the text, and for law articles the article label 第八条);
- the English BM25 leg: the stemmed words of the reference English;
- the dense legs: :func:`dense_text` (the heading path for context, then the text) and the reference English;
- the chapter filter: the anchor's chapter (:func:`retriever.ingest.corpus.chapter_of`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from retriever.analysis.glossary import Glossary
from retriever.analysis.tokenize import Tokenizer, english_stopwords, english_words
from retriever.ingest.corpus import Corpus, chapter_of
from retriever.types import Clause, Document, IndexedClause

__all__ = ["user_terms", "lexical_text", "dense_text", "ClauseFields", "clause_fields",
           "LEG_TEXTS"]

_LEAD_SPLIT = re.compile(r"[及与和、,，]")
LEG_TEXTS = {"lexical": "text (+ article label for laws)", "dense": "heading path (+ law title) + text",
             "english": "reference translation: English BM25 (stemmed words) and every embedder's vectors"}
"""Recorded in the index manifest: a change of what a leg sees is a change of the index."""


def user_terms(corpus: Corpus, glossary: Glossary) -> list[str]:
    """The jieba user dictionary: glossary terms and the pieces of the plan's lead phrases."""
    terms = {t.zh for t in glossary.terms}
    for doc in corpus.documents.values():
        for clause in doc.clauses:
            if clause.lead:
                terms.update(p for p in _LEAD_SPLIT.split(clause.lead) if 2 <= len(p) <= 12)
    return sorted(terms)


def lexical_text(clause: Clause) -> str:
    """What BM25 sees of a clause: its text, and for law articles the article label (第八条)."""
    if clause.kind in ("article", "item"):
        article = next((p for p in clause.label_zh.split() if p.endswith("条") or "条之" in p), "")
        return f"{article} {clause.text}"
    return clause.text


DENSE_MAX_CHARS = 2000
"""What an embedder is given of one clause at most: the bundled models read 512 tokens (about 1,000 Chinese
characters) and drop the rest, so a longer text only costs memory (a 50 MB one-paragraph file once asked for 83 GiB);
the corpus's longest clause has 640 characters (671 with its heading path)."""


def dense_text(clause: Clause, title: str) -> str:
    """What the embedder sees: the heading path for context, then the clause (at most :data:`DENSE_MAX_CHARS`)."""
    path = " > ".join(clause.heading_path)
    prefix = f"{title} > {path}" if clause.kind in ("article", "item") else path
    return (f"{prefix}\n{clause.text}" if prefix else clause.text)[:DENSE_MAX_CHARS]


@dataclass(frozen=True)
class ClauseFields:
    """A clause as the legs see it: BM25 tokens (repeats kept), the reference English and its words."""

    clause: Clause
    title: str  # the document's title (dense text of law articles)
    tokens: list[str]
    text_en: str | None
    tokens_en: list[str]

    @property
    def dense_text(self) -> str:
        return dense_text(self.clause, self.title)

    def record(self) -> IndexedClause:
        """What the index keeps of the clause."""
        c = self.clause
        return IndexedClause(c.anchor, c.doc_id, c.label_zh, c.label_en, c.heading_path, c.text,
                             chapter_of(c.anchor), frozenset(self.tokens), self.text_en, frozenset(self.tokens_en))


def clause_fields(documents: Iterable[Document], tokenizer: Tokenizer,
                  english: Mapping[str, str]) -> list[ClauseFields]:
    """The fields of every clause of ``documents``, in order; ``english`` maps anchors to reference English."""
    stop_en = english_stopwords()
    out = []
    for doc in documents:
        for c in doc.clauses:
            text_en = english.get(c.anchor)
            out.append(ClauseFields(c, doc.meta.title, tokenizer.tokens(lexical_text(c)), text_en,
                                    english_words(text_en, stop_en) if text_en else []))
    return out
