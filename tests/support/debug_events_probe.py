"""Run in its own process by tests/test_debug_events.py: installs the dbt server's handling of debug events
(orchestration/defs/transform/debug_events.py) on dbt's real event classes and event manager, fires
events at loggers and callbacks of each kind, and prints what happened as one JSON object.

Its own process, because the installation changes dbt's classes for the rest of the process, as it does
in the dbt server's fork."""

from __future__ import annotations

import io
import json
from typing import Any

import dbt_common.events.base_types as base_types
from dbt.adapters.events.types import SQLQuery
from dbt_common.events.base_types import EventLevel
from dbt_common.events.event_manager import EventManager
from dbt_common.events.logger import LineFormat, LoggerConfig
from dbt_common.events.types import Note

from orchestration.defs.transform import debug_events

parsed = 0
parse_dict = base_types.ParseDict


def counting_parse_dict(*args: Any, **kwargs: Any) -> Any:
    global parsed
    parsed += 1
    return parse_dict(*args, **kwargs)


base_types.ParseDict = counting_parse_dict
debug_events.install()


def manager_with(level: EventLevel, callback: Any = None) -> tuple[EventManager, io.StringIO]:
    manager = EventManager()
    stream = io.StringIO()
    manager.add_logger(LoggerConfig(name="probe", line_format=LineFormat.PlainText, level=level, output_stream=stream))
    if callback is not None:
        manager.add_callback(callback)
    return manager, stream


report: dict[str, Any] = {}

# a debug event nobody keeps: not built when made, not built when fired, and still readable
received: list[str] = []
ignoring = debug_events.mark_ignores_debug_events(lambda message: received.append(message.info.name))
manager, stream = manager_with(EventLevel.INFO, ignoring)
parsed = 0
event = SQLQuery(conn_name="model.probe", sql="select 42", node_info={})
report["parsed_when_made"] = parsed
manager.fire_event(event)
report["parsed_when_fired_unkept"] = parsed
report["logged_unkept"] = stream.getvalue()
report["callback_unkept"] = list(received)
report["read_after"] = event.sql
report["message_after"] = event.message()

# an info event still reaches the logger and the marked callback
manager.fire_event(Note(msg="an info note"))
report["logged_info"] = stream.getvalue()
report["callback_info"] = list(received)

# a debug logger gets the debug event, built
manager, stream = manager_with(EventLevel.DEBUG)
manager.fire_event(SQLQuery(conn_name="model.probe", sql="select 43", node_info={}))
report["logged_by_debug_logger"] = stream.getvalue()

# a callback not known to ignore debug events gets them
received_all: list[str] = []
manager, stream = manager_with(EventLevel.INFO, lambda message: received_all.append(message.data.sql))
manager.fire_event(SQLQuery(conn_name="model.probe", sql="select 44", node_info={}))
report["unmarked_callback"] = received_all

# a debug event fired at the info level is built and logged
manager, stream = manager_with(EventLevel.INFO)
manager.fire_event(SQLQuery(conn_name="model.probe", sql="select 45", node_info={}), level=EventLevel.INFO)
report["logged_at_info_level"] = stream.getvalue()

# setting a field of an unbuilt event builds it first
event = SQLQuery(conn_name="model.probe", sql="select 46", node_info={})
event.sql = "select 47"
report["set_then_read"] = event.message()

print(json.dumps(report))
