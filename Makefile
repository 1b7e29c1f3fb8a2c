# The two commands of the README, `make demo` and `make test`, do all set-up
# themselves: they create .venv when it is missing and install the project.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck pytest bench clean readme docs screenshot

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-demo: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $@

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@

demo: $(VENV)/.installed-demo
	$(BIN)/ccroles matrix
	$(BIN)/ccroles role "Customer Center"
	$(BIN)/ccroles role "Advanced Customer Center"
	$(BIN)/ccroles validate examples/roles.toml examples/account.toml
	$(BIN)/ccroles validate examples/broken-account.toml || test $$? -eq 1
	$(BIN)/ccroles matrix --roles examples/roles.toml
	$(BIN)/ccroles role Auditor --roles examples/roles.toml

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	$(BIN)/pytest

# The documentation site, from scratch (-E), with warnings as errors.
docs: $(VENV)/.installed-docs
	$(BIN)/sphinx-build -E -W --keep-going -q -b html docs docs/_build/html
	@echo "docs: built docs/_build/html/index.html"

test: lint typecheck pytest docs

# Regenerate the feature matrix between the README's marker comments.
readme: $(VENV)/.installed-demo
	$(BIN)/ccroles readme --write README.md

# Optional: look at the built matrix page in headless Chromium (Debian's
# `chromium` package); the picture is left in docs/_build/matrix.png.
screenshot: $(VENV)/.installed-test
	CCROLES_SCREENSHOT=1 CCROLES_SCREENSHOT_FILE=$(CURDIR)/docs/_build/matrix.png \
		$(BIN)/pytest -q --no-cov -p no:cacheprovider -k browser tests/test_docs.py

bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_import.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .coverage build dist
