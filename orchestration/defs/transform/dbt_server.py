"""dbt runs in a fork of the run's process that stays up for the process's later dbt commands.

Why not a new `dbt` process, as dagster-dbt starts: it pays Python's start-up and dbt's imports on every
invocation (about 2.5 s here), though the run's process has already imported most of dbt-core (dagster-dbt
does). A fork starts with all of it.

Why not a thread of the run's own process: then dbt's Python and Dagster's handling of its results (an
event, a data version and a log record per asset, about 5 s of CPU on the tiny CRM) share one interpreter
lock; in a fork they run on both cores, as they did with a `dbt` process (tiny run: median 17.5 s against
19.6 s on a thread, nine alternating pairs).

Why it stays up: dbt's first command in a process fills caches (the adapter's macros, compiled templates)
that make its next ones about 3 s faster on the tiny CRM; a process that runs dbt many times (the test
suite, a Dagster run worker) keeps them.

The server runs dbt's programmatic entry point (`dbtRunner`) for each request and sends the events this
run reads back through a pipe, one JSON line each, in the form of dbt's JSON log (`msg_to_dict`): node
results, which become Dagster events through dagster-dbt's own event class; errors; and dbt's progress
lines, which the caller prints as dbt would. For each command it takes the caller's environment, opens
the warehouse by its file name from the file's directory (`warehouse_opened_by_name`), and closes it when
the command ends, so the caller can open the file again.

Linux only (fork). The fork is made from the thread that runs the step, and uses nothing the parent's other
threads hold (it starts dbt, a new DuckDB connection and its own pipes).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import json
import os
import shutil
import signal
import sys
import threading
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

from orchestration.defs.transform import debug_events, jinja_code_cache
from orchestration.defs.transform.project import DEFAULT_WAREHOUSE_NAME, PARTIAL_PARSE_FILE

# The events that carry a node's result: they become Dagster outputs and check results.
RESULT_EVENT_NAMES = frozenset({"LogModelResult", "LogSeedResult", "LogSnapshotResult", "LogTestResult"})
# dbt's debug log of every statement costs about a tenth of dbt's time on small data (each line is
# formatted and written under a lock); the file keeps info and above unless DBT_LOG_LEVEL_FILE says otherwise.
FILE_LOG_LEVEL_VARIABLE = "DBT_LOG_LEVEL_FILE"
DEFAULT_FILE_LOG_LEVEL = "info"
# The profile (dbt_project/profiles.yml) reads the warehouse's path from this variable.
WAREHOUSE_VARIABLE = "QUOTAS_WAREHOUSE"
_PRINTED_LEVELS = frozenset({"info", "warn", "error"})


class DbtInvocationError(Exception):
    """A dbt invocation that did not succeed; the first line says what failed first."""


def server_arguments(args: list[str], project_dir: Path, target_path: Path) -> list[str]:
    """The command line dbt is given: the run's arguments, with the project, profile, target and log
    directories explicit, and no log of its own on standard output (the caller prints dbt's lines)."""
    located = [
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(target_path),
        "--log-path",
        str(target_path),
        "--log-level",
        "none",
        "--no-send-anonymous-usage-stats",
    ]
    if FILE_LOG_LEVEL_VARIABLE not in os.environ:
        located += ["--log-level-file", DEFAULT_FILE_LOG_LEVEL]
    return located


def event_line(message: Any) -> bytes | None:
    """One of dbt's events as the JSON line the caller reads, or None for an event it does not read.

    Results and errors go in full (as dbt's JSON log writes them); other printed events only as the
    line dbt would print; debug events not at all."""
    from dbt_common.events.functions import msg_to_dict

    info = message.info
    if info.name in RESULT_EVENT_NAMES or info.level == "error":
        return _json_line(msg_to_dict(message))
    if info.level in _PRINTED_LEVELS:
        return _json_line({"info": {"name": info.name, "level": info.level, "msg": info.msg}})
    return None


@contextlib.contextmanager
def warehouse_opened_by_name(warehouse: Path) -> Iterator[None]:
    """While dbt runs, the profile's warehouse is the file's name, opened from the file's directory.

    dbt keeps its parse of the project (partial_parse.msgpack) only for the connection it was made
    with, and the connection includes the DuckDB path: given the full path, each new warehouse directory
    (every test's, a second warehouse of a user) paid a full parse, about 5 s. By name, a parse serves
    every warehouse file of that name. Used in the server, whose working directory is its own."""
    directory = os.getcwd()
    os.chdir(warehouse.parent)
    os.environ[WAREHOUSE_VARIABLE] = warehouse.name
    try:
        yield
    finally:
        os.chdir(directory)


def saved_parse(project_dir: Path, warehouse_name: str) -> Path:
    """Where the parse that serves new warehouses of this file name is kept: the project's own for the
    default name (made by `ensure_manifest`), one per other name beside it (kept by `keep_partial_parse`)."""
    if warehouse_name == DEFAULT_WAREHOUSE_NAME:
        return project_dir / "target" / PARTIAL_PARSE_FILE
    return project_dir / "target" / "parses" / warehouse_name / PARTIAL_PARSE_FILE


def seed_partial_parse(project_dir: Path, target_path: Path, warehouse_name: str) -> None:
    """A new target directory starts from the parse kept for its warehouse's file name, else from the
    project's own; dbt checks that it still holds and parses again what does not (all of it when the
    profile differs: another file name)."""
    own = target_path / PARTIAL_PARSE_FILE
    if own.exists():
        return
    for seed in (saved_parse(project_dir, warehouse_name), saved_parse(project_dir, DEFAULT_WAREHOUSE_NAME)):
        if seed.exists():
            shutil.copyfile(seed, own)
            return


def keep_partial_parse(project_dir: Path, target_path: Path, warehouse_name: str) -> None:
    """After a command on a warehouse not named like the default: keep its parse for the next new
    warehouse of that name (a test's, a user's second one), which would otherwise parse the whole project
    again (~5 s). Written beside and renamed into place: two runs may finish at once."""
    if warehouse_name == DEFAULT_WAREHOUSE_NAME:
        return  # the project's own parse, made by ensure_manifest
    made = target_path / PARTIAL_PARSE_FILE
    kept = saved_parse(project_dir, warehouse_name)
    if not made.exists():
        return
    if kept.exists() and kept.stat().st_mtime >= made.stat().st_mtime:
        return
    kept.parent.mkdir(parents=True, exist_ok=True)
    staged = kept.with_name(f"{PARTIAL_PARSE_FILE}.{os.getpid()}.tmp")
    shutil.copyfile(made, staged)
    os.replace(staged, kept)


def _json_line(value: dict[str, Any]) -> bytes:
    return json.dumps(value, default=str).encode() + b"\n"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _release_dbt() -> None:
    """Close the warehouse dbt-duckdb keeps open between commands (so it is checkpointed and the caller
    can open it), and drop dbt's adapters, whose locks would otherwise be reported as leaked."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.adapters.factory import reset_adapters

    DuckDBConnectionManager.close_all_connections()
    reset_adapters()
    gc.collect()  # the DuckDB environment sits in reference cycles; the file is released when it is freed


def _run_one(request: dict[str, Any], send: Any) -> dict[str, Any]:
    from dbt.cli.main import dbtRunner

    @debug_events.mark_ignores_debug_events  # event_line drops them
    def on_event(message: Any) -> None:
        line = event_line(message)
        if line is not None:
            send(line)

    os.environ.clear()
    os.environ.update(request["environment"])
    templates = jinja_code_cache.install(Path(request["jinja_code_cache"]))
    debug_events.install()
    reused, compiled = templates.hits, templates.compiled
    try:
        with warehouse_opened_by_name(Path(request["warehouse"])):
            result = dbtRunner(callbacks=[on_event]).invoke(request["args"])
        templates.save()
        failure = None if result.exception is None else str(result.exception)
        return {
            "success": result.success,
            "exception": failure,
            "templates": {"reused": templates.hits - reused, "compiled": templates.compiled - compiled},
        }
    except Exception as error:
        return {"success": False, "exception": f"{type(error).__name__}: {error}"}
    finally:
        _release_dbt()


def _serve(requests: IO[bytes], responses_fd: int) -> None:
    """The server's whole life: one dbt command per request line, until the caller closes the pipe."""
    lock = threading.Lock()  # dbt fires events from its worker threads

    def send(line: bytes) -> None:
        with lock:
            _write_all(responses_fd, line)

    try:
        for line in requests:
            outcome = _run_one(json.loads(line), send)
            send(_json_line({"outcome": outcome}))
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)  # never the parent's exit handlers (Dagster's, pytest's)


