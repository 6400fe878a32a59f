"""A running tally of what each rep actually achieved per month, kept while the events are generated.

Quotas and goals are sized from it (see quota_config.py), so attainment in the sample lands where a sales
team's would: spread around 100%, some reps far over, some far under. The tally is approximate on
purpose (UTC months, the owner gets the whole deal, mean FX rates): it only sizes targets.
"""

from __future__ import annotations

import numpy as np

from orchestration.sample_crm.timebase import SPAN_MONTHS, span_month_index
from orchestration.source_contract import METRIC_TYPES

METRIC_INDEX: dict[str, int] = {metric: index for index, metric in enumerate(METRIC_TYPES)}


class Actuals:
    """values[metric, rep, month]: the rep's credits of that metric in that span month."""

    def __init__(self, rep_count: int) -> None:
        self.rep_count = rep_count
        self.values = np.zeros((len(METRIC_TYPES), rep_count, SPAN_MONTHS))

    def add(self, metric: str, reps: np.ndarray, seconds: np.ndarray, amounts: np.ndarray | None = None) -> None:
        """Count events (or sum `amounts`) of `metric` by owner and UTC month of `seconds`."""
        cells = reps * SPAN_MONTHS + span_month_index(seconds)
        totals = np.bincount(cells, weights=amounts, minlength=self.rep_count * SPAN_MONTHS)
        self.values[METRIC_INDEX[metric]] += totals.reshape(self.rep_count, SPAN_MONTHS)

    def over_months(self, metric: str, first_month: int, last_month: int) -> np.ndarray:
        """Per rep: the sum of `metric` over the span months first..last (inclusive)."""
        return self.values[METRIC_INDEX[metric], :, first_month : last_month + 1].sum(axis=1)
