"""`legalaid-rules caseload ...` in-process with CliRunner: outputs and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from caseload_helpers import filled_ledger, pack_tree
from click.testing import CliRunner

from legalaid_rules.cli import main


def run(*args: str, lang: str | None = None) -> tuple[int, str, str]:
    chosen = ["--lang", lang] if lang else []
    result = CliRunner().invoke(main, [*chosen, "caseload", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "cli.sqlite"
    filled_ledger(path, held=89, spare=3).close_connection()
    return str(path)


def test_assign_the_90th_then_refuse_the_91st(db: str) -> None:
    code, out, err = run("assign", db, "--case", "S0000", "--lawyer", "L1", "--date", "2023-06-01")
    assert code == 0
    assert out.startswith("assigned: case S0000 -> L1 on 2023-06-01")
    assert "90 after this one" in out and "warning: near the cap (90/90)" in err
    code, out, _ = run("assign", db, "--case", "S0001", "--lawyer", "L1", "--date", "2023-06-01", lang="zh")
    assert code == 1
    assert out.startswith("拒绝指派：案件 S0001 -> L1，2023-06-01")
    assert "本年度已承办 90 件，已达安庆市规定的每年 90 件上限（庆司通〔2023〕8号 六(二)）" in out
    code, out, _ = run("assign", db, "--case", "S0000", "--lawyer", "L1", "--date", "2023-06-02")
    assert code == 0 and out.startswith("unchanged:")


@pytest.mark.parametrize(
    ("args", "code_text"),
    [
        (["assign", "--case", "S0000", "--lawyer", "L9", "--date", "2023-06-01"], "ledger.unknown_lawyer"),
        (["assign", "--case", "X", "--lawyer", "L1", "--date", "2023-06-01"], "ledger.unknown_case"),
        (["assign", "--case", "S0000", "--lawyer", "L1", "--date", "2024-06-01"], "ledger.no_pack_in_force"),
        (
            [
                "assign",
                "--case",
                "S0000",
                "--lawyer",
                "L1",
                "--date",
                "2023-06-01",
                "--pack",
                "anhui/nowhere",
            ],
            "ledger.wrong_pack: the ledger",
        ),
        (["withdraw", "--case", "S0000", "--date", "2023-06-01"], "ledger.not_assigned"),
        (["close", "--case", "S0000", "--date", "2023-06-01"], "ledger.not_assigned"),
        (["status", "--lawyer", "L9", "--year", "2023"], "ledger.unknown_lawyer"),
        (["report", "--year", "2030"], "ledger.no_pack_in_force"),
    ],
)
def test_errors_are_one_line_with_exit_2(db: str, args: list[str], code_text: str) -> None:
    code, out, err = run(args[0], db, *args[1:])
    assert code == 2
    assert err.startswith("error: ") and code_text in err
    assert "Traceback" not in out + err


def test_closed_case_cannot_be_assigned(db: str) -> None:
    assert run("close", db, "--case", "H0001", "--date", "2023-07-01")[0] == 0
    code, _, err = run("assign", db, "--case", "H0001", "--lawyer", "L1", "--date", "2023-07-02")
    assert code == 2 and "ledger.case_closed" in err


def test_missing_ledger_file(tmp_path: Path) -> None:
    code, _, err = run("status", str(tmp_path / "none.sqlite"), "--lawyer", "L1", "--year", "2023")
    assert code == 2 and "ledger.missing" in err
    assert not (tmp_path / "none.sqlite").exists()


def test_not_a_database(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_text("this is not sqlite " * 100, encoding="utf-8")
    code, _, err = run("report", str(bad), "--year", "2023")
    assert code == 2 and "ledger.unreadable" in err


def test_clerk_workflow_from_an_empty_file(tmp_path: Path) -> None:
    db = str(tmp_path / "new.sqlite")
    assert run("init", db)[0] == 0
    assert (
        run(
            "add-lawyer", db, "--id", "W1", "--name", "王", "--kind", "grassroots_worker", "--office", "taihu"
        )[0]
        == 0
    )
    assert (
        run(
            "add-case",
            db,
            "--id",
            "C1",
            "--approved",
            "2023-02-01",
            "--matter",
            "labour",
            "--non-litigation",
            "--office",
            "taihu",
        )[0]
        == 0
    )
    assert (
        run(
            "add-case",
            db,
            "--id",
            "C2",
            "--approved",
            "2023-02-01",
            "--matter",
            "labour",
            "--office",
            "taihu",
        )[0]
        == 0
    )
    assert run("assign", db, "--case", "C1", "--lawyer", "W1", "--date", "2023-02-02")[0] == 0
    assert run("assign", db, "--case", "C2", "--lawyer", "W1", "--date", "2023-02-02")[0] == 0
    code, out, _ = run("withdraw", db, "--case", "C2", "--date", "2023-02-03")
    assert code == 0 and "withdrawn: case C2 from W1" in out
    assert run("close", db, "--case", "C1", "--date", "2023-03-01")[0] == 0
    code, out, _ = run("status", db, "--lawyer", "W1", "--year", "2023")
    assert code == 0 and "1/90 cases in 2023, 89 left: ok" in out
    code, out, _ = run("status", db, "--lawyer", "W1", "--year", "2023", lang="zh")
    assert code == 0 and "2023 年承办 1 件 / 上限 90 件，尚可指派 89 件：正常" in out
    code, out, _ = run("add-lawyer", db, "--id", "W1", "--name", "王", "--kind", "staff_lawyer")
    assert code == 2
    code, out, _ = run("report", db, "--year", "2023", "--office", "taihu", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["cap"] == {"limit": 90, "basis": "庆司通〔2023〕8号 六(二)", "place": "安庆市"}
    ratios = {i["name"]: (i["numerator"], i["denominator"], i["met"]) for i in data["indicators"]}
    assert ratios == {
        "closure_ratio": (1, 2, False),
        "litigation_share": (0, 1, False),
        "social_lawyer_share": (0, 1, False),
    }
    assert data["targets"] == [
        {
            "unit": "taihu",
            "zh": "太湖县",
            "target": 650,
            "approved": 2,
            "progress": "0.0031",
            "basis": "庆司通〔2023〕8号 附件",
        }
    ]
    code, out, _ = run("report", db, "--year", "2023", "--office", "taihu", lang="zh")
    assert code == 0
    assert "结案数占审批数比例: 1/2 = 50.0%  ≥ 80.0%  未达标 [closure_ratio: not met]" in out
    assert "not met]（庆司通〔2023〕8号 六(二)）" in out
    assert "W1 王" in out and "太湖县: 2/650" in out


def test_move_status_and_a_pack_root(db: str, tmp_path: Path) -> None:
    assert run("add-lawyer", db, "--id", "L2", "--name", "李", "--kind", "staff_lawyer")[0] == 0
    code, out, _ = run("assign", db, "--case", "H0003", "--lawyer", "L2", "--date", "2023-07-01")
    assert code == 0 and out.startswith("moved: case H0003 L1 -> L2 on 2023-07-01")
    code, out, _ = run("status", db, "--lawyer", "L1", "--year", "2023")
    assert code == 0 and "88/90 cases in 2023, 2 left: near the cap" in out
    code, out, _ = run("status", db, "--lawyer", "L1", "--year", "2023", "--warn-at", "89")
    assert "88/90 cases in 2023, 2 left: ok" in out
    # a copy of the packs with a 2024 Anqing version and a cap of 3
    root = pack_tree(tmp_path / "packs", cap=3).root
    code, out, _ = run("status", db, "--lawyer", "L1", "--year", "2023", "--root", str(root))
    assert "88/3 cases in 2023, 0 left: over the cap" in out
    code, out, _ = run(
        "assign", db, "--case", "S0000", "--lawyer", "L1", "--date", "2024-01-01", "--root", str(root)
    )
    assert code == 0 and "0 case(s) this year, 1 after this one" in out
    code, out, _ = run("report", db, "--year", "2023", "--root", str(root), lang="zh")
    assert code == 0 and "超过上限（考核问责） (over)" in out
    code, out, _ = run("report", db, "--year", "2023", "--root", str(root))
    assert code == 0 and "over the cap (accountability review) (over)" in out


@pytest.mark.parametrize("other", ["anhui", "national"])
def test_another_pack_cannot_assign_the_91st(db: str, other: str) -> None:
    """Issue 12: `caseload assign --pack anhui` on an anhui/anqing ledger assigned the 91st case."""
    assert run("assign", db, "--case", "S0000", "--lawyer", "L1", "--date", "2023-06-01")[0] == 0  # the 90th
    code, _, err = run(
        "assign", db, "--case", "S0001", "--lawyer", "L1", "--date", "2023-06-01", "--pack", other
    )
    assert code == 2 and "ledger.wrong_pack" in err and "governed by pack `anhui/anqing`" in err
    code, _, _ = run("assign", db, "--case", "S0001", "--lawyer", "L1", "--date", "2023-06-01")
    assert code == 1  # refused by the cap of its own pack


def test_govern_is_a_logged_override(db: str) -> None:
    code, _, err = run("govern", db, "--pack", "anhui", "--admin", "王主任", "--reason", "try")
    assert code == 2 and "ledger.no_cap" in err
    code, out, _ = run("govern", db, "--pack", "anhui/anqing", "--admin", "王主任", "--reason", "re-approve")
    assert code == 0 and "by 王主任" in out and "re-approve" in out


def test_init_records_the_governing_pack_and_refuses_one_without_a_cap(tmp_path: Path) -> None:
    code, out, _ = run("init", str(tmp_path / "a.sqlite"))
    assert code == 0 and "governed by anhui/anqing" in out
    code, _, err = run("init", str(tmp_path / "b.sqlite"), "--pack", "guangdong/yunfu")
    assert code == 2 and "ledger.no_cap" in err


def test_the_commands_take_a_url(store: str) -> None:
    """The same commands on `sqlite:///...` or `postgresql://...` URLs."""
    url = store if store.startswith("postgresql://") else "sqlite:///" + store
    assert run("add-lawyer", url, "--id", "L1", "--name", "张", "--kind", "social_lawyer")[0] == 0
    assert run("add-case", url, "--id", "C1", "--approved", "2023-02-01", "--matter", "labour")[0] == 0
    code, out, _ = run("assign", url, "--case", "C1", "--lawyer", "L1", "--date", "2023-02-02")
    assert code == 0 and out.startswith("assigned:")
    code, out, _ = run("status", url, "--lawyer", "L1", "--year", "2023")
    assert code == 0 and "1/90 cases in 2023" in out
