"""What a backend gives back: every rule's three-valued result, and how to read it further.

A backend (:class:`Backend`) runs a resolved pack's conditions on one application and returns
:class:`RuleResults`. Evaluation then assembles the decision from them, the same for every
backend; a backend never imports the evaluation package.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from legalaid_rules.applications import Application
from legalaid_rules.backends.unknowns import MissingKey
from legalaid_rules.conditions.syntax import Node
from legalaid_rules.packs.model import ResolvedPack
from legalaid_rules.packs.places import Place
from legalaid_rules.values import Tri

__all__ = ["Backend", "Record", "RuleResults"]

Record = tuple[Node, Any, Any, Tri]
"""An atomic test as evaluated: the node, its left and right values, and its result."""


class RuleResults(Protocol):
    """Every rule's result for one application, read further on demand.

    ``records`` and ``unknowns`` may be called at any later time and from any thread (a
    decision renders its reasons when they are first read), so they must not depend on
    state that another call changes.
    """

    @property
    def results(self) -> Mapping[str, Tri]:
        """Every rule's three-valued result, by rule id, in pack order."""

    def records(self, rule_id: str) -> tuple[Record, ...]:
        """The tests one rule evaluated, in evaluation order, with the values compared."""

    def unknowns(self, rule_id: str) -> set[MissingKey]:
        """The unknowns that leave a rule unknown: supplying any of them could change it."""


class Backend(Protocol):
    """Something that runs a pack's conditions in three-valued logic."""

    def run(self, pack: ResolvedPack, app: Application, place: Place) -> RuleResults:
        """Every rule's result for one (already checked) application."""