@dataclass
class _Server:
    pid: int
    requests: IO[bytes]
    responses: IO[bytes]

    @classmethod
    def start(cls) -> _Server:
        import dbt.cli.main  # noqa: F401 -- imported here once, so the fork starts with it

        to_server, from_parent = os.pipe()
        to_parent, from_server = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        gc.freeze()  # the fork's collector leaves the inherited objects alone (and their pages shared)
        pid = os.fork()
        if pid == 0:  # pragma: no cover -- the server, which never returns
            os.close(from_parent)
            os.close(to_parent)
            nothing = os.open(os.devnull, os.O_RDONLY)
            os.dup2(nothing, 0)  # the parent's standard input stays the parent's
            _serve(os.fdopen(to_server, "rb"), from_server)
        gc.unfreeze()
        os.close(to_server)
        os.close(from_server)
        return cls(pid, os.fdopen(from_parent, "wb"), os.fdopen(to_parent, "rb"))

    def stop(self, interrupt: bool = False) -> int:
        """End the server (interrupting a command it is running: dbt cancels its queries); its status."""
        if interrupt:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGINT)
        with contextlib.suppress(OSError):
            self.requests.close()
        self.responses.close()
        return os.waitpid(self.pid, 0)[1]


_server_lock = threading.Lock()
_server: _Server | None = None


