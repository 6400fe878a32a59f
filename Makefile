# Two commands do everything on a fresh machine with Python 3.11:
#   make demo   set up, generate the sample CRM, run the pipeline, print a leaderboard
#   make test   set up, run the whole test suite
# Set-up is idempotent: a locked environment in .venv, installed by uv (itself pinned, in .tools).

PYTHON ?= python3.11
UV_VERSION := 0.13.8
export DO_NOT_TRACK := 1
export DAGSTER_HOME := $(CURDIR)/dagster_home

.PHONY: setup demo test lint dagster-ui benchmark

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# --compile-bytecode: every command starts in a fresh process, and where PYTHONDONTWRITEBYTECODE is set
# (containers often set it) each would otherwise compile dagster, dbt and pandas from source (~3 s a start).
.venv/.synced: .tools/bin/uv pyproject.toml uv.lock Makefile
	.tools/bin/uv sync --frozen --python $(PYTHON) --quiet --compile-bytecode
	touch .venv/.synced

# Headless Chromium renders the executive report in the tests (Debian's package; the set-up runs as root).
/usr/bin/chromium:
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium \
	  || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium)

setup: .venv/.synced /usr/bin/chromium

demo: setup
	.venv/bin/quotas demo

# Two workers (one per core), a whole test file per worker, so each file's fixtures are built once.
# The longest files go first (tests/support/file_order.py), not the ones with the most tests.
# The dbt manifest is parsed first, once, so no test pays for the parse (a lock keeps parses one at a time).
test: setup
	.venv/bin/ruff check orchestration tests benchmarks
	.venv/bin/ruff format --check orchestration tests benchmarks
	.venv/bin/python -c "from orchestration.defs.transform.project import ensure_manifest; ensure_manifest()"
	.venv/bin/pytest -n 2 --dist loadfile --no-loadscope-reorder

lint: setup
	.venv/bin/ruff check --fix orchestration tests benchmarks
	.venv/bin/ruff format orchestration tests benchmarks

dagster-ui: setup
	.venv/bin/dagster dev -m orchestration.definitions

benchmark: setup
	.venv/bin/python benchmarks/run_benchmarks.py
