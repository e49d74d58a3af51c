"""The command line, in process, with exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from legalaid_rules.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
MINI = Path(__file__).parent / "fixtures" / "mini"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_evaluate_text_explains_in_chinese() -> None:
    code, out, _ = run(
        "--lang",
        "zh",
        "evaluate",
        "--pack",
        "anhui/anqing",
        "--date",
        "2023-06-01",
        str(EXAMPLES / "anqing-support-payment.json"),
    )
    assert code == 0
    assert "决定：符合法律援助条件（eligible）" in out
    assert "低于安庆市最低生活保障标准 780.00 元的 2 倍 1,560.00 元" in out
    assert "所用数值未经核实" in out


def test_evaluate_text_in_english_uses_ascii_punctuation() -> None:
    code, out, _ = run(
        "evaluate",
        "--pack",
        "anhui/anqing",
        "--lang",
        "en",
        str(EXAMPLES / "anqing-elderly-incomplete.json"),
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Decision: undetermined: more information needed (undetermined)"
    assert lines[1].startswith("Pack: anhui/anqing ") and lines[1].endswith("…)")
    assert "Reasons:" in lines and "Warnings:" in lines
    labels = [line for line in lines if not line.startswith(" ")]
    for line in labels:  # the English frame; quoted Chinese legal bases keep their own punctuation
        head = line.split("(")[0]
        assert not set(head) & set("：（），；"), line
    assert any(line.startswith("     Basis: ") for line in lines)


def test_evaluate_json_is_the_full_decision() -> None:
    code, out, _ = run(
        "evaluate",
        "--pack",
        "anhui/anqing",
        "--format",
        "json",
        str(EXAMPLES / "anqing-elderly-incomplete.json"),
    )
    assert code == 0
    data = json.loads(out)
    assert data["outcome"] == "undetermined" and data["urgent"] is True
    assert any(m["fact"] == "applicant.groups.elderly.proof" for m in data["missing"])
    assert data["pack"]["digest"].startswith("sha256:")


def test_evaluate_bad_application_exits_2_with_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"date": "2023-06-01", "matter": "suport_payment"}), encoding="utf-8")
    code, out, err = run("evaluate", "--pack", "anhui/anqing", str(bad))
    assert code == 2 and out == ""
    assert "matter: unknown matter code `suport_payment` (hint: did you mean `support_payment`?)" in err


def test_evaluate_date_without_pack_exits_2() -> None:
    code, _, err = run(
        "evaluate",
        "--pack",
        "anhui/anqing",
        "--date",
        "2030-01-01",
        str(EXAMPLES / "anqing-support-payment.json"),
    )
    assert code == 2 and "no version of pack `anhui/anqing` is in force on 2030-01-01" in err


def test_evaluate_malformed_json_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"date": "2023-06-01",\n "matter": }', encoding="utf-8")
    code, _, err = run("evaluate", "--pack", "anhui/anqing", str(bad))
    assert code == 2 and f"{bad}:2:12: this is not valid JSON" in err


def test_check_bundled_packs_pass() -> None:
    code, out, _ = run("check", str(ROOT / "rules"))
    assert code == 0 and "all packs are valid" in out


def test_check_reports_each_done_when_error(tmp_path: Path) -> None:
    """A duplicate key, a misspelt parameter and a cycle each fail with file:line:col."""
    root = tmp_path / "rules"
    shutil.copytree(MINI, root)
    prov = root / "prov" / "2022.yaml"
    text = prov.read_text(encoding="utf-8")
    prov.write_text(
        text.replace("2 * minimum_living_standard", "2 * minimum_living_standrad").replace(
            "    then: {economic: passed}", "    then: {economic: passed}\n    then: {scope: in}"
        ),
        encoding="utf-8",
    )
    code, out, _ = run("check", str(root))
    assert code == 1
    assert f"{prov}:26:5: duplicate key `then` (first defined at line 25)" in out

    prov.write_text(
        text.replace("2 * minimum_living_standard", "2 * minimum_living_standrad"), encoding="utf-8"
    )
    code, out, _ = run("check", str(root))
    assert code == 1
    assert (
        f"{prov}:24:45: unknown parameter `minimum_living_standrad` "
        "(hint: did you mean `minimum_living_standard`?)"
    ) in out

    prov.write_text(text, encoding="utf-8")
    nat = root / "national" / "2022.yaml"
    nat.write_text(
        nat.read_text(encoding="utf-8").replace("jurisdiction: china", "jurisdiction: china\nextends: prov"),
        encoding="utf-8",
    )
    code, out, _ = run("check", str(root))
    assert code == 1 and f"{nat}:6:10: packs extend each other in a circle" in out


def test_check_strict_lists_unverified_values() -> None:
    code, out, _ = run("check", "--strict", str(ROOT / "rules"))
    assert code == 1
    assert "value 780.00 of `minimum_living_standard` for `anqing` is unverified" in out


def test_check_strict_also_lists_unverified_routes(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    anqing = rules / "anhui" / "anqing" / "2023.yaml"
    text = anqing.read_text(encoding="utf-8")
    before = run("check", "--strict", str(rules))[1].count("\nunverified: ")
    marked = "    office: county\n    verified: false\n    note: 待核实\n"
    anqing.write_text(text.replace("    office: county\n", marked, 1), encoding="utf-8")
    line = text[: text.index("  first_instance_county:")].count("\n") + 1
    code, out, _ = run("check", "--strict", str(rules))
    assert code == 1
    # the route, and the pack whose content changed without a new version (RELEASES.yml)
    assert out.count("\nunverified: ") == before + 2
    assert "`anhui/anqing` 2023.1 changed since that version was recorded" in out
    expected = "route `first_instance_county` is unverified: marked `verified: false` (待核实)"
    assert f"2023.yaml:{line}:3: {expected}" in out


def test_packs_lists_versions_and_periods() -> None:
    code, out, _ = run("packs")
    assert code == 0
    assert any(
        line.startswith("anhui/anqing") and "2023-01-01 .. 2023-12-31" in line for line in out.splitlines()
    )


def test_schema_is_json_schema_of_the_pack_format() -> None:
    code, out, _ = run("schema")
    schema = json.loads(out)
    assert code == 0 and schema["additionalProperties"] is False
    assert {"id", "version", "effective", "rules"} <= set(schema["properties"])
    assert "from" in schema["$defs"]["Period"]["properties"]
