"""dbt's debug events, left unbuilt in the dbt server while nothing would keep them.

Why: dbt turns every event into a protobuf message with `json_format.ParseDict` twice, once for the event
(for each SQL statement, its whole text) and once for the message that goes to the loggers. Only then
do the loggers drop it by level. Debug events are most of them: each statement, its status, each
connection, each `BEGIN` and `COMMIT`. The server's console and file logs keep info and above unless
DBT_LOG_LEVEL_FILE says otherwise, and the server's callback reads no debug event (`event_line`), so
every debug message was built and thrown away. On the tiny CRM, building them took about a sixth of
the interpreter-lock time of dbt's nodes (py-spy with `--gil`), and dbt's two worker threads take turns
on that lock.

How: a debug event keeps its arguments and builds its message only when something reads it, and the
event manager returns early for a debug event when nothing would keep it. Something would keep it when a
logger keeps debug lines, or when a callback is not known to ignore them. Known callbacks are the
server's own, marked with `mark_ignores_debug_events`, and dbt's `track_behavior_change_warn`, which reads
one warning. Any other callback, or DBT_LOG_LEVEL_FILE=debug, gets every event as dbt builds it. The
logs and the events the run reads are the same either way (tests/test_debug_events.py).

One difference: an event whose arguments do not fit its message type made dbt log a warning when the
event was built. Now the warning comes only if the event is read. A debug event that nothing reads is
never checked.

Installed in the dbt server's fork only (orchestration/defs/transform/dbt_server.py), once per process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_PENDING = "_pending_event_arguments"
_IGNORES_DEBUG = "ignores_debug_events"
_installed = False


def mark_ignores_debug_events(callback: Callable[[Any], None]) -> Callable[[Any], None]:
    """Declare that `callback`, given to dbtRunner, does nothing with debug events."""
    setattr(callback, _IGNORES_DEBUG, True)
    return callback


def install() -> None:
    """Make debug events lazy and skip them while nothing keeps them (idempotent)."""
    global _installed
    if _installed:
        return
    from dbt.tracking import track_behavior_change_warn
    from dbt_common.events.base_types import BaseEvent, DebugLevel, EventLevel
    from dbt_common.events.event_manager import EventManager

    build_event = BaseEvent.__init__
    fire_event = EventManager.fire_event

    def deferred_init(self: Any, *args: Any, **kwargs: Any) -> None:
        if args:  # a positional message (dbt's Formatting event): built as dbt builds it
            build_event(self, *args, **kwargs)
        else:
            self.__dict__[_PENDING] = kwargs

    def built_message(self: Any) -> Any:
        pending = self.__dict__.pop(_PENDING, None)
        if pending is None:
            raise AttributeError("pb_msg")
        build_event(self, **pending)
        return self.__dict__["pb_msg"]

    def getattr_building(self: Any, key: str) -> Any:
        message = self.__dict__.get("pb_msg")
        if message is None:
            message = built_message(self)
        return message if key == "pb_msg" else getattr(message, key)

    def setattr_building(self: Any, key: str, value: Any) -> None:
        if key == "pb_msg":
            self.__dict__["pb_msg"] = value
        else:
            setattr(getattr_building(self, "pb_msg"), key, value)

    def fire_unless_unkept(
        self: Any, e: Any, level: Any = None, node: Any = None, force_warn_or_error_handling: bool = False
    ) -> None:
        if (
            not force_warn_or_error_handling
            and (level or e.level_tag()) == EventLevel.DEBUG
            and not _debug_is_kept(self, (EventLevel.DEBUG, EventLevel.TEST), track_behavior_change_warn)
        ):
            return
        fire_event(self, e, level=level, node=node, force_warn_or_error_handling=force_warn_or_error_handling)

    DebugLevel.__init__ = deferred_init  # type: ignore[method-assign]
    DebugLevel.__getattr__ = getattr_building  # type: ignore[attr-defined]
    DebugLevel.__setattr__ = setattr_building  # type: ignore[method-assign]
    EventManager.fire_event = fire_unless_unkept  # type: ignore[method-assign]
    _installed = True


def _debug_is_kept(manager: Any, debug_levels: tuple[Any, ...], known_to_ignore: Callable[[Any], None]) -> bool:
    """True when a logger of `manager` writes debug lines, or a callback may read debug events (any
    callback but `known_to_ignore` and those marked by `mark_ignores_debug_events`)."""
    if any(logger.level in debug_levels for logger in manager.loggers):
        return True
    return any(
        callback is not known_to_ignore and not getattr(callback, _IGNORES_DEBUG, False)
        for callback in manager.callbacks
    )
