# The two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
HOST   ?= 127.0.0.1
DEMO_ORGS ?= 5000
export FLASK_APP := wsgi

.PHONY: run test lint spec fuzz bench-seed bench-api bench-inspections bench-dormant bench-charities clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever the pinned dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

# Browser assets from npm (ECharts for the statistics page, axe-core for the tests).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

run: $(VENV)/.installed node_modules/.installed
	$(BIN)/flask db upgrade
	$(BIN)/flask demo seed --orgs $(DEMO_ORGS) --if-empty
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Schemathesis against gunicorn on a seeded register, as CI runs it (.ci/fuzz).
fuzz: $(VENV)/.installed
	bash .ci/fuzz

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The committed OpenAPI document; tests/api/test_spec.py fails when it is stale.
spec: $(VENV)/.installed
	$(BIN)/flask openapi write --format json openapi/openapi.json

bench-api: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python bench/api.py

bench-seed: $(VENV)/.installed
	$(BIN)/python bench/seed.py

# SQLite and a temporary PostgreSQL database (TEST_DATABASE_URL's server), in one run.
bench-inspections: $(VENV)/.installed
	$(BIN)/python bench/inspections.py

# Dormant detection: 100,000 organisations on SQLite, 1,000,000 on a temporary PostgreSQL
# database (TEST_DATABASE_URL's server).
bench-dormant: $(VENV)/.installed
	$(BIN)/python bench/dormant.py

bench-charities: $(VENV)/.installed
	$(BIN)/python bench/charities.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
