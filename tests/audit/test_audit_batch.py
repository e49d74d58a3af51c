"""Batch audit: 10,000 past decisions with planted disagreements and bad lines, found exactly."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import pytest
from audit_helpers import SUPPORT

from legalaid_rules import evaluate, load_pack
from legalaid_rules.audit import AuditError, audit
from legalaid_rules.audit.batch import audit_lines, html_report

GOLDEN = Path(__file__).resolve().parent / "golden" / "applications.json"
OUTCOMES = ("eligible", "ineligible", "undetermined")
INCOMES = ("300.00", "450.50", "600.00", "20000.00", "35000.00")


def _templates() -> list[tuple[str, dict[str, Any], str]]:
    """(pack, application, outcome now) for each golden case and income variant."""
    out = []
    cases = json.loads(GOLDEN.read_text(encoding="utf-8"))
    for pack_id, named in sorted(cases.items()):
        for _, app in sorted(named.items()):
            pack = load_pack(pack_id, on=dt.date.fromisoformat(app["date"]))
            variants = [app]
            if "monthly_income" in app.get("household", {}):
                variants = [
                    {**app, "household": {**app["household"], "monthly_income": m}} for m in INCOMES
                ]
            for v in variants:
                out.append((pack_id, v, evaluate(pack, v, steps=False).outcome.value))
    return out


def _line(pack_id: str, app: dict[str, Any], outcome: str, office: str = "司法所") -> str:
    return json.dumps(
        {"application": app, "outcome": outcome, "date": app["date"], "office": office, "pack": pack_id},
        ensure_ascii=False,
    )


def test_ten_thousand_records_with_planted_disagreements(tmp_path: Path) -> None:
    rng = random.Random(20231)
    templates = _templates()
    assert {t[2] for t in templates} == set(OUTCOMES)
    n = 10_000
    planted = set(rng.sample(range(1, n + 1), 137))
    broken = set(rng.sample(sorted(set(range(1, n + 1)) - planted), 23))
    bad_lines = [
        "{not json",
        json.dumps({"outcome": "eligible", "pack": "anhui/anqing"}),
        json.dumps({"application": {"date": "2023-06-01", "matter": "no_such"}, "outcome": "eligible",
                    "pack": "anhui/anqing"}),
        json.dumps({"application": {"date": "2023-06-01"}, "outcome": "maybe", "pack": "anhui/anqing"}),
        json.dumps({"application": {"date": "2023-06-01"}, "outcome": "eligible", "pack": "no/such"}),
        json.dumps({"application": {"date": "2031-06-01"}, "outcome": "eligible", "pack": "anhui/anqing"}),
        json.dumps({"application": {"household": {"size": -1}}, "outcome": "eligible",
                    "date": "2023-06-01", "pack": "anhui/anqing"}),
        "[1, 2]",
    ]
    lines = []
    for i in range(1, n + 1):
        if i in broken:
            lines.append(bad_lines[i % len(bad_lines)])
            continue
        pack_id, app, now = templates[i % len(templates)]
        recorded = now
        if i in planted:
            recorded = rng.choice([o for o in OUTCOMES if o != now])
        lines.append(_line(pack_id, app, recorded))
    path = tmp_path / "past.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = audit(path)
    assert report.total == n
    assert {d.line for d in report.disagreements} == planted
    assert {f.line for f in report.failures} == broken
    assert report.agreements == n - len(planted) - len(broken)
    assert not report.all_agree
    for d in report.disagreements:
        assert d.recorded != d.now and d.reasons
        assert all(r.rule and r.zh and r.en for r in d.reasons)
    assert sum(c for _, c in report.by_rule()) >= len(planted)
    codes = {f.code for f in report.failures}
    assert {"audit.json", "audit.format", "audit.outcome", "application.unknown_matter"} <= codes


def test_reasons_name_the_rule_that_decided_now() -> None:
    line = _line("anhui/anqing", SUPPORT, "ineligible", office="怀宁县法律援助中心")
    report = audit_lines([line, "", _line("anhui/anqing", SUPPORT, "eligible")])
    assert report.total == 2 and report.agreements == 1
    (d,) = report.disagreements
    assert (d.line, d.recorded, d.now, d.office) == (1, "ineligible", "eligible", "怀宁县法律援助中心")
    assert [r.rule for r in d.reasons] == ["scope.listed_matter", "anhui.means_test"]
    assert "最低生活保障标准" in d.reasons[1].zh
    assert report.by_rule() == [("anhui.means_test", 1), ("scope.listed_matter", 1)]


def test_line_date_fills_the_application_date_and_picks_the_pack() -> None:
    app = {k: v for k, v in SUPPORT.items() if k != "date"}
    line = json.dumps(
        {"application": app, "outcome": "eligible", "date": "2023-06-01", "pack": "anhui/anqing"}
    )
    report = audit_lines([line])
    assert (report.agreements, report.failures) == (1, [])
    bad = json.dumps({"application": app, "outcome": "eligible", "date": "1 June", "pack": "anhui/anqing"})
    assert audit_lines([bad]).failures[0].code == "audit.date"


def test_html_report_is_self_contained_and_escaped() -> None:
    evil = "<img src=x onerror=alert(1)>"
    report = audit_lines(
        [
            _line("anhui/anqing", SUPPORT, "ineligible", office=evil),
            json.dumps({"application": {"date": "2023-06-01", "matter": evil}, "outcome": "eligible",
                        "pack": "anhui/anqing"}),
        ],
        source=f"past{evil}.jsonl",
    )
    page = html_report(report)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert evil not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert "anhui.means_test" in page and "不一致" in page and "Failed" in page


def test_unreadable_file_is_an_audit_error(tmp_path: Path) -> None:
    with pytest.raises(AuditError) as info:
        audit(tmp_path / "none.jsonl")
    assert info.value.code == "audit.unreadable"


def test_several_workers_give_the_same_report(tmp_path: Path) -> None:
    templates = _templates()
    lines = [_line(p, a, o if i % 7 else "ineligible") for i, (p, a, o) in enumerate(templates * 40)]
    lines[5] = "{broken"
    path = tmp_path / "past.jsonl"
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    seen: list[int] = []
    serial = audit(path)
    parallel = audit(path, workers=2, progress=seen.append)
    assert sum(seen) == path.stat().st_size
    assert (parallel.total, parallel.agreements) == (serial.total, serial.agreements)
    assert parallel.disagreements == serial.disagreements and parallel.failures == serial.failures
    assert parallel.by_outcome == serial.by_outcome
    assert serial.disagreements and serial.failures
