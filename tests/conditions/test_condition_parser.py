"""The condition language's parser: precedence, spans, `not in`, dates, and every error code.

Each error fixture gives the condition, the expected code and the text the error must point at
(the column is where that text starts), so no column is counted by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legalaid_rules.conditions import ParseError, parse
from legalaid_rules.conditions.facts import FACTS
from legalaid_rules.conditions.messages import MESSAGES
from legalaid_rules.conditions.parser import FACT_ROOTS, MAX_DEPTH
from legalaid_rules.conditions.syntax import (
    All,
    Any_,
    Arith,
    Compare,
    FactRef,
    GroupTest,
    InList,
    Listed,
    Lit,
    Node,
    Not,
    ParamRef,
    RuleRef,
    YearOf,
    walk,
)
from legalaid_rules.errors import ConditionError, LegalAidRulesError
from legalaid_rules.i18n import use_language


def shape(node: Node) -> object:
    """The tree without spans, as nested tuples: easy to compare with an expectation."""
    if isinstance(node, All):
        return ("and", *(shape(i) for i in node.items))
    if isinstance(node, Any_):
        return ("or", *(shape(i) for i in node.items))
    if isinstance(node, Not):
        return ("not", shape(node.item))
    if isinstance(node, Compare | Arith):
        return (node.op, shape(node.left), shape(node.right))
    if isinstance(node, InList):
        return ("not in" if node.negated else "in", shape(node.item), [c.value for c in node.choices])
    if isinstance(node, FactRef):
        return node.path
    if isinstance(node, ParamRef):
        return f"${node.name}"
    if isinstance(node, Lit):
        return node.value
    if isinstance(node, GroupTest):
        return (node.test, node.group)
    if isinstance(node, RuleRef):
        return ("rule", node.rule)
    if isinstance(node, YearOf):
        return ("year", shape(node.arg))
    assert isinstance(node, Listed)
    return ("listed",)


# -- precedence ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # or binds loosest, then and
        ("a or b and c", ("or", "$a", ("and", "$b", "$c"))),
        ("a and b or c", ("or", ("and", "$a", "$b"), "$c")),
        ("a or b or c", ("or", "$a", "$b", "$c")),
        # not binds tighter than and, looser than comparisons
        ("not a and b", ("and", ("not", "$a"), "$b")),
        ("not applicant.age < 18", ("not", ("<", "applicant.age", 18))),
        ("not not a", ("not", ("not", "$a"))),
        # brackets override
        ("(a or b) and c", ("and", ("or", "$a", "$b"), "$c")),
        ("not (a or b)", ("not", ("or", "$a", "$b"))),
        # arithmetic: * and / before + and -, all left-associative, all before comparisons
        ("x < 1 + 2 * y", ("<", "$x", ("+", 1, ("*", 2, "$y")))),
        ("x < (1 + 2) * y", ("<", "$x", ("*", ("+", 1, 2), "$y"))),
        ("x - 1 - 2 > 0", (">", ("-", ("-", "$x", 1), 2), 0)),
        ("x / 2 / 4 > 0", (">", ("/", ("/", "$x", 2), 4), 0)),
        ("1 + 2 == 3 and x", ("and", ("==", ("+", 1, 2), 3), "$x")),
        # negative and decimal literals
        ("x > -1.50", (">", "$x", Decimal("-1.50"))),
        ("x > 0 - 1", (">", "$x", ("-", 0, 1))),
        # functions
        ("proven(elderly) or member(minor)", ("or", ("proven", "elderly"), ("member", "minor"))),
        ("listed(matter) and rule(art25.notified)", ("and", ("listed",), ("rule", "art25.notified"))),
        ("year(case.closed_on) == 2022", ("==", ("year", "case.closed_on"), 2022)),
        # literals
        ("applicant.fixed_income_source == false", ("==", "applicant.fixed_income_source", False)),
        ("x == true", ("==", "$x", True)),
        ('matter == "wages"', ("==", "matter", "wages")),
        ("matter == '欠薪'", ("==", "matter", "欠薪")),
    ],
)
def test_precedence_and_shape(text: str, expected: object) -> None:
    assert shape(parse(text)) == expected


def test_in_and_not_in() -> None:
    assert shape(parse("matter in ['a', 'b']")) == ("in", "matter", ["a", "b"])
    assert shape(parse("matter not in ['a']")) == ("not in", "matter", ["a"])
    assert shape(parse("matter in []")) == ("in", "matter", [])
    # `not x in [...]` is `not (x in [...])`: the same truth, a different tree
    assert shape(parse("not matter in ['a']")) == ("not", ("in", "matter", ["a"]))
    assert shape(parse("x in [1, -2, 2.5]")) == ("in", "$x", [1, -2, Decimal("2.5")])


def test_dates_are_calendar_dates() -> None:
    node = parse("case.approved_on >= 2021-10-01")
    assert isinstance(node, Compare) and isinstance(node.right, Lit)
    assert node.right.value == dt.date(2021, 10, 1)
    leap = parse("case.approved_on == 2024-02-29")
    assert isinstance(leap, Compare) and isinstance(leap.right, Lit)
    assert leap.right.value == dt.date(2024, 2, 29)


def test_numbers_are_exact() -> None:
    node = parse("x == 0.1")
    assert isinstance(node, Compare) and isinstance(node.right, Lit)
    assert node.right.value == Decimal("0.1") and isinstance(node.right.value, Decimal)
    whole = parse("x == 90")
    assert isinstance(whole, Compare) and isinstance(whole.right, Lit)
    assert whole.right.value == 90 and type(whole.right.value) is int


# -- spans -----------------------------------------------------------------------------------


def test_every_span_quotes_its_own_text() -> None:
    text = "(proven(elderly) or applicant.age >= 60) and matter not in ['a', 'b'] and x < 2 * y"
    quoted = {text[slice(*n.span)] for n in walk(parse(text))}
    assert {
        "proven(elderly)",
        "applicant.age >= 60",
        "applicant.age",
        "60",
        "matter not in ['a', 'b']",
        "'a'",
        "'b'",
        "x < 2 * y",
        "2 * y",
        "y",
        text,
    } <= quoted
    any_ = parse(text)
    assert isinstance(any_, All)
    # a bracketed group's span is its inside, without the brackets
    assert text[slice(*any_.items[0].span)] == "proven(elderly) or applicant.age >= 60"


def test_spans_over_several_lines() -> None:
    text = "matter == 'a'\n  and applicant.age\n      >= 60"
    node = parse(text)
    assert isinstance(node, All)
    assert text[slice(*node.items[1].span)] == "applicant.age\n      >= 60"


def test_negative_literal_span_includes_the_sign() -> None:
    text = "x > -5"
    node = parse(text)
    assert isinstance(node, Compare)
    assert text[slice(*node.right.span)] == "-5"


# -- errors ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    text: str
    code: str
    at: str  # the text the error points at: its first occurrence, unless `nth` says otherwise
    hint: str | None = None  # a fragment the English hint must contain
    nth: int = 1

    @property
    def offset(self) -> int:
        pos = -1
        for _ in range(self.nth):
            pos = self.text.index(self.at, pos + 1)
        return pos


DEEP = "(" * 150 + "applicant.age > 1" + ")" * 150

BAD = [
    Bad("", "condition.syntax.empty", ""),
    Bad("   ", "condition.syntax.empty", ""),
    Bad(
        "applicant.age >= 60 且 applicant.disabled",
        "condition.syntax.chinese_operator",
        "且",
        "`and`",
    ),
    Bad("a 并且 b", "condition.syntax.chinese_operator", "并且", "`and`"),
    Bad("a 或 b", "condition.syntax.chinese_operator", "或", "`or`"),
    Bad("a 或者 b", "condition.syntax.chinese_operator", "或者", "`or`"),
    Bad("非 a", "condition.syntax.chinese_operator", "非", "`not`"),
    Bad("x ＝ 1", "condition.syntax.single_equals", "＝", "`==`"),
    Bad("matter = 'wages'", "condition.syntax.single_equals", "=", "`==`"),
    Bad("(a = 1)", "condition.syntax.single_equals", "=", "`==`"),
    Bad("year(x = 1)", "condition.syntax.single_equals", "=", "`==`"),
    Bad("a and = 1", "condition.syntax.single_equals", "=", "`==`"),
    Bad("（a or b) and c", "condition.syntax.fullwidth_parenthesis", "（", "`(`"),
    Bad("(a or b） and c", "condition.syntax.fullwidth_parenthesis", "）", "`)`"),
    Bad("household.size >= ３", "condition.syntax.fullwidth_digit", "３", "`3`"),
    Bad("matter == ‘wages’", "condition.syntax.fullwidth_quote", "‘", "single quotes"),
    Bad("matter == “wages”", "condition.syntax.fullwidth_quote", "“", "single quotes"),
    Bad("matter in ['a'，'b']", "condition.syntax.fullwidth_comma", "，", "`,`"),
    Bad("matter in ['a'、'b']", "condition.syntax.fullwidth_comma", "、", "`,`"),
    Bad("x\u3000> 1", "condition.syntax.fullwidth_space", "\u3000", "ASCII space"),
    Bad("x ＜ 1", "condition.syntax.fullwidth_symbol", "＜", "`<`"),
    Bad("x ＞= 1", "condition.syntax.fullwidth_symbol", "＞", "`>`"),
    Bad("最低生活保障标准 > 1", "condition.syntax.non_ascii_name", "最", "codes"),
    Bad("a && b", "condition.syntax.symbol_operator", "&", "`and`"),
    Bad("a || b", "condition.syntax.symbol_operator", "|", "`and`"),
    Bad("!a", "condition.syntax.symbol_operator", "!", "`not`"),
    Bad("x > 1 # note", "condition.syntax.unexpected_character", "#"),
    Bad("matter == 'wages", "condition.syntax.unterminated_string", "'", "`'`"),
    Bad('matter == "wages', "condition.syntax.unterminated_string", '"', '`"`'),
    Bad("(a or b", "condition.syntax.expected", "", nth=1),
    Bad("matter in 'a'", "condition.syntax.expected", "'a'"),
    Bad("matter in ['a' 'b']", "condition.syntax.expected", "'b'"),
    Bad("listed(application)", "condition.syntax.expected", "application"),
    Bad("proven('elderly')", "condition.syntax.expected", "'elderly'"),
    Bad("rule(1)", "condition.syntax.expected", "1"),
    Bad("x < 2 * * y", "condition.syntax.expected_value", "* y"),
    Bad("a and", "condition.syntax.expected_value", ""),
    Bad("a b", "condition.syntax.trailing", "b", "`and` or `or`"),
    Bad("(a) (b)", "condition.syntax.trailing", "(b", "`and` or `or`"),
    Bad("matter in [x]", "condition.syntax.list_literal", "x"),
    Bad("matter in ['a', x.y]", "condition.syntax.unknown_name", "x.y"),
    Bad("case.closed_on > 2023-02-30", "condition.syntax.bad_date", "2023-02-30", "year-month-day"),
    Bad("case.closed_on > 2023-13-01", "condition.syntax.bad_date", "2023-13-01", "year-month-day"),
    Bad("month(case.closed_on) == 1", "condition.syntax.unknown_function", "month", "year(date)"),
    Bad(
        "applicant.x.y == 1 and houshold.size > 1", "condition.syntax.unknown_name", "houshold", "`household`"
    ),
    Bad(DEEP, "condition.syntax.too_deep", "(", "rule(id)", nth=MAX_DEPTH + 1),
    Bad("not " * 150 + "a", "condition.syntax.too_deep", "not", "rule(id)", nth=MAX_DEPTH + 1),
    Bad("x > " + " + ".join(["1"] * 200), "condition.syntax.too_deep", "1", "rule(id)"),
]
"""One fixture per way a condition can fail to parse (the last fixture of each code counts)."""


def _fix_empty_at(bad: Bad) -> int:
    # "" marks "the end of the condition" except for an empty condition, which points at its start
    if bad.at == "":
        return 0 if not bad.text.strip() else len(bad.text)
    return bad.offset


@pytest.mark.parametrize("bad", BAD, ids=[f"{b.code.rsplit('.', 1)[1]}:{b.text[:24]}" for b in BAD])
def test_parse_error_code_and_column(bad: Bad) -> None:
    with pytest.raises(ParseError) as info:
        parse(bad.text)
    error = info.value
    assert error.code == bad.code
    assert error.offset == _fix_empty_at(bad), (error.offset, str(error))
    assert (error.line, error.column) == (1, error.offset + 1)
    # one located problem, with the same code; str() is the message, never a tuple
    (problem,) = error.problems
    assert problem.code == bad.code and problem.location.column == error.column
    assert str(error) == error.message == error.en  # the test session reads English
    assert error.zh and error.en and not error.zh.isascii()
    if bad.hint is not None:
        assert error.hint_en is not None and bad.hint in error.hint_en
        assert error.hint_zh and not error.hint_zh.isascii() and error.hint == error.hint_en


def test_a_multi_line_condition_error_has_its_line_and_column() -> None:
    text = "matter == 'wages'\n  and applicant.age >= 60\n  且 applicant.disabled"
    with pytest.raises(ParseError) as info:
        parse(text)
    error = info.value
    assert (error.line, error.column, error.offset) == (3, 3, text.index("且"))
    assert str(error.problems[0]).startswith("<condition>:3:3: ")


def test_parse_errors_read_in_chinese_by_default_for_staff() -> None:
    with use_language("zh"), pytest.raises(ParseError) as info:
        parse("x ＝ 1")
    error = info.value
    assert str(error) == error.zh == "比较是否相等要用 `==`，不能用 `＝`"
    assert error.hint == error.hint_zh == "请写作 `==`（两个半角等号）"
    assert (
        str(error.problems[0])
        == "<condition>:1:3: 比较是否相等要用 `==`，不能用 `＝` (hint: 请写作 `==`（两个半角等号）)"
    )


def test_every_parser_message_code_has_a_fixture() -> None:
    assert {b.code for b in BAD} == {key for key in MESSAGES if key.startswith("condition.syntax.")}


def test_parse_error_is_in_the_error_tree() -> None:
    with pytest.raises(LegalAidRulesError) as info:
        parse("a 且 b")
    assert isinstance(info.value, ConditionError) and isinstance(info.value, ValueError)
    assert info.value.codes == ("condition.syntax.chinese_operator",)


def test_fact_roots_come_from_the_fact_table() -> None:
    assert {
        "application", "applicant", "household", "locality", "criminal", "urgency", "case", "matter"
    } == FACT_ROOTS  # fmt: skip
    for path in FACTS:
        assert isinstance(parse(path if "." in path else f"{path} == 'x'"), FactRef | Compare)


def test_deep_but_allowed_nesting_parses() -> None:
    ok = "(" * MAX_DEPTH + "applicant.age > 1" + ")" * MAX_DEPTH
    assert shape(parse(ok)) == (">", "applicant.age", 1)
    assert shape(parse("not " * MAX_DEPTH + "a"))


@settings(max_examples=300)
@given(
    st.lists(
        st.sampled_from(
            [*list("ab.()[]'\"=<>!&|-+*/, 0129_且或非（），＝１“"), "and ", "or ", "not ", "in "]
        ),
        max_size=40,
    ).map("".join)
)
def test_any_text_parses_or_gives_a_parse_error(text: str) -> None:
    """Whatever is typed, the parser returns a tree or a located ParseError: never another exception."""
    try:
        node = parse(text)
    except ParseError as error:
        assert 0 <= error.offset <= len(text)
    else:
        for n in walk(node):
            assert 0 <= n.span[0] <= n.span[1] <= len(text)
