# Two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
CSS := src/passport/static/build/passport.css

.PHONY: run test setup system-packages assets lint typecheck format clean help bench

help:
	@echo "make run    set up, migrate the SQLite database, load demo data, serve on http://127.0.0.1:8000"
	@echo "make test   set up and run every test on SQLite and on PostgreSQL"
	@echo "make lint   ruff, mypy and the import contracts (make test runs them too)"
	@echo "make bench  national-scale data on a private PostgreSQL, load and batch benchmarks (SCALE=0.05; SCALE=1.0 is England)"

$(PY_STAMP): pyproject.toml requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CSS): $(NODE_STAMP) src/passport/static/passport/passport.scss scripts/build-assets.mjs
	npm run --silent build

assets: $(CSS)

# The empty recipe keeps `make test`'s sub-make from saying "Nothing to be done for 'setup'".
setup: $(PY_STAMP) assets
	@:

run: setup
	$(BIN)/passport migrate --no-input
	$(BIN)/passport demo --if-empty
	$(BIN)/passport runserver 127.0.0.1:8000

# The system packages come first: setup itself needs npm and python3-venv. `make test` as root
# installs what is missing; anyone else gets the one `apt-get install` line and no test starts.
# setup runs in a sub-make so that it cannot start before the check, even with -j.
# `make run` needs none of them (no Chromium, no PostgreSQL server).
system-packages:
	@PYTHON="$(PYTHON)" bash scripts/system_packages.sh

test: system-packages
	@$(MAKE) --no-print-directory setup
	$(BIN)/python scripts/run_tests.py

SCALE ?= 0.05
bench: setup
	$(BIN)/python bench/run.py --scale $(SCALE)

lint: setup
	$(BIN)/ruff check src tests scripts
	$(BIN)/mypy src
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff format src tests scripts

clean:
	rm -rf $(VENV) node_modules src/passport/static/build var
