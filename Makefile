# Two commands on a fresh machine: `make demo` and `make test`.
# Each sets up everything it needs: a virtualenv, the package, a Chromium.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# pytest-xdist workers for make test / make e2e (each e2e module stays on one worker, the longest first: tests/conftest.py).
# Three on two cores: the end-to-end tests wait on the shop and the browser much of the time
# (measured on 2 cores shared with other jobs, load ~11: -n 3 949 s and 896 s, -n 2 1371 s for the whole suite).
# -n 4 gains nothing on 2 idle cores: the CPUs are then 98 % busy (2026-12-06: -n 3 549 s, -n 4 564 s).
TEST_WORKERS ?= 3

.PHONY: setup lock lint demo demo-full test unit e2e postgres redis xvfb fixtures bench schema test-slow clean

# requirements.lock pins every package to the versions the last green CI run used:
# a fresh machine installs exactly those. `make lock` moves the pins on purpose.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	touch $(STAMP)

## lock: re-resolve the newest versions pyproject.toml allows and pin them in requirements.lock
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	.lock-venv/bin/python -m pip freeze --exclude-editable --disable-pip-version-check | grep -v '^#' > requirements.lock
	rm -rf .lock-venv
	@echo "requirements.lock updated: run make test, then commit it"

## setup: virtualenv + package + a Chromium (Playwright's, else Debian's via apt-get as root).
## compileall: where PYTHONDONTWRITEBYTECODE is set (many CI images set it) Python never writes the
## package's bytecode but still reads it; each journeyaudit process then starts 0.2 s sooner.
setup: $(STAMP)
	$(BIN)/python -m compileall -q src
	$(BIN)/journeyaudit doctor --install

## demo: the quick demo audit (a journey per story, two at a time) against the built-in demo shop,
## then a crawl of its catalogue (300 products, the seeded JA8xx defects)
demo: setup
	$(BIN)/journeyaudit run audits/demo-quick.yaml
	$(BIN)/journeyaudit crawl audits/demo-quick.yaml --out reports/crawl --fail-on none

## demo-full: every demo journey: the happy path, one per fault, and the probes
demo-full: setup
	$(BIN)/journeyaudit run audits/demo.yaml

## test: the whole suite, unit and end-to-end (real headless Chromium vs the demo shop).
## PostgreSQL, redis-server and Xvfb are installed if possible (root + apt-get) so the history runs on a
## real server too, the shared crawl queue on a real Redis and `journeyaudit record`'s test on a virtual
## display; otherwise those tests are skipped and -rs prints why. The slow tests (-m slow: a dead
## crawler's queue lock expiring, about 6 minutes) run with `make test-slow`.
test: setup postgres redis xvfb lint
	$(BIN)/pytest -rs -m "not slow" -n $(TEST_WORKERS) --dist loadscope

## lint: ruff (lint, import order, complexity); settings in pyproject.toml
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts

## postgres: best effort, never fails (see scripts/ensure_postgres.sh)
postgres:
	@bash scripts/ensure_postgres.sh

## redis: best effort, never fails (see scripts/ensure_redis.sh)
redis:
	@bash scripts/ensure_redis.sh

## xvfb: best effort, never fails (see scripts/ensure_xvfb.sh): a virtual display for the recorder's test
xvfb:
	@bash scripts/ensure_xvfb.sh

unit: setup
	$(BIN)/pytest -m "not e2e"

e2e: setup postgres redis xvfb
	$(BIN)/pytest -rs -m "e2e and not slow" -n $(TEST_WORKERS) --dist loadscope

## fixtures: re-record the rule test fixtures from the demo shop
fixtures: setup
	$(BIN)/python scripts/record_fixtures.py

## bench: speed and memory figures (see benchmarks/README.md)
bench: setup
	$(BIN)/python benchmarks/bench.py

## schema: regenerate the committed JSON Schemas (journey, audit profile, result.json)
schema: $(STAMP)
	$(BIN)/journeyaudit schema > schema/journey.schema.json
	$(BIN)/journeyaudit schema --kind audit > schema/audit.schema.json
	$(BIN)/journeyaudit schema --kind result > schema/result.schema.json
	$(BIN)/journeyaudit schema --kind crawl-result > schema/crawl-result.schema.json

clean:
	rm -rf $(VENV) reports .pytest_cache build src/*.egg-info

## test-slow: the tests that wait minutes on purpose (a dead crawler's queue lock expiring)
test-slow: setup redis
	$(BIN)/pytest -rs -m slow
