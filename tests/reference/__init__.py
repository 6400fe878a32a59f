"""An independent, plain-Python computation of every number the warehouse publishes.

It is written from the product contract (SPEC sections 1-5, 7, 8 and 10) and the project's reading of it
(docs/metric_definitions.md), never from the warehouse's SQL, so the two can check each other.
The entry point is `quota_math.compute_expected_marts`.
"""
