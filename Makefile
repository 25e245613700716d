# The two commands: `make run` (the portal, a worker and the scheduler) and `make test` (the suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PYTEST_ARGS ?=

.PHONY: run test install install-dev system-deps build-deps translations lint hooks format bench-orders clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python build-deps
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python build-deps
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

translations: install
	$(MANAGE) compiletranslations

## make run: install, migrate, compile translations, load demo data, serve with worker and beat.
run: install translations
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) rundev

## make test: install what the suite needs (system packages when root on Debian) and run it all.
test: install-dev system-deps
	$(MANAGE) compiletranslations
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

system-deps:
	@bash scripts/install-system-deps.sh

## build-deps: what pip needs to build PyICU (ICU's headers, pkg-config, a C++ compiler).
build-deps:
	@bash scripts/install-system-deps.sh build

# Our apps, lowest first (docs/architecture.md); those not created yet are left out.
APPS := $(patsubst %/__init__.py,%,$(wildcard $(addsuffix /__init__.py,portal audit merchants orders payments branding shipping integrations privacy)))
# pre-commit keeps its cache inside the repository: every hook is local, nothing is downloaded.
PRE_COMMIT := PRE_COMMIT_HOME=$(CURDIR)/var/pre-commit $(BIN)/pre-commit

## make lint: the pre-commit hooks on every file (ruff, ruff format, djlint, translations, import graph,
## docs), then mypy and the migrations check. .ci/run calls it.
lint: install-dev
	$(PRE_COMMIT) run --all-files --show-diff-on-failure
	$(BIN)/mypy $(APPS)
	$(MANAGE) makemigrations --check --dry-run

## make hooks: run the same hooks before each commit.
hooks: install-dev
	$(PRE_COMMIT) install

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
