# Sila — developer and CI entry points. `make run` and `make test` do all set-up.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
FLASK := $(VENV)/bin/flask --app wsgi
PYBABEL := $(VENV)/bin/pybabel
PYTEST_ARGS ?=
# Development defaults for `make run` and its steps (not for the tests, which run the app as
# production does); production sets SECRET_KEY and DATABASE_URL itself.
run demo migrate worker: export FLASK_DEBUG ?= 1

.PHONY: install python-deps npm-deps translations extract update-catalogs compile-catalogs \
        migrate demo run worker test lint bench clean

install: python-deps npm-deps compile-catalogs

# Each step says what it does: the first run spends minutes in pip, and a silent terminal
# looks like a hang. pip prints a line per package (its progress bar shows on a terminal).
$(VENV)/.installed: pyproject.toml
	@echo "Sila: creating the Python environment in $(VENV)…"
	test -d $(VENV) || python3 -m venv $(VENV)
	@echo "Sila: installing Python packages (first run: about 30 seconds on a good connection; later runs skip this)…"
	$(PIP) install --progress-bar on --upgrade pip
	$(PIP) install --progress-bar on -e '.[test]'
	touch $@

python-deps: $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	@echo "Sila: installing the front-end libraries with npm (under a minute)…"
	npm ci --no-audit --no-fund
	touch $@

npm-deps: node_modules/.package-lock.json

# --ignore-dirs replaces Babel's default, which skips every folder starting with "_"
# (and so templates/_macros); the same keywords and folders are in tests/i18n/test_catalogs.py.
extract: python-deps
	$(PYBABEL) extract -F babel.cfg -k lazy_gettext -k _l -k lazy_ngettext:1,2 \
		--ignore-dirs='.* __pycache__ node_modules' --no-location --sort-output \
		--project=Sila -o translations/messages.pot .

update-catalogs: extract
	$(PYBABEL) update -i translations/messages.pot -d translations \
		--ignore-obsolete --no-fuzzy-matching

compile-catalogs: python-deps
	@echo "Sila: compiling the Arabic and English translations…"
	$(PYBABEL) compile -d translations --statistics 2>&1 | tail -n 2

translations: update-catalogs compile-catalogs

migrate: install
	@echo "Sila: bringing the database up to date…"
	$(FLASK) db upgrade

demo: migrate
	@echo "Sila: loading the demo association if the database is empty (about a minute)…"
	$(FLASK) helpdesk demo --if-empty

worker: install
	$(FLASK) helpdesk worker

run: demo
	@echo "Sila: http://127.0.0.1:5000 — demo logins are listed in README.md"
	$(FLASK) helpdesk worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install
	$(VENV)/bin/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check helpdesk plugins tests bench

bench: install
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache
	find translations -name '*.mo' -delete
