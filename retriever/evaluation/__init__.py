"""Stage 7, figures: retrieval and answer metrics, refusal calibration, benchmarks, and ``eval/report.md``."""
