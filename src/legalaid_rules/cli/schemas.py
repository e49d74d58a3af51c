"""`schema`: the JSON Schemas of pack files, pack-test files, applications, decisions and traces.

A module of its own: building the schemas needs the trace and pack-test models, which the
everyday commands do not load.
"""

from __future__ import annotations

import click

from legalaid_rules.cli._app import main
from legalaid_rules.i18n import N_
from legalaid_rules.schemas import SCHEMAS, schema_text


@main.command(
    "schema",
    help=N_(
        "Print a JSON Schema: of pack files or pack-test files (for editors, see docs/editor.md), "
        "applications, decisions or trace records."
    ),
)
@click.option(
    "--what",
    type=click.Choice(SCHEMAS),
    default="pack",
    show_default=True,
    help=N_("Which schema to print."),
)
def schema_command(what: str) -> None:
    """Print a JSON Schema."""
    click.echo(schema_text(what), nl=False)
