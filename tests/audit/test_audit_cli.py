"""The audit commands, in process: trace, replay, log append|list|verify, audit, explain."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from audit_helpers import INCOMPLETE, SUPPORT
from click.testing import CliRunner

from legalaid_rules.audit import load_trace
from legalaid_rules.cli import main
from legalaid_rules.packs.registry import bundled_root


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def _app(tmp_path: Path, data: dict[str, object], name: str = "app.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_trace_writes_a_record_and_appends_to_a_log(tmp_path: Path) -> None:
    out, db = tmp_path / "t.json", tmp_path / "log.db"
    code, stdout, _ = _run("trace", "--pack", "anhui/anqing", "-o", str(out), "--log", str(db),
                           str(_app(tmp_path, SUPPORT)))  # fmt: skip
    assert code == 0 and "eligible" in stdout and "log record 1" in stdout
    rec = load_trace(out)
    assert out.read_bytes() == rec.canonical()
    assert rec.decision.outcome.value == "eligible"
    code, stdout, _ = _run("log", "list", str(db))
    assert code == 0 and rec.decision_id in stdout and "anhui/anqing@2023.1" in stdout


def test_trace_with_a_bad_application_exits_2_without_traceback(tmp_path: Path) -> None:
    bad = _app(tmp_path, {**SUPPORT, "matter": "no_such_matter"})
    code, stdout, stderr = _run("trace", "--pack", "anhui/anqing", "-o", str(tmp_path / "t.json"), str(bad))
    assert code == 2 and "unknown matter code" in stderr and "Traceback" not in stderr + stdout
    assert not (tmp_path / "t.json").exists()
    code, _, stderr = _run("trace", "--pack", "no/such", "-o", str(tmp_path / "t.json"),
                           str(_app(tmp_path, SUPPORT)))  # fmt: skip
    assert code == 2 and "no pack" in stderr


def test_trace_with_masking(tmp_path: Path) -> None:
    key = tmp_path / "key"
    key.write_bytes(b"deployment-secret-key-0001\n")
    out = tmp_path / "t.json"
    code, _, _ = _run("trace", "--pack", "anhui/anqing", "-o", str(out), "--mask-key-file", str(key),
                      str(_app(tmp_path, SUPPORT)))  # fmt: skip
    assert code == 0
    assert "王秀英".encode() not in out.read_bytes()
    code, stdout, _ = _run("replay", str(out))
    assert code == 0 and "masked" in stdout
    original = _app(tmp_path, SUPPORT, "original.json")
    code, stdout, _ = _run("replay", "--original", str(original), "--mask-key-file", str(key), str(out))
    assert code == 0 and "identical" in stdout and "masked" not in stdout


def test_replay_exit_codes(tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    assert _run("trace", "--pack", "anhui/anqing", "-o", str(out), str(_app(tmp_path, INCOMPLETE)))[0] == 0
    code, stdout, _ = _run("replay", str(out))
    assert (code, stdout.split(":")[0]) == (0, "identical")

    data = json.loads(out.read_bytes())
    data["decision"]["outcome"] = "eligible"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, stdout, _ = _run("replay", str(changed))
    assert code == 1 and "decision.outcome" in stdout and "'eligible'" in stdout

    root = tmp_path / "rules"
    shutil.copytree(bundled_root(), root)
    pack_file = root / "anhui" / "anqing" / "2023.yaml"
    text = pack_file.read_text(encoding="utf-8")
    pack_file.write_text(text.replace("780.00", "800.00", 1), encoding="utf-8")
    code, stdout, _ = _run("replay", "--root", str(root), str(out))
    assert code == 3 and "pack changed" in stdout

    garbage = tmp_path / "garbage.json"
    garbage.write_text("{}", encoding="utf-8")
    code, _, stderr = _run("replay", str(garbage))
    assert code == 2 and "not a valid trace record" in stderr


def test_log_append_and_verify_exit_codes(tmp_path: Path) -> None:
    traces = []
    for i, app in enumerate((SUPPORT, INCOMPLETE, SUPPORT)):
        out = tmp_path / f"t{i}.json"
        assert _run("trace", "--pack", "anhui/anqing", "-o", str(out), str(_app(tmp_path, app)))[0] == 0
        traces.append(str(out))
    db = tmp_path / "log.db"
    code, stdout, _ = _run("log", "append", str(db), *traces)
    assert code == 0 and [line.split("\t")[0] for line in stdout.splitlines()] == ["1", "2", "3"]
    code, stdout, _ = _run("log", "verify", str(db))
    assert code == 0 and stdout.startswith("valid: 3 record(s)")
    code, stdout, _ = _run("log", "list", "--offset", "1", "--limit", "1", str(db))
    assert code == 0 and stdout.startswith("2\t")

    raw = sqlite3.connect(db, isolation_level=None)
    raw.execute("DROP TRIGGER records_append_only_update")
    raw.execute(
        "UPDATE records SET record = "
        "CAST(replace(CAST(record AS TEXT), '\"eligible\"', '\"ineligible\"') AS BLOB) WHERE seq = 3"
    )
    raw.close()
    code, stdout, _ = _run("log", "verify", str(db))
    assert code == 1 and "record 3" in stdout and "log.record_altered" in stdout

    code, _, stderr = _run("log", "verify", str(tmp_path / "none.db"))
    assert code == 2 and "Traceback" not in stderr


def test_explain_in_chinese_and_english(tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    assert _run("trace", "--pack", "anhui/anqing", "-o", str(out), str(_app(tmp_path, INCOMPLETE)))[0] == 0
    rec = load_trace(out)
    code, zh, _ = _run("explain", str(out))
    assert code == 0
    assert "尚不能决定" in zh and "评估步骤" in zh and rec.pack.digest in zh and "2023.1" in zh
    assert "需一次性告知申请人补充" in zh and "依据" in zh
    assert "anhui.means_test" in zh
    code, en, _ = _run("explain", "--lang", "en", str(out))
    assert code == 0 and "Evaluation steps" in en and "undetermined" in en and "Pack digest" in en


def test_audit_command_summary_report_and_exit_codes(tmp_path: Path) -> None:
    agree = {"application": SUPPORT, "outcome": "eligible", "date": "2023-06-01",
             "office": "huaining", "pack": "anhui/anqing"}  # fmt: skip
    lines = [agree, {**agree, "outcome": "ineligible", "office": "<script>x</script>"}]
    jsonl = tmp_path / "past.jsonl"
    jsonl.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    report = tmp_path / "out.html"
    code, stdout, _ = _run("audit", "--lang", "en", "--report", str(report), str(jsonl))
    assert code == 1
    assert "agreements" in stdout and "anhui.means_test" in stdout and "line 2" in stdout
    page = report.read_text(encoding="utf-8")
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>" not in page

    only = tmp_path / "ok.jsonl"
    only.write_text(json.dumps(agree, ensure_ascii=False) + "\n", encoding="utf-8")
    code, stdout, _ = _run("audit", str(only))
    assert code == 0 and "一致" in stdout


def test_trace_with_a_pack_date_replays_with_that_date(tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    code, _, _ = _run("trace", "--pack", "anhui/anqing", "--date", "2023-01-01", "-o", str(out),
                      str(_app(tmp_path, SUPPORT)))  # fmt: skip
    assert code == 0
    assert load_trace(out).pack_date.isoformat() == "2023-01-01"
    assert _run("replay", str(out))[0] == 0


def test_masking_options_are_checked(tmp_path: Path) -> None:
    app = str(_app(tmp_path, SUPPORT))
    code, _, stderr = _run("trace", "--pack", "anhui/anqing", "-o", str(tmp_path / "t.json"),
                           "--mask", "applicant.name", app)  # fmt: skip
    assert code == 2 and "--mask needs --mask-key-file" in stderr
    short = tmp_path / "short"
    short.write_bytes(b"abc")
    code, _, stderr = _run("trace", "--pack", "anhui/anqing", "-o", str(tmp_path / "t.json"),
                           "--mask-key-file", str(short), app)  # fmt: skip
    assert code == 2 and "at least 16 bytes" in stderr
