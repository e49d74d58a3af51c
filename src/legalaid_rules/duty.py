"""Consultation-duty subsidies (值班补贴) for a month of duty records, from a pack's parameters.

Seed 003 五(二)1 (泽州县 2022): 200 yuan per person per day at the county centre, 300 yuan per
person per shift at a township station, less, per record:

1. an incomplete or irregular service record: 10 yuan each;
2. arriving late or leaving early: 50 yuan each;
3. a verified "dissatisfied" rating or complaint: 50 yuan each;
4. an unjustified absence found at a spot check: 100 yuan (county) or 150 yuan (township) each;
   with 3 or more absences in a month ("3次以上" includes 3, 民法典 Art 1259) nothing is paid
   for that month;
5. a day found not actually on duty (虚假值班): that day's subsidy is cancelled.

Public-sector lawyers and other public servants on duty get no subsidy (四(一)3). Deductions
take a record's subsidy down to zero, never below (a deduction is taken from that subsidy).
All amounts are ``Decimal``; the figures are the pack's parameters, so each is cited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from legalaid_rules.errors import ApplicationError, Location, Problem
from legalaid_rules.i18n import _
from legalaid_rules.packs.model import ResolvedPack
from legalaid_rules.values import MATH

__all__ = ["DUTY_PARAMETERS", "DutyLine", "DutyMonth", "DutyPlace", "DutyRecord", "duty_subsidies"]

DUTY_PARAMETERS = (
    "duty_subsidy_county",
    "duty_subsidy_township",
    "deduction_incomplete_record",
    "deduction_late_or_early",
    "deduction_complaint",
    "deduction_absence_county",
    "deduction_absence_township",
    "absences_forfeit_month",
)
"""The parameters a pack must declare for :func:`duty_subsidies`."""


class DutyPlace(StrEnum):
    """Where the duty was served."""

    COUNTY = "county"  # 县公共法律服务中心: paid per person per day
    TOWNSHIP = "township"  # 乡镇公共法律服务工作站: paid per person per shift


class DutyRecord(BaseModel):
    """One duty (a day at the county centre, a shift at a township station) of one person."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    person: str = Field(min_length=1, description="an id of the person on duty")
    day: dt.date
    place: DutyPlace
    public_sector: bool = Field(False, description="a public-sector lawyer or other public servant")
    incomplete_records: int = Field(0, ge=0, description="service records incomplete or irregular")
    late_or_early: int = Field(0, ge=0, description="times late or leaving early")
    verified_complaints: int = Field(0, ge=0, description="verified dissatisfied ratings or complaints")
    absences: int = Field(0, ge=0, description="unjustified absences found at spot checks")
    false_duty: bool = Field(False, description="found not actually on duty that day")


@dataclass(frozen=True, slots=True)
class DutyLine:
    """The subsidy of one duty record: base, each deduction, and the amount paid."""

    day: dt.date
    place: str
    base: Decimal
    deductions: tuple[tuple[str, Decimal], ...]  # (parameter name, amount)
    amount: Decimal
    note: str  # why nothing or less is paid, in Chinese; empty when paid in full


@dataclass(frozen=True, slots=True)
class DutyMonth:
    """One person's duty subsidy for one month."""

    person: str
    year: int
    month: int
    lines: tuple[DutyLine, ...]
    absences: int
    forfeited: bool  # 3 or more absences: nothing paid this month
    total: Decimal


def duty_subsidies(pack: ResolvedPack, records: Iterable[DutyRecord]) -> tuple[DutyMonth, ...]:
    """Each person's subsidy for each month of the records, by person then month.

    Args:
        pack: a pack declaring :data:`DUTY_PARAMETERS` (e.g. ``shanxi/zezhou`` 2022).
        records: duty records, in any order.

    Raises:
        ApplicationError: the pack lacks a duty parameter, or has no value for a duty's date.
    """
    missing = [p for p in DUTY_PARAMETERS if p not in pack.parameters]
    if missing:
        raise ApplicationError(
            [
                Problem(
                    "application.no_duty_parameter",
                    f"pack `{pack.id}` has no duty-subsidy parameter `{name}`",
                    Location(path="pack"),
                    "use the pack of a plan with consultation-duty subsidies, e.g. `shanxi/zezhou`",
                )
                for name in missing
            ]
        )
    groups: dict[tuple[str, int, int], list[DutyRecord]] = {}
    for r in records:
        groups.setdefault((r.person, r.day.year, r.day.month), []).append(r)
    return tuple(_month(pack, key, sorted(rs, key=lambda r: r.day)) for key, rs in sorted(groups.items()))


def _value(pack: ResolvedPack, name: str, day: dt.date) -> Decimal:
    value = pack.parameters[name].value(day)
    if value is None:
        raise ApplicationError(
            [
                Problem(
                    "application.no_parameter_value",
                    _("pack `{pack}` has no value of `{name}` on {day}").format(
                        pack=pack.id, name=name, day=day
                    ),
                    Location(path="day"),
                )
            ]
        )
    return Decimal(value)


def _month(pack: ResolvedPack, key: tuple[str, int, int], records: list[DutyRecord]) -> DutyMonth:
    person, year, month = key
    absences = sum(r.absences for r in records)
    limit = _value(pack, "absences_forfeit_month", records[0].day)
    forfeited = absences >= limit
    lines = tuple(_line(pack, r, forfeited) for r in records)
    total = Decimal(0)
    for line in lines:
        total = MATH.add(total, line.amount)
    return DutyMonth(person, year, month, lines, absences, forfeited, total)


def _line(pack: ResolvedPack, r: DutyRecord, forfeited: bool) -> DutyLine:
    county = r.place is DutyPlace.COUNTY
    base = _value(pack, "duty_subsidy_county" if county else "duty_subsidy_township", r.day)
    if r.public_sector:
        return DutyLine(r.day, r.place.value, base, (), Decimal(0), "公职人员值班，不予发放补贴")
    if r.false_duty:
        return DutyLine(r.day, r.place.value, base, (), Decimal(0), "值班日不在岗、虚假值班，取消当天补贴")
    deductions: list[tuple[str, Decimal]] = []
    for name, times in (
        ("deduction_incomplete_record", r.incomplete_records),
        ("deduction_late_or_early", r.late_or_early),
        ("deduction_complaint", r.verified_complaints),
        ("deduction_absence_county" if county else "deduction_absence_township", r.absences),
    ):
        if times:
            deductions.append((name, MATH.multiply(_value(pack, name, r.day), Decimal(times))))
    if forfeited:
        return DutyLine(
            r.day, r.place.value, base, tuple(deductions), Decimal(0), "一个月内3次以上脱岗，当月不予发放补助"
        )
    amount = base
    for _kind, d in deductions:
        amount = MATH.subtract(amount, d)
    note = "扣款已达当次补贴，不再发放" if amount <= 0 and deductions else ""
    return DutyLine(r.day, r.place.value, base, tuple(deductions), max(amount, Decimal(0)), note)
