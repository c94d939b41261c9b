# The README's commands. Everything installs into .venv from PyPI with the verified versions in constraints.txt.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# dbt's own environment (pyproject's `dbt` extra, with this package for its DuckDB plugin), inside .venv.
DBT_BIN := $(VENV)/dbt/bin
STAMP := $(VENV)/.installed-stamp
MANIFEST := dbt_project/target/manifest.json
# The oldest DuckDB the published files promise to open (storage version v1.4.0), in a folder of its own for
# the client tests (tests/integration/test_bi_clients.py): the project itself runs a newer DuckDB.
OLDEST_DUCKDB := 1.4.4
OLDEST_DUCKDB_DIR := $(VENV)/clients/duckdb-$(OLDEST_DUCKDB)

.PHONY: install demo test test-fast snapshot ui bench lint clean superset test-bi browser

install: $(STAMP) $(MANIFEST)

$(STAMP): pyproject.toml constraints.txt
	@echo "Installing wellled into $(VENV) (pinned by constraints.txt)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps --upgrade --target $(OLDEST_DUCKDB_DIR) duckdb==$(OLDEST_DUCKDB)
	$(PYTHON) -m venv $(VENV)/dbt
	$(DBT_BIN)/python -m pip install --quiet --upgrade pip
	$(DBT_BIN)/python -m pip install --quiet -c constraints.txt $$($(BIN)/python -c 'import tomllib; \
		print(" ".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["dbt"]))')
	$(DBT_BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# The dbt manifest is built once (not parsed again by every Dagster process), with the profile the pipeline
# will use, so that its first `dbt build` parses only what changed.
$(MANIFEST): $(STAMP) $(shell find dbt_project -name '*.sql' -o -name '*.yml' -o -name '*.csv' | grep -v target/)
	cd dbt_project && WELLLED_BUILD_DB=$$(../$(BIN)/python -c 'from pipelines import settings; print(settings.build_db_path())') \
		../$(DBT_BIN)/dbt parse --quiet --profiles-dir .
	@touch $(MANIFEST)

demo: install
	$(BIN)/wellled demo

# The browser tests drive Debian's Chromium through Playwright (Playwright's own browser download cannot run here).
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || (apt-get update -qq && apt-get install -y -qq chromium) \
		|| echo "Chromium is missing and could not be installed: the browser tests will fail (install 'chromium')."

# Everything: lint, tests/unit and tests/integration (whole refreshes of a tiny sample, one of them shared by
# every test that only reads it; PostgreSQL, the browser, the BI clients, kill-and-recover runs), a test file
# per worker at a time (pytest-xdist), so each file's shared fixtures are built once; TEST_WORKERS=0 runs serially.
# Files go out in tests/conftest.py's order (longest first), not xdist's default of most tests first. A
# refresh spends part of its time waiting on dbt, PostgreSQL or the browser, so 3 workers keep 2 cores busy.
TEST_WORKERS ?= 3
XDIST := -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder
test: install browser
	$(BIN)/ruff check pipelines tests bench
	$(BIN)/python -m pytest -q $(XDIST) --durations=15 tests/unit tests/integration

# The loop while you work: lint and tests/unit (no refresh, no server, no browser), stopping at the first failure.
test-fast: install
	$(BIN)/ruff check pipelines tests bench
	$(BIN)/python -m pytest -q -x $(XDIST) tests/unit

# Rewrite tests/unit/asset_graph.json after an intended change of assets, groups, checks, jobs or schedules.
snapshot: install
	$(BIN)/python -m tests.unit.test_asset_graph

# Respondent-level data at national scale against the floor and pandas, the demo refresh, definitions load
# (docs/respondent_format.md); BENCH_ARGS e.g. --skip-backfill or --quick.
bench: install browser
	$(BIN)/python bench/bench.py $(BENCH_ARGS)
	$(BIN)/python bench/profiles.py

# The Dagster instance is the warehouse folder's own (warehouse/dagster/), or DAGSTER_HOME when set (.env included).
ui: install
	DAGSTER_HOME="$$($(BIN)/python -c 'from pipelines import settings; settings.load_env_file(); print(settings.ensure_dagster_home())')" \
		$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

# Apache Superset 6.1 in its own environment (its SQLAlchemy 1.4 cannot share .venv), pinned by
# bi/superset/constraints.txt; the wellled dashboard (bi/superset/bundle) imported against the current publication
# and served on http://127.0.0.1:8088. SUPERSET_DB=postgres uses the warehouse `wellled serve` is serving.
SUPERSET_VENV := .venv-superset
SUPERSET_STAMP := $(SUPERSET_VENV)/.installed-stamp

$(SUPERSET_STAMP): bi/superset/constraints.txt
	@echo "Installing Apache Superset 6.1 into $(SUPERSET_VENV) (pinned by bi/superset/constraints.txt)..."
	$(PYTHON) -m venv $(SUPERSET_VENV)
	$(SUPERSET_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SUPERSET_VENV)/bin/python -m pip install --quiet -c bi/superset/constraints.txt apache-superset duckdb-engine \
		duckdb psycopg2-binary flask-caching rich cachetools
	touch $(SUPERSET_STAMP)

superset: install $(SUPERSET_STAMP)
	bi/superset/superset.sh serve

# Opt-in (not in make test): the bundle imported into a fresh Superset, every chart's query run against a
# small sample publication, on DuckDB and on the PostgreSQL `wellled serve` serves.
test-bi: install $(SUPERSET_STAMP)
	$(BIN)/python bi/superset/test_bi.py

lint: install
	$(BIN)/ruff check pipelines tests bench

clean:
	rm -rf $(VENV) $(SUPERSET_VENV) dbt_project/target dbt_project/logs warehouse data/landing
