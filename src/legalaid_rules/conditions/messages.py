"""Every message of the condition language, in Chinese and English side by side.

One table, keyed by the message's stable id; a message is shown in the reader's language
(:mod:`legalaid_rules.i18n`: Chinese unless English is asked for). Moving the texts into the
gettext catalogues is mechanical: each ``en`` becomes a message id, each ``zh`` its msgstr. A text
may name arguments in braces (``{found}``), filled in by :func:`texts`.

>>> t = texts("condition.syntax.chinese_operator", char="且", word="and")
>>> t.zh, t.en
('条件中不能用中文“且”', '`且` is not an operator in conditions')
>>> t.hint_zh, t.hint_en
('“且”请写作 `and`', 'write `and` for `且`')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from legalaid_rules.i18n import language

__all__ = ["END_OF_CONDITION", "KINDS", "MESSAGES", "Message", "Texts", "texts"]


@dataclass(frozen=True, slots=True)
class Message:
    """A message in Chinese and English, with an optional fix-it hint in both."""

    zh: str
    en: str
    hint_zh: str | None = None
    hint_en: str | None = None


@dataclass(frozen=True, slots=True)
class Texts:
    """A message's texts with their arguments filled in."""

    zh: str
    en: str
    hint_zh: str | None
    hint_en: str | None

    # The one place that decides how a message is shown: in the reader's language, as every
    # other message of the library (legalaid_rules.i18n: Chinese unless English is asked for).
    @property
    def message(self) -> str:
        """The message in the reader's language."""
        return self.zh if language() == "zh" else self.en

    @property
    def hint(self) -> str | None:
        """The hint in the reader's language, or None."""
        return self.hint_zh if language() == "zh" else self.hint_en


_FUNCTIONS_ZH = "可用的函数：listed(matter)、member(群体)、proven(群体)、rule(规则编号)、year(日期)"
_FUNCTIONS_EN = "the functions are listed(matter), member(group), proven(group), rule(id), year(date)"

