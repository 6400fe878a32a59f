"""The sizes the sample CRM comes in.

`tiny` is for tests and the demo (CSV, so a person can open it); `S` and `M` are load tests for the
pipeline (Parquet, written in chunks so that even M fits in a few GiB). The counts are the ones the
product contract names for `quotas generate`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """How many of each thing one sample CRM holds, and how its files are written."""

    name: str
    regions: int
    teams: int
    reps: int
    executives: int
    deals: int
    leads: int
    activities: int
    goals: int
    overlay_reps: int
    file_format: str
    chunk_rows: int

    @property
    def file_suffix(self) -> str:
        return ".csv" if self.file_format == "csv" else ".parquet"


SCALES: dict[str, Scale] = {
    scale.name: scale
    for scale in (
        Scale(
            name="tiny", regions=2, teams=5, reps=30, executives=1, deals=3_000, leads=2_000,
            activities=20_000, goals=12, overlay_reps=1, file_format="csv", chunk_rows=1_000_000,
        ),
        Scale(
            name="S", regions=15, teams=90, reps=1_000, executives=2, deals=1_000_000, leads=1_000_000,
            activities=10_000_000, goals=30, overlay_reps=3, file_format="parquet", chunk_rows=5_000_000,
        ),
        Scale(
            name="M", regions=75, teams=450, reps=5_000, executives=2, deals=10_000_000,
            leads=10_000_000, activities=100_000_000, goals=30, overlay_reps=5, file_format="parquet",
            chunk_rows=5_000_000,
        ),
    )
}  # fmt: skip


def get_scale(name: str) -> Scale:
    """The scale called `name`, with an error that lists the valid names."""
    try:
        return SCALES[name]
    except KeyError:
        raise ValueError(f"unknown scale {name!r}; choose one of {', '.join(SCALES)}") from None
