"""Chinese by default outside the packs: application errors, click's own usage errors and help
marks, replay results; English with ``--lang en`` (or ``use_language("en")``)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from legalaid_rules import evaluate, load_pack
from legalaid_rules.cli import main
from legalaid_rules.errors import ApplicationError
from legalaid_rules.i18n import use_language
from legalaid_rules.traces.records import TraceRecord
from legalaid_rules.traces.replay import replay

ROOT = Path(__file__).resolve().parents[1]
ANQING = load_pack("anhui/anqing", on=dt.date(2023, 6, 1))
BAD = {"household": {"monthly_income": "-1"}, "foo": 1}
ENV = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def english_sentences(text: str) -> list[str]:
    """Runs of three or more English words, outside `code`, 'quoted' values and the usage line."""
    text = "\n".join(line for line in text.splitlines() if not line.startswith(("用法：", "Usage:")))
    text = re.sub(r"`[^`]*`|'[^']*'", " ", text)
    return re.findall(r"\b[A-Za-z]{2,}(?:\s+[A-Za-z]{2,}){2,}\b", text)


def test_the_detector_finds_english_sentences() -> None:
    assert english_sentences("错误：date: field required") == []  # two words only
    assert english_sentences("错误：foo: extra inputs are not permitted") == [
        "extra inputs are not permitted"
    ]
    assert english_sentences("应为 `true or false` 或 'one of these'") == []


@pytest.fixture
def no_language(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ENV:
        monkeypatch.delenv(var, raising=False)


def _problems(data: dict[str, Any]) -> list[tuple[str, str, str, str | None]]:
    with pytest.raises(ApplicationError) as info:
        evaluate(ANQING, data)
    return [(p.code, str(p.location), p.message, p.hint) for p in info.value.problems]


def test_application_problems_are_chinese_by_default_with_the_path_once(no_language: None) -> None:
    problems = _problems(BAD)
    assert problems == [
        ("application.missing", "date", "缺少此项", None),
        ("application.greater_than_equal", "household.monthly_income", "应大于或等于 0", None),
        ("application.extra_forbidden", "foo", "不允许有此项（未知的字段）", None),
    ]


@pytest.mark.parametrize(
    ("change", "code", "zh", "en"),
    [
        (
            {"household": {"size": "2"}},
            "strict_int",
            "应为整数，实际为 `2`",
            "expected a whole number, got `2`",
        ),
        (
            {"household": {"monthly_income": "１５００"}},
            "money_text",
            "`１５００` 不是金额，金额应写成 `1800.00` 这样的形式",
            "`１５００` is not an amount of money such as `1800.00`",
        ),
        (
            {"household": {"monthly_income": 10**5000}},
            "money_too_large",
            "约 5001 位的数字 不是合理的金额（不得超过 10^12 元）",
            "a number of about 5001 digits is not a plausible amount of money (at most 10^12 yuan)",
        ),
        (
            {"household": {"size": 3, "members": [{"monthly_income": "1"}] * 2}},
            "value_error",
            "家庭人口数为 3，但列出了 2 名成员",
            "size 3 but 2 members listed",
        ),
        (
            {"applicant": {"disabilities": ["blind"]}},
            "enum",
            "应为 'visual', 'hearing', 'speech', 'physical', 'intellectual', 'mental' 或 'multiple'",
            "input should be 'visual', 'hearing', 'speech', 'physical', 'intellectual', 'mental' "
            "or 'multiple'",
        ),
        (
            {"applicant": {"name": "张" * 201}},
            "string_too_long",
            "文本最多 200 个字符",
            "string should have at most 200 characters",
        ),
        (
            {"locality": {"township": "susong"}},
            "region_level",
            "`susong` 是县（区），不是乡镇（街道）",
            "`susong` is a county, not a township",
        ),
    ],
)
def test_each_kind_of_application_problem_has_its_chinese_and_english_message(
    change: dict[str, Any], code: str, zh: str, en: str
) -> None:
    data = {"date": "2023-06-01", **change}
    for lang, text in (("zh", zh), ("en", en)):
        with use_language(lang):
            (problem,) = _problems(data)
        assert problem[0] == f"application.{code}" and problem[2] == text
        assert problem[1] not in problem[2]  # the path is the location, never repeated


def test_a_refusal_hint_follows_the_language() -> None:
    data = {"date": "2023-06-01", "household": {"monthly_income": "１５００"}}
    with use_language("zh"):
        assert _problems(data)[0][3] == "数字 0-9 请用普通半角数字书写，例如 `1800.00`"
    with use_language("en"):
        assert _problems(data)[0][3] == "write the digits 0-9 as ordinary half-width digits, e.g. `1800.00`"


def test_pydantic_keeps_its_english_and_the_problem_is_written_where_it_is_made() -> None:
    """The model's own ValidationError stays English (a library user's); the problem is translated."""
    from pydantic import ValidationError

    from legalaid_rules.applications import Application

    with use_language("zh"), pytest.raises(ValidationError) as info:
        Application.model_validate({"date": "2023-06-01", "household": {"size": "2"}})
    assert info.value.errors()[0]["msg"] == "expected a whole number, got `2`"


def _run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def test_a_bad_application_file_is_reported_in_chinese_by_default(no_language: None, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(BAD), encoding="utf-8")
    code, out = _run(["evaluate", "--pack", "anhui/anqing", str(path)])
    assert code == 2
    assert out.splitlines() == [
        "错误：date: 缺少此项",
        "错误：household.monthly_income: 应大于或等于 0",
        "错误：foo: 不允许有此项（未知的字段）",
    ]
    code, out = _run(["--lang", "en", "evaluate", "--pack", "anhui/anqing", str(path)])
    assert code == 2
    assert out.splitlines() == [
        "error: date: field required",
        "error: household.monthly_income: input should be greater than or equal to 0",
        "error: foo: extra inputs are not permitted",
    ]


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (["evaluate", "--bogus"], "错误：没有选项 '--bogus'。", "Error: No such option '--bogus'."),
        (["evaluate"], "错误：缺少参数 'APPLICATION'。", "Error: Missing argument 'APPLICATION'."),
        (
            ["evaluate", "--pack", "anhui/anqing", "--format", "xml", "a.json"],
            "错误：'--format' 的值无效：'xml' 不是 'text', 'json' 之一。",
            "Error: Invalid value for '--format': 'xml' is not one of 'text', 'json'.",
        ),
        (
            ["evaluate", "--pack", "anhui/anqing", "no-such-file.json"],
            "错误：'APPLICATION' 的值无效：文件 'no-such-file.json' 不存在。",
            "Error: Invalid value for 'APPLICATION': File 'no-such-file.json' does not exist.",
        ),
        (["caseload", "assign", "x.db"], "错误：缺少选项 '--case'。", "Error: Missing option '--case'."),
        (["evalute"], "错误：没有命令 'evalute'。", "Error: No such command 'evalute'."),
    ],
)
def test_click_usage_errors_are_chinese_by_default_and_english_with_lang_en(
    no_language: None, args: list[str], zh: str, en: str
) -> None:
    code, out = _run(args)
    assert code == 2, out  # click's exit code for a usage error, unchanged
    assert zh in out and "查看帮助。" in out and not english_sentences(out), out
    assert "Try '" not in out and "Error:" not in out
    code, out = _run(["--lang", "en", *args])
    assert code == 2 and en in out and "for help." in out, out


def test_a_usage_error_after_lang_en_does_not_leave_english_chosen(no_language: None) -> None:
    assert "Error: No such option" in _run(["--lang", "en", "--bogus"])[1]
    assert "错误：没有选项 '--bogus'。" in _run(["--bogus"])[1]


def test_an_interrupted_command_says_so_in_the_chosen_language(
    no_language: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import legalaid_rules.cli.packs as packs_cli

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(packs_cli, "Registry", interrupted)
    code, out = _run(["packs"])
    assert code == 1 and "已中止" in out and "Aborted!" not in out, out
    code, out = _run(["--lang", "en", "packs"])
    assert code == 1 and "Aborted!" in out, out


def test_help_marks_are_translated(no_language: None) -> None:
    out = _run(["evaluate", "--help"])[1]
    assert "[必填]" in out and "[默认：text]" in out and "显示此帮助并退出。" in out
    assert "[required]" not in out and "default:" not in out
    out = _run(["--lang", "en", "evaluate", "--help"])[1]
    assert "[required]" in out and "[default: text]" in out and "Show this message and exit." in out


def _trace() -> dict[str, Any]:
    app = json.loads((ROOT / "examples" / "anqing-support-payment.json").read_text(encoding="utf-8"))
    clock = dt.datetime(2023, 6, 1, 8, 30, tzinfo=dt.UTC)
    record = TraceRecord.from_decision(evaluate(ANQING, app), app, ANQING, clock=lambda: clock)
    data: dict[str, Any] = json.loads(record.canonical())
    return data


def test_replay_results_are_chinese_by_default(no_language: None, tmp_path: Path) -> None:
    data = _trace()
    data["outcome"] = "ineligible"
    assert replay(data).message == "决定有 1 处不同"
    with use_language("en"):
        assert replay(data).message == "the decision differs in 1 field(s)"
    path = tmp_path / "trace.json"
    path.write_text(json.dumps(_trace()), encoding="utf-8")
    code, out = _run(["replay", str(path)])
    assert code == 0 and out.startswith("identical: 决定逐项相同") and not english_sentences(out), out
    code, out = _run(["--lang", "en", "replay", str(path)])
    assert code == 0 and out.startswith("identical: the same decision, field by field"), out


@pytest.mark.parametrize(
    ("raw", "zh", "hint"),
    [
        (b'{"a": 1, "a": 2}', "此对象中的键 `a` 重复", "每个键只写一次：读取时只会默默保留其中一个值"),
        (
            '{"name": "张三"}'.encode("gbk"),
            "此文件不是 UTF-8 编码：看来是 GBK（GB 2312/GB 18030）编码的文本",
            "请将文件另存为",
        ),
        (b'{"a": 1', "这不是有效的 JSON：", None),
        (b'{"x": NaN}', "`NaN` 不是 JSON 允许的数字", "请给出有限的数字"),
    ],
)
def test_input_boundary_problems_are_chinese_by_default(
    no_language: None, raw: bytes, zh: str, hint: str | None
) -> None:
    from legalaid_rules.inputs import read_json

    with pytest.raises(ApplicationError) as info:
        read_json(raw, "app.json")
    (problem,) = info.value.problems
    assert problem.message.startswith(zh) and not english_sentences(problem.message), problem.message
    assert (problem.hint or "").startswith(hint or "") and (hint is not None) == (problem.hint is not None)
