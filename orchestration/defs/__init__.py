"""Dagster definitions, one folder per domain: what runs, and when."""
