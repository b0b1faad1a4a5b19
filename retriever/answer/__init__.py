"""Stage 6, hits → what users read: extractive cited answers and refusals, optional verified generated answers,
the citation checker, exports with citations."""
