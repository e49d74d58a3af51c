"""Command line: a thin layer over the public API.

Each module below registers its commands on :data:`main` when imported.
"""

from legalaid_rules.cli import analysis as _analysis  # noqa: F401  (registers commands)
from legalaid_rules.cli import audit as _audit  # noqa: F401  (registers commands)
from legalaid_rules.cli import caseload as _caseload  # noqa: F401  (registers commands)
from legalaid_rules.cli import packs as _packs  # noqa: F401  (registers commands)
from legalaid_rules.cli import packtools as _packtools  # noqa: F401  (registers commands)
from legalaid_rules.cli import reassess as _reassess  # noqa: F401  (registers commands)
from legalaid_rules.cli import service as _service  # noqa: F401  (registers commands)
from legalaid_rules.cli._app import main

__all__ = ["main"]