def _running_server() -> _Server:
    global _server
    if _server is None or os.waitpid(_server.pid, os.WNOHANG) != (0, 0):
        _server = _Server.start()
    return _server


def server_pid() -> int | None:
    """The dbt server's process id, while one is up."""
    return None if _server is None else _server.pid


@atexit.register
def _stop_server() -> None:
    """The server ends with this process, and is waited for: its CPU time and memory count as this
    process's children's (what the benchmark and the memory test measure)."""
    global _server
    if _server is not None:
        _server.stop(interrupt=_server_lock.locked())  # a command still running is interrupted
        _server = None


@dataclass
class DbtInvocation:
    """One dbt command, run by the dbt server; iterate `events()` to run it and read its results."""

    args: list[str]
    project_dir: Path
    target_path: Path
    warehouse: Path
    """The DuckDB file the profile opens."""
    errors: list[str] = field(default_factory=list)
    """dbt's error messages (its results of failed nodes aside), in the order dbt wrote them."""
    templates: dict[str, int] = field(default_factory=dict)
    """Of the Jinja templates the command compiled: how many the server's cache served (`reused`) and how
    many it compiled (`compiled`; orchestration/defs/transform/jinja_code_cache.py)."""

    @property
    def command(self) -> str:
        return "dbt " + " ".join(self.args)

    def events(self) -> Iterator[DbtCoreCliEventMessage]:
        """Run dbt and yield each node's result as it finishes, printing dbt's lines as dbt would; raise
        DbtInvocationError if dbt failed. One command at a time per process."""
        self.target_path.mkdir(parents=True, exist_ok=True)
        seed_partial_parse(self.project_dir, self.target_path, self.warehouse.name)
        request = {
            "args": server_arguments(self.args, self.project_dir, self.target_path),
            "environment": dict(os.environ),
            "warehouse": str(self.warehouse.resolve()),
            "jinja_code_cache": str(jinja_code_cache.cache_file(self.project_dir / "target")),
        }
        with _server_lock:
            outcome = yield from self._exchange(request)
            if outcome is None:  # a server that had died before this command: a new one runs it
                outcome = yield from self._exchange(request)
        if outcome is None:
            raise DbtInvocationError(f"dbt ended without a result (the dbt server died); {self._where()}")
        keep_partial_parse(self.project_dir, self.target_path, self.warehouse.name)
        self.templates = outcome.get("templates", {})
        self._raise_unless_successful(outcome)

    def _exchange(self, request: dict[str, Any]) -> Generator[DbtCoreCliEventMessage, None, dict[str, Any] | None]:
        """Send the command to the server and read its events; return its outcome, or None when the
        server ended before it said anything (it had died before this command, or died at its start)."""
        global _server
        server = _running_server()
        heard = False
        try:
            server.requests.write(_json_line(request))
            server.requests.flush()
            for line in server.responses:
                heard = True
                event = json.loads(line)
                if "outcome" in event:
                    return event["outcome"]
                self._print(event["info"])
                if event["info"]["name"] in RESULT_EVENT_NAMES:
                    yield DbtCoreCliEventMessage(raw_event=event, event_history_metadata={})
                elif event["info"]["level"] == "error":
                    self.errors.append(event["info"]["msg"])
        except BrokenPipeError:
            pass  # the server had died: the request found no reader
        except BaseException:
            _server = None
            server.stop(interrupt=True)
            raise
        _server = None
        status = server.stop()
        if heard:
            raise DbtInvocationError(f"dbt ended without a result ({_exit_description(status)}); {self._where()}")
        return None

    def _where(self) -> str:
        return f"command: {self.command}; log: {self.target_path / 'dbt.log'}"

    @staticmethod
    def _print(info: dict[str, Any]) -> None:
        print(f"{datetime.now(UTC).astimezone():%H:%M:%S}  {info['msg']}", flush=True)

    def _raise_unless_successful(self, outcome: dict[str, Any]) -> None:
        if outcome["success"]:
            return
        messages = [*self.errors]
        if outcome["exception"]:
            messages.append(outcome["exception"])
        first = headline(messages[0]) if messages else "see dbt's log"
        detail = "\n".join(message.strip() for message in messages[1:])
        raise DbtInvocationError(f"{first}\n{detail}\n({self._where()})")


def _exit_description(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.WEXITSTATUS(status)}"


def headline(message: str) -> str:
    """One line of one of dbt's error messages: its heading and the first line under it (dbt writes
    "Runtime Error in model quotas (models/marts/quotas.sql)", then the database's own words)."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return ": ".join(lines[:2])
