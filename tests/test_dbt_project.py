"""dbt's own unit tests (given rows -> expected rows) for the ledger, rollups, ranking and progress."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.warehouse import run_dbt


def test_the_dbt_unit_tests_pass(tiny_warehouse: Path, tmp_path: Path) -> None:
    output = run_dbt(
        tiny_warehouse, ["test", "--select", "test_type:unit", "--vars", '{"timezone": "UTC"}'], tmp_path / "target"
    )
    done = re.search(r"Done\. PASS=(\d+) WARN=(\d+) ERROR=(\d+)", output)
    assert done, output[-2000:]
    passed, warned, errors = map(int, done.groups())
    assert (warned, errors) == (0, 0)
    assert passed >= 6
