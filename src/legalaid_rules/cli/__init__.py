"""Command line: a thin layer over the public API.

Each module here registers its commands on :data:`main` when imported; the root group imports
a command's module when the command is run (:data:`~legalaid_rules.cli._app.COMMAND_MODULES`).
"""

from legalaid_rules.cli._app import main

__all__ = ["main"]
