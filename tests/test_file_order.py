"""The test files' order for the two workers: the longest first, each file's tests in their own order."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.file_order import SECONDS_PER_FILE, longest_files_first


class FakeItem:
    """Only what the ordering reads of a collected test: the path of its file, and a name to follow it."""

    def __init__(self, file_name: str, name: str) -> None:
        self.path = Path("tests") / file_name
        self.name = name


def test_the_longest_files_come_first_each_with_its_tests_in_their_order_and_unlisted_files_last() -> None:
    collected = [
        FakeItem("test_a_new_file.py", "new 1"),
        FakeItem("test_cli.py", "cli 1"),
        FakeItem("test_history.py", "history 1"),
        FakeItem("test_cli.py", "cli 2"),
        FakeItem("test_another_new_file.py", "another 1"),
        FakeItem("test_incremental_runs.py", "incremental 1"),
        FakeItem("test_history.py", "history 2"),
    ]
    ordered = longest_files_first(collected)  # type: ignore[arg-type]
    assert [item.name for item in ordered] == [
        "incremental 1",
        "history 1",
        "history 2",
        "cli 1",
        "cli 2",
        "new 1",
        "another 1",
    ]


def test_every_listed_file_exists_so_a_renamed_file_is_not_silently_sent_last() -> None:
    tests_dir = Path(__file__).parent
    missing = [name for name in SECONDS_PER_FILE if not (tests_dir / name).exists()]
    assert missing == []


def test_this_session_collected_its_files_longest_first(request: pytest.FixtureRequest) -> None:
    files = list(dict.fromkeys(item.path.name for item in request.session.items))
    weights = [SECONDS_PER_FILE.get(name, 0) for name in files]
    assert weights == sorted(weights, reverse=True)
