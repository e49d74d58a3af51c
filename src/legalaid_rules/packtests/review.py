"""Review failing pack-test cases and accept the decision's answer as the new expectation.

When a figure changes, many cases fail only because what they expect has moved (a warning
added or dropped). ``legalaid-rules test --review`` shows each failing case's expected and
actual results side by side and, for each case accepted, rewrites its ``expect`` in the test
file. The file is rewritten with ruamel.yaml's round trip, so comments, key order, quoting,
flow lists (``[a, b]``) and indentation stay as the author wrote them: only the accepted values
change.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from legalaid_rules.packtests.model import STANDARD_EXPECTATIONS
from legalaid_rules.packtests.runner import CaseResult

__all__ = ["Proposal", "accept", "proposal", "side_by_side"]


@dataclass(frozen=True, slots=True)
class Proposal:
    """The new expectation a failing case would get: each differing key's actual value."""

    file: str
    case: str
    changes: Mapping[str, Any]
    manual: tuple[str, ...] = ()  # keys that differ but cannot be rewritten automatically

    @property
    def warnings_only(self) -> bool:
        """Only the expected warnings changed (what ``--accept-all`` accepts)."""
        return set(self.changes) == {"warnings"} and not self.manual


def proposal(case: CaseResult) -> Proposal | None:
    """The proposal for a failed case (None when it did not fail on its expectations)."""
    if case.status != "failed" or not case.mismatches:
        return None
    changes: dict[str, Any] = {}
    manual: list[str] = []
    for m in case.mismatches:
        if m.key in STANDARD_EXPECTATIONS:
            changes[m.key] = list(m.actual) if isinstance(m.actual, list | tuple) else m.actual
        else:
            manual.append(m.key)  # programs, routes ...: a partial expectation, edited by hand
    return Proposal(case.file, case.name, changes, tuple(manual))


def _show(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def side_by_side(case: CaseResult) -> list[tuple[str, str, str]]:
    """(key, expected, actual) for each differing expectation, as text."""
    return [(m.key, _show(m.expected), _show(m.actual)) for m in case.mismatches]


def _yaml() -> YAML:
    yaml = YAML()  # round trip: comments, order, quotes and flow style are kept
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long description
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _value(old: Any, new: Any) -> Any:
    if isinstance(new, list):
        seq = CommentedSeq(new)
        if (isinstance(old, CommentedSeq) and old.fa.flow_style()) or not isinstance(old, CommentedSeq):
            seq.fa.set_flow_style()
        return seq
    if isinstance(old, str) and not isinstance(new, str) and new is not None:
        return str(new).lower() if isinstance(new, bool) else str(new)
    return new


def accept(path: Path, proposals: list[Proposal]) -> int:
    """Write the accepted expectations into the test file at ``path``; the number of cases changed.

    Raises:
        KeyError: a proposal names a case the file does not hold.
    """
    if not proposals:
        return 0
    yaml = _yaml()
    data = yaml.load(path.read_text(encoding="utf-8"))
    cases = {str(c["name"]): c for c in data["cases"]}
    for prop in proposals:
        case = cases[prop.case]
        expect = case.get("expect")
        if not isinstance(expect, CommentedMap):
            expect = CommentedMap()
            case["expect"] = expect
        for key, new in prop.changes.items():
            expect[key] = _value(expect.get(key), new)
    out = io.StringIO()
    yaml.dump(data, out)
    path.write_text(out.getvalue(), encoding="utf-8")
    return len(proposals)
