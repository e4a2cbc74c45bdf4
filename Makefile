# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-postgres lint install bench clean chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Set up the embedded database with the shipped data, the demo studies, a certified label and
# the demo accounts (printed), then serve the platform at http://127.0.0.1:8000.
run: $(STAMP)
	$(BIN)/tanzuji db init
	$(BIN)/tanzuji demo
	$(BIN)/tanzuji user demo
	$(BIN)/tanzuji serve --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src

# The browser tests drive Debian's headless Chromium (never `playwright install`).
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)

test: lint chromium
	$(BIN)/pytest -q

# The same suite against the PostgreSQL server of this machine (.ci/run runs both).
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/tanzuji_test
test-postgres: $(STAMP) chromium
	TANZUJI_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/factors.py
	$(BIN)/python bench/server.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
