"""Stage 2, text → what the retrieval legs see: query normalisation, tokenisation, each leg's text of a clause,
the bilingual glossary, the bundled embedding models and the optional chat model."""
