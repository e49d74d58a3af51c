"""Reading input files: JSON through the input boundary, YAML through the safe pack reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from legalaid_rules.errors import ApplicationError, Location, Problem
from legalaid_rules.i18n import _
from legalaid_rules.inputs import MAX_BYTES, read_json
from legalaid_rules.packs.yaml_source import read_yaml

__all__ = ["read_data"]


def read_data(path: Path) -> Any:
    """Plain data from a JSON or YAML file; numbers with a fraction become ``Decimal``.

    JSON goes through :func:`legalaid_rules.inputs.read_json` (size, depth, digits, duplicate
    keys, encoding); YAML through the pack reader (aliases, depth, duplicate keys, encoding).

    Raises:
        ApplicationError: the file cannot be read, or is not valid JSON or YAML (located).
    """
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ApplicationError(
            [
                Problem(
                    "input.unreadable",
                    _("cannot read the file: {strerror}").format(strerror=exc.strerror),
                    Location(str(path)),
                )
            ]
        ) from None
    if path.suffix.lower() == ".json":
        return read_json(raw, str(path))
    if len(raw) > MAX_BYTES:
        raise ApplicationError(
            [
                Problem(
                    "input.too_large",
                    _("the file is over {max_bytes} bytes").format(max_bytes=format(MAX_BYTES, ",")),
                    Location(str(path), 1, 1),
                )
            ]
        )
    doc, problems = read_yaml(raw, str(path))
    if problems or doc is None:
        raise ApplicationError(problems)
    return doc.data
