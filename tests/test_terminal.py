"""Terminal output: rich tables and colour on a terminal, plain lines otherwise; shell completion."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from legalaid_rules.cli import main
from legalaid_rules.cli._app import complete_matters
from legalaid_rules.cli._console import pad, width

RULES = Path(__file__).resolve().parents[1] / "rules"


def test_plain_output_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    out = CliRunner().invoke(main, ["packs"]).output
    assert "\x1b[" not in out and "┃" not in out and "│" not in out
    assert any(line.startswith("anhui/anqing") for line in out.splitlines())


def test_tables_and_colour_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = CliRunner().invoke(main, ["packs"]).output
    assert "┃" in out and "\x1b[" in out
    assert "安庆市2023年法律援助工作实施方案" in out
    checked = CliRunner().invoke(main, ["check", str(RULES / "anhui" / "anqing")]).output
    assert "\x1b[" in checked


def test_no_color_turns_it_all_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    out = CliRunner().invoke(main, ["packs"]).output
    assert "\x1b[" not in out and "┃" not in out


def test_chinese_text_counts_two_columns() -> None:
    assert width("安庆 ab") == 7
    assert width(pad("安庆", 6)) == 6 and pad("安庆", 6) == "安庆  "


def complete(words: str) -> list[str]:
    result = CliRunner().invoke(
        main,
        [],
        prog_name="legalaid-rules",
        env={
            "_LEGALAID_RULES_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
        },
    )
    return [line.split(",", 1)[1] for line in result.output.splitlines() if "," in line]


def test_pack_ids_complete_in_the_shell() -> None:
    assert complete("legalaid-rules render anhui/") == ["anhui/anqing", "anhui/yeji"]
    assert "anhui/anqing" in complete("legalaid-rules evaluate --pack anhui")


def test_commands_complete_in_the_shell() -> None:
    assert "check" in complete("legalaid-rules ch")


def test_matter_codes_complete() -> None:
    ctx = click.Context(main, obj=None)
    ctx.params["root"] = RULES
    codes = complete_matters(ctx, click.Option(["--matter"]), "support")
    assert codes == ["support_payment"]
