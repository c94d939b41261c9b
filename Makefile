# The README's commands. Everything installs into .venv from PyPI with the verified versions in constraints.txt.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MANIFEST := dbt_project/target/manifest.json
export DAGSTER_HOME ?= $(CURDIR)/dagster_home

.PHONY: install demo test ui bench lint clean browser

install: $(STAMP) $(MANIFEST)

$(STAMP): pyproject.toml constraints.txt
	@echo "Installing wellled into $(VENV) (pinned by constraints.txt)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# The dbt manifest is built once (not parsed again by every Dagster process), with the profile the pipeline
# will use, so that its first `dbt build` parses only what changed.
$(MANIFEST): $(STAMP) $(shell find dbt_project -name '*.sql' -o -name '*.yml' -o -name '*.csv' | grep -v target/)
	cd dbt_project && WELLLED_BUILD_DB=$$(../$(BIN)/python -c 'from pipelines import settings; print(settings.build_db_path())') \
		../$(BIN)/dbt parse --quiet --profiles-dir .
	@touch $(MANIFEST)

demo: install
	$(BIN)/wellled demo

# The browser tests drive Debian's Chromium through Playwright (Playwright's own browser download cannot run here).
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || (apt-get update -qq && apt-get install -y -qq chromium) \
		|| echo "Chromium is missing and could not be installed: the browser tests will fail (install 'chromium')."

test: install browser
	$(BIN)/ruff check pipelines tests bench
	$(BIN)/python -m pytest -q --durations=15

# Respondent-level data at national scale against the floor and pandas, the demo refresh, definitions load
# (docs/respondent_format.md). Several minutes on 2 cores; BENCH_ARGS e.g. --skip-backfill.
bench: install browser
	$(BIN)/python bench/bench.py $(BENCH_ARGS)
	$(BIN)/python bench/profiles.py

ui: install
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

lint: install
	$(BIN)/ruff check pipelines tests bench

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs warehouse data/landing
