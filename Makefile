# Two commands on a fresh machine: `make app` and `make test`. Both create .venv and install what is missing:
# the pinned requirements, then this package itself, editable (so tests and benchmarks import it as installed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | sha256sum | cut -c1-12)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

# The browser test drives Debian's Chromium (never a downloaded browser); screenshots also need CJK fonts.
BROWSER_PACKAGES := chromium chromium-driver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup app test test-fast browser bench-laws bench-law-index bench-milvus-parity load-check screenshots report clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-* && touch $(STAMP)

setup: $(STAMP)

app: $(STAMP)
	$(BIN)/python -m retriever index update
	$(BIN)/streamlit run app.py --server.port 8501 --server.headless true --browser.gatherUsageStats false

browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  ($(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $(BROWSER_PACKAGES))

test: $(STAMP) browser
	$(BIN)/python -m pytest

# The model-free tier: pure functions and logic on the real corpus, a labelled fake embedder; seconds, no browser.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

report: $(STAMP)
	$(BIN)/python -m retriever corpus report

bench-laws: $(STAMP)
	$(BIN)/python benchmarks/parse_laws.py

load-check: $(STAMP) browser
	$(BIN)/python benchmarks/load_check.py

screenshots: $(STAMP) browser
	@fc-list | grep -q CJK || (DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends fonts-noto-cjk)
	$(BIN)/python benchmarks/screenshots.py

bench-milvus-parity: $(STAMP)
	$(BIN)/python benchmarks/milvus_parity.py --write-report

# Needs ../shared/corpora/lawrefbook; ~20 min embedding (resumable), then both indexes and query latency.
bench-law-index: $(STAMP)
	nice $(BIN)/python benchmarks/law_corpus.py all --out index/laws/figures.jsonl

clean:
	rm -rf $(VENV) index .pytest_cache
