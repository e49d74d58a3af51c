"""Chinese first: the message catalogues are complete and compiled, and the language is chosen
by --lang, then the environment, then Chinese."""

from __future__ import annotations

import inspect
import io
import re
import threading
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from legalaid_rules import i18n
from legalaid_rules.cli import main
from legalaid_rules.i18n import LOCALE_DIR, _, language, use_language

SRC = Path(i18n.__file__).parent
CATALOGUES = {"zh": "zh_CN", "en": "en"}
ENV = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def used_in_code() -> set[str]:
    found = extract_from_dir(
        str(SRC), method_map=[("**.py", "python")], keywords={"_": None, "N_": None}, comment_tags=()
    )
    return {message for _file, _line, message, _comments, _context in found if isinstance(message, str)}


def catalogue(lang: str) -> dict[str, str]:
    with (LOCALE_DIR / CATALOGUES[lang] / "LC_MESSAGES" / "legalaid_rules.po").open("rb") as f:
        return {str(m.id): str(m.string) for m in read_po(f) if m.id}


@pytest.mark.parametrize("lang", list(CATALOGUES))
def test_every_message_used_in_code_is_in_the_catalogue(lang: str) -> None:
    table = catalogue(lang)
    missing = sorted(m for m in used_in_code() if not table.get(m))
    assert not missing, f"messages without a {lang} entry: {missing}"


@pytest.mark.parametrize("lang", list(CATALOGUES))
def test_translations_keep_every_placeholder(lang: str) -> None:
    for message, translated in catalogue(lang).items():
        assert set(re.findall(r"\{\w*\}", message)) == set(re.findall(r"\{\w*\}", translated)), message


def test_chinese_translations_are_chinese() -> None:
    table = catalogue("zh")
    untranslated = [m for m, t in table.items() if not re.search(r"[\u4e00-\u9fff]", t)]
    assert not untranslated, untranslated


@pytest.mark.parametrize("lang", list(CATALOGUES))
def test_compiled_catalogues_are_current(lang: str) -> None:
    folder = LOCALE_DIR / CATALOGUES[lang] / "LC_MESSAGES"
    with (folder / "legalaid_rules.po").open("rb") as f:
        compiled = io.BytesIO()
        write_mo(compiled, read_po(f))
    stale = "run `python -m legalaid_rules.i18n compile`"
    assert (folder / "legalaid_rules.mo").read_bytes() == compiled.getvalue(), stale


def test_chinese_is_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ENV:
        monkeypatch.delenv(var, raising=False)
    assert language() == "zh"
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert f"错误：{tmp_path}: `{tmp_path}` 下没有规则包文件（提示：" in result.output
    assert "共 0 个文件：1 个错误" in result.output
    helped = CliRunner().invoke(main, ["check", "--help"])
    assert "检查规则包：列出全部问题" in helped.output


@pytest.mark.parametrize(
    ("var", "value", "lang"), [("LANG", "en_US.UTF-8", "en"), ("LC_ALL", "zh_CN.UTF-8", "zh")]
)
def test_the_environment_chooses(monkeypatch: pytest.MonkeyPatch, var: str, value: str, lang: str) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(var, value)
    assert language() == lang


def test_lang_option_overrides_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LANGUAGE", "zh")
    result = CliRunner().invoke(main, ["--lang", "en", "check", str(tmp_path)])
    assert f"error: {tmp_path}: no pack files under `{tmp_path}` (hint: " in result.output
    helped = CliRunner().invoke(main, ["--lang", "en", "test", "--help"])
    assert "Run pack tests (*.tests.yaml)" in helped.output
    # the next command without --lang is back to the environment's language
    again = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert "下没有规则包文件" in again.output


def test_pack_problems_are_written_in_the_chosen_language(tmp_path: Path) -> None:
    from legalaid_rules.packs.kinds import value_problem

    with use_language("zh"):
        zh = value_problem("caseload_cap", "number", -90)
    with use_language("en"):
        en = value_problem("caseload_cap", "number", -90)
    assert zh is not None and en is not None and zh.code == en.code
    assert zh.message == "`caseload_cap` 必须是正整数，不能是 `-90`"
    assert en.message == "`caseload_cap` must be a positive whole number, not `-90`"


