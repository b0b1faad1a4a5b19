# Two commands on a fresh machine: `make app` and `make test`. Both create .venv and install what is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.txt | cut -c1-12)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup app test bench-laws bench-law-index bench-milvus-parity report clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

setup: $(STAMP)

app: $(STAMP)
	$(BIN)/python -m retriever index update
	$(BIN)/streamlit run app.py --server.port 8501 --server.headless true --browser.gatherUsageStats false

test: $(STAMP)
	$(BIN)/python -m pytest

report: $(STAMP)
	$(BIN)/python -m retriever corpus report

bench-laws: $(STAMP)
	$(BIN)/python benchmarks/parse_laws.py

bench-milvus-parity: $(STAMP)
	$(BIN)/python benchmarks/milvus_parity.py --write-report

# Needs ../shared/corpora/lawrefbook; ~20 min embedding (resumable), then both indexes and query latency.
bench-law-index: $(STAMP)
	nice $(BIN)/python benchmarks/law_corpus.py all --out index/laws/figures.jsonl

clean:
	rm -rf $(VENV) index .pytest_cache
