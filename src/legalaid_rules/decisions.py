"""Decisions: the outcome, the reasons that decided it, what is missing, and every step taken.

A :class:`Decision` is frozen, serialises with pydantic (``model_dump(mode="json")`` gives
``Decimal`` as strings and dates as ISO text) and is the same bytes for the same pack and input.

A decision made by ``evaluate`` holds its outcome, economic condition, missing list, programs
and routes from the start, and renders ``reasons``, ``warnings`` and ``steps`` (text in two
languages, every comparison) when one of them is first read or the decision is serialised,
compared, copied or pickled; the rendered values are kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal, Protocol

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    WithJsonSchema,
    model_serializer,
)

__all__ = [
    "TRUTH",
    "Comparison",
    "Deadline",
    "Decision",
    "DecisionWarning",
    "Economic",
    "MatchedMatter",
    "MissingItem",
    "Outcome",
    "PackStamp",
    "ProgramResult",
    "Reason",
    "RouteResult",
    "Step",
    "Truth",
]


class _Frozen(BaseModel):
    # defer_build: pydantic builds the validator and serialiser when a decision is first
    # serialised or validated, not at import (``evaluate`` builds a decision without either)
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Outcome(StrEnum):
    """The decision on eligibility."""

    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    UNDETERMINED = "undetermined"  # facts are missing: see ``missing``


class Economic(StrEnum):
    """The economic-hardship condition (经济困难条件)."""

    NOT_REQUIRED = "not_required"  # the matter is exempt (Art 25, 28, 32)
    WAIVED = "waived"  # review waived on proof of an exempt status (Art 42)
    PASSED = "passed"  # the means test is met
    FAILED = "failed"  # the means test is not met and no exemption applies
    UNKNOWN = "unknown"  # facts are missing


class Truth(StrEnum):
    """A three-valued result."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"


TRUTH: dict[bool | None, Truth] = {True: Truth.TRUE, False: Truth.FALSE, None: Truth.UNKNOWN}
"""A three-valued result (``None``: unknown) as it is reported."""

_STRICT = ConfigDict(extra="forbid")
"""Stored decisions are read back strictly: an unknown key is an error (the dataclasses below)."""

_MONEY_SCHEMA = {
    "type": "string",
    "pattern": r"^-?\d+(\.\d+)?$",
    "description": "an amount in yuan, written as decimal text (never a float)",
}
Money = Annotated[Decimal, WithJsonSchema(_MONEY_SCHEMA)]
"""A Decimal amount; its JSON Schema is written out so it does not vary with the pydantic version."""

Value = Annotated[
    Decimal | int | bool | dt.date | str | None,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "description": "text, an ISO 8601 date, or a decimal number as text"},
                {"type": "integer"},
                {"type": "boolean"},
                {"type": "null"},
            ]
        }
    ),
]
"""A value a test compared: money and ratios are Decimal (JSON: text), dates ISO text."""


@dataclass(frozen=True, slots=True)
class Comparison:
    """One atomic test as evaluated, with the values it compared (the reasons read them aloud).

    A plain dataclass, not a model: a decision records dozens of these, and pydantic still
    validates and serialises them as fields of :class:`Decision`.
    """

    __pydantic_config__ = _STRICT

    test: str  # the condition text of the test, as the pack wrote it
    left: Value
    right: Value
    result: Truth


@dataclass(frozen=True, slots=True)
class Step:
    """One rule as evaluated, in evaluation order (a plain dataclass, like :class:`Comparison`)."""

    __pydantic_config__ = _STRICT

    rule: str
    pack: str
    condition: str
    result: Truth
    effect: dict[str, str | bool]
    comparisons: tuple[Comparison, ...]
    basis: str


@dataclass(frozen=True, slots=True)
class Reason:
    """A rule that decided the outcome, in plain Chinese and English, with its legal basis."""

    __pydantic_config__ = _STRICT

    rule: str
    result: Truth
    zh: str
    en: str
    basis: str
    verified: bool


@dataclass(frozen=True, slots=True)
class MissingItem:
    """A fact or document the office must ask for, with the rules that need it (Art 43)."""

    __pydantic_config__ = _STRICT

    fact: str
    kind: Literal["fact", "document"]
    zh: str
    en: str
    rules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Deadline:
    """《法律援助法》第四十三条: by when the office must decide, and what the notice says.

    ``decide_by`` is the application date plus ``days`` (the day of application not counted;
    the law says 七日内, the Ministry's rules seven working days: ``verified`` is false while the
    counting is unchecked). ``withdrawal`` is true when materials are missing: not supplying them
    counts as withdrawal (视为撤回申请). ``notice_working_days`` and ``supply_days`` are given where
    the pack sets them (e.g. 粤府令第268号 第八条). ``zh`` and ``en`` say it all in words.
    """

    __pydantic_config__ = _STRICT

    decide_by: dt.date
    days: int
    withdrawal: bool
    notice_working_days: int | None
    supply_days: int | None
    zh: str
    en: str
    basis: str
    verified: bool


@dataclass(frozen=True, slots=True)
class MatchedMatter:
    """The matter applied for, as the pack lists it."""

    __pydantic_config__ = _STRICT

    code: str
    zh: str
    en: str
    listed: bool
    basis: str


