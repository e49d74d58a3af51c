"""`test` and `render`: pack tests with rule coverage, and packs as Chinese policy summaries.

Exit codes: 0 every case passed (and, with ``--coverage``, every rule of every tested pack was
seen true and false); 1 a case failed, a test file could not be read, or coverage is
incomplete; 2 bad usage (an unknown pack, a date no version covers).
"""

from __future__ import annotations

import datetime as dt
import sys
import unicodedata
from pathlib import Path

import click

from legalaid_rules.cli._app import DATE, ROOT_OPTION, main, reported
from legalaid_rules.packs.checkout import rules_tree
from legalaid_rules.packs.registry import Registry
from legalaid_rules.packtests import RunResult, coverage, coverage_report, run_paths, run_report
from legalaid_rules.packtests.review import Proposal, accept, proposal, side_by_side
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
@click.option(
    "--review",
    is_flag=True,
    help="Show each failing case's expected and actual results side by side, and ask whether to "
    "accept the actual ones as the new expectation (the test file is rewritten, comments kept).",
)
@click.option(
    "--accept-all",
    is_flag=True,
    help="With --review: accept without asking every case whose only change is its warnings.",
)
def test_command(
    paths: tuple[Path, ...], with_coverage: bool, verbose: bool, review: bool, accept_all: bool
) -> None:
    """Run pack tests (*.tests.yaml): each case's application against the pack in force.

    PATHS are folders (searched for *.tests.yaml) or test files; by default the checkout's
    `rules/` when run inside a legalaid-rules checkout, else the packs installed with the library.
    """
    if not paths:
        tree = rules_tree()
        click.echo(tree.describe())
        paths = (tree.root,)
    result = run_paths(paths)
    if review or accept_all:
        _review(result, accept_all)
        return
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
    click.echo(render(pack, "html" if fmt == "html" else "markdown", on.date()), nl=False)


def _review(result: RunResult, accept_all: bool) -> None:
    """Each failing case side by side; accepted cases are written back to their files."""
    accepted: dict[str, list[Proposal]] = {}
    failing = [c for c in result.cases if c.status == "failed"]
    left = 0
    for case in failing:
        prop = proposal(case)
        if prop is None:
            continue
        click.echo(f"\n{case.location} {case.name} ({case.pack} {case.version})")
        click.echo(f"  {case.description}")
        rows = side_by_side(case)
        width = max(_width(k) for k, _, _ in [("key", "", ""), *rows])
        click.echo(f"  {_pad('key', width)}  expected  ->  actual")
        for key, expected, actual in rows:
            click.echo(f"  {_pad(key, width)}  {expected}  ->  {actual}")
        if prop.manual:
            click.echo(f"  edit by hand: {', '.join(prop.manual)} (partial expectations)")
        if not prop.changes:
            left += 1
            continue
        if accept_all and prop.warnings_only:
            click.echo("  accepted (warnings only)")
            take = True
        else:
            take = click.confirm("  accept the actual result as the new expectation?", default=False)
        if take:
            accepted.setdefault(case.file, []).append(prop)
        else:
            left += 1
    changed = 0
    for file, props in accepted.items():
        changed += accept(Path(file), props)
        click.echo(f"rewrote {file}: {len(props)} case(s)")
    errors = [c for c in result.cases if c.status in ("error", "xpassed")]
    click.echo(f"{changed} case(s) accepted, {left} left failing, {len(errors)} error(s)")
    if left or errors or any(f.problems for f in result.files):
        sys.exit(1)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
