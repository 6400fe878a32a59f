"""At scale S (1,000 reps, 1M deals, 1M leads, 10M activities) a full run stays within a memory budget.

Memory, unlike time, hardly depends on what else the machine is doing, so it is asserted here; speed is
measured by `benchmarks/run_benchmarks.py` and never asserted. The peak is the largest resident set of the
`quotas run` process and of every process it waited for (the dbt server it forks), read by a small parent
process that runs nothing else.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from orchestration.sample_crm.generate import generate_sample_crm
from orchestration.warehouse import connect
from tests.conftest import QUOTAS

# S peaks at 1.7-2.4 GiB; M, with ten times the rows, at 5.2-5.4 GiB, under the 6 GiB target.
MEMORY_BUDGET_AT_S_GIB = 3.5
AS_OF = date(2025, 11, 14)
TIMEZONE = "America/New_York"

_PEAK_OF_CHILDREN = """
import json, resource, subprocess, sys
completed = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
output = completed.stderr + completed.stdout  # the summary (stdout) last: it is kept
print(json.dumps({"returncode": completed.returncode, "peak_kib": peak_kib, "output": output[-3000:],
                  "reused_tables": output.count("REUSED")}))
"""


def _run_measuring_peak(source: Path, warehouse: Path, as_of: date) -> tuple[float, str, int]:
    """`quotas run` in a fresh parent: its peak resident memory in GiB, the end of its output, and how many
    tables dbt reported as reused."""
    command = [QUOTAS, "run", "--source", str(source), "--warehouse", str(warehouse)]
    command += ["--as-of", as_of.isoformat(), "--timezone", TIMEZONE]
    completed = subprocess.run(
        [sys.executable, "-c", _PEAK_OF_CHILDREN, *command],
        capture_output=True,
        text=True,
        env={**os.environ, "DO_NOT_TRACK": "1"},
        check=True,
        timeout=900,
    )
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["returncode"] == 0, result["output"]
    return result["peak_kib"] / 2**20, result["output"], result["reused_tables"]


@pytest.fixture(scope="module")
def crm_at_s(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("crm_S")
    return out, generate_sample_crm("S", out)


def test_a_full_run_at_scale_s_stays_within_the_memory_budget(
    crm_at_s: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    source, counts = crm_at_s
    warehouse = tmp_path / "warehouse_S.duckdb"

    full_peak, output, reused = _run_measuring_peak(source, warehouse, AS_OF)
    assert f"loaded {sum(counts.values()):,} source rows" in output
    assert full_peak < MEMORY_BUDGET_AT_S_GIB, f"full run at S peaked at {full_peak:.2f} GiB"
    assert reused == 0  # a new warehouse: every table is built

    with connect(warehouse, read_only=True) as con:
        quotas = con.execute("select count(*) from raw.quotas").fetchone()
        progress = con.execute("select count(*), max(as_of_date) from marts.quota_progress").fetchone()
        reusable = con.execute("select count(*), bool_and(confirmed) from _dbt_state.table_fingerprints").fetchone()
    # nothing of the 1M deals, 1M leads or 10M activities was set aside, so every quota has its progress row
    assert progress == (quotas[0] if quotas else None, AS_OF)
    # the build passed its checks: every reusable table is confirmed for the next day's run to reuse
    assert reusable is not None and reusable[0] >= 10 and reusable[1] is True
