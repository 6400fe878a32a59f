"""Stands in front of pandas on the PYTHONPATH of a test's `quotas run`: notes who imported it (in the file
$QUOTAS_PANDAS_IMPORTS), then loads the real pandas in its place, so the run goes on unchanged.

A run needs nothing of pandas, and DuckDB's Python client imports it (with numpy and pyarrow, ~0.6 s) for
the first statement given parameters or a registered Arrow table; the test of that reads the file."""

import os
import sys
import traceback

_here = os.path.dirname(os.path.abspath(__file__))
_notes = os.environ.get("QUOTAS_PANDAS_IMPORTS")
if _notes:
    with open(_notes, "a", encoding="utf-8") as notes:
        notes.write("".join(traceback.format_stack()) + "\n")
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != _here]
del sys.modules[__name__]
import pandas  # noqa: E402,F401 -- the real one, which the import system now returns in this module's place
