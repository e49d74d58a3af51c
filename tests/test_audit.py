"""Batch audit: past decisions decided again; disagreements and invalid records found exactly."""

from __future__ import annotations

import datetime as dt
import functools
import json
import random
from pathlib import Path
from typing import Any

import pytest

from legalaid_rules import evaluate, load_pack
from legalaid_rules.traces import audit as audit_module
from legalaid_rules.traces.audit import audit_lines
from legalaid_rules.traces.report import audit_html, audit_summary

GOLDEN = Path(__file__).parent / "golden" / "traces"
CASES = [c for c in json.loads((GOLDEN / "cases.json").read_text(encoding="utf-8")) if not c.get("mask")]
OUTCOMES = ("eligible", "ineligible", "undetermined")


@functools.cache
def _bases() -> list[tuple[str, dict[str, Any], str, str, tuple[str, ...]]]:
    """(pack, application, outcome, economic, deciding rules) for each golden application."""
    out = []
    for case in CASES:
        app = json.loads((GOLDEN / f"{case['name']}.application.json").read_text(encoding="utf-8"))
        d = evaluate(load_pack(case["pack"], on=dt.date.fromisoformat(app["date"])), app)
        out.append((case["pack"], app, d.outcome.value, d.economic.value, tuple(r.rule for r in d.reasons)))
    return out


def _line(i: int, pack: str, app: dict[str, Any], outcome: str, **extra: Any) -> str:
    facts = {k: v for k, v in app.items() if k not in ("date", "office")}
    record = {"id": f"R{i:05d}", "date": app["date"], "office": app.get("office"), "pack": pack}
    return json.dumps({**record, "outcome": outcome, "application": facts, **extra}, ensure_ascii=False)


def test_audit_of_10000_records_finds_exactly_the_planted_problems() -> None:
    rnd = random.Random(20240601)
    bases = _bases()
    planted_wrong: set[str] = set()
    planted_invalid: dict[int, str] = {}
    lines: list[str] = []
    for i in range(10_000):
        pack, app, outcome, _, _ = bases[i % len(bases)]
        if rnd.random() < 0.004:
            planted_wrong.add(f"R{i:05d}")
            outcome = rnd.choice([o for o in OUTCOMES if o != outcome])
        lines.append(_line(i, pack, app, outcome))
    bad = [
        "{not json",
        "[1, 2]",
        json.dumps({"id": "X1", "date": "2023-06-01", "pack": "anhui/anqing", "application": {}}),
        json.dumps(
            {
                "id": "X2",
                "date": "2023-06-01",
                "outcome": "eligible",
                "pack": "anhui/anqingg",
                "application": {},
            }
        ),
        json.dumps(
            {
                "id": "X3",
                "date": "2023-06-01",
                "outcome": "eligible",
                "pack": "anhui/anqing",
                "application": {"matter": "no_such_matter"},
            }
        ),
        json.dumps(
            {
                "id": "X4",
                "date": "2031-01-01",
                "outcome": "eligible",
                "pack": "anhui/anqing",
                "application": {},
            }
        ),
    ]
    for text in bad:
        at = rnd.randrange(len(lines))
        lines.insert(at, text)
    lines.insert(500, "")  # blank lines are skipped
    for n, text in enumerate(lines, 1):
        if text in bad:
            planted_invalid[n] = text
    seen: list[int] = []
    report = audit_lines(lines, progress=seen.append)
    assert report.total == 10_006
    assert {d.id for d in report.disagreements} == planted_wrong
    assert {b.line for b in report.invalid} == set(planted_invalid)
    assert report.agreements == 10_000 - len(planted_wrong)
    assert sum(report.by_rule.values()) >= len(planted_wrong)
    assert seen and seen[-1] == len(lines)
    by_id = {b.id: b for b in report.invalid}
    assert "anhui/anqingg" in by_id["X4"].problems[0] or "no version" in by_id["X4"].problems[0]
    assert "outcome" in by_id["X1"].problems[0]
    assert "did you mean" in " ".join(by_id["X2"].problems)
    assert "no_such_matter" in " ".join(by_id["X3"].problems)
    assert not report.ok


def test_disagreement_names_the_reasons_and_fields_that_differ() -> None:
    pack, app, outcome, economic, rules = next(b for b in _bases() if b[2] == "eligible" and len(b[4]) > 1)
    lines = [
        _line(1, pack, app, outcome, economic=economic, reasons=list(rules)),  # agrees fully
        _line(2, pack, app, outcome, economic="failed"),
        _line(3, pack, app, outcome, reasons=[rules[0], "staff.own_rule"]),
    ]
    report = audit_lines(lines)
    assert report.agreements == 1
    two, three = report.disagreements
    assert two.fields_differing() == ("economic",)
    assert three.fields_differing() == ("reasons",)
    assert three.rules_only_recorded == ("staff.own_rule",)
    assert three.rules_only_computed == rules[1:]
    assert [r[0] for r in two.reasons] == list(rules) and all(r[3] for r in two.reasons)


def test_default_pack_and_office_fill_the_record() -> None:
    app = {"matter": "domestic_violence"}
    line = json.dumps({"id": "a", "date": "2023-06-01", "outcome": "eligible", "application": app})
    assert audit_lines([line]).invalid[0].problems == ("`pack`: no pack named, and no default pack given",)
    report = audit_lines([line], pack="anhui/anqing")
    assert report.agreements == 1 and report.by_pack == {"anhui/anqing": 1}


def test_reports_show_totals_rules_and_each_disagreement() -> None:
    pack, app, outcome, _, rules = _bases()[0]
    wrong = next(o for o in OUTCOMES if o != outcome)
    hostile = json.dumps({"id": "<script>alert(1)</script>", "outcome": "?", "application": {}})
    lines = [_line(1, pack, app, outcome), _line(2, pack, app, wrong), hostile]
    report = audit_lines(lines)
    text = audit_summary(report)
    assert "disagreements" in text and "R00002" in text and "invalid" in text
    page = audit_html(report)
    assert page.startswith("<!doctype html>") and "R00002" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "http://" not in page and "https://" not in page  # self-contained
    for rule in rules:
        assert rule in page


def test_parallel_audit_gives_the_same_report(monkeypatch: pytest.MonkeyPatch) -> None:
    bases = _bases()
    lines = [_line(i, *bases[i % len(bases)][:3]) for i in range(450)]
    lines[7] = _line(7, bases[7 % len(bases)][0], bases[7 % len(bases)][1], "undetermined")
    lines[333] = "{bad"
    monkeypatch.setattr(audit_module, "_CHUNK", 100)  # five chunks over two workers
    one = audit_lines(lines)
    seen: list[int] = []
    two = audit_lines(lines, jobs=2, progress=seen.append)
    assert (two.total, two.agreements, two.by_rule, two.by_pack) == (
        one.total,
        one.agreements,
        one.by_rule,
        one.by_pack,
    )
    assert two.disagreements == one.disagreements and two.invalid == one.invalid
    assert [b.line for b in two.invalid] == [334]
    assert seen == [100, 200, 300, 400, 450]
