"""Zezhou consultation-duty subsidies: every deduction of seed 003 五(二)1, on the pack's figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legalaid_rules import ApplicationError, load_pack
from legalaid_rules.duty import DutyRecord, duty_subsidies

ZEZHOU = load_pack("shanxi/zezhou", dt.date(2022, 6, 1))


def _record(day: int = 1, place: str = "county", person: str = "lawyer-a", **more: Any) -> DutyRecord:
    return DutyRecord(person=person, day=dt.date(2022, 5, day), place=place, **more)  # type: ignore[arg-type]


def _total(*records: DutyRecord) -> Decimal:
    (month,) = duty_subsidies(ZEZHOU, records)
    return month.total


@pytest.mark.parametrize(
    ("record", "amount"),
    [
        (_record(), Decimal(200)),  # 县中心每人每天 200 元
        (_record(place="township"), Decimal(300)),  # 乡镇工作站每人次 300 元
        (_record(incomplete_records=1), Decimal(190)),  # (1) 记录缺项一次扣 10 元
        (_record(incomplete_records=2), Decimal(180)),
        (_record(late_or_early=1), Decimal(150)),  # (2) 迟到早退一次扣 50 元
        (_record(verified_complaints=1), Decimal(150)),  # (3) 投诉属实一次扣 50 元
        (_record(absences=1), Decimal(100)),  # (4) 县中心脱岗每次扣 100 元
        (_record(place="township", absences=1), Decimal(150)),  # (4) 乡镇脱岗每次扣 150 元
        (_record(false_duty=True), Decimal(0)),  # (5) 虚假值班取消当天补贴
        (_record(public_sector=True), Decimal(0)),  # 四(一)3 公职人员值班不发补贴
        (_record(late_or_early=3, verified_complaints=2), Decimal(0)),  # never below zero
    ],
)
def test_one_duty(record: DutyRecord, amount: Decimal) -> None:
    assert _total(record) == amount


def test_two_absences_are_deducted_three_forfeit_the_month() -> None:
    """(4) 一个月内3次以上脱岗的，当月不予发放补助: 3 is "以上" (inclusive), 2 is not."""
    two = [_record(1, absences=1), _record(2, absences=1), _record(3)]
    assert _total(*two) == Decimal(100 + 100 + 200)
    three = [*two[:2], _record(3, place="township", absences=1), _record(4)]
    (month,) = duty_subsidies(ZEZHOU, three)
    assert (month.absences, month.forfeited, month.total) == (3, True, Decimal(0))
    assert all(line.amount == 0 for line in month.lines)


def test_grouped_by_person_and_month() -> None:
    records = [
        _record(1),
        _record(2, person="lawyer-b", place="township"),
        DutyRecord(person="lawyer-a", day=dt.date(2022, 6, 1), place="county", absences=1),  # type: ignore[arg-type]
    ]
    months = duty_subsidies(ZEZHOU, records)
    assert [(m.person, m.month, m.total) for m in months] == [
        ("lawyer-a", 5, Decimal(200)),
        ("lawyer-a", 6, Decimal(100)),
        ("lawyer-b", 5, Decimal(300)),
    ]
    assert all(isinstance(m.total, Decimal) for m in months)


def test_absences_of_another_month_do_not_forfeit() -> None:
    may = [_record(d, absences=1) for d in (1, 2)]
    june = DutyRecord(person="lawyer-a", day=dt.date(2022, 6, 1), place="county", absences=1)  # type: ignore[arg-type]
    assert [m.forfeited for m in duty_subsidies(ZEZHOU, [*may, june])] == [False, False]


def test_pack_without_duty_figures_is_refused() -> None:
    anqing = load_pack("anhui/anqing", dt.date(2023, 6, 1))
    with pytest.raises(ApplicationError) as info:
        duty_subsidies(anqing, [_record()])
    assert set(info.value.codes) == {"application.no_duty_parameter"}


def test_records_are_validated() -> None:
    with pytest.raises(ValueError):
        _record(absences=-1)


_counts = st.integers(min_value=0, max_value=5)


@st.composite
def _records(draw: st.DrawFn) -> DutyRecord:
    return _record(
        day=draw(st.integers(min_value=1, max_value=31)),
        place=draw(st.sampled_from(["county", "township"])),
        person=draw(st.sampled_from(["a", "b"])),
        public_sector=draw(st.booleans()),
        incomplete_records=draw(_counts),
        late_or_early=draw(_counts),
        verified_complaints=draw(_counts),
        absences=draw(st.integers(min_value=0, max_value=2)),
        false_duty=draw(st.booleans()),
    )


@settings(deadline=None, max_examples=200)
@given(st.lists(_records(), max_size=12))
def test_totals_are_bounded_decimal_sums(records: list[DutyRecord]) -> None:
    """Every month's total is a Decimal between 0 and the undeducted subsidies, and sums its lines."""
    for month in duty_subsidies(ZEZHOU, records):
        assert isinstance(month.total, Decimal)
        assert month.total == sum((line.amount for line in month.lines), Decimal(0))
        assert 0 <= month.total <= sum((line.base for line in month.lines), Decimal(0))
        assert all(0 <= line.amount <= line.base for line in month.lines)


@settings(deadline=None, max_examples=200)
@given(
    _records(), st.sampled_from(["incomplete_records", "late_or_early", "verified_complaints", "absences"])
)
def test_one_more_fault_never_pays_more(record: DutyRecord, fault: str) -> None:
    worse = record.model_copy(update={fault: getattr(record, fault) + 1})
    assert _total(worse) <= _total(record)
