"""The service's OpenAPI document, as committed in ``docs/openapi.json``.

Regenerate it after changing an endpoint or a model::

    python -m legalaid_rules.service.openapi docs/openapi.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from legalaid_rules.service.factory import create_app
from legalaid_rules.service.settings import Settings

__all__ = ["document"]


def document() -> str:
    """The OpenAPI document of a default app, as stable, sorted JSON text."""
    spec = create_app(Settings()).openapi()
    return json.dumps(spec, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    """Write the document to the path given, or print it."""
    text = document()
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
