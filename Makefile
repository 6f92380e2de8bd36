# Thrasos. Two commands: `make run` and `make test` (see README).
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: help setup run test quality format bench

help:
	@echo "make run      install what is missing, start services, migrate, demo data, serve"
	@echo "make test     the same set-up, then the whole test suite"
	@echo "make quality  format check, lint, template lint, migrations check, compose schema"
	@echo "make format   apply ruff format and djLint formatting"

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
