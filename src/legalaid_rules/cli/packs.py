"""`packs`, `check` and `evaluate`: the everyday commands.

Exit codes: 0 success; 1 the packs checked have problems; 2 bad input or usage (an invalid
application, an unknown pack, a date no pack covers). Errors are printed as located lines,
never as tracebacks.
"""

from __future__ import annotations

import datetime as dt
import sys
from importlib import import_module
from pathlib import Path

import click

from legalaid_rules.applications import Application
from legalaid_rules.cli._app import IN_FORCE_OPTION, LANG_OPTION, PACK_OPTION, ROOT_OPTION, main, reported
from legalaid_rules.cli._console import echo, table
from legalaid_rules.cli._io import read_data
from legalaid_rules.decisions import Decision
from legalaid_rules.errors import Location, Problem
from legalaid_rules.evaluation import BACKENDS, evaluate, to_application
from legalaid_rules.evaluation.wording import decision_text
from legalaid_rules.i18n import N_, _, language, problem_text
from legalaid_rules.packs.checking import check_paths
from legalaid_rules.packs.checkout import rules_tree
from legalaid_rules.packs.registry import Registry
from legalaid_rules.packs.resolve import LoadedFile
from legalaid_rules.packs.strict import unverified


@main.command("packs", help=N_("List the installed packs, their versions and effective periods."))
@ROOT_OPTION
@click.option("--matters", is_flag=True, help=N_("Also list each version's matter codes."))
def packs_command(root: Path | None, matters: bool) -> None:
    """List the installed packs, their versions and effective periods."""
    registry = Registry(root)
    rows: list[list[str]] = []
    with reported(1):
        for pack_id in registry.ids():
            for v in registry.versions(pack_id):
                end = str(v.end) if v.end else _("open")
                rows.append([v.id, v.version, f"{v.start} .. {end}", v.title, v.extends or ""])
                if matters:
                    pack = registry.load(v.id, v.start)
                    for code, m in sorted(pack.matters.items()):
                        mark = "" if m.listed else _("(not listed)")
                        rows.append(["", "", f"  {code}", m.zh + (f"  {mark}" if mark else ""), ""])
    table([_("pack"), _("version"), _("in force"), _("title"), _("extends")], rows)


@main.command(
    "check",
    help=N_(
        "Check rule packs: every problem, located as file:line:column.\n\n"
        "PATHS are rules roots (`rules/`), pack folders (`rules/anhui/anqing`), pack files, or pack "
        "files outside a rules tree (checked with their parents from the bundled packs); by default "
        "the checkout's `rules/` inside a legalaid-rules checkout, else the installed packs."
    ),
)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--strict",
    is_flag=True,
    help=N_("Also fail on every value not verified against its source, and on unused sources."),
)
def check_command(paths: tuple[Path, ...], strict: bool) -> None:
    """Check rule packs: every problem, located as file:line:column."""
    if not paths:
        tree = rules_tree()
        echo(tree.describe())
        paths = (tree.root,)
    result = check_paths(paths)
    notes: list[Problem] = []
    found: list[Problem] = []  # the cheap analysis' findings of an error class
    if strict and result.ok:
        for root in result.roots:
            notes.extend(unverified(Registry(root)))
        found = _analysis_problems(result.roots)
    for p in result.problems:
        echo(_("error: {problem}").format(problem=problem_text(p)), "error")
    for p in result.skipped:
        echo(_("skipped: {problem}").format(problem=problem_text(p)), "skipped")
    for p in result.warnings:
        echo(_("warning: {problem}").format(problem=problem_text(p)), "warning")
    for p in notes:
        echo(_("unverified: {problem}").format(problem=problem_text(p)), "unverified")
    for p in found:
        echo(_("analysis: {problem}").format(problem=problem_text(p)), "error")
    failed = result.problems or notes or found or (strict and result.warnings)
    counts = {
        "errors": len(result.problems) + len(found),
        "warnings": len(result.warnings),
        "unverified": len(notes),
        "files": len(result.files),
    }
    if failed:
        echo(
            _(
                "{errors} error(s), {warnings} warning(s), "
                "{unverified} unverified value(s) in {files} file(s)"
            ).format(**counts),
            "error",
            err=True,
        )
        sys.exit(1)
    text = (
        _("all packs are valid and fully verified ({files} file(s))")
        if strict
        else _("all packs are valid ({files} file(s))")
    )
    echo(text.format(**counts), "ok")


def _analysis_problems(roots: tuple[Path, ...]) -> list[Problem]:
    """The cheap solver checks (rules that can never hold, gaps) on every pack version under
    ``roots``: each finding of an error class as a problem located at its rule in the pack file.

    Skipped, with a note, when z3-solver (the ``analysis`` extra) is not installed.
    """
    try:  # an optional extra, imported on use (as the analyze command does)
        analysis = import_module("legalaid_rules.analysis")
    except ImportError:
        echo(_("note: the solver checks are skipped: pip install 'legalaid-rules[analysis]'"), "skipped")
        return []
    out: list[Problem] = []
    for root in roots:
        registry = Registry(root)
        for pack_id in registry.ids():
            for v in registry.versions(pack_id):
                lineage = registry.lineage(pack_id, v.start)
                report = analysis.analyze(
                    registry.load(pack_id, v.start), registry=registry, kinds=analysis.CHEAP_KINDS
                )
                for f in report.errors:
                    out.append(
                        Problem(
                            f"analysis.{f.kind}",
                            f.zh if language() == "zh" else f.en,
                            _where(lineage, f.rule),
                        )
                    )
    return out


def _where(lineage: list[LoadedFile], rule: str | None) -> Location:
    """Where a finding's rule is written (the last pack file of the lineage that defines it)."""
    for lf in reversed(lineage):
        if rule is not None and rule in lf.pack.rules:
            return lf.marks.at(("rules", rule), key=True)
    return Location(lineage[-1].path)


@main.command(
    "evaluate", help=N_("Decide an application (a JSON or YAML file) with the pack in force, and explain it.")
)
@PACK_OPTION
@IN_FORCE_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@LANG_OPTION
@click.option("--backend", type=click.Choice(list(BACKENDS)), default="native", show_default=True)
@ROOT_OPTION
@click.argument("application", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def evaluate_command(
    pack_id: str,
    on: dt.datetime | None,
    fmt: str,
    lang: str,
    backend: str,
    root: Path | None,
    application: Path,
) -> None:
    """Decide an application (a JSON or YAML file) with the pack in force, and explain it."""
    with reported(2):
        app: Application = to_application(read_data(application))
        day = on.date() if on else app.date
        pack = Registry(root).load(pack_id, day)
        decision: Decision = evaluate(pack, app, backend=backend)
    if fmt == "json":
        click.echo(decision.model_dump_json(indent=2))
    else:
        click.echo(decision_text(decision, lang))
