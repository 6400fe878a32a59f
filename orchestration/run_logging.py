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


class _AssetMessagesHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        if meta.get("dagster_event") is not None:
            return
        message = meta.get("orig_message") or record.getMessage()
        if record.levelno < logging.INFO:
            return
        stamp = datetime.now().strftime("%H:%M:%S")
        print(f"  {stamp}  {message}", file=sys.stderr, flush=True)


@dg.logger(description="Prints the assets' own progress messages, one line each.")
def asset_progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("quotas.progress", level=logging.INFO)
    logger.addHandler(_AssetMessagesHandler())
    return logger
