# TechServ Assistant — the two commands a new machine needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: run test bench index chat eval eval-scifact clean install help screenshots

help:
	@echo "make run     set up .venv, index knowledge/ and start the assistant (and the dashboard)"
	@echo "make test    set up .venv and run the whole test suite"
	@echo "make bench   print indexing throughput, query latency and memory figures"
	@echo "make eval    retrieval quality on SciFact and the knowledge-pack questions"
	@echo "make screenshots  Teams cards (official renderer, light and dark), passport pages and dashboard pages in docs/screenshots/"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# torch 2.13.0 (CPU build) first, so nothing pulls a CUDA build of torch afterwards.
$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

index: $(STAMP)
	$(VENV)/bin/techserv index

# examples/people.yaml goes in only on a fresh embedded database (see `techserv people import --help`)
run: $(STAMP)
	$(VENV)/bin/techserv index
	$(VENV)/bin/techserv people import examples/people.yaml --first-run
	$(VENV)/bin/techserv start

chat: $(STAMP)
	$(VENV)/bin/techserv chat

test: $(STAMP)
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-chromium.sh
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) -m benchmarks.bench

eval: $(STAMP)
	$(VENV)/bin/techserv eval ../shared/benchmarks/scifact --mode bm25
	$(VENV)/bin/techserv eval ../shared/benchmarks/scifact --mode dense
	$(VENV)/bin/techserv eval ../shared/benchmarks/scifact --mode hybrid
	$(VENV)/bin/techserv eval tests/eval/questions.yaml

screenshots: $(STAMP)
	$(PY) scripts/screenshots.py
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-chromium.sh
	TECHSERV_SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest -q tests/adapters/dashboard/test_browser.py

clean:
	rm -rf $(VENV) var .pytest_cache
