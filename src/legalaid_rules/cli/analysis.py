"""`analyze`, `diff` and `what-if`: solver-backed pack analysis (needs the ``analysis`` extra).

Exit codes: 0 nothing of an error class found; 1 findings of an error class (``analyze``);
2 bad usage (an unknown pack, a date no version covers, an unreadable file).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from importlib import import_module
from pathlib import Path
from typing import Any

import click

from legalaid_rules.cli._app import DATE, LANG_OPTION, ROOT_OPTION, main, reported
from legalaid_rules.cli._io import read_data
from legalaid_rules.errors import ApplicationError, BackendUnavailableError, Location, Problem
from legalaid_rules.i18n import N_, _
from legalaid_rules.packs.registry import Registry

__all__ = ["analyze_command", "diff_command", "what_if_command"]

FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)


def _analysis() -> Any:
    """The analysis package, imported on first use like the durable backend: z3-solver is an
    optional extra, and the other commands must start without it (and without its import time)."""
    try:
        return import_module("legalaid_rules.analysis")
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise BackendUnavailableError(
            _("pack analysis needs z3-solver: pip install 'legalaid-rules[analysis]'")
        ) from exc


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@main.command(
    "analyze",
    help=N_(
        "Prove what a pack can and cannot decide: dead rules, gaps, conflicts, narrowing, "
        "boundaries.\n\n"
        "Without --date every version of the pack is analysed over its whole period."
    ),
)
@click.argument("pack_id")
@click.option(
    "--date", "on", type=DATE, default=None, help=N_("Analyse the version in force on this date, on it only.")
)
@click.option("--quick", is_flag=True, help=N_("Only the cheap checks: rules that can never hold, and gaps."))
@FORMAT_OPTION
@LANG_OPTION
@ROOT_OPTION
def analyze_command(
    pack_id: str, on: dt.datetime | None, quick: bool, fmt: str, lang: str, root: Path | None
) -> None:
    """Prove what a pack can and cannot decide: dead rules, gaps, conflicts, narrowing, boundaries.

    Without --date every version of the pack is analysed over its whole period.
    """
    with reported():
        analysis = _analysis()
        registry = Registry(root) if root else None
        reg = registry or Registry()
        days = [on.date()] if on else [v.start for v in reg.versions(pack_id)]
        reports = []
        for day in days:
            pack = (registry or analysis.bundled()).load(pack_id, day)
            kinds = analysis.CHEAP_KINDS if quick else None
            reports.append(
                analysis.analyze(pack, on=on.date() if on else None, registry=registry, kinds=kinds)
            )
    if fmt == "json":
        _echo_json([r.as_json() for r in reports])
    else:
        click.echo("\n\n".join(analysis.report_text(r, lang) for r in reports))
    if any(r.errors for r in reports):
        sys.exit(1)


@main.command(
    "diff",
    help=N_(
        "The semantic difference of two packs: which applications change outcome, and how.\n\n"
        "OLD and NEW are each `ID@DATE` (the version in force on that date) or a pack file on disk\n"
        "(an edited copy of a pack: it is read with the packs it extends)."
    ),
)
@click.argument("old")
@click.argument("new")
@click.option(
    "--over",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help=N_("Also re-decide these past applications (JSON lines) under both and count the changes."),
)
@FORMAT_OPTION
@LANG_OPTION
@ROOT_OPTION
def diff_command(old: str, new: str, over: Path | None, fmt: str, lang: str, root: Path | None) -> None:
    """The semantic difference of two packs: which applications change outcome, and how.

    OLD and NEW are each `ID@DATE` (the version in force on that date) or a pack file on disk
    (an edited copy of a pack: it is read with the packs it extends).
    """
    with reported():
        analysis = _analysis()
        a, b = analysis.pack_from_spec(old, root), analysis.pack_from_spec(new, root)
        result = analysis.diff(a, b)
        impact = analysis.impact(a, b, _read_lines(over)) if over else None
    if fmt == "json":
        _echo_json({"diff": result.as_json(), "impact": impact.as_json() if impact else None})
    else:
        click.echo(analysis.diff_text(result, lang))
        if impact:
            click.echo(analysis.impact_text(impact, lang))


@main.command(
    "what-if",
    help=N_(
        "What would change this decision: the smallest changes of facts that flip the outcome.\n\n"
        "FILE is an application (JSON or YAML); each change found is checked by deciding the "
        "changed\n"
        "application again."
    ),
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--pack", "pack_id", required=True, help=N_("Pack id, e.g. anhui/anqing."))
@click.option(
    "--change-fixed", is_flag=True, help=N_("Also change facts the applicant cannot (date, place, age).")
)
@click.option("--limit", type=click.IntRange(1, 20), default=5, show_default=True)
@FORMAT_OPTION
@LANG_OPTION
@ROOT_OPTION
def what_if_command(
    file: Path, pack_id: str, change_fixed: bool, limit: int, fmt: str, lang: str, root: Path | None
) -> None:
    """What would change this decision: the smallest changes of facts that flip the outcome.

    FILE is an application (JSON or YAML); each change found is checked by deciding the changed
    application again.
    """
    with reported():
        analysis = _analysis()
        data = read_data(file)
        day = (
            dt.date.fromisoformat(str(data.get("date")))
            if isinstance(data, dict) and data.get("date")
            else None
        )
        if day is None:
            raise click.UsageError(_("the application has no `date`"))
        pack = (Registry(root) if root else analysis.bundled()).load(pack_id, day)
        result = analysis.counterfactuals(pack, data, hold_fixed=not change_fixed, limit=limit)
    if fmt == "json":
        _echo_json(result.as_json())
    else:
        click.echo(analysis.counterfactuals_text(result, lang))


def _read_lines(path: Path) -> list[dict[str, Any]]:
    """Applications, one JSON object a line (numbers with a fraction read exactly).

    Raises:
        ApplicationError: a line that is not a JSON object, located by line and column.
    """
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise ApplicationError(
                [
                    Problem(
                        "input.json",
                        _("this is not valid JSON: {reason}").format(reason=exc.msg),
                        Location(str(path), n, exc.colno),
                    )
                ]
            ) from None
        if not isinstance(data, dict):
            raise ApplicationError(
                [
                    Problem(
                        "input.json",
                        _("each line must be one application (a JSON object)"),
                        Location(str(path), n, 1),
                    )
                ]
            )
        out.append(data)
    return out
