"""The root command group; each command module adds its commands to it."""

from __future__ import annotations

import click

from legalaid_rules._version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="legalaid-rules")
def main() -> None:
    """Decide legal-aid eligibility from versioned, cited rule packs, and explain it."""