@dataclass(frozen=True, slots=True)
class DecisionWarning:
    """Something the reader of a decision should know, e.g. an unverified value was used."""

    __pydantic_config__ = _STRICT

    code: str
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class ProgramResult:
    """Whether the case counts toward a local program (民生工程/惠民工程/民生实事), and its subsidy.

    ``counts`` is three-valued: unknown while a fact the program's rules read is missing
    (listed in ``missing``, apart from the applicant's Art 43 list). ``subsidy`` is the amount
    per counted case, only when ``counts`` is true.
    """

    __pydantic_config__ = _STRICT

    program: str
    zh: str
    kind: str
    counts: Truth
    subsidy: Money | None
    rules: tuple[str, ...]  # the rules that decided, true ones first
    missing: tuple[str, ...]  # fact paths that could still change ``counts``
    basis: str
    verified: bool


@dataclass(frozen=True, slots=True)
class RouteResult:
    """Where the case goes by a routing rule that holds (分级管辖, 代办, 通办).

    ``office`` is the region id of the legal-aid office that handles the case (``None`` for
    ``anywhere``: any office within ``within`` accepts it); ``accepts_here`` says whether the
    office applied at (``application.office``) is one that may take it.
    """

    __pydantic_config__ = _STRICT

    route: str
    rule: str
    kind: str
    zh: str
    office: str | None
    office_zh: str
    within: str | None
    accepts_here: Truth
    basis: str
    verified: bool


class PackStamp(_Frozen):
    """The pack version that decided, by content digest."""

    id: str = Field(description="pack id, e.g. `anhui/anqing`")
    version: str = Field(description="the pack's content version")
    digest: str = Field(description="`sha256:` digest of the canonical resolved pack (parents merged)")
    lineage: tuple[str, ...] = Field(description="`id@version` of every pack merged, root first")


class Decision(_Frozen):
    """The decision on one application, with everything needed to explain and audit it."""

    pack: PackStamp
    date: dt.date
    outcome: Outcome
    scope: Truth
    economic: Economic
    matter: MatchedMatter | None
    urgent: bool
    reasons: tuple[Reason, ...]
    missing: tuple[MissingItem, ...]
    warnings: tuple[DecisionWarning, ...]
    steps: tuple[Step, ...]
    programs: tuple[ProgramResult, ...] = ()
    routes: tuple[RouteResult, ...] = ()
    deadline: Deadline | None = None

    @classmethod
    def deferred(cls, explanation: Explanation, **fields: Any) -> Decision:
        """A decision whose reasons, warnings and steps ``explanation`` renders when first read.

        Every value in ``fields`` must already be typed and valid: nothing is validated here
        (this is the evaluator's hot path). ``explanation`` must be pure: two threads reading a
        fresh decision at once may both call it, and both get the same values.
        """
        d = cls.__new__(cls)
        fields[_PENDING] = explanation
        _set(d, "__dict__", fields)
        _set(d, "__pydantic_fields_set__", set(_ALL_FIELDS))
        _set(d, "__pydantic_extra__", None)
        _set(d, "__pydantic_private__", None)
        return d

    def _render(self, name: str | None = None) -> None:
        """Render one deferred field (``name``), or all of them; keep what was rendered."""
        state = self.__dict__
        explanation = state.get(_PENDING)
        if explanation is None:
            return
        for field_name in (name,) if name else _DEFERRED:
            if field_name not in state:
                state[field_name] = getattr(explanation, field_name)()
        if all(f in state for f in _DEFERRED):
            state.pop(_PENDING, None)

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            if name in _DEFERRED and _PENDING in self.__dict__:
                self._render(name)
                return self.__dict__[name]
            return super().__getattr__(name)

    @model_serializer(mode="wrap")
    def _serialise(self, handler: SerializerFunctionWrapHandler) -> Any:
        self._render()
        state = self.__dict__
        if tuple(state) == _FIELD_ORDER:
            return handler(self)
        # fields rendered late sit at the end of __dict__, and pydantic writes them in that
        # order: serialise a copy in field order, so the bytes never depend on what was read first
        ordered = Decision.__new__(Decision)
        object.__setattr__(ordered, "__dict__", {name: state[name] for name in _FIELD_ORDER})
        object.__setattr__(ordered, "__pydantic_fields_set__", set(_ALL_FIELDS))
        object.__setattr__(ordered, "__pydantic_extra__", None)
        object.__setattr__(ordered, "__pydantic_private__", None)
        return handler(ordered)

    def __eq__(self, other: object) -> bool:
        self._render()
        if isinstance(other, Decision):
            other._render()
        return super().__eq__(other)

    def __iter__(self) -> Iterator[tuple[str, Any]]:  # type: ignore[override]
        self._render()
        state = self.__dict__
        return iter([(name, state[name]) for name in _FIELD_ORDER])

    def __repr_args__(self) -> Any:
        self._render()
        return super().__repr_args__()

    def __getstate__(self) -> dict[Any, Any]:
        self._render()
        return super().__getstate__()

    def __copy__(self) -> Decision:
        self._render()
        return super().__copy__()

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Decision:
        self._render()
        return super().__deepcopy__(memo)


class Explanation(Protocol):
    """What renders the deferred parts of a decision: reasons, warnings and steps."""

    def reasons(self) -> tuple[Reason, ...]:
        """The rules that decided, read aloud."""

    def warnings(self) -> tuple[DecisionWarning, ...]:
        """What the reader should know about the values and texts the decision used."""

    def steps(self) -> tuple[Step, ...]:
        """Every rule as evaluated (empty when the caller asked for no steps)."""


_set = object.__setattr__
_PENDING = "__render__"  # the key of the pending render in a deferred decision's __dict__
_DEFERRED = ("reasons", "warnings", "steps")
_ALL_FIELDS = frozenset(Decision.model_fields)
_FIELD_ORDER = tuple(Decision.model_fields)
