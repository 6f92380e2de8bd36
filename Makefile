# Thrasos. Two commands: `make run` and `make test` (see README).
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: help setup run test quality format bench load

help:
	@echo "make run      install what is missing, start services, migrate, demo data, serve"
	@echo "make test     the same set-up, then the whole test suite"
	@echo "make quality  format check, lint, template lint, migrations check, compose schema"
	@echo "make format   apply ruff format and djLint formatting"
	@echo "make demo-code  the current two-factor code of the demo accounts"
	@echo "make bench    benchmarks at 200,000 case files (bench/; BENCH_SCALE=20000 for less)"
	@echo "make load     load test: 50 caseworkers on gunicorn (LOAD_KILL=1: kill workers halfway)"

setup:
	@scripts/setup.sh

run: setup
	@scripts/run.sh

test:
	@scripts/setup.sh --test
	@scripts/test.sh $(ARGS)

quality: setup
	@scripts/quality.sh

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/djlint templates --reformat --quiet || true

.PHONY: demo-code
demo-code: setup
	@DJANGO_SECRET_KEY=demo DJANGO_DEBUG=true DATABASE_URL=postgres://demo@127.0.0.1:1/demo \
	  REDIS_URL=redis://127.0.0.1:1/0 $(PY) manage.py seed_demo --code

bench: setup
	@scripts/bench.sh

load: setup
	@bench/load.sh
