"""The rule-pack file format, as pydantic models: what a pack file may say, and nothing else.

Unknown keys are errors (``extra="forbid"``); the models are frozen. The file-format version
(``format``), the content version (``version``) and the effective dates (``effective``) are
three separate things. ``docs/pack-format.md`` explains each key to policy staff.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from legalaid_rules.i18n import _

__all__ = [
    "FORMAT_VERSION",
    "Citation",
    "Effect",
    "GroupEntry",
    "MatterEntry",
    "PackFile",
    "ParameterEntry",
    "Period",
    "ProgramEntry",
    "RegionEntry",
    "RouteEntry",
    "RuleEntry",
    "SourceEntry",
    "TargetEntry",
    "ValueEntry",
]

FORMAT_VERSION = 1

ENTRY_ID_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"
_ID = ENTRY_ID_PATTERN
PACK_ID_PATTERN = r"^[a-z][a-z0-9_]*(/[a-z][a-z0-9_]*)*$"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Citation(_Entry):
    """Where a value or rule comes from: a declared source and the place in it."""

    source: str = Field(description="a key of `sources` (in this pack or a parent)")
    at: str | None = Field(None, description="article, section or item, e.g. 第四十二条第一款")


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


Basis = Annotated[
    tuple[Citation, ...],
    Field(min_length=1),
    BeforeValidator(
        _as_list, json_schema_input_type=Citation | Annotated[list[Citation], Field(min_length=1)]
    ),
]
"""One citation or a list of them; at least one (the published schema says both)."""


def _required(value: Any) -> Any:
    if value is None:
        raise ValueError(_("a value is required here, not null"))
    return value


class SourceEntry(_Entry):
    """A document a pack cites."""

    title: str
    kind: Literal["law", "regulation", "plan", "secondary"]
    number: str | None = Field(None, description="document number, e.g. 庆司通〔2023〕8号")
    issued: dt.date | None = None
    seed: str | None = Field(None, description="file in shared/seeds holding the text")
    verified: bool = Field(True, description="false: text not checked against a published copy")
    note: str | None = None


class Period(_Entry):
    """A period of dates, both ends included; no end means open-ended."""

    start: dt.date = Field(alias="from")
    end: dt.date | None = Field(None, alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end is not None and self.end < self.start:
            raise ValueError(
                _("the period ends ({end}) before it starts ({start})").format(end=self.end, start=self.start)
            )
        return self

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` falls in the period."""
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share a day."""
        far = dt.date.max
        return self.start <= (other.end or far) and other.start <= (self.end or far)

    def __str__(self) -> str:
        return _("{start} to {end}").format(start=self.start, end=self.end or _("open"))


class RegionEntry(_Entry):
    """A place the pack knows: a province, prefecture city, county or township."""

    zh: str
    en: str | None = None
    level: Literal["country", "province", "city", "county", "township"]
    parent: str | None = None
    code: str | None = Field(None, description="administrative division code (GB/T 2260)")


Scalar = Annotated[
    Decimal | int | bool | dt.date | str,
    WithJsonSchema(
        {
            "anyOf": [{"type": "number"}, {"type": "boolean"}, {"type": "string"}],
            "description": "a number, true/false, a date (YYYY-MM-DD) or text",
        }
    ),
]
"""A parameter value. Its JSON Schema is written out: pydantic's for ``Decimal`` varies by release."""


class ValueEntry(_Entry):
    """One value of a parameter, for a region and/or a period."""

    value: Annotated[Scalar, BeforeValidator(_required)]
    region: str | None = None
    start: dt.date | None = Field(None, alias="from")
    end: dt.date | None = Field(None, alias="to")
    basis: Basis | None = None
    verified: bool | None = None
    note: str | None = None


