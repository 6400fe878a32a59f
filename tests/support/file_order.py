"""The order in which the two test workers take the test files: the longest first.

`make test` gives each pytest-xdist worker whole files (`--dist loadfile`), one at a time as it runs low.
xdist would order the files by their number of tests, which says little here: one file of a few tests
runs the pipeline a dozen times. Taking the longest files first (the longest-processing-time rule) leaves
only short files for the end, so the two workers finish close together; in the order of the file
names, or of their test counts, one worker could sit idle for the last half-minute or more while the
other ran a long file alone.

The seconds below are each file's time on the reference machine (2 cores, the sum of its tests' set-up,
call and tear-down times from `pytest --durations=0`, as measured on 2026-12-07). They only order the
files: a stale figure costs some balance, never a result. A file not listed goes after the listed ones.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

SECONDS_PER_FILE = {
    "test_incremental_runs.py": 208,
    "test_history.py": 173,
    "test_notifications.py": 91,
    "test_event_ledger.py": 69,
    "test_postgres_source.py": 66,
    "test_serving.py": 49,
    "test_quota_rules_in_the_warehouse.py": 48,
    "test_scale_memory.py": 43,
    "test_end_to_end.py": 39,
    "test_unchanged_views.py": 33,
    "test_dagster_definitions.py": 29,
    "test_cli.py": 28,
    "test_dbt_project.py": 24,
    "test_bad_input_catalogue.py": 23,
    "test_vacuum_policy.py": 18,
    "test_report.py": 14,
    "test_publish_postgres.py": 13,
    "test_jinja_code_cache.py": 11,
}


def longest_files_first(items: Iterable[pytest.Item]) -> list[pytest.Item]:
    """`items` with the files in descending order of their seconds, each file's tests in their own order
    (a stable sort: the files not listed keep their collection order, after the others)."""
    return sorted(items, key=lambda item: -SECONDS_PER_FILE.get(item.path.name, 0))
