"""Safe YAML reading that remembers where every value came from.

PyYAML's safe composer builds the node tree; we turn nodes into plain data ourselves, so that

- every mapping key and value keeps its line and column (``Marks``), for located messages;
- a duplicate key is an error at the second occurrence (PyYAML silently keeps the last);
- numbers with a fraction become ``Decimal`` from their source text, never ``float``;
- only plain data exists: no Python tags, no merge keys, nothing ever executed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from legalaid_rules.errors import Location, Problem

__all__ = ["Marks", "YamlDocument", "read_yaml"]

PathKey = tuple[str | int, ...]

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


@dataclass(frozen=True, slots=True)
class Marks:
    """Source positions of a document's values, by path (keys and list indexes)."""

    file: str
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    styles: dict[PathKey, str | None] = field(default_factory=dict)

    def at(self, path: PathKey, *, key: bool = False) -> Location:
        """The location of the value at ``path`` (or of its key), or of its nearest parent."""
        table = self.key_positions if key else self.positions
        probe = tuple(path)
        while probe:
            if probe in table:
                line, col = table[probe]
                return Location(self.file, line, col, _dotted(path))
            if not key and probe in self.positions:
                line, col = self.positions[probe]
                return Location(self.file, line, col, _dotted(path))
            probe = probe[:-1]
        line, col = self.positions.get((), (1, 1))
        return Location(self.file, line, col, _dotted(path))


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """Plain data read from one YAML file, with its marks."""

    data: Any
    marks: Marks


def _dotted(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Composer(yaml.SafeLoader):
    """SafeLoader used only to compose nodes; construction is ours."""


def read_yaml(text: str, file: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Read one YAML document safely.

    Returns the document (None if it could not be read at all) and the problems found.
    """
    marks = Marks(file)
    try:
        node = yaml.compose(text, Loader=_Composer)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        message = f"this is not valid YAML: {exc.problem or exc.context}"
        return None, [
            Problem(
                "yaml.syntax",
                message,
                loc,
                "check indentation, and put text with `:` or `#` in quotes",
            )
        ]
    except yaml.YAMLError as exc:  # reader errors (bad bytes) have no mark
        return None, [Problem("yaml.syntax", f"this is not valid YAML: {exc}", Location(file))]
    if node is None:
        return None, [Problem("yaml.empty", "the file is empty", Location(file, 1, 1))]
    problems: list[Problem] = []
    data = _convert(node, (), marks, problems)
    return YamlDocument(data, marks), problems


def _convert(node: yaml.Node, path: PathKey, marks: Marks, problems: list[Problem]) -> Any:
    marks.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if not isinstance(node, yaml.ScalarNode) and node.tag not in (_MAP, _SEQ):
        problems.append(
            Problem(
                "yaml.tag",
                f"the tag `{node.tag}` is not allowed",
                marks.at(path),
                "rule packs hold plain data only",
            )
        )
        return None
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            loc = Location(marks.file, key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key_node.tag == "tag:yaml.org,2002:merge":
                problems.append(
                    Problem(
                        "yaml.merge",
                        "merge keys (`<<`) are not supported",
                        loc,
                        "write the values out in full",
                    )
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem("yaml.key", "a key must be plain text", loc))
                continue
            key = str(key_node.value)
            if key in out:
                first = marks.key_positions[(*path, key)]
                problems.append(
                    Problem(
                        "yaml.duplicate_key",
                        f"duplicate key `{key}` (first defined at line {first[0]})",
                        loc,
                        "remove one of them; a later key would silently replace the earlier one",
                    )
                )
                continue
            marks.key_positions[(*path, key)] = (loc.line or 1, loc.column or 1)
            out[key] = _convert(value_node, (*path, key), marks, problems)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), marks, problems) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    marks.styles[path] = node.style
    return _scalar(node, marks.at(path), problems)


def _scalar(node: yaml.ScalarNode, loc: Location, problems: list[Problem]) -> Any:
    tag, text = node.tag, node.value
    if tag in (_STR, "!") or (
        node.style is not None
        and not tag.startswith("tag:yaml.org,2002:python")
        and tag in (_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP)
    ):
        return text
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return text.lower() in ("true", "yes", "on", "y")
    if tag == _INT:
        try:
            return int(text.replace("_", ""), 0)
        except ValueError:
            return text
    if tag == _FLOAT:
        try:
            value = Decimal(text.replace("_", ""))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            problems.append(Problem("yaml.number", f"`{text}` is not a finite number", loc))
            return None
        return value
    if tag == _TIMESTAMP:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            problems.append(Problem("yaml.date", f"`{text}` is not a calendar date", loc, "write YYYY-MM-DD"))
            return None
    problems.append(
        Problem("yaml.tag", f"the tag `{tag}` is not allowed", loc, "rule packs hold plain data only")
    )
    return None
