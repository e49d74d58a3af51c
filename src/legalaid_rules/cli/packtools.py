"""`test` and `render`: pack tests with rule coverage, and packs as Chinese policy summaries.

Exit codes: 0 every case passed (and, with ``--coverage``, every rule of every tested pack was
seen true and false); 1 a case failed, a test file could not be read, or coverage is
incomplete; 2 bad usage (an unknown pack, a date no version covers).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from legalaid_rules.cli._app import DATE, ROOT_OPTION, main, reported
from legalaid_rules.packs.registry import Registry
from legalaid_rules.packtests import coverage, coverage_report, run_paths, run_report
from legalaid_rules.render import render

__all__ = ["render_command", "test_command"]


@main.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--coverage",
    "with_coverage",
    is_flag=True,
    help="Report rules not seen both true and false; fail unless every tested pack is covered.",
)
@click.option("-v", "--verbose", is_flag=True, help="Also list the cases that passed.")
def test_command(paths: tuple[Path, ...], with_coverage: bool, verbose: bool) -> None:
    """Run pack tests (*.tests.yaml): each case's application against the pack in force.

    PATHS are folders (searched for *.tests.yaml) or test files; by default the packs shipped
    with the library.
    """
    result = run_paths(paths)
    for line in run_report(result, verbose=verbose):
        click.echo(line)
    ok = result.passed
    if with_coverage:
        tested, untested = coverage(result)
        for line in coverage_report(tested, untested):
            click.echo(line)
        ok = ok and bool(tested) and all(pc.complete for pc in tested)
    if not ok:
        sys.exit(1)


@main.command("render")
@click.argument("pack_id")
@click.option(
    "--date",
    "on",
    type=DATE,
    required=True,
    help="Render the pack version in force on this date.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html"]),
    default="markdown",
    show_default=True,
)
@ROOT_OPTION
def render_command(pack_id: str, on: dt.datetime, fmt: str, root: Path | None) -> None:
    """Print a pack as a Chinese policy summary, each item with its source."""
    with reported(2):
        pack = Registry(root).load(pack_id, on.date())
    click.echo(render(pack, "html" if fmt == "html" else "markdown"), nl=False)
