"""Stage 4, clauses → searchable index: the embedded index folder (build, load, manifest, delta segments), the
embedding store shared by both backends, and the Milvus collection."""
