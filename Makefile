# The two commands of the README:
#   make run    install, load the demo plan, serve on http://127.0.0.1:8000 (SQLite, tasks inline)
#   make test   install and run the whole test suite (SQLite unless DATABASE_URL is set)

PYTHON ?= python3.11
VENV   ?= .venv
BIN     = $(VENV)/bin
PORT   ?= 8000

.PHONY: run test install lint format migrate seed clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.3"

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml build-constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet --build-constraint build-constraints.txt -e ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	DEBUG=1 $(BIN)/python manage.py runserver $(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_ARGS)

# The Khmer catalogue: collect the marked strings (needs GNU gettext) and
# compile it in Python (docs/languages.md). Commit both django.po and django.mo.
messages: install
	$(BIN)/python manage.py catalogue_update

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
