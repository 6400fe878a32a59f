"""Leads, generated a chunk at a time: owned by reps, created inside their employment, any hour of day.

Status depends on age: a lead created in the span's last month is mostly new or contacted, an older one
has mostly been converted or disqualified. Leads count whatever their status, so status only adds realism.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from orchestration.sample_crm.actuals import Actuals
from orchestration.sample_crm.events import any_hour, draw_days, draw_owners, local_instants
from orchestration.sample_crm.org import Org
from orchestration.sample_crm.schemas import SCHEMAS, TIMESTAMP_TYPE
from orchestration.sample_crm.timebase import SECONDS_PER_DAY, SPAN_LAST_SECOND

LEAD_STATUSES: tuple[str, ...] = ("new", "contacted", "qualified", "converted", "disqualified")
RECENT_STATUS_SHARES = np.array([0.45, 0.30, 0.15, 0.05, 0.05])
SETTLED_STATUS_SHARES = np.array([0.04, 0.14, 0.20, 0.25, 0.37])
RECENT_DAYS = 30


def generate_lead_chunk(
    rng: np.random.Generator,
    org: Org,
    owner_weights: np.ndarray,
    first_id: int,
    count: int,
    actuals: Actuals,
) -> pa.Table:
    """`count` leads with ids from `first_id`, tallied into `actuals`."""
    owners = draw_owners(rng, owner_weights, count)
    days = draw_days(rng, org.rep_first_event_day[owners], org.rep_last_event_day[owners], redraws=1)
    created_at = local_instants(days, any_hour(rng, count), org.rep_utc_offset_seconds[owners])
    age = SPAN_LAST_SECOND - created_at
    draw = rng.random(count)
    status = np.where(
        age < RECENT_DAYS * SECONDS_PER_DAY,
        np.searchsorted(np.cumsum(RECENT_STATUS_SHARES), draw, side="right"),
        np.searchsorted(np.cumsum(SETTLED_STATUS_SHARES), draw, side="right"),
    ).clip(0, len(LEAD_STATUSES) - 1)
    touched = (rng.random(count) * np.minimum(age, 90 * SECONDS_PER_DAY)).astype(np.int64)
    updated_at = created_at + np.where(status == 0, 0, touched)
    actuals.add("leads", owners, created_at)
    return pa.table(
        {
            "id": np.arange(first_id, first_id + count, dtype=np.int64),
            "owner_id": org.rep_user_ids[owners],
            "status": pa.array(LEAD_STATUSES).take(status),
            "created_at": pa.array(created_at * 1_000_000, type=TIMESTAMP_TYPE),
            "updated_at": pa.array(updated_at * 1_000_000, type=TIMESTAMP_TYPE),
        },
        schema=SCHEMAS["leads"],
    )
