"""Where a run's time went, step by step: read from Dagster's own step events, printed with the run's last
line, and parsed by the benchmark into the README's breakdown.

Dagster stamps each step's success with its duration (a failed run prints its reason instead). The
in-process executor runs the steps one after another, so the durations add up; what the run took beyond
them is Dagster's own work between steps (loading the definitions, planning, events, the asset checks'
bookkeeping), shown as "Dagster and set-up".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the benchmark parses the line without importing Dagster
    import dagster as dg

STEP_LABELS = {
    "raw_source_tables": "load",
    "quota_dbt_models": "models",
    "quota_snapshot_models": "snapshots",
    "serving_copy": "publication",
    "docs_site": "docs site",
    "application_tables": "application tables",
}
"""The steps of the pipeline's jobs in words; a step not named here keeps its Dagster key."""

DAGSTER_LABEL = "Dagster and set-up"
LINE_PREFIX = "time by step:"


@dataclass(frozen=True)
class StepTime:
    label: str
    seconds: float


def step_times(events: Iterable[dg.DagsterEvent]) -> list[StepTime]:
    """Every step that succeeded, in the order it finished, with its duration."""
    times: list[StepTime] = []
    for event in events:
        if not event.is_step_success or event.step_key is None:
            continue
        duration_ms = getattr(event.event_specific_data, "duration_ms", None)
        if duration_ms is None:
            continue
        times.append(StepTime(STEP_LABELS.get(event.step_key, event.step_key), duration_ms / 1000))
    return times


def describe_step_times(steps: list[StepTime], run_seconds: float) -> str:
    """One line: each step's seconds, then what the run spent outside its steps (never below zero)."""
    parts = [f"{step.label} {step.seconds:.1f} s" for step in steps]
    outside = max(run_seconds - sum(step.seconds for step in steps), 0.0)
    parts.append(f"{DAGSTER_LABEL} {outside:.1f} s")
    return f"{LINE_PREFIX} " + ", ".join(parts)


_PART = re.compile(r"(?P<label>[^,]+?) (?P<seconds>\d+(?:\.\d+)?) s")


def parse_step_times(output: str) -> dict[str, float]:
    """The seconds per label of the last `time by step:` line of a run's output (empty when it has none).
    A label met twice (a step run twice) adds up."""
    lines = [line for line in output.splitlines() if line.strip().startswith(LINE_PREFIX)]
    if not lines:
        return {}
    times: dict[str, float] = {}
    for part in lines[-1].strip()[len(LINE_PREFIX) :].split(","):
        match = _PART.fullmatch(part.strip())
        if match:
            label = match.group("label")
            times[label] = times.get(label, 0.0) + float(match.group("seconds"))
    return times