def test_the_choice_holds_for_its_own_thread_only() -> None:
    seen: list[str] = []
    with use_language("zh"):
        worker = threading.Thread(target=lambda: seen.append(_("none")))
        with use_language("en"):
            pass
        worker.start()
        worker.join(timeout=10)
        mine = _("none")
    assert mine == "无" and seen == ["none"]  # the thread reads the environment (LANGUAGE=en here)


def _help_texts(command: click.Command) -> set[str]:
    """Every help text the command line shows: commands', groups', options' and epilogs."""
    texts = {inspect.cleandoc(t) for t in (command.help, command.epilog) if t}
    texts |= {inspect.cleandoc(p.help) for p in command.params if isinstance(p, click.Option) and p.help}
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            texts |= _help_texts(sub)
    return texts


@pytest.mark.parametrize("lang", list(CATALOGUES))
def test_every_help_text_of_the_command_line_is_in_the_catalogue(lang: str) -> None:
    table = catalogue(lang)
    missing = sorted(t for t in _help_texts(main) if not table.get(t))
    assert not missing, f"help texts without a {lang} entry: {missing}"


def _no_language(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ENV:
        monkeypatch.delenv(var, raising=False)


def _command_groups(tmp_path: Path) -> list[tuple[list[str], str, str]]:
    """(arguments, a Chinese text, the English text) for one message of each command group."""
    example = Path(__file__).resolve().parents[1] / "examples" / "anqing-support-payment.json"
    undated = tmp_path / "undated.json"
    undated.write_text('{"matter": "support_payment"}', encoding="utf-8")
    keys = [str(tmp_path / "k.pem"), str(tmp_path / "k.pub")]
    return [
        (["evaluate", "--pack", "anhui/anqing", str(example)], "决定：", "Decision:"),
        (["explain", "--help"], "将追溯记录写成可读文本", "Render a stored trace as readable text"),
        (["log", "keygen", "--private", keys[0], "--public", keys[1]], "私钥 ", "private key "),
        (["caseload", "init", str(tmp_path / "ledger.db")], "台账已就绪：", "ledger ready:"),
        (["reassess"], "请给出 --pack 和两个文件", "give --pack and two files"),
        (["what-if", str(undated), "--pack", "anhui/anqing"], "申请中没有 `date`", "the application has no"),
        (["serve", "--help"], "运行判定接口和网页", "Serve the decision API and the web page"),
    ]


@pytest.mark.parametrize(
    "group", range(7), ids=["evaluate", "explain", "log", "caseload", "reassess", "what-if", "serve"]
)
def test_each_command_group_speaks_chinese_by_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, group: int
) -> None:
    _no_language(monkeypatch)
    args, zh, en = _command_groups(tmp_path)[group]
    result = CliRunner().invoke(main, args)
    assert zh in result.output and en not in result.output, result.output


@pytest.mark.parametrize(
    "group", range(7), ids=["evaluate", "explain", "log", "caseload", "reassess", "what-if", "serve"]
)
def test_each_command_group_speaks_english_with_lang_en(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, group: int
) -> None:
    _no_language(monkeypatch)
    args, zh, en = _command_groups(tmp_path)[group]
    result = CliRunner().invoke(main, ["--lang", "en", *args])
    assert en in result.output and zh not in result.output, result.output


def test_messages_are_fixed_texts_not_built_before_lookup() -> None:
    """`_(f"...")` or `_("..." + x)` would look up a text no catalogue holds: values go in
    placeholders, filled after the lookup (`_("... {name}").format(name=...)`)."""
    import ast

    built = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_")
                and node.args
                and isinstance(node.args[0], ast.JoinedStr | ast.BinOp | ast.Call)
                and "cleandoc" not in ast.unparse(node.args[0])  # a declared help text, marked N_
            ):
                built.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not built, built
