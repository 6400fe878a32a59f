"""The deterministic sample CRM: a realistic source in the contract's shape, at three sizes.

`generate_sample_crm` is the entry point (used by `quotas generate` and `quotas demo`); the other modules
each build one part of it.
"""

from orchestration.sample_crm.generate import generate_sample_crm
from orchestration.sample_crm.scales import SCALES, Scale, get_scale

__all__ = ["SCALES", "Scale", "generate_sample_crm", "get_scale"]
