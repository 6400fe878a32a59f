"""Identifier ordering and metric keys, as docs/metric_definitions.md defines them."""

from __future__ import annotations

import re

MetricKey = tuple[str, str | None]
"""(metric_type, metric_field); metric_field is None for every metric type except `custom`."""

_INTEGER_ID = re.compile(r"[+-]?\d+")


def id_sort_key(identifier: str) -> tuple[int, int, str]:
    """ "Lowest id": ids that read as integers first, in numeric order, then the rest in text order."""
    if _INTEGER_ID.fullmatch(identifier.strip()):
        return (0, int(identifier), identifier)
    return (1, 0, identifier)


def metric_key(metric_type: str, metric_field: str | None) -> MetricKey:
    """metric_field is ignored (treated as empty) for every metric type except `custom`."""
    return (metric_type, metric_field if metric_type == "custom" else None)
