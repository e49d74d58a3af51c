"""The input boundary: hostile application bytes, text and values give located library errors."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from legalaid_rules import evaluate, load_pack
from legalaid_rules.cli import main
from legalaid_rules.errors import ApplicationError
from legalaid_rules.evaluation import to_application
from legalaid_rules.inputs import MAX_BYTES, MAX_DEPTH, read_json

ANQING = load_pack("anhui/anqing", on=dt.date(2023, 6, 1))
ZEZHOU = load_pack("shanxi/zezhou", on=dt.date(2022, 6, 1))
BASE: dict[str, Any] = {
    "date": "2023-06-01",
    "locality": {"city": "anqing", "county": "susong"},
    "applicant": {"age": 40, "fixed_income_source": False},
    "household": {"size": 2, "monthly_income": "1000.00"},
    "matter": "labour_remuneration",
}


def _problem(source: bytes | str) -> tuple[str, int | None, int | None, str]:
    with pytest.raises(ApplicationError) as info:
        read_json(source, "app.json")
    (p,) = info.value.problems
    return p.code, p.location.line, p.location.column, p.message + " " + (p.hint or "")


READING = [
    # (input, code, line, column, words in message or hint)
    (b'{"a": 1,\n "b": {"c": 1, "c": 2}}', "input.duplicate_key", 2, 7, "duplicate key `c`"),
    (b'{"monthly_income": 1, "monthly_income": 2}', "input.duplicate_key", 1, 1, "give each key once"),
    (b"[" * 50_000 + b"]" * 50_000, "input.too_deep", 1, MAX_DEPTH + 1, f"more than {MAX_DEPTH}"),
    (b'{"x": ' + b"[" * 5000 + b"]" * 5000 + b"}", "input.too_deep", 1, MAX_DEPTH + 6, "nested"),
    (b'{"x":\n  ' + b"1" * 5000 + b"}", "input.number_too_long", 2, 3, "5000 digits"),
    (b'{"x": 1.' + b"5" * 1_000 + b"}", "input.number_too_long", 1, 7, "too long"),
    (b'{"x": NaN}', "input.not_a_number", 1, 7, "`NaN`"),
    (b'{"x": -Infinity}', "input.not_a_number", 1, 7, "`-Infinity`"),
    ('{"name": "张三"}'.encode("gbk"), "input.encoding", 1, 11, "GBK"),
    ('{"name": "张三"}'.encode("gbk"), "input.encoding", 1, 11, "save the file as UTF-8"),
    ('{"a": 1}'.encode("utf-16"), "input.encoding", 1, 1, "UTF-16"),
    ('{"a": 1}'.encode("utf-16-le"), "input.encoding", 1, 2, "UTF-16"),
    (b'{"a":\n "b\x00"}', "input.encoding", 2, 4, "NUL byte"),
    (b'{"a": "\\ud800"}', "input.surrogate", 1, 8, "surrogate"),
    (b'{"a": 1', "input.json", 1, 8, "not valid JSON"),
    (b" " * (MAX_BYTES + 1), "input.too_large", 1, 1, "at most"),
]


@pytest.mark.parametrize(("source", "code", "line", "column", "words"), READING)
def test_unreadable_input_is_a_located_error(
    source: bytes, code: str, line: int, column: int, words: str
) -> None:
    assert _problem(source)[:3] == (code, line, column)
    assert words in _problem(source)[3]


def test_numbers_are_exact_and_a_utf8_bom_is_fine() -> None:
    data = read_json(b'\xef\xbb\xbf{"a": 1800.50, "b": 3, "c": 1e-400, "d": "\\ud83d\\ude00"}')
    assert data == {"a": Decimal("1800.50"), "b": 3, "c": Decimal("1E-400"), "d": "😀"}
    assert type(data["b"]) is int


def _app_error(change: dict[str, Any], pack: Any = ANQING) -> tuple[str, str, str]:
    data = copy.deepcopy(BASE)
    for path, value in change.items():
        *head, last = path.split(".")
        node = data
        for part in head:
            node = node.setdefault(part, {})
        node[last] = value
    for backend in ("native", "durable"):
        with pytest.raises(ApplicationError) as info:
            evaluate(pack, data, backend=backend)
    p = info.value.problems[0]
    return p.code, p.location.path or "", p.message + " " + (p.hint or "")


STRICT = [
    # (changes, code, path, words)
    ({"household.size": "yes"}, "application.strict_int", "household.size", "whole number"),
    ({"household.size": True}, "application.strict_int", "household.size", "got true"),
    ({"household.size": "2"}, "application.strict_int", "household.size", "got `2`"),
    ({"household.size": 2.0}, "application.strict_int", "household.size", "whole number"),
    ({"household.size": "２"}, "application.strict_int", "household.size", "whole number"),
    ({"applicant.fixed_income_source": "yes"}, "application.strict_bool", "", "true or false"),
    ({"applicant.fixed_income_source": "on"}, "application.strict_bool", "", "got `on`"),
    ({"applicant.fixed_income_source": 1}, "application.strict_bool", "", "true or false"),
    ({"household.significant_assets": "false"}, "application.strict_bool", "", "true or false"),
    ({"date": 1685577600}, "application.date_number", "date", "not a date (write YYYY-MM-DD)"),
    ({"applicant.birth_date": 0}, "application.date_number", "applicant.birth_date", "not a date"),
    ({"date": "2023-06-01T00:00:00"}, "application.date_text", "date", "YYYY-MM-DD"),
    ({"date": "２０２３-06-01"}, "application.date_text", "date", "YYYY-MM-DD"),
    ({"household.monthly_income": "１５００"}, "application.money_text", "", "half-width digits"),
    ({"household.monthly_income": Decimal("1E-400")}, "application.decimal_max_places", "", "2 decimal"),
    ({"household.monthly_income": "10.001"}, "application.decimal_max_places", "", "2 decimal"),
    ({"household.monthly_income": Decimal("1E48")}, "application.money_too_large", "", "10^12"),
    ({"household.monthly_income": 10**5000}, "application.money_too_large", "", "5001 digits"),
    (
        {"household.monthly_income": "1" * 1_000_000},
        "application.money_too_large",
        "",
        "not a plausible amount",
    ),
    ({"household.monthly_income": "1000000000000"}, "application.money_too_large", "", "10^12"),
    ({"household.monthly_income": "NaN"}, "application.finite_number", "", "finite"),
    ({"household.monthly_income": Decimal("Infinity")}, "application.finite_number", "", "finite"),
    ({"household.monthly_income": 1500.0}, "application.money_float", "", "not exact"),
    ({"household.monthly_income": True}, "application.money_type", "", "amount of money"),
    ({"household.monthly_income": "-800.00"}, "application.greater_than_equal", "", "0"),
    ({"household.size": 1_000_000}, "application.less_than_equal", "household.size", "100"),
    ({"applicant.name": "\ud800"}, "application.string_unicode", "applicant.name", "unicode"),
    ({"date": "\ud800"}, "application.date_text", "date", "`\\ud800`"),
    ({"household.monthly_income": "\udc00"}, "application.money_text", "", "`\\udc00`"),
    ({"applicant.name": "张" * 201}, "application.string_too_long", "applicant.name", "200"),
    ({"locality.township": "nowhere"}, "application.unknown_region", "locality.township", "lingbei"),
    ({"locality.township": "lingbie"}, "application.unknown_region", "", "did you mean `lingbei`?"),
    ({"locality.township": "susong"}, "application.region_level", "locality.township", "county"),
]


@pytest.mark.parametrize(("change", "code", "path", "words"), STRICT)
def test_coercions_and_garbage_are_refused(change: dict[str, Any], code: str, path: str, words: str) -> None:
    got_code, got_path, text = _app_error(change)
    assert got_code == code
    assert got_path.startswith(path) and path in (got_path or "")
    assert words in text


def test_a_million_members_is_refused_and_size_must_match() -> None:
    members = [{"monthly_income": "0"}] * 1_000_000
    household = {"members": members}
    assert _app_error({"household": household})[:2] == ("application.too_long", "household.members")
    code, _, text = _app_error({"household": {"size": 3, "members": [{"monthly_income": "1"}] * 2}})
    assert code == "application.value_error" and "size 3 but 2 members" in text


def test_a_township_of_the_pack_in_another_county_is_refused() -> None:
    zezhou = {"date": "2022-06-01", "locality": {"county": "zezhou"}}
    assert evaluate(ZEZHOU, {**zezhou, "locality": {**zezhou["locality"], "township": "bagong"}})
    app = {"date": "2023-06-01", "locality": {"county": "anqing_etdz", "township": "shankou"}}
    with pytest.raises(ApplicationError) as info:
        evaluate(ANQING, app)
    assert info.value.codes == ("application.region_mismatch",)
    with pytest.raises(ApplicationError) as info:
        evaluate(ANQING, {"date": "2023-06-01", "locality": {"township": "xiacun"}})
    assert (
        info.value.problems[0].hint
        == "pack `anhui/anqing` knows the townships `laofeng`, `lingbei`, `shankou`"
    )


def test_the_valid_base_application_is_decided() -> None:
    decision = evaluate(ANQING, to_application(read_json(json.dumps(BASE).encode())))
    assert decision.outcome.value == "eligible"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (json.dumps(BASE, ensure_ascii=False).replace("susong", "宿松").encode("gbk"), "GBK"),
        (json.dumps(BASE).encode("utf-16"), "UTF-16"),
        (b'{"date": "2023-06-01", "date": "2023-07-01"}', "duplicate key `date`"),
        (b'{"date": "2023-06-01", "household": {"size": ' + b"9" * 5000 + b"}}", "5000 digits"),
        (b"[" * 50_000, "nested more than"),
        (json.dumps(BASE).replace('"1000.00"', "1e48").encode(), "10^12"),
    ],
)
def test_cli_reports_bad_application_files_without_a_traceback(
    tmp_path: Path, content: bytes, words: str
) -> None:
    path = tmp_path / "app.json"
    path.write_bytes(content)
    for command in ("evaluate", "trace"):
        code, out, err = run(command, "--pack", "anhui/anqing", str(path))
        assert code == 2 and out == "" and "Traceback" not in err
        assert words in err
        assert f"{path}:1:" in err or "household.monthly_income" in err  # the file's line, or the field


def test_cli_reads_yaml_applications_through_the_safe_reader(tmp_path: Path) -> None:
    path = tmp_path / "app.yaml"
    path.write_bytes(b"date: 2023-06-01\nmatter: &m [*m]\n")
    code, _, err = run("evaluate", "--pack", "anhui/anqing", str(path))
    assert code == 2 and "inside its own anchor" in err and f"{path}:2:" in err
    path.write_bytes(b'date: "\\ud800"\n')  # a lone surrogate escape (found by the CLI campaign)
    code, _, err = run("trace", "--pack", "anhui/anqing", str(path))
    assert code == 2 and "lone surrogate" in err and f"{path}:1:7" in err


@pytest.mark.parametrize("name", ["legalaid_rules.inputs", "legalaid_rules.source_text"])
def test_doctests(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"[" * 50_000, "trace.too_deep"),
        (b'{"kind": "decision", "kind": "decision"}', "trace.duplicate_key"),
        ('{"kind": "决定"}'.encode("gbk"), "trace.encoding"),
        (b'{"kind": ' + b"1" * 5000 + b"}", "trace.number_too_long"),
        (b"{not json", "trace.json"),
    ],
)
def test_hostile_trace_files_are_trace_errors(tmp_path: Path, content: bytes, code: str) -> None:
    from legalaid_rules.traces.records import TraceError, load_trace

    with pytest.raises(TraceError) as info:
        load_trace(content)
    assert info.value.problems[0].code == code
    path = tmp_path / "t.json"
    path.write_bytes(content)
    for args in (
        ["replay", str(path)],
        ["explain", str(path)],
        ["log", "append", str(tmp_path / "l.db"), str(path)],
    ):
        code_, _, err = run(*args)
        assert code_ == 2 and "Traceback" not in err
