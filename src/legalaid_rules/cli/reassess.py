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
from legalaid_rules.packs.registry import Registry
from legalaid_rules.reassessment import Reassessment, reassess, run_cases

__all__ = ["reassess_command", "reassessment_text"]

_OUTCOME_ZH = {"continue": "继续提供法律援助", "terminate": "终止法律援助", "undetermined": "尚无法判断"}


def reassessment_text(result: Reassessment) -> str:
    """The reassessment as plain Chinese lines: the outcome, each ground that holds, what is missing."""
    stamp = f"{result.date}，{result.pack.id} {result.pack.version}"
    lines = [f"复查结论：{_OUTCOME_ZH[result.outcome.value]}（{stamp}）"]
    for g in result.grounds:
        if g.result is Truth.FALSE:
            continue
        state = "成立" if g.result is Truth.TRUE else "尚待查明"
        wait = "，暂缓终止（开庭在即）" if g.deferred is Truth.TRUE else ""
        lines.append(f"  - {g.ground} [{state}{wait}] {g.zh}")
        lines.append(f"    依据：{g.basis}" + ("" if g.verified else "（未经核实）"))
        if g.consequence_zh and g.result is Truth.TRUE:
            lines.append(f"    后果：{g.consequence_zh}")
    if result.missing:
        lines.append("须查明：" + "、".join(result.missing))
    for w in result.warnings:
        lines.append(f"提示（{w.code}）：{w.zh}")
    return "\n".join(lines)


@main.command("reassess")
@click.option("--pack", "pack_id", default=None, help="Pack id of the granting decision, e.g. anhui/anqing.")
@IN_FORCE_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--backend", type=click.Choice(list(BACKENDS)), default="native", show_default=True)
@click.option(
    "--cases",
    "case_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Run reassessment cases (*.reassessment.tests.yml) instead; repeatable.",
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
                    click.echo(f"FAILED {case.file} {case.name}")
                    for d in case.differences:
                        click.echo(f"  {d}")
        click.echo(f"{'all cases passed' if not failed else f'{failed} case(s) failed'}")
        if failed:
            sys.exit(1)
        return
    if pack_id is None or len(files) != 2:
        raise click.UsageError("give --pack and two files, GRANTED and CHANGES (or --cases FILE)")
    with reported(2):
        granted = to_application(read_data(files[0]))
        pack = Registry(root).load(pack_id, on.date() if on else granted.date)
        result = reassess(pack, granted, read_data(files[1]), backend=backend)
    if fmt == "json":
        click.echo(result.model_dump_json(indent=2))
    else:
        click.echo(reassessment_text(result))
