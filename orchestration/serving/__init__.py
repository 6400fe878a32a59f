"""Serving the marts to readers: a read-only copy beside the warehouse, and the application's PostgreSQL.

A run builds in its private DuckDB file; what readers open is published from it by atomic renames, so a
reader sees one complete run or the next, and never holds a file the run needs.
"""
