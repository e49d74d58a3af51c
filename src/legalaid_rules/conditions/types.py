"""The value types of the condition language: a kind, and for codes what they are codes of.

>>> str(MONEY), str(Type(Kind.TEXT, "matter"))
('money', 'matter')
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["BOOL", "DATE", "MONEY", "NUMBER", "Kind", "Type", "enum_type"]


class Kind(Enum):
    """The kinds of value the condition language knows."""

    MONEY = "money"
    NUMBER = "number"
    BOOL = "bool"
    DATE = "date"
    TEXT = "text"  # an enumeration or a code: compared with ==, != and in only


@dataclass(frozen=True, slots=True)
class Type:
    """A value type: a kind, and for codes what they are codes of (matter, region, an enum)."""

    kind: Kind
    codes: str | None = None  # "matter", "region", or an enum name
    values: tuple[str, ...] = ()  # allowed values of an enum

    def __str__(self) -> str:
        return self.codes or self.kind.value


MONEY = Type(Kind.MONEY)
NUMBER = Type(Kind.NUMBER)
BOOL = Type(Kind.BOOL)
DATE = Type(Kind.DATE)


def enum_type(e: type[Enum], name: str) -> Type:
    """The type of a fact whose values are the members of an enum."""
    return Type(Kind.TEXT, name, tuple(str(m.value) for m in e))