MESSAGES: Final[Mapping[str, Message]] = {
    "condition.syntax": Message("条件无法解析：{message}", "the condition does not parse: {message}"),
    "condition.syntax.empty": Message("条件为空", "the condition is empty"),
    "condition.syntax.unexpected_character": Message(
        "条件中有不能识别的字符 `{char}`", "unexpected character `{char}`"
    ),
    "condition.syntax.symbol_operator": Message(
        "条件中不能用符号 `{char}`",
        "unexpected character `{char}`",
        "请用 `and`（且）、`or`（或）、`not`（非）连接条件",
        "write `and`, `or`, `not` instead of symbols",
    ),
    "condition.syntax.chinese_operator": Message(
        "条件中不能用中文“{char}”",
        "`{char}` is not an operator in conditions",
        "“{char}”请写作 `{word}`",
        "write `{word}` for `{char}`",
    ),
    "condition.syntax.single_equals": Message(
        "比较是否相等要用 `==`，不能用 `{char}`",
        "use `==` to compare, not `{char}`",
        "请写作 `==`（两个半角等号）",
        "write `==` (two ASCII equals signs)",
    ),
    "condition.syntax.fullwidth_parenthesis": Message(
        "条件中不能用全角括号 `{char}`",
        "full-width parenthesis `{char}` in the condition",
        "请改用半角括号 `{ascii}`",
        "write the ASCII parenthesis `{ascii}`",
    ),
    "condition.syntax.fullwidth_digit": Message(
        "条件中不能用全角数字 `{char}`",
        "full-width digit `{char}` in the condition",
        "请改用半角数字 `{ascii}`",
        "write the ASCII digit `{ascii}`",
    ),
    "condition.syntax.fullwidth_quote": Message(
        "条件中不能用中文引号 `{char}`",
        "quotation mark `{char}` in the condition (Chinese or full-width)",
        "代码用半角单引号括起，例如 'labour_remuneration'",
        "quote codes with ASCII single quotes, e.g. 'labour_remuneration'",
    ),
    "condition.syntax.fullwidth_comma": Message(
        "条件中不能用中文标点 `{char}`",
        "full-width or Chinese punctuation `{char}` in the condition",
        "列表中的各项用半角逗号 `,` 分隔",
        "separate list items with the ASCII comma `,`",
    ),
    "condition.syntax.fullwidth_space": Message(
        "条件中有全角空格", "full-width space in the condition", "请改用半角空格", "use an ASCII space"
    ),
    "condition.syntax.fullwidth_symbol": Message(
        "条件中不能用全角符号 `{char}`",
        "full-width character `{char}` in the condition",
        "请改用半角符号 `{ascii}`",
        "write the ASCII character `{ascii}`",
    ),
    "condition.syntax.non_ascii_name": Message(
        "条件中的名称只能用英文字母、数字和下划线，不能用 `{char}`",
        "names in conditions are written in ASCII letters, digits and `_`, not `{char}`",
        "事实、参数、群体和事项用英文编码书写；中文写在引号外的 zh: 字段",
        "facts, parameters, groups and matters are written by their codes; Chinese goes in `zh:`",
    ),
    "condition.syntax.unterminated_string": Message(
        "引号没有结束：`{text}`",
        "the quoted text `{text}` is not closed",
        "在文字结尾补上同样的引号 `{quote}`",
        "end the text with the same quote `{quote}`",
    ),
    "condition.syntax.expected": Message(
        "此处应为{what_zh}，但{found_zh}", "expected {what} but found {found}"
    ),
    "condition.syntax.expected_value": Message(
        "此处应为一个值，但{found_zh}", "expected a value but found {found}"
    ),
    "condition.syntax.trailing": Message(
        "条件在此处多出 `{found}`",
        "unexpected `{found}`",
        "多个条件之间用 `and` 或 `or` 连接",
        "join conditions with `and` or `or`",
    ),
    "condition.syntax.list_literal": Message(
        "列表中只能写具体的值（数字、日期、引号中的代码）",
        "a list may only hold literal values",
        "例如 ['labour_remuneration', 'injury_work']",
        "e.g. ['labour_remuneration', 'injury_work']",
    ),
    "condition.syntax.bad_date": Message(
        "`{text}` 不是有效的日期",
        "`{text}` is not a calendar date",
        "日期写作 年-月-日，例如 2023-01-01",
        "write dates as year-month-day, e.g. 2023-01-01",
    ),
    "condition.syntax.unknown_function": Message(
        "没有名为 `{name}` 的函数", "unknown function `{name}`", _FUNCTIONS_ZH, _FUNCTIONS_EN
    ),
    "condition.syntax.unknown_name": Message(
        "不能识别的名称 `{name}`",
        "unknown name `{name}`",
        "事实以 {roots} 开头；参数是单个词",
        "facts start with {roots}; parameters are single words",
    ),
    "condition.syntax.too_deep": Message(
        "条件嵌套过深（超过 {limit} 层）",
        "the condition nests too deeply (more than {limit} levels)",
        "请拆分为几条规则，用 rule(规则编号) 引用",
        "split it into several rules and refer to them with rule(id)",
    ),
    # -- the checker: the problem code is the first two parts of the message id ------------------
    "condition.unknown_fact": Message("未知的事实 `{name}`", "unknown fact `{name}`"),
    "condition.unknown_parameter": Message("未知的参数 `{name}`", "unknown parameter `{name}`"),
    "condition.unknown_group": Message("未知的群体 `{name}`", "unknown group `{name}`"),
    "condition.unknown_rule": Message("未知的规则 `{name}`", "unknown rule `{name}`"),
    "condition.unknown_code.matter": Message("未知的事项代码 `{name}`", "unknown matter code `{name}`"),
    "condition.unknown_code.region": Message("未知的地区 `{name}`", "unknown region `{name}`"),
    "condition.unknown_code.value": Message("{what_zh}没有取值 `{name}`", "unknown {what} value `{name}`"),
    "condition.not_boolean": Message(
        "{kind_zh}不是“是/否”条件",
        "`{kind}` is not a yes/no condition",
        "请与某个值比较，例如 `x >= 60`",
        "compare it with something, e.g. `x >= 60`",
    ),
    "condition.type.year_of": Message(
        "year() 的参数应为日期，不能是{kind_zh}", "year() takes a date, not {kind}"
    ),
    "condition.type.condition_as_value": Message(
        "此处需要一个值，不能用“是/否”条件", "a yes/no condition cannot be used as a value here"
    ),
    "condition.type.arithmetic": Message(
        "不能对{left_zh}和{right_zh}做 `{op}` 运算", "cannot compute `{op}` on {left} and {right}"
    ),
    "condition.type.add_mixed": Message(
        "{left_zh}和{right_zh}不能相加或相减", "cannot add or subtract {left} and {right}"
    ),
    "condition.type.money_times_money": Message("金额不能乘以金额", "cannot multiply money by money"),
    "condition.type.number_over_money": Message("数字不能除以金额", "cannot divide a number by money"),
    "condition.type.unordered": Message(
        "`{op}` 只能比较金额、数字或日期，不能比较{kind_zh}",
        "`{op}` compares amounts, numbers or dates, not {kind}",
        "请用 `==`、`!=` 或 `in [...]`",
        "use `==`, `!=` or `in [...]`",
    ),
    "condition.type.mismatch": Message("{left_zh}不能与{right_zh}比较", "cannot compare {left} with {right}"),
    "condition.hint.did_you_mean": Message("是否应为 `{name}`？", "did you mean `{name}`?"),
}
"""Every message of the condition language by id: the parser's (``condition.syntax.*``, the id
is the problem code) and the checker's (the problem code is the id's first two parts). A
catalogue test checks that each has zh and en texts naming the same arguments."""

KINDS: Final[Mapping[str, tuple[str, str]]] = {
    "money": ("金额", "money"),
    "number": ("数字", "a number"),
    "bool": ("是/否", "yes/no"),
    "date": ("日期", "a date"),
    "text": ("文字", "text"),
    "matter": ("事项代码", "matter"),
    "region": ("地区", "region"),
    "criminal role": ("刑事诉讼身份", "criminal role"),
    "criminal stage": ("刑事诉讼阶段", "criminal stage"),
    "notifier": ("通知机关", "notifier"),
    "possible sentence": ("可能判处的刑罚", "possible sentence"),
    "household registration": ("户籍性质", "household registration"),
    "instance": ("审级", "instance"),
    "case category": ("案件类别", "case category"),
}
"""(zh, en) names of the kinds of value a condition compares, by kind or coded type."""

END_OF_CONDITION: Final = "the end of the condition"
"""What ``found`` says when the condition ended where more was expected."""


def texts(code: str, **args: str) -> Texts:
    """The texts of message ``code`` with ``args`` filled in.

    ``found`` (the text found where something else was expected) also fills ``found_zh``.
    """
    m = MESSAGES[code]
    if "found" in args and "found_zh" not in args:
        found = args["found"]
        args["found_zh"] = "条件已经结束" if found == END_OF_CONDITION else f"遇到 {found}"
    return Texts(
        m.zh.format(**args),
        m.en.format(**args),
        None if m.hint_zh is None else m.hint_zh.format(**args),
        None if m.hint_en is None else m.hint_en.format(**args),
    )
