"""Stage 1, source files → clauses: repair the scraped plan, parse plans and laws into clause trees with stable
anchors, load the corpus folder, add and remove documents."""
