# Two commands do everything: `make run` and `make test`. Both set up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.setup-stamp

.PHONY: setup run natural test lint bench clean

setup: $(STAMP)
	@$(PY) -m assistant model path >/dev/null 2>&1 || $(PY) -m assistant model install
	@$(PY) -m assistant model adapt

# Re-run only when the dependencies change, so a second `make` takes seconds.
$(STAMP): pyproject.toml scripts/install-system-packages.sh
	@bash scripts/install-system-packages.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

run: setup
	@$(PY) -m assistant listen

# The optional natural voice (speech = "natural"); `make test` installs it too.
natural: setup
	@$(PY) -m pip install --quiet -e '.[natural]'

lint: setup
	$(VENV)/bin/ruff check assistant intents tests benchmarks support
	$(VENV)/bin/ruff format --check assistant intents tests benchmarks support
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: lint
	$(VENV)/bin/pytest

bench: setup
	@$(PY) -m pip install --quiet -e '.[test,bench]'
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
