"""Stage 5, question → ranked, explained clauses: the ``Searcher`` protocol, the shared query path, query analysis,
the embedded and Milvus backends, fusion, filters and the LangChain retriever."""
