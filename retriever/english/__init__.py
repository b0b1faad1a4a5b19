"""Stage 3, English for foreign partners: the reference translation, term glosses, optional machine translation."""
