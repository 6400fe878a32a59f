"""Compact progress lines for runs started from the command line.

Dagster's console logger prints every framework event; a person running `quotas run` wants to see what
the pipeline is doing (tables loaded, models built), not step plumbing. This logger prints only the
messages the assets log themselves.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime

import dagster as dg

# Dagster's note when a step leaves optional outputs out. The ingest's `contract` checks are optional: they
# are reported only for batches that were validated (see defs/ingest/assets.py), so on a file source, or for
# an unchanged table, the note says nothing a person running `quotas run` can act on. The UI still shows it.
_OPTIONAL_OUTPUTS_NOTE = "did not yield or return expected outputs"


class _AssetMessagesHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        if meta.get("dagster_event") is not None:
            return
        message = meta.get("orig_message") or record.getMessage()
        if record.levelno < logging.INFO or _OPTIONAL_OUTPUTS_NOTE in message:
            return
        stamp = datetime.now().strftime("%H:%M:%S")
        print(f"  {stamp}  {message}", file=sys.stderr, flush=True)


@dg.logger(description="Prints the assets' own progress messages, one line each.")
def asset_progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("quotas.progress", level=logging.INFO)
    logger.addHandler(_AssetMessagesHandler())
    return logger
