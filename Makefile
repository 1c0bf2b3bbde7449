# Quick start: `make run` and `make test` on a machine with only Python 3.11+.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup bench-quality bench-dedup bench-throughput clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/cleancorpus backfill data/sample --output data/clean

test: $(STAMP)
	PREFECT_HOME=$(CURDIR)/.prefect-test $(BIN)/python -m pytest -q

bench-quality: $(STAMP)
	$(BIN)/python bench/quality.py ../shared/bench/extraction/scrapinghub

bench-dedup: $(STAMP)
	$(BIN)/python bench/dedup_quality.py
	$(BIN)/python bench/dedup_speed.py

bench-throughput: $(STAMP)
	$(BIN)/python bench/throughput.py

clean:
	rm -rf data/clean .pytest_cache .prefect-test
