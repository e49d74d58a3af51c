"""Structural keys of value nodes: two nodes with the same key always have the same value.

The native plan gives each key one slot per evaluation; the durable network one input property.
"""

from __future__ import annotations

from typing import Any

from legalaid_rules.conditions.syntax import Arith, FactRef, Lit, Node, ParamRef, YearOf

__all__ = ["ValueKey", "value_key"]

ValueKey = tuple[Any, ...]


def value_key(node: Node) -> ValueKey:
    """A structural key: two nodes with the same key always have the same value."""
    if isinstance(node, Lit):
        return ("lit", type(node.value).__name__, node.value)
    if isinstance(node, FactRef):
        return ("fact", node.path)
    if isinstance(node, ParamRef):
        return ("param", node.name)
    if isinstance(node, YearOf):
        return ("year", value_key(node.arg))
    if isinstance(node, Arith):
        return ("arith", node.op, value_key(node.left), value_key(node.right))
    raise TypeError(f"not a value: {node!r}")
