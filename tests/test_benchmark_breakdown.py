"""The benchmark's breakdown of a run's wall time (the README's second table): read from the run's own
output, checked here against the same output read line by line."""

from __future__ import annotations

import re
from pathlib import Path

from orchestration.run_timing import DAGSTER_LABEL
from tests.conftest import RUN_OUTPUT
from tests.support.benchmark_script import benchmark_script


def _measurement(wall: float):
    script = benchmark_script()
    return script.Measurement("quotas run (full)", "tiny", wall, wall, 300.0)


def _model_times(output: str) -> dict[str, float]:
    """dbt's `OK created ... model schema.name ... [OK in 0.12s]` lines, read independently of the script."""
    times = {}
    for line in output.splitlines():
        clean = re.sub(r"\x1b\[[0-9;]*m", "", line)
        if " OK created " in clean and " model " in clean:
            name = clean.split(" model ", 1)[1].split()[0].split(".")[-1]
            times[name] = float(clean.rsplit(" in ", 1)[1].rstrip("s]"))
    return times


def test_a_runs_breakdown_holds_its_clock_its_steps_and_its_slowest_models(tiny_warehouse: Path) -> None:
    output = (tiny_warehouse.parent / RUN_OUTPUT).read_text()
    models = _model_times(output)
    run_seconds = float(re.findall(r"run finished in ([\d.]+) s", output)[-1])

    measured = benchmark_script().read_run_timing(_measurement(run_seconds + 2.5), output)

    assert measured.run_seconds == run_seconds
    assert set(measured.step_seconds) >= {"load", "models", "publication", DAGSTER_LABEL}
    slowest = sorted(models.values(), reverse=True)[: len(measured.largest_models)]
    assert [seconds for _, seconds in measured.largest_models] == slowest
    assert all(models[name] == seconds for name, seconds in measured.largest_models)
    assert len(measured.largest_models) == benchmark_script().LARGEST_MODELS


def test_the_breakdown_table_puts_each_step_in_its_column_and_the_rest_outside_the_clock() -> None:
    script = benchmark_script()
    measurement = _measurement(50.0)
    measurement.run_seconds = 46.0
    measurement.step_seconds = {
        "load": 10.0,
        "models": 25.0,
        "snapshots": 1.0,
        "publication": 6.0,
        "docs site": 0.5,
        "a new step": 0.7,
        DAGSTER_LABEL: 2.8,
    }
    measurement.largest_models = [("int_user_running_totals", 5.09), ("int_rollup_daily_values", 4.29)]
    untimed = script.Measurement("quotas report", "tiny", 2.0, 2.0, 200.0)

    table = script.step_table([measurement, untimed])

    header, rule, row = table.splitlines()[-3:]
    assert header.startswith("| step | scale | wall time | start and last lines | load | models and snapshots |")
    assert rule.count("|") == header.count("|")
    assert row == (
        "| quotas run (full) | tiny | 50.0 s | 4.0 s | 10.0 s | 26.0 s | 6.5 s | 3.5 s "
        "| int_user_running_totals 5.1 s, int_rollup_daily_values 4.3 s |"
    )
    assert script.step_table([untimed]) == ""
