"""`packs`, `check`, `evaluate` and `schema`: the everyday commands.

Exit codes: 0 success; 1 the packs checked have problems; 2 bad input or usage (an invalid
application, an unknown pack, a date no pack covers). Errors are printed as located lines,
never as tracebacks.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click

from legalaid_rules.applications import Application
from legalaid_rules.cli._app import IN_FORCE_OPTION, PACK_OPTION, ROOT_OPTION, main, reported
from legalaid_rules.cli._io import read_data
from legalaid_rules.decisions import Decision
from legalaid_rules.errors import LegalAidRulesError, Problem
from legalaid_rules.evaluation import BACKENDS, evaluate, to_application
from legalaid_rules.evaluation.wording import decision_text
from legalaid_rules.packs.registry import Registry
from legalaid_rules.packs.schema import PackFile
from legalaid_rules.packs.strict import unverified


@main.command("packs")
@ROOT_OPTION
@click.option("--matters", is_flag=True, help="Also list each version's matter codes.")
def packs_command(root: Path | None, matters: bool) -> None:
    """List the installed packs, their versions and effective periods."""
    registry = Registry(root)
    with reported(1):
        for pack_id in registry.ids():
            for v in registry.versions(pack_id):
                parent = f"  extends {v.extends}" if v.extends else ""
                end = str(v.end or "open")
                click.echo(f"{v.id:<20} {v.version:<8} {v.start} .. {end:<10} {v.title}{parent}")
                if matters:
                    pack = registry.load(v.id, v.start)
                    for code, m in sorted(pack.matters.items()):
                        mark = "" if m.listed else "  (not listed)"
                        click.echo(f"    {code:<30} {m.zh}{mark}")


@main.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Also fail on every value not verified against its source.")
def check_command(paths: tuple[Path, ...], strict: bool) -> None:
    """Check rule packs: every problem, located as file:line:column.

    PATHS are pack folders (a rules root such as `rules/`) or pack files; by default the
    packs shipped with the library.
    """
    problems: list[Problem] = []
    notes: list[Problem] = []
    roots: list[Path | None] = [*_roots(paths)] or [None]
    for root in roots:
        registry = Registry(root)
        found = registry.check()
        problems.extend(found)
        if strict and not found:
            notes.extend(unverified(registry))
    for p in problems:
        click.echo(f"error: {p}")
    for p in notes:
        click.echo(f"unverified: {p}")
    if problems or notes:
        click.echo(f"{len(problems)} error(s), {len(notes)} unverified value(s)", err=True)
        sys.exit(1)
    click.echo("all packs are valid" + (" and fully verified" if strict else ""))


def _roots(paths: tuple[Path, ...]) -> list[Path]:
    """The rules roots for the given folders and files (a file's root is above its id)."""
    roots: list[Path] = []
    for path in paths:
        if path.is_dir():
            roots.append(path)
            continue
        depth = _pack_depth(path)
        roots.append(path.resolve().parents[depth])
    return list(dict.fromkeys(roots))


def _pack_depth(path: Path) -> int:
    try:
        data = read_data(path)
    except LegalAidRulesError:
        return 0
    pack_id = data.get("id") if isinstance(data, dict) else None
    return len(str(pack_id).split("/")) if pack_id else 0


@main.command("evaluate")
@PACK_OPTION
@IN_FORCE_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
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


@main.command("schema")
@click.option(
    "--what",
    type=click.Choice(["pack", "application", "decision"]),
    default="pack",
    show_default=True,
)
def schema_command(what: str) -> None:
    """Print a JSON Schema: of pack files (for editors), applications or decisions."""
    model: Any = {"pack": PackFile, "application": Application, "decision": Decision}[what]
    schema = model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    click.echo(json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True))
