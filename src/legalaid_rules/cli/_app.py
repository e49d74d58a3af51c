"""The root command group, and what its commands share: options and error reporting."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from legalaid_rules._version import __version__
from legalaid_rules.errors import LegalAidRulesError, Problem

__all__ = ["DATE", "IN_FORCE_OPTION", "PACK_OPTION", "ROOT_OPTION", "main", "reported"]

DATE = click.DateTime(["%Y-%m-%d"])
ROOT_OPTION = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of packs (default: the packs shipped with the library).",
)
PACK_OPTION = click.option("--pack", "pack_id", required=True, help="Pack id, e.g. anhui/anqing.")
IN_FORCE_OPTION = click.option(
    "--date",
    "on",
    type=DATE,
    default=None,
    help="Pick the pack version in force on this date (default: the application date).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="legalaid-rules")
def main() -> None:
    """Decide legal-aid eligibility from versioned, cited rule packs, and explain it."""


@contextmanager
def reported(code: int = 2) -> Iterator[None]:
    """Print a library error as located lines and exit with ``code``."""
    try:
        yield
    except LegalAidRulesError as exc:
        problems: tuple[Problem, ...] = getattr(exc, "problems", ())
        if problems:
            for p in problems:
                click.echo(f"error: {p}", err=True)
        else:
            click.echo(f"error: {exc}", err=True)
        sys.exit(code)
