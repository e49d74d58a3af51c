"""`reassess`: does granted legal aid continue or end (《法律援助法》第四十八条)?

Exit codes: 0 the reassessment was made (whatever its outcome) or every case passed; 1 a case
failed; 2 bad input or usage (an invalid application or changes, an unknown pack, aid that was
not granted). Errors are printed as located lines, never as tracebacks.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from legalaid_rules.cli._app import IN_FORCE_OPTION, ROOT_OPTION, main, reported
from legalaid_rules.cli._io import read_data
from legalaid_rules.decisions import Truth
from legalaid_rules.evaluation import BACKENDS, to_application
from legalaid_rules.i18n import N_, _, language
from legalaid_rules.packs.registry import Registry
from legalaid_rules.reassessment import Reassessment, reassess, run_cases

__all__ = ["reassess_command", "reassessment_text"]

_OUTCOME = {
    "continue": N_("legal aid continues"),
    "terminate": N_("legal aid ends"),
    "undetermined": N_("cannot be decided yet"),
}


def reassessment_text(result: Reassessment) -> str:
    """The reassessment as plain lines in the current language: the outcome, each ground that
    holds, what is missing."""
    en = language() == "en"
    lines = [
        _("Reassessment: {outcome} ({date}, {pack} {version})").format(
            outcome=_(_OUTCOME[result.outcome.value]),
            date=result.date,
            pack=result.pack.id,
            version=result.pack.version,
        )
    ]
    for g in result.grounds:
        if g.result is Truth.FALSE:
            continue
        state = _("holds") if g.result is Truth.TRUE else _("to be found out")
        wait = _(", termination deferred (a hearing is near)") if g.deferred is Truth.TRUE else ""
        lines.append(f"  - {g.ground} [{state}{wait}] {g.en if en else g.zh}")
        lines.append(
            "    " + _("basis: {basis}").format(basis=g.basis) + ("" if g.verified else _(" (unverified)"))
        )
        if g.consequence_zh and g.result is Truth.TRUE:
            lines.append("    " + _("consequence: {consequence}").format(consequence=g.consequence_zh))
    if result.missing:
        lines.append(_("to find out: {missing}").format(missing=(", " if en else "、").join(result.missing)))
    for w in result.warnings:
        lines.append(_("note ({code}): {text}").format(code=w.code, text=w.en if en else w.zh))
    return "\n".join(lines)


@main.command(
    "reassess",
    help=N_(
        "Reassess granted aid: GRANTED (the granted application) and CHANGES (what changed), JSON "
        "or YAML.\n\n"
        "Says `continue`, `terminate` (citing each ground of Art 48 that holds) or `undetermined`\n"
        "(listing what the office must still find out)."
    ),
)
@click.option(
    "--pack", "pack_id", default=None, help=N_("Pack id of the granting decision, e.g. anhui/anqing.")
)
@IN_FORCE_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--backend", type=click.Choice(list(BACKENDS)), default="native", show_default=True)
@click.option(
    "--cases",
    "case_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=N_("Run reassessment cases (*.reassessment.tests.yml) instead; repeatable."),
)
@ROOT_OPTION
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def reassess_command(
    pack_id: str | None,
    on: dt.datetime | None,
    fmt: str,
    backend: str,
    case_files: tuple[Path, ...],
    root: Path | None,
    files: tuple[Path, ...],
) -> None:
    """Reassess granted aid: GRANTED (the granted application) and CHANGES (what changed), JSON or YAML.

    Says `continue`, `terminate` (citing each ground of Art 48 that holds) or `undetermined`
    (listing what the office must still find out).
    """
    if case_files:
        failed = 0
        with reported(2):
            for path in case_files:
                for case in run_cases(path, backend=backend):
                    if case.passed:
                        continue
                    failed += 1
                    click.echo(_("FAILED {file} {case}").format(file=case.file, case=case.name))
                    for d in case.differences:
                        click.echo(f"  {d}")
        click.echo(_("{failed} case(s) failed").format(failed=failed) if failed else _("all cases passed"))
        if failed:
            sys.exit(1)
        return
    if pack_id is None or len(files) != 2:
        raise click.UsageError(_("give --pack and two files, GRANTED and CHANGES (or --cases FILE)"))
    with reported(2):
        granted = to_application(read_data(files[0]))
        pack = Registry(root).load(pack_id, on.date() if on else granted.date)
        result = reassess(pack, granted, read_data(files[1]), backend=backend)
    if fmt == "json":
        click.echo(result.model_dump_json(indent=2))
    else:
        click.echo(reassessment_text(result))
