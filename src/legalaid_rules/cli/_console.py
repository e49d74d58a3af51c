"""Terminal output: rich tables, colour and progress on a terminal; plain lines everywhere else.

Output is plain text (no colour codes, no box drawing, no wrapping) when it does not go to a
terminal (a pipe, a file, a test) or when ``NO_COLOR`` is set, so scripts can read it line by
line. ``FORCE_COLOR`` makes rich treat the output as a terminal. Widths of Chinese text are
counted as two columns, so tables with 中文 line up.

rich is imported when something is drawn, not with this module: a command whose output is plain
(``evaluate``) starts without it (start-up time, issue 10).
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from importlib import import_module
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["echo", "fancy", "pad", "progress", "table", "width"]

T = TypeVar("T")

_STYLES = {
    "error": "bold red",
    "warning": "yellow",
    "skipped": "magenta",
    "unverified": "cyan",
    "ok": "green",
}


def _console(err: bool = False) -> Console:
    console: type[Console] = import_module("rich.console").Console
    return console(
        file=sys.stderr if err else sys.stdout,
        markup=False,
        highlight=False,
        emoji=False,
    )


def fancy(err: bool = False) -> bool:
    """Whether to draw tables, colour and progress: a terminal, and ``NO_COLOR`` not set."""
    return "NO_COLOR" not in os.environ and _console(err).is_terminal


def echo(text: str, kind: str | None = None, *, err: bool = False) -> None:
    """One line; coloured by ``kind`` (error, warning, skipped, unverified, ok) on a terminal."""
    if kind is None or not fancy(err):
        click.echo(text, err=err)
        return
    text_type = import_module("rich.text").Text
    _console(err).print(text_type(text, style=_STYLES.get(kind, "")), soft_wrap=True)


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    """``text`` padded with spaces to ``columns`` terminal columns."""
    return text + " " * max(columns - width(text), 0)


def table(header: Sequence[str], rows: Iterable[Sequence[str]], *, title: str | None = None) -> None:
    """A table: rich on a terminal; aligned plain columns (CJK-aware) elsewhere."""
    rows = [list(r) for r in rows]
    if fancy():
        t = import_module("rich.table").Table(*header, title=title, show_lines=False, header_style="bold")
        for r in rows:
            t.add_row(*r)
        _console().print(t)
        return
    if title:
        click.echo(title)
    sizes = [max([width(h), *(width(r[i]) for r in rows)]) for i, h in enumerate(header)]
    for r in [list(header), *rows]:
        click.echo("  ".join(pad(c, sizes[i]) for i, c in enumerate(r)).rstrip())


def progress(items: Sequence[T], description: str) -> Iterator[T]:
    """Iterate with a progress bar on a terminal (removed when done); silently elsewhere."""
    if not fancy(err=True) or len(items) < 2:
        yield from items
        return
    yield from import_module("rich.progress").track(
        items, description=description, console=_console(err=True), transient=True
    )
