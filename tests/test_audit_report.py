"""The audit never dies on a bad line, and its report carries the numbers an auditor hands on."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from legalaid_rules import load_pack
from legalaid_rules.cli import main
from legalaid_rules.traces.audit import audit_lines
from legalaid_rules.traces.report import audit_html, audit_summary

PACK = load_pack("anhui/anqing", on=dt.date(2023, 6, 1))
CLOCK = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def _app(county: str, income: str | None, date: str = "2023-06-01") -> dict[str, Any]:
    """An Anqing application: 1000.00 a month is eligible, 9000.00 ineligible, None undetermined."""
    return {
        "locality": {"city": "anqing", "county": county},
        "applicant": {"age": 40, "fixed_income_source": True, "groups": [], "disabilities": []},
        "household": {"size": 2, "monthly_income": income, "significant_assets": False},
        "matter": "labour_remuneration",
    }


def _line(i: int, outcome: str, app: dict[str, Any], date: str = "2023-06-01", **extra: Any) -> bytes:
    record = {"id": f"A{i:03d}", "date": date, "pack": "anhui/anqing", "outcome": outcome, "application": app}
    return json.dumps({**record, **extra}, ensure_ascii=False).encode("utf-8")


def constructed() -> list[bytes]:
    lines: list[bytes] = []
    n = iter(range(1000))
    lines += [_line(next(n), "eligible", _app("huaining", "1000.00")) for _ in range(3)]
    lines += [_line(next(n), "eligible", _app("susong", "1000.00"), "2023-07-15") for _ in range(3)]
    lines += [_line(next(n), "ineligible", _app("susong", "9000.00")) for _ in range(4)]
    lines += [_line(next(n), "eligible", _app("huaining", "9000.00")) for _ in range(2)]  # granted wrongly
    lines += [_line(next(n), "ineligible", _app("susong", "1000.00"), "2023-07-15")]  # refused wrongly
    lines += [_line(next(n), "eligible", _app("huaining", None))]  # decided early
    lines += [_line(next(n), "eligible", _app("huaining", "1000.00"), economic="failed")]  # other grounds
    lines += [
        '{"id": "G1", "outcome": "eligible", "note": "宿松县"}'.encode("gbk"),
        b'{"id": "D1", "outcome": "eligible", "outcome": "ineligible"}',
        b"[1, 2, 3]",
        b"",
    ]
    return [line + b"\n" for line in lines]


def test_report_numbers_on_a_constructed_audit() -> None:
    lines = constructed()
    report = audit_lines(lines, source="export.jsonl", source_sha256="ab" * 32, clock=lambda: CLOCK)
    assert (report.lines, report.blank, report.total) == (19, 1, 18)
    assert (report.agreements, len(report.disagreements), len(report.invalid)) == (10, 5, 3)
    assert report.confusion == Counter(
        {
            ("eligible", "eligible"): 7,
            ("ineligible", "ineligible"): 4,
            ("eligible", "ineligible"): 2,
            ("ineligible", "eligible"): 1,
            ("eligible", "undetermined"): 1,
        }
    )
    assert report.directions() == Counter(
        granted_wrongly=2, refused_wrongly=1, decided_early=1, other_grounds=1
    )
    assert report.by_county == Counter(
        {
            ("huaining", "records"): 7,
            ("huaining", "disagreements"): 4,
            ("susong", "records"): 8,
            ("susong", "disagreements"): 1,
        }
    )
    assert report.by_month == Counter(
        {
            ("2023-06", "records"): 11,
            ("2023-06", "disagreements"): 4,
            ("2023-07", "records"): 4,
            ("2023-07", "disagreements"): 1,
        }
    )
    # the scope lookup decides every case: it is left out of the ranking, the means test is not
    assert report.rules_deciding_every_case() == ("scope.listed_matter",)
    assert dict(report.informative_rules())["anhui.means_test"] == 5
    assert "scope.listed_matter" not in dict(report.informative_rules())
    assert report.packs == {f"anhui/anqing@{PACK.version}": PACK.digest}
    assert [(b.line, b.kind) for b in report.invalid] == [
        (16, "input.encoding"),
        (17, "input.duplicate_key"),
        (18, "audit.not_an_object"),
    ]
    assert "GBK" in report.invalid[0].problems[0] and "column" in report.invalid[0].problems[0]

    page = audit_html(report)
    for text in (
        "export.jsonl",
        "sha256:" + "ab" * 32,
        PACK.digest,
        f"anhui/anqing@{PACK.version}",
        "2024-01-02T03:04:05+00:00",
        report.library_version,
        "55.6%",  # 10 of 18 agree
        "27.8%",  # 5 of 18 disagree
        "16.7%",  # 3 of 18 invalid
        "40.0%",  # granted wrongly: 2 of the 5 disagreements
        "家庭人均收入低于安庆市最低生活保障标准的 2 倍",  # the means test by its Chinese name
    ):
        assert text in page, text
    assert page.count("<svg") == 4  # directions, county, month, rule
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert re.search(r'<tr class="d granted_wrongly">', page)
    text = audit_summary(report)
    assert "granted_wrongly" in text and "55.6%" in text and PACK.digest in text


def test_audit_of_10000_lines_with_1000_bad_lines_of_every_kind_accounts_for_every_line() -> None:
    good = [
        _line(i, "eligible", _app("huaining", "1000.00"))
        if i % 3
        else _line(i, "ineligible", _app("susong", "9000.00"))
        for i in range(9000)
    ]
    app = _app("huaining", "1000.00")

    def rec(**change: Any) -> bytes:
        record: dict[str, Any] = {"id": "B", "date": "2023-06-01", "pack": "anhui/anqing"}
        record.update({"outcome": "eligible", "application": app}, **change)
        return json.dumps(record, ensure_ascii=False).encode()

    kinds: dict[str, bytes] = {
        "input.encoding": rec(application={**app, "applicant": {"name": "张三"}}).decode().encode("gbk"),
        "input.number_too_long": rec().replace(b'"size": 2', b'"size": ' + b"7" * 5000),
        "input.too_deep": b'{"id": "deep", "x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        "application.money_too_large": rec().replace(b'"1000.00"', b"1e48"),
        "input.duplicate_key": rec().replace(b'{"size": 2', b'{"size": 2, "size": 3'),
        "audit.not_an_object": b'"just a string"',
        "input.json": rec()[:-5],
        "audit.shape": rec(outcome="granted"),
        "application.unknown_region": rec(application={**app, "locality": {"township": "nowhere"}}),
        "application.strict_bool": rec(application={**app, "applicant": {"fixed_income_source": "yes"}}),
    }
    lines = list(good)
    planted: dict[int, str] = {}
    for k, (_, text) in enumerate(sorted(kinds.items())):
        for j in range(100):
            at = 37 + (k * 100 + j) * 9  # spread through the file, deterministic
            lines.insert(at, text)
    for n, line in enumerate(lines, 1):
        for kind, text in kinds.items():
            if line is text:
                planted[n] = kind
    assert len(lines) == 10_000 and len(planted) == 1000
    report = audit_lines(lines)
    assert report.lines == report.total == 10_000
    assert report.agreements + len(report.disagreements) + len(report.invalid) == 10_000
    assert report.agreements == 9000 and not report.disagreements
    assert {b.line: b.kind for b in report.invalid} == planted
    assert all(b.problems and b.problems[0] for b in report.invalid)
    assert "internal_error" not in {b.kind for b in report.invalid}
    page = audit_html(report)
    assert "10.0%" in page  # 1,000 of 10,000 invalid


def test_the_audit_command_states_file_digest_and_packs(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_bytes(b"".join(constructed()))
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["audit", str(path), "--report", str(out)], catch_exceptions=False)
    assert result.exit_code == 1  # disagreements and invalid lines were found
    page = out.read_text(encoding="utf-8")
    assert hashlib.sha256(path.read_bytes()).hexdigest() in page and "export.jsonl" in page
    assert PACK.digest in page and "line" in result.stdout
    assert "16.7%" in result.stdout


def test_a_pack_id_the_file_system_cannot_hold_is_an_invalid_line() -> None:
    """Found by a 20,000-line mutation run: a 300-character pack id was an OSError."""
    app = _app("huaining", "1000.00")
    lines = [
        _line(1, "eligible", app),
        _line(2, "eligible", app).replace(b"anhui/anqing", b"anhui" + b"9" * 300),
    ]
    report = audit_lines(lines)
    assert report.agreements == 1
    ((bad),) = report.invalid
    assert (bad.line, bad.kind) == (2, "audit.shape") and "pack id" in bad.problems[0]
