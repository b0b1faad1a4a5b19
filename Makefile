# Two commands on a fresh machine: `make app` and `make test`. Both create .venv and install what is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.txt | cut -c1-12)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

# The browser test drives Debian's Chromium (never a downloaded browser); screenshots also need CJK fonts.
BROWSER_PACKAGES := chromium chromium-driver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup app test browser bench-laws bench-law-index bench-milvus-parity load-check screenshots report clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
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
