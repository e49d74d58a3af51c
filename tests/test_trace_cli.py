"""The audit commands in-process: trace, replay, explain, log append|list|show|verify, audit.

The commands are invoked through a group holding exactly the commands of
``legalaid_rules.cli.audit``, so the tests check that module whatever else registers on ``main``.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from legalaid_rules.cli import audit as commands
from legalaid_rules.traces.records import load_trace

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "anqing-support-payment.json"


main = click.Group(
    "legalaid-rules",
    commands=[
        commands.trace_command,
        commands.replay_command,
        commands.explain_command,
        commands.log_group,
        commands.audit_command,
    ],
)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def _trace(tmp_path: Path, name: str = "t.json", *extra: str) -> Path:
    out = tmp_path / name
    result = run("trace", "--pack", "anhui/anqing", str(EXAMPLE), "-o", str(out), *extra)
    assert result.exit_code == 0, result.output
    return out


def test_trace_write_log_list_replay_verify(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    first = _trace(tmp_path, "a.json", "--log", str(db))
    second = tmp_path / "b.json"
    other = ROOT / "examples" / "anqing-notified-defence.json"
    made = run("trace", "--pack", "anhui/anqing", str(other), "-o", str(second), "--pretty")
    assert made.exit_code == 0, made.output
    assert load_trace(first.read_bytes()).outcome.value == "eligible"
    assert second.read_text(encoding="utf-8").startswith("{\n")
    appended = run("log", "append", str(db), str(second))
    assert appended.exit_code == 0 and appended.output.startswith("2\tsha256:")
    # the same decision again (same decision id, same content) is not stored twice
    again = run("log", "append", str(db), str(first))
    assert again.exit_code == 0 and again.output.startswith("1\tsha256:")
    assert again.output.rstrip().endswith("(already in the log)")
    listed = run("log", "list", str(db))
    assert listed.exit_code == 0
    rows = [line.split("\t") for line in listed.output.splitlines()]
    assert [r[0] for r in rows] == ["1", "2"]
    assert rows[0][3] == "anhui/anqing@2023.1" and rows[0][5] == "eligible"
    shown = run("log", "show", str(db), "1")
    assert shown.exit_code == 0
    (tmp_path / "from-log.json").write_text(shown.output, encoding="utf-8")
    for path in (first, second, tmp_path / "from-log.json"):
        replayed = run("replay", str(path))
        assert replayed.exit_code == 0 and replayed.output.startswith("identical"), replayed.output
    verified = run("log", "verify", str(db))
    assert verified.exit_code == 0 and verified.output.startswith("ok: 2 record(s)")


def test_log_verify_names_the_tampered_record(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    for i, example in enumerate(sorted((ROOT / "examples").glob("anqing-*.json"))[:3]):
        result = run(
            "trace",
            "--pack",
            "anhui/anqing",
            str(example),
            "-o",
            str(tmp_path / f"{i}.json"),
            "--log",
            str(db),
        )
        assert result.exit_code == 0, result.output
    con = sqlite3.connect(db)
    con.execute("DROP TRIGGER records_no_update")
    con.execute("UPDATE records SET body = replace(body, 'eligible', 'ineligible') WHERE seq = 2")
    con.commit()
    con.close()
    result = run("log", "verify", str(db))
    assert result.exit_code == 1
    assert "TAMPERED: record 2:" in result.output and "[edited]" in result.output
    head = run("log", "verify", str(db), "--anchor", "x")
    assert head.exit_code == 2


def test_log_verify_anchor_and_missing_db(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _trace(tmp_path, "a.json", "--log", str(db))
    digest = run("log", "list", str(db)).output.split("\t")[1]
    assert run("log", "verify", str(db), "--anchor", f"1={digest}").exit_code == 0
    assert run("log", "verify", str(db), "--anchor", f"2={digest}").exit_code == 1
    missing = run("log", "verify", str(tmp_path / "nope.db"))
    assert missing.exit_code == 2 and "no decision log" in missing.output
    assert run("log", "show", str(db), "9").exit_code == 2


def test_replay_exit_codes(tmp_path: Path) -> None:
    path = _trace(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["outcome"] = "ineligible"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("replay", str(changed))
    assert result.exit_code == 1 and "outcome: stored ineligible, replayed eligible" in result.output
    data["outcome"] = "eligible"
    data["input"]["matter"] = "domestic_violence"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert run("replay", str(changed)).exit_code == 4
    data["pack"]["digest"] = "sha256:" + "1" * 64
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("replay", str(changed))
    assert result.exit_code == 3 and result.output.startswith("pack_changed")
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    result = run("replay", str(bad))
    assert result.exit_code == 2 and "error:" in result.output


def test_masked_trace_and_replay_with_originals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    app["applicant"]["name"] = "张三"
    source = tmp_path / "app.json"
    source.write_text(json.dumps(app, ensure_ascii=False), encoding="utf-8")
    env = {"LEGALAID_MASK_SALT": "cli-test-key-0123456789abcdef-XYZ"}
    out = tmp_path / "t.json"
    db = tmp_path / "log.db"
    result = run(
        "trace", "--pack", "anhui/anqing", "--mask", str(source), "-o", str(out), "--log", str(db), env=env
    )
    assert result.exit_code == 0, result.output
    assert "张三" not in out.read_text(encoding="utf-8")
    assert load_trace(out.read_bytes()).masked == ("input.applicant.name",)
    plain = run("replay", str(out))
    assert plain.exit_code == 0 and "not verified" in plain.output
    good = run("replay", str(out), "--mask", "--original", "input.applicant.name=张三", env=env)
    assert good.exit_code == 0 and "not verified" not in good.output
    wrong = run("replay", str(out), "--mask", "--original", "input.applicant.name=李四", env=env)
    assert wrong.exit_code == 4
    assert run("replay", str(out), "--original", "oops").exit_code == 2
    unsalted = run("trace", "--pack", "anhui/anqing", "--mask", str(source), env={"LEGALAID_MASK_SALT": ""})
    assert unsalted.exit_code == 2 and "LEGALAID_MASK_SALT" in unsalted.output


def test_explain_in_chinese_and_english(tmp_path: Path) -> None:
    path = _trace(tmp_path)
    zh = run("explain", str(path), "--lang", "zh")
    assert zh.exit_code == 0
    assert "决定：符合法律援助条件（eligible）" in zh.output and "评估步骤：" in zh.output
    assert "anhui/anqing 2023.1" in zh.output and "依据：" in zh.output
    en = run("explain", str(path), "--lang", "en")
    assert en.exit_code == 0 and "Decision: eligible for legal aid (eligible)" in en.output
    assert (
        "Evaluation steps:" in en.output
        and "：" not in en.output.split("Evaluation steps:")[0].split("Pack")[0]
    )


def test_explain_of_an_incomplete_application_lists_what_is_missing(tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    example = ROOT / "examples" / "anqing-elderly-incomplete.json"
    assert run("trace", "--pack", "anhui/anqing", str(example), "-o", str(out)).exit_code == 0
    text = run("explain", str(out), "--lang", "zh").output
    assert "第四十三条" in text and "applicant.disabled" in text


def test_audit_command_summary_report_and_exit_codes(tmp_path: Path) -> None:
    app = {k: v for k, v in json.loads(EXAMPLE.read_text(encoding="utf-8")).items() if k != "date"}
    good = {"id": "A1", "date": "2023-06-01", "outcome": "eligible", "application": app}
    lines = [json.dumps(good), json.dumps({**good, "id": "A2", "outcome": "ineligible"}), "{oops"]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = tmp_path / "out.html"
    result = run("audit", str(path), "--pack", "anhui/anqing", "--report", str(report))
    assert result.exit_code == 1
    assert "agreements" in result.output and "A2: recorded ineligible, rules say eligible" in result.output
    assert "line 3" in result.output and "invalid" in result.output
    page = report.read_text(encoding="utf-8")
    assert "A2" in page and "anhui.means_test" in page
    path.write_text(json.dumps(good) + "\n", encoding="utf-8")
    assert run("audit", str(path), "--pack", "anhui/anqing").exit_code == 0


def test_log_append_masks_with_a_deployment_config(tmp_path: Path) -> None:
    app = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    app["applicant"].update(name="张三", phone="13900000000")
    source = tmp_path / "app.json"
    source.write_text(json.dumps(app, ensure_ascii=False), encoding="utf-8")
    trace = tmp_path / "t.json"
    assert run("trace", "--pack", "anhui/anqing", str(source), "-o", str(trace)).exit_code == 0
    config = tmp_path / "mask.json"
    config.write_text(json.dumps({"paths": ["input.applicant.phone"], "salt_env": "OFFICE_SALT"}))
    db = tmp_path / "log.db"
    result = run(
        "log",
        "append",
        str(db),
        str(trace),
        "--mask-config",
        str(config),
        env={"OFFICE_SALT": "office-42-key-f00dfeedcafe1234abcd"},
    )
    assert result.exit_code == 0, result.output
    stored = run("log", "show", str(db), "1").output
    assert "13900000000" not in stored and "张三" in stored  # only the configured path is masked
    (tmp_path / "stored.json").write_text(stored, encoding="utf-8")
    text = run("explain", str(tmp_path / "stored.json"), "--lang", "zh").output
    assert "已脱敏字段：input.applicant.phone" in text


def test_replay_original_as_json_for_a_masked_number(tmp_path: Path) -> None:
    app = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    app["household"]["size"] = None
    app["applicant"]["age"] = 65
    app["applicant"].pop("birth_date")
    source = tmp_path / "app.json"
    source.write_text(json.dumps(app), encoding="utf-8")
    config = tmp_path / "mask.json"
    config.write_text(json.dumps({"paths": ["input.applicant.age"], "salt_env": "S"}))
    out = tmp_path / "t.json"
    env = {"S": "number-key-1-0123456789abcdefghij"}
    result = run(
        "trace", "--pack", "anhui/anqing", "--mask-config", str(config), str(source), "-o", str(out), env=env
    )
    assert result.exit_code == 0, result.output
    assert run("replay", str(out)).exit_code == 4  # the rules read the age: it is needed
    as_text = run(
        "replay", str(out), "--mask-config", str(config), "--original", "input.applicant.age=65", env=env
    )
    assert as_text.exit_code == 4 and "does not match" in as_text.output
    as_json = run(
        "replay", str(out), "--mask-config", str(config), "--original", "input.applicant.age:=65", env=env
    )
    assert as_json.exit_code == 0, as_json.output
    assert run("replay", str(out), "--original", "input.applicant.age:={").exit_code == 2
