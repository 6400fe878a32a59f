"""The run's `time by step:` line: each step's duration as Dagster stamped it, and what the run spent
outside its steps; the benchmark reads the same line back into the README's breakdown."""

from __future__ import annotations

import re
import time
from pathlib import Path

import dagster as dg
import pytest

from orchestration.run_timing import (
    DAGSTER_LABEL,
    StepTime,
    describe_step_times,
    parse_step_times,
    step_times,
)
from tests.conftest import RUN_OUTPUT

PAUSES = {"raw_source_tables": 0.2, "quota_dbt_models": 0.3, "serving_copy": 0.1}


def _pausing_op(name: str, seconds: float, fails: bool = False) -> dg.OpDefinition:
    @dg.op(name=name, ins={"after": dg.In(dg.Nothing)})
    def pause() -> None:
        time.sleep(seconds)
        if fails:
            raise RuntimeError(f"{name} failed on purpose")

    return pause


def _run(job: dg.JobDefinition) -> tuple[dg.ExecuteInProcessResult, float]:
    started = time.monotonic()
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    return result, time.monotonic() - started


def test_each_step_is_timed_in_the_order_it_finished_under_the_pipelines_names() -> None:
    load, models, publication = (_pausing_op(name, seconds) for name, seconds in PAUSES.items())

    @dg.job
    def three_steps() -> None:
        publication(after=models(after=load()))

    result, wall = _run(three_steps)

    steps = step_times(result.all_events)
    assert [step.label for step in steps] == ["load", "models", "publication"]
    for step, paused in zip(steps, PAUSES.values(), strict=True):
        assert step.seconds >= paused  # a step lasts at least its pause
    assert sum(step.seconds for step in steps) <= wall


def test_an_unknown_step_keeps_its_key_and_a_failed_one_is_left_out() -> None:
    load = _pausing_op("raw_source_tables", 0.05)
    custom = _pausing_op("custom_step", 0.05)
    failing_step = _pausing_op("failing_step", 0.05, fails=True)

    @dg.job
    def failing() -> None:
        failing_step(after=custom(after=load()))

    result, _ = _run(failing)

    assert not result.success
    assert [step.label for step in step_times(result.all_events)] == ["load", "custom_step"]


def test_the_line_gives_what_the_run_spent_outside_its_steps_and_never_less_than_nothing() -> None:
    steps = [StepTime("load", 10.04), StepTime("models", 31.0), StepTime("publication", 6.0)]

    assert describe_step_times(steps, 48.5) == (
        f"time by step: load 10.0 s, models 31.0 s, publication 6.0 s, {DAGSTER_LABEL} 1.5 s"
    )
    assert describe_step_times(steps, 40.0).endswith(f"{DAGSTER_LABEL} 0.0 s")


def test_the_benchmark_reads_the_last_line_back_with_labels_of_several_words() -> None:
    earlier = describe_step_times([StepTime("load", 99.0)], 100.0)
    steps = [StepTime("load", 1.25), StepTime("docs site", 0.5), StepTime("application tables", 2.0)]
    output = f"running...\n  {earlier}\nrun finished in 5.0 s\n  {describe_step_times(steps, 5.0)}\nsummary\n"

    assert parse_step_times(output) == pytest.approx(
        {"load": 1.2, "docs site": 0.5, "application tables": 2.0, DAGSTER_LABEL: 1.2}, abs=0.051
    )
    assert parse_step_times("no timing here") == {}


def test_a_label_met_twice_adds_up() -> None:
    assert parse_step_times("time by step: models 1.0 s, models 2.5 s") == {"models": 3.5}


def test_a_tiny_run_says_where_its_time_went_and_the_parts_add_up_to_its_clock(tiny_warehouse: Path) -> None:
    output = (tiny_warehouse.parent / RUN_OUTPUT).read_text()
    run_seconds = float(re.findall(r"run finished in ([\d.]+) s", output)[-1])

    times = parse_step_times(output)

    assert list(times)[:2] == ["load", "models"]
    assert {"snapshots", "publication", DAGSTER_LABEL} <= set(times)
    assert all(seconds >= 0 for seconds in times.values())
    assert times["models"] > 0  # the whole dbt build of the tiny CRM is in this step
    # each part is rounded to a tenth, and the last is what the run spent beyond the others
    assert sum(times.values()) == pytest.approx(run_seconds, abs=0.05 * len(times) + 0.05)
