"""The executive report: a self-contained HTML page (and PNG charts) read from the marts."""
