"""The pure check `may_assign` and the cap read from the pack (庆司通〔2023〕8号 六(二))."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from caseload_helpers import DAY, pack_tree

from legalaid_rules import ResolvedPack, load_pack
from legalaid_rules.caseload import (
    CapValueError,
    DateOutsidePackError,
    LedgerPackError,
    caseload_cap,
    default_warn_at,
    governing_cap,
    may_assign,
)


@pytest.fixture(scope="module")
def anqing() -> ResolvedPack:
    return load_pack("anhui/anqing", on=DAY)


def test_the_anqing_cap_is_90_with_its_basis_and_place(anqing: ResolvedPack) -> None:
    cap = caseload_cap(anqing)
    assert cap is not None
    assert (cap.limit, cap.basis) == (90, "庆司通〔2023〕8号 六(二)")
    assert (cap.place, cap.pack) == ("安庆市", "anhui/anqing")
    assert cap.note is not None and "问责" in cap.note


def test_89_is_allowed_and_becomes_90(anqing: ResolvedPack) -> None:
    check = may_assign(anqing, 89)
    assert check.allowed
    assert (check.count_before, check.count_after, check.limit) == (89, 90, 90)
    assert check.near_cap
    assert "庆司通〔2023〕8号 六(二)" in check.zh and "指派后为 90 件" in check.zh


def test_90_is_refused_with_the_cited_explanation(anqing: ResolvedPack) -> None:
    check = may_assign(anqing, 90)
    assert not check.allowed
    assert check.count_after == 90
    assert check.zh == "本年度已承办 90 件，已达安庆市规定的每年 90 件上限（庆司通〔2023〕8号 六(二)）"
    assert "90" in check.en and "cap" in check.en
    assert check.basis == "庆司通〔2023〕8号 六(二)"


def test_above_the_cap_is_refused_and_says_exceeded(anqing: ResolvedPack) -> None:
    check = may_assign(anqing, 95)
    assert not check.allowed and "已超过" in check.zh


@pytest.mark.parametrize("n", [0, 1, 50, 79, 88, 89])
def test_every_count_below_the_cap_is_allowed(anqing: ResolvedPack, n: int) -> None:
    assert may_assign(anqing, n).allowed


def test_near_cap_warning_default_and_configurable(anqing: ResolvedPack) -> None:
    assert default_warn_at(90) == 81
    assert not may_assign(anqing, 79).near_cap  # becomes 80
    assert may_assign(anqing, 80).near_cap  # becomes 81
    assert may_assign(anqing, 69, warn_at=70).near_cap
    assert not may_assign(anqing, 68, warn_at=70).near_cap
    assert not may_assign(anqing, 90).near_cap  # refused, not a warning


def test_negative_count_is_an_error(anqing: ResolvedPack) -> None:
    with pytest.raises(ValueError):
        may_assign(anqing, -1)


@pytest.mark.parametrize("count", [True, False, 89.0, 89.5, "89", Decimal("89"), None])
def test_a_count_that_is_not_a_whole_number_is_refused(anqing: ResolvedPack, count: object) -> None:
    with pytest.raises(CapValueError) as info:
        may_assign(anqing, count)  # type: ignore[arg-type]
    assert info.value.code == "ledger.bad_count"


@pytest.mark.parametrize("day", [dt.date(2022, 12, 31), dt.date(2024, 1, 1)])
def test_a_date_outside_the_packs_period_is_refused(anqing: ResolvedPack, day: dt.date) -> None:
    with pytest.raises(DateOutsidePackError) as info:
        may_assign(anqing, 10, on=day)
    assert info.value.code == "ledger.no_pack_in_force"
    assert may_assign(anqing, 10, on=dt.date(2023, 12, 31)).allowed


def test_the_ledger_cap_must_be_a_positive_int(anqing: ResolvedPack) -> None:
    assert governing_cap(anqing).limit == 90
    with pytest.raises(LedgerPackError) as info:
        governing_cap(load_pack("anhui", on=DAY))
    assert info.value.code == "ledger.no_cap"


def test_a_pack_without_a_cap_always_allows_and_says_so() -> None:
    pack = load_pack("anhui", on=DAY)
    assert caseload_cap(pack) is None
    check = may_assign(pack, 10_000)
    assert check.allowed and check.limit is None and not check.near_cap
    assert "未规定" in check.zh and "no yearly case-load cap" in check.en


def test_other_packs_set_no_cap() -> None:
    for pack_id, day in [("guangdong/yunfu", dt.date(2022, 6, 1)), ("shanxi/zezhou", dt.date(2022, 6, 1))]:
        assert caseload_cap(load_pack(pack_id, on=day)) is None


def test_a_cap_set_to_three_in_a_pack_copy(tmp_path: Path) -> None:
    pack = pack_tree(tmp_path, cap=3, with_2024=False).load("anhui/anqing", DAY)
    assert may_assign(pack, 2).allowed and not may_assign(pack, 3).allowed
