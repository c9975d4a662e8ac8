# Courtyard (楼院管家). `make run` and `make test` work on a fresh machine with Python >= 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_TEST_URL ?= $(TEST_DATABASE_URL)

.PHONY: run test test-sqlite test-postgres lint format bench locales catalogs clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $(STAMP)

catalogs: $(STAMP)
	$(BIN)/python -c 'from bot.i18n import compile_catalogs; compile_catalogs()'

## run: set up and run the bot; without BOT_TOKEN it runs against the local sandbox with demo data
run: catalogs
	@if [ -n "$$BOT_TOKEN" ] || grep -qs '^BOT_TOKEN=.' .env; then \
		$(BIN)/courtyard run; \
	else \
		$(BIN)/courtyard demo; \
	fi

## test: set up and run every test on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set
test: catalogs
	$(BIN)/python -m pytest -q
	@if [ -n "$(PG_TEST_URL)" ]; then \
		echo "== again on PostgreSQL"; \
		TEST_DATABASE_URL="$(PG_TEST_URL)" $(BIN)/python -m pytest -q -m "not browser"; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot handlers views services models scheduler sandbox

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: catalogs
	$(BIN)/python bench/run.py

## locales: extract messages from the code and merge them into the zh_Hans and en catalogs
locales: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k __ -k N_ -k lazy_gettext \
		--no-location --sort-output --project=courtyard -o locales/messages.pot \
		bot handlers views services scheduler
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python -c 'from bot.i18n import fill_source_locale; fill_source_locale()'

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
