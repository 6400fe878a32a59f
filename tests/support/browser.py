"""Headless Chromium driven by subprocess (Debian's package, installed by `make setup`), and a small
reader of the DOM it renders: elements with their attributes and text, to find numbers by `data-*`."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def chromium() -> str:
    """The Chromium binary; in CI (`CI=true`) a missing one fails the test instead of skipping it."""
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if path is None:
        message = "chromium is not installed (`make setup` installs Debian's package)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def _run_chromium(page: Path, *mode: str, window: str = "1400,3000") -> subprocess.CompletedProcess[bytes]:
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        completed = subprocess.run(
            [
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--window-size={window}",
                *mode,
                page.resolve().as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")[-2000:]
    return completed


def screenshot(page: Path, png: Path, window: str = "1400,3000") -> Path:
    _run_chromium(page, f"--screenshot={png}", window=window)
    return png


def dump_dom(page: Path) -> str:
    return _run_chromium(page, "--dump-dom").stdout.decode()


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None
    children: list[Element] = field(default_factory=list)
    parts: list[str | Element] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text inside, whitespace collapsed, as a reader sees it."""
        pieces = [part if isinstance(part, str) else part.text for part in self.parts]
        return " ".join("".join(pieces).split())

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()

    def find_all(self, **attrs: str | bool) -> list[Element]:
        """Elements whose attributes match: a value, or True for 'has the attribute'."""

        def matches(element: Element) -> bool:
            for name, wanted in attrs.items():
                name = name.replace("_", "-")
                if wanted is True and name not in element.attrs:
                    return False
                if wanted is not True and element.attrs.get(name) != wanted:
                    return False
            return True

        return [element for element in self.iter() if matches(element)]

    def one(self, **attrs: str | bool) -> Element:
        found = self.find_all(**attrs)
        assert len(found) == 1, f"expected one element with {attrs}, found {len(found)}"
        return found[0]

    def field(self, name: str) -> str:
        return self.one(data_field=name).text


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs}, self.current)
        self.current.children.append(element)
        self.current.parts.append(element)
        if tag not in VOID_ELEMENTS:
            self.current = element

    def handle_endtag(self, tag: str) -> None:
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.parts.append(data)


def parse_dom(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root
