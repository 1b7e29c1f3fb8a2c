# The two commands of the README, `make demo` and `make test`, do all set-up
# themselves: they create .venv when it is missing and install the project.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make mutate MUTATE_WORKERS=2` runs mutants side by side on a machine no one else uses.
MUTATE_WORKERS ?= 1

.PHONY: demo test test-long lint typecheck pytest bench clean readme docs screenshot mutate portal dist

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

$(VENV)/.installed-portal: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[portal]'
	touch $@

$(VENV)/.installed-mutate: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[mutate]'
	touch $@

$(VENV)/.installed-dist: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet build twine
	touch $@

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@

# The command line answering real questions about the built-in roles and the
# example account. A "no" exits with status 1 (a denied question, a file with
# problems): `|| test $$? -eq 1` lets make go on after exactly that status,
# while anything else (2, bad input) still fails the demo.
demo: $(VENV)/.installed-demo
	@echo "== The feature matrix of the built-in roles"
	$(BIN)/ccroles matrix
	@echo; echo "== A built-in role's page"
	$(BIN)/ccroles role "Advanced Customer Center"
	@echo; echo "== The example roles and account files load"
	$(BIN)/ccroles validate examples/roles.toml examples/account.toml
	@echo; echo "== A broken account file: every problem (status 1)"
	$(BIN)/ccroles validate examples/broken-account.toml || test $$? -eq 1
	@echo; echo "== The matrix with the custom roles of examples/roles.toml"
	$(BIN)/ccroles matrix --roles examples/roles.toml
	@echo; echo "== A custom role next to its root (changed levels marked *)"
	$(BIN)/ccroles role Auditor --roles examples/roles.toml
	@echo; echo "== What the Buyer role changes against Premium Customer Center"
	$(BIN)/ccroles diff "Premium Customer Center" Buyer --roles examples/roles.toml
	@echo; echo "== May ACME's own login make a payment? (allowed, status 0)"
	$(BIN)/ccroles check examples/account.toml ap@acme.example "Make a Payment"
	@echo; echo "== May ACME's accountant enter an order? (denied, status 1)"
	$(BIN)/ccroles check examples/account.toml books@acme.example "Enter an Order" || test $$? -eq 1
	@echo; echo "== Why not, and what would allow it"
	$(BIN)/ccroles explain examples/account.toml books@acme.example "Enter an Order" || test $$? -eq 1
	@echo; echo "== UMBRELLA's buyer on its own website, then on another (status 1)"
	$(BIN)/ccroles explain examples/account.toml orders@umbrella.example "Wish Lists" --website "Wholesale Portal"
	$(BIN)/ccroles explain examples/account.toml orders@umbrella.example "Wish Lists" --website "Main Store" || test $$? -eq 1
	@echo; echo "== A bulk access CSV, dry run: nothing changes"
	$(BIN)/ccroles import-access examples/account.toml examples/access.csv
	@echo; echo "== A broken bulk access CSV: every problem with its line and column (status 1)"
	$(BIN)/ccroles import-access examples/account.toml examples/broken-access.csv || test $$? -eq 1

# `make test` runs these four steps, naming each as it starts (about 5
# minutes on a quiet 2-core machine; pytest shows its progress in per cent).
lint: $(VENV)/.installed-test
	@echo "== make test 1/3: ruff check and ruff format --check"
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	@echo "== make test 2/3: mypy --strict"
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	@echo "== make test 3/3: pytest on every core, the docs site built inside it (tests/test_docs.py)"
	$(BIN)/pytest -n auto --dist worksteal -o console_output_style=progress

# The documentation site, from scratch (-E), with warnings as errors.
docs: $(VENV)/.installed-docs
	@echo "== make docs: the documentation site"
	$(BIN)/sphinx-build -E -W --keep-going -q -b html docs docs/_build/html
	@echo "docs: built docs/_build/html/index.html"

# The docs site is built by pytest (tests/test_docs.py: warnings fail it), so
# make test does not build it a second time.
test: lint typecheck pytest

# The source archive and the wheel, in dist/, checked as the package index
# would check them (twine check --strict).
dist: $(VENV)/.installed-dist
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*

# The long runs, apart from `make test` (they take many minutes): the
# property tests with the long Hypothesis profile (LONG=1: ten times the CI
# one, fifty times for the sign-in lifecycle's state machine), then the Cedar
# differential and fail-closed tests with ten times the examples, printing
# their counts.
test-long: $(VENV)/.installed-test
	LONG=1 $(BIN)/pytest -q --no-cov -p no:cacheprovider -n auto tests/property \
		--ignore tests/property/test_cedar_differential.py
	LONG=1 $(BIN)/pytest -n 0 --no-cov -p no:cacheprovider -s \
		tests/property/test_cedar_differential.py tests/test_cedar_requests.py

# Regenerate the feature matrix between the README's marker comments.
readme: $(VENV)/.installed-demo
	$(BIN)/ccroles readme --write README.md

# Optional: look at the built matrix page in headless Chromium (Debian's
# `chromium` package); the picture is left in docs/_build/matrix.png. Also
# takes the example portal's home page on a 390 px phone and at 1280 px, for
# the docs: docs/images/portal-phone.png and portal-desktop.png (committed).
screenshot: $(VENV)/.installed-test
	mkdir -p docs/_build docs/images
	CCROLES_SCREENSHOT=1 CCROLES_SCREENSHOT_FILE=$(CURDIR)/docs/_build/matrix.png \
	CCROLES_PORTAL_SCREENSHOT_DIR=$(CURDIR)/docs/images \
		$(BIN)/pytest -q --no-cov -p no:cacheprovider -k browser \
		tests/test_docs.py tests/test_portal.py

# The example customer portal (examples/portal/) on localhost: prints its
# address and the example logins with their demo password. Ctrl-C stops it.
# Werkzeug's server, threaded, idle connections closed after 10 s: for the
# demo; production runs create_app under gunicorn (docs/tutorials).
portal: $(VENV)/.installed-portal
	$(BIN)/python examples/portal/portal.py

bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_startup.py
	$(BIN)/python benchmarks/bench_roles.py
	$(BIN)/python benchmarks/bench_signin.py
	$(BIN)/python benchmarks/bench_signin_stores.py
	$(BIN)/python benchmarks/bench_cedar.py
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_matrix_file.py

# Mutation testing of the core and engine modules (slow: not part of `test`).
# A score per module and every mutant the tests did not notice; see
# docs/contributing.md. mutmut's working files go to mutants/ (not in git).
mutate: $(VENV)/.installed-mutate
	$(BIN)/python mutation/run.py --workers $(MUTATE_WORKERS)

clean:
	rm -rf $(VENV) mutants .mypy_cache .pytest_cache .ruff_cache .coverage build dist
