"""Activities (calls, meetings, emails), generated a chunk at a time in business hours on weekdays.

This is the biggest table (100 million rows at scale M), so a chunk is a handful of array operations and
nothing is kept afterwards except the per-rep monthly tally.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from orchestration.sample_crm.actuals import Actuals
from orchestration.sample_crm.events import business_hours, draw_days, draw_owners, local_instants
from orchestration.sample_crm.org import Org
from orchestration.sample_crm.schemas import SCHEMAS, TIMESTAMP_TYPE
from orchestration.sample_crm.timebase import SECONDS_PER_DAY, SPAN_LAST_SECOND
from orchestration.source_contract import ACTIVITY_TYPES

TYPE_SHARES: dict[str, float] = {"call": 0.45, "meeting": 0.15, "email": 0.40}
TYPE_METRICS: dict[str, str] = {"call": "calls", "meeting": "meetings", "email": "emails"}
EDITED_SHARE = 0.3
"""Share of activities edited after they happened (their updated_at is later than occurred_at)."""


def generate_activity_chunk(
    rng: np.random.Generator,
    org: Org,
    owner_weights: np.ndarray,
    first_id: int,
    count: int,
    actuals: Actuals,
) -> pa.Table:
    """`count` activities with ids from `first_id`, tallied into `actuals` by type."""
    owners = draw_owners(rng, owner_weights, count)
    days = draw_days(rng, org.rep_first_event_day[owners], org.rep_last_event_day[owners])
    occurred_at = local_instants(days, business_hours(rng, count), org.rep_utc_offset_seconds[owners])
    shares = np.array([TYPE_SHARES[name] for name in ACTIVITY_TYPES])
    kind = np.searchsorted(np.cumsum(shares), rng.random(count), side="right").clip(0, len(shares) - 1)
    edited = rng.random(count) < EDITED_SHARE
    delay = rng.integers(0, 2 * SECONDS_PER_DAY, count)
    updated_at = np.minimum(occurred_at + np.where(edited, delay, 0), SPAN_LAST_SECOND)
    for index, name in enumerate(ACTIVITY_TYPES):
        of_kind = kind == index
        actuals.add(TYPE_METRICS[name], owners[of_kind], occurred_at[of_kind])
    return pa.table(
        {
            "id": np.arange(first_id, first_id + count, dtype=np.int64),
            "owner_id": org.rep_user_ids[owners],
            "type": pa.array(ACTIVITY_TYPES).take(kind),
            "occurred_at": pa.array(occurred_at * 1_000_000, type=TIMESTAMP_TYPE),
            "updated_at": pa.array(updated_at * 1_000_000, type=TIMESTAMP_TYPE),
        },
        schema=SCHEMAS["activities"],
    )
