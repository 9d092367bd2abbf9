# 医保助手: `make run` sets up whatever is missing and starts the assistant; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PY311 ?= $(shell command -v python3.11 || echo python3)
PY310 ?= $(shell ls -d $$(pyenv root 2>/dev/null)/versions/3.10.*/bin/python3.10 2>/dev/null | tail -n 1 || command -v python3.10)
VENV := .venv
RASA_VENV := .venv-rasa
EMBED_MODEL := var/models/roformer-sim-small/manifest.json
PYTEST_ARGS ?=

.PHONY: help setup run run-cluster chat test lint audit bench bench-cluster clean-models db bot-model model browser nginx

help:
	@echo "make run    set up what is missing, then start Rasa, actions and the app (Ctrl-C stops)"
	@echo "make run-cluster  two replicas of each behind nginx on 127.0.0.1:8080, PostgreSQL and Redis"
	@echo "make test   set up, then run every test"
	@echo "make chat   chat with the running assistant in this terminal"
	@echo "make bench  run the benchmarks (results in BENCHMARKS.md)"

$(VENV)/.installed: requirements/app.txt pyproject.toml
	@test -x $(VENV)/bin/python || $(PY311) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements/app.txt
	$(VENV)/bin/pip install -q --no-deps -e .
	touch $@

$(RASA_VENV)/.installed: requirements/rasa.txt
	@test -x $(RASA_VENV)/bin/python || $(PY310) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install -q --upgrade "pip<25"
	$(RASA_VENV)/bin/pip install -q -r requirements/rasa.txt
	touch $@

$(EMBED_MODEL): $(VENV)/.installed knowledge/embedding_model.py
	$(VENV)/bin/python -m knowledge.embedding_model

# Then the trained retrieval encoder from its committed float16 weights (knowledge/weights/); a no-op
# when var/models/<name>/manifest.json already equals the committed manifest.
model: $(EMBED_MODEL)
	$(VENV)/bin/python -m knowledge.retrieval_model install

bot-model: $(RASA_VENV)/.installed
	PYTHONPATH=$(CURDIR) $(RASA_VENV)/bin/python -m bot.training

db: $(VENV)/.installed
	$(VENV)/bin/yibao db upgrade
	$(VENV)/bin/yibao db demo
	$(VENV)/bin/yibao users ensure-admin

setup: $(VENV)/.installed $(RASA_VENV)/.installed model bot-model db

run: setup
	$(VENV)/bin/python -m service.stack

# The scale-out layout on one machine (README, Cluster): local PostgreSQL and Redis, nginx in front.
run-cluster: setup nginx
	$(VENV)/bin/python -m deploy.cluster

chat: $(VENV)/.installed
	$(VENV)/bin/python -m service.chat

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

test: setup lint browser nginx
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory audit

# pip-audit over both environments' pins; fails on a vulnerability not accepted in requirements/audit-ignore.txt,
# and under CI=true when the vulnerability service cannot be reached (requirements/audit.py, README).
audit: $(VENV)/.installed
	$(VENV)/bin/python requirements/audit.py

# Debian's Chromium for the console's browser tests (never `playwright install`), with a CJK font for screenshots.
browser:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium fonts-wqy-zenhei)

# Debian's nginx, the cluster's load balancer; its own service is not started (RUNLEVEL=1): the cluster runs it.
nginx:
	@test -x /usr/sbin/nginx || command -v nginx >/dev/null || (apt-get update && RUNLEVEL=1 apt-get install -y nginx)

bench: setup bench-cluster
	$(VENV)/bin/python -m bench.run_all

# Load and faults against the cluster (about 8 minutes; PostgreSQL and Redis are restarted on the way).
bench-cluster: setup nginx
	$(VENV)/bin/python -m bench.cluster_load
	$(VENV)/bin/python -m bench.cluster_faults
