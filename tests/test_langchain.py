"""The LangChain retriever inside a runnable chain (langchain-core only)."""

from __future__ import annotations

from langchain_core.documents import Document
from langchain_core.runnables import RunnableLambda, RunnableParallel, RunnablePassthrough

from retriever.search.langchain import ClauseRetriever


def test_retriever_in_a_runnable_chain(searcher):
    retriever = ClauseRetriever(searcher=searcher, k=3, doc="hb-sti-14fyp")
    cite = RunnableLambda(lambda docs: [f"[{d.metadata['anchor']}] {d.page_content[:10]}" for d in docs])
    chain = RunnableParallel(question=RunnablePassthrough(), citations=retriever | cite)
    out = chain.invoke("湖北如何发展光通信和激光?")
    assert out["question"] == "湖北如何发展光通信和激光?"
    assert len(out["citations"]) == 3 and out["citations"][0].startswith("[hb-sti-14fyp:")
    docs = retriever.invoke("光通信及激光")
    assert all(isinstance(d, Document) for d in docs)
    first = docs[0]
    assert first.id == first.metadata["anchor"] and first.metadata["label_zh"] and first.metadata["label_en"]
    assert "explain" in first.metadata and first.metadata["doc"] == "hb-sti-14fyp"
