"""Reading input files: JSON (numbers exact, as Decimal) or YAML (the safe pack reader)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from legalaid_rules.errors import ApplicationError, Location, Problem
from legalaid_rules.packs.yaml_source import read_yaml

__all__ = ["read_data"]


def read_data(path: Path) -> Any:
    """Plain data from a JSON or YAML file; numbers with a fraction become ``Decimal``.

    Raises:
        ApplicationError: the file is not valid JSON or YAML (located).
    """
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise ApplicationError(
                [
                    Problem(
                        "input.json",
                        f"this is not valid JSON: {exc.msg}",
                        Location(str(path), exc.lineno, exc.colno),
                    )
                ]
            ) from None
    doc, problems = read_yaml(text, str(path))
    if problems or doc is None:
        raise ApplicationError(problems)
    return doc.data
