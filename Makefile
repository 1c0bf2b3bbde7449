# Quick start: `make run` and `make test` on a machine with only Python 3.11+.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint setup lock browser bench-quality bench-dedup bench-throughput clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# constraints.txt anew: pyproject's dependencies resolved afresh in a scratch venv, then frozen.
lock:
	rm -rf .lock-venv && $(PY) -m venv .lock-venv && .lock-venv/bin/pip install -q --upgrade pip
	.lock-venv/bin/pip install -q '.[dev]'
	{ sed -n '/^#/p' constraints.txt; .lock-venv/bin/pip freeze | grep -iv '^cleancorpus'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt && rm -rf .lock-venv

run: $(STAMP)
	$(BIN)/cleancorpus backfill data/sample --output data/clean

# The report's browser test drives the system's Chromium (Debian's package; never a browser
# download): installed here where this runs as root with apt, else that one test skips.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  { apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && \
	    apt-get install -y -q chromium >/dev/null 2>&1; }; }; } || echo "no chromium here: the report's browser test will skip"

test: $(STAMP) browser
	PREFECT_HOME=$(CURDIR)/.prefect-test $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check --select F,I pipeline flows train bench tests

bench-quality: $(STAMP)
	$(BIN)/python bench/quality.py ../shared/bench/extraction/scrapinghub

bench-dedup: $(STAMP)
	$(BIN)/python bench/dedup_quality.py
	$(BIN)/python bench/dedup_speed.py

bench-throughput: $(STAMP)
	$(BIN)/python bench/throughput.py

clean:
	rm -rf data/clean .pytest_cache .prefect-test
