# Two commands do all the set-up: `make run` serves the app, `make test` runs every test.
# Debian's own Python 3.11 where it is there with its venv module, else the first python3 on PATH.
# Debian builds it with profile-guided and link-time optimisation; pyenv's default build has neither,
# and the tests that are mostly Python need 12-20 % less CPU on Debian's (docs/decisions/0034).
# `make test PYTHON=python3` picks another; the environment is made again when it changes.
PYTHON ?= $(shell /usr/bin/python3.11 -c 'import ensurepip, venv' 2>/dev/null && echo /usr/bin/python3.11 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := app

.PHONY: FORCE run test screenshots install translations lint format bench browser-deps clean

# The virtual environment is brought up to date whenever setup.cfg (the dependency list) changes,
# and made again from scratch when it was made by another interpreter (.installed names it).
PYTHON_PATH := $(shell $(PYTHON) -c 'import os, sys; print(os.path.realpath(sys.executable))')
OTHER_PYTHON := $(if $(filter $(PYTHON_PATH),$(shell cat $(VENV)/.installed 2>/dev/null)),,FORCE)

$(VENV)/.installed: setup.cfg pyproject.toml $(OTHER_PYTHON)
	$(if $(OTHER_PYTHON),rm -rf $(VENV))
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	echo '$(PYTHON_PATH)' > $@

FORCE:

install: $(VENV)/.installed

# Compiled catalogues are build products (git-ignored); rebuilt when a .po file is newer.
translations: install
	@$(BIN)/python scripts/compile_translations.py

run: install translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/flask search rebuild --if-missing
	PORT=$(PORT) scripts/run.sh

browser-deps:
	@scripts/ensure-browser.sh

# The suite runs in parallel: pytest-xdist workers (TEST_WORKERS=0: one process), each browser test
# file in one of them, temporary files (databases, indexes) in memory when /dev/shm exists (SQLite
# and the index write many small files). Compiled modules are kept (__pycache__, git-ignored) even
# where the environment sets PYTHONDONTWRITEBYTECODE: every worker and every process a test starts
# would otherwise compile the app, the tests and the assertion-rewritten plugins again.
TEST_WORKERS ?= auto
TEST_TMPDIR ?= $(shell test -d /dev/shm -a -w /dev/shm && echo /dev/shm || echo "$${TMPDIR:-/tmp}")

test: install translations browser-deps
	TMPDIR=$(TEST_TMPDIR) PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# The browser tests again, leaving a full-page screenshot of every page they check in
# test-artifacts/screenshots/ for reviewers (make test takes none: they cost CPU and no test reads them).
screenshots: install translations browser-deps
	SCREENSHOTS=1 TMPDIR=$(TEST_TMPDIR) PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup -m browser $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format app tests bench
	$(BIN)/ruff check --fix app tests bench

# Refresh the catalogues after changing user-facing strings.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot --no-location --sort-output --width 100 .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --ignore-obsolete --width 100

bench: install translations
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
