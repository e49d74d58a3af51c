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

from legalaid_rules.cli._app import DATE, ROOT_OPTION, complete_packs, main, reported
from legalaid_rules.cli._console import echo, progress, table
from legalaid_rules.i18n import N_, _
from legalaid_rules.packs.checkout import rules_tree
from legalaid_rules.packs.registry import Registry
from legalaid_rules.packtests import RunResult, coverage, coverage_report, run_paths, run_report
from legalaid_rules.packtests.review import Proposal, accept, proposal, side_by_side
from legalaid_rules.render import render

__all__ = ["render_command", "test_command"]


@main.command(
    "test",
    help=N_(
        "Run pack tests (*.tests.yaml): each case's application against the pack in force.\n\n"
        "PATHS are folders (searched for *.tests.yaml) or test files; by default the checkout's "
        "`rules/` when run inside a legalaid-rules checkout, else the packs installed with the library."
    ),
)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--coverage",
    "with_coverage",
    is_flag=True,
    help=N_("Report rules not seen both true and false; fail unless every tested pack is covered."),
)
@click.option("-v", "--verbose", is_flag=True, help=N_("Also list the cases that passed."))
@click.option(
    "--review",
    is_flag=True,
    help=N_(
        "Show each failing case's expected and actual results side by side, and ask whether to "
        "accept the actual ones as the new expectation (the test file is rewritten, comments kept)."
    ),
)
@click.option(
    "--accept-all",
    is_flag=True,
    help=N_("With --review: accept without asking every case whose only change is its warnings."),
)
def test_command(
    paths: tuple[Path, ...], with_coverage: bool, verbose: bool, review: bool, accept_all: bool
) -> None:
    """Run pack tests (*.tests.yaml): each case's application against the pack in force."""
    if not paths:
        tree = rules_tree()
        echo(tree.describe())
        paths = (tree.root,)
    result = run_paths(paths, lambda files: progress(files, _("testing")))
    if review or accept_all:
        _review(result, accept_all)
        return
    for line in run_report(result, verbose=verbose):
        kind = "error" if line.startswith(("FAILED", "ERROR", "XPASSED")) else None
        echo(line, kind)
    ok = result.passed
    if with_coverage:
        tested, untested = coverage(result)
        for line in coverage_report(tested, untested):
            echo(line)
        ok = ok and bool(tested) and all(pc.complete for pc in tested)
    if not ok:
        sys.exit(1)


@main.command("render", help=N_("Print a pack as a Chinese policy summary, each item with its source."))
@click.argument("pack_id", shell_complete=complete_packs)
@click.option(
    "--date",
    "on",
    type=DATE,
    required=True,
    help=N_("Render the pack version in force on this date."),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html"]),
    default="markdown",
    show_default=True,
    help=N_("Markdown, or one self-contained HTML page."),
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
    left = 0
    for case in (c for c in result.cases if c.status == "failed"):
        prop = proposal(case)
        if prop is None:
            continue
        echo("")
        echo(f"{case.location} {case.name} ({case.pack} {case.version})", "warning")
        echo(f"  {case.description}")
        table(
            [_("key"), _("expected"), "->", _("actual")], [[k, e, "->", a] for k, e, a in side_by_side(case)]
        )
        if prop.manual:
            echo("  " + _("edit by hand: {keys} (partial expectations)").format(keys=", ".join(prop.manual)))
        if not prop.changes:
            left += 1
            continue
        if accept_all and prop.warnings_only:
            echo("  " + _("accepted (warnings only)"), "ok")
            take = True
        else:
            take = click.confirm("  " + _("accept the actual result as the new expectation?"), default=False)
        if take:
            accepted.setdefault(case.file, []).append(prop)
        else:
            left += 1
    changed = 0
    for file, props in accepted.items():
        changed += accept(Path(file), props)
        echo(_("rewrote {file}: {count} case(s)").format(file=file, count=len(props)), "ok")
    errors = [c for c in result.cases if c.status in ("error", "xpassed")]
    echo(
        _("{accepted} case(s) accepted, {left} left failing, {errors} error(s)").format(
            accepted=changed, left=left, errors=len(errors)
        )
    )
    if left or errors or any(f.problems for f in result.files):
        sys.exit(1)