class ParameterEntry(_Entry):
    """A named value the rules use (an amount, a ratio, a cap), with its legal basis."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        json_schema_extra={"not": {"required": ["value", "by"]}},
    )

    zh: str
    en: str
    type: Literal["money", "number", "ratio", "count", "date", "bool"] = Field(
        description="money: yuan, >= 0, two decimals; ratio: 0 to 1; count: a whole number >= 1"
    )
    unit: str | None = None
    by: Literal["city", "county", "office_city"] | None = Field(
        None,
        description="varies by place: the applicant's city or county, or the city of the office that "
        "accepts the application (office_city)",
    )
    basis: Basis
    verified: bool = True
    note: str | None = None
    value: Scalar | None = None
    values: tuple[ValueEntry, ...] = ()
    override: bool = False

    @field_validator("value")
    @classmethod
    def _not_null(cls, value: Scalar | None) -> Scalar | None:
        # runs only for a value written in the file: `value: null` is a mistake, no key is not
        if value is None:
            raise ValueError(_("a value is required here, not null"))
        return value

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        if self.value is not None and self.values:
            raise ValueError(_("give `value` or `values`, not both"))
        if self.value is not None and self.by is not None:
            raise ValueError(
                _("a parameter that varies by `{level}` needs `values` with regions").format(level=self.by)
            )
        return self


class MatterEntry(_Entry):
    """A matter (事项) an application can be about."""

    zh: str
    en: str
    basis: Basis
    listed: bool = Field(True, description="false: known, but not in this place's scope list")
    note: str | None = None
    override: bool = False


class GroupEntry(_Entry):
    """A special group (特殊群体), its definition and the proofs that establish membership."""

    zh: str
    en: str
    definition: str | None = Field(None, description="a condition; absent: membership is claimed")
    proofs: tuple[str, ...] = Field(min_length=1)
    basis: Basis
    note: str | None = None
    override: bool = False


class Effect(_Entry):
    """What a rule establishes when its condition holds."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={"minProperties": 1, "not": {"required": ["program", "program_requires"]}},
    )

    scope: Literal["in"] | None = None
    economic: Literal["not_required", "waived", "passed"] | None = None
    urgent: Literal[True] | None = None
    program: str | None = Field(
        None, description="a key of `programs`: the case counts toward it if this rule holds"
    )
    program_requires: str | None = Field(
        None, description="a key of `programs`: every case counting toward it must meet this rule"
    )
    route: str | None = Field(None, description="a key of `routes`: where the case goes")

    @model_validator(mode="after")
    def _something(self) -> Self:
        if all(
            v is None
            for v in (
                self.scope,
                self.economic,
                self.urgent,
                self.program,
                self.program_requires,
                self.route,
            )
        ):
            raise ValueError(
                _(
                    "`then` must set at least one of `scope`, `economic`, `urgent`, `program`, "
                    "`program_requires`, `route`"
                )
            )
        if self.program is not None and self.program_requires is not None:
            raise ValueError(_("give `program` or `program_requires`, not both"))
        return self


class RuleEntry(_Entry):
    """A rule: when the condition holds, the effect applies, on the cited legal basis."""

    zh: str = Field(description="what the rule says, in plain Chinese")
    en: str
    when: str
    then: Effect
    basis: Basis
    verified: bool = True
    note: str | None = None
    override: bool = False


class TargetEntry(_Entry):
    """A case-count target for a unit (e.g. a county's share of the city target)."""

    zh: str
    count: int = Field(ge=0)
    region: str | None = None
    basis: Basis
    program: str | None = Field(None, description="a key of `programs` the target belongs to")
    measure: Literal["cases", "consultations"] = Field(
        "cases", description="what is counted: aid cases (件) or free consultations (人次)"
    )
    satisfaction: (
        Annotated[Decimal, WithJsonSchema({"type": "number", "minimum": 0, "maximum": 1})] | None
    ) = Field(None, ge=0, le=1, description="average satisfaction asked")


class ProgramEntry(_Entry):
    """A local program (民生工程 / 惠民工程 / 民生实事) that aid cases count toward.

    A case counts when the decision is eligible (unless ``eligible_only`` is false), every rule
    with ``then: {program_requires: ID}`` holds, and at least one rule with
    ``then: {program: ID}`` holds.
    """

    zh: str
    en: str
    kind: Literal["民生工程", "惠民工程", "民生实事"]
    effective: Period = Field(description="the plan year: decisions dated in it report the program")
    subsidy: str | None = Field(None, description="a money parameter: the subsidy per counted case")
    eligible_only: bool = True
    basis: Basis
    verified: bool = True
    note: str | None = None
    override: bool = False


class RouteEntry(_Entry):
    """Where a case is handled or may be filed (分级管辖, 代办, 通办), when its rule holds.

    ``office`` is ``county`` (the legal-aid centre of the applicant's county), ``city`` (that of
    the prefecture city) or a region id. For ``kind: anywhere`` it is the region within which any
    legal-aid office accepts the application.
    """

    zh: str
    en: str
    kind: Literal["jurisdiction", "on_behalf", "anywhere"]
    office: str = Field(min_length=1)
    basis: Basis
    verified: bool = True
    note: str | None = None
    override: bool = False


class PackFile(_Entry):
    """One version of one rule pack, as written in its YAML file."""

    format: Literal[1] = Field(description="file-format version; this library reads 1")
    id: str = Field(pattern=PACK_ID_PATTERN)
    version: str = Field(min_length=1, description="content version, e.g. 2023.1")
    title: str
    jurisdiction: str = Field(description="region id the pack governs")
    effective: Period
    extends: str | None = Field(None, pattern=PACK_ID_PATTERN)
    notes: str | None = None
    sources: dict[str, SourceEntry] = {}
    regions: dict[str, RegionEntry] = {}
    parameters: dict[Annotated[str, Field(pattern=_ID)], ParameterEntry] = {}
    parameter_values: dict[str, tuple[ValueEntry, ...]] = Field(
        {}, description="more values for parameters declared in a parent pack"
    )
    matters: dict[Annotated[str, Field(pattern=_ID)], MatterEntry] = {}
    groups: dict[Annotated[str, Field(pattern=_ID)], GroupEntry] = {}
    rules: dict[Annotated[str, Field(pattern=_ID)], RuleEntry] = {}
    targets: dict[str, TargetEntry] = {}
    programs: dict[Annotated[str, Field(pattern=_ID)], ProgramEntry] = {}
    routes: dict[Annotated[str, Field(pattern=_ID)], RouteEntry] = {}
