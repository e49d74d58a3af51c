"""Parse condition text into a syntax tree. No ``eval``; a small recursive-descent parser.

The language, by example::

    household.per_capita_income < 2 * minimum_living_standard
    proven(elderly) and applicant.fixed_income_source == false
    matter in ['labour_remuneration', 'injury_work'] or rule(art25.notified_defence)
    not (criminal.stage in ['investigation', 'prosecution_review'])
    case.approved_on >= 2021-10-01 and year(case.closed_on) == 2022

Precedence, loosest first: ``or``, ``and``, ``not``, comparisons and ``in``, ``+ -``, ``* /``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from legalaid_rules.conditions.facts import FACTS
from legalaid_rules.conditions.messages import END_OF_CONDITION, texts
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
    ValueNode,
    YearOf,
    children,
)
from legalaid_rules.errors import ConditionError, Location, Problem

__all__ = ["FACT_ROOTS", "MAX_DEPTH", "ParseError", "parse"]

FACT_ROOTS: Final = frozenset(path.split(".", 1)[0] for path in FACTS)
"""Names that start a fact path (from the fact table); any other bare name is a pack parameter."""

MAX_DEPTH: Final = 32
"""How deeply a condition may nest: brackets, ``not`` and ``year(...)`` each open a level, at
most this many; the syntax tree itself (a long arithmetic chain nests without brackets) may be
at most twice as deep. Real conditions nest three or four levels; the limit keeps the parser,
the checker and every backend far from Python's recursion limit, so a deep condition is a
located error (``condition.syntax.too_deep``), never a crash.
"""

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op><=|>=|==|!=|<|>|\+|-|\*|/|\(|\)|\[|\]|,|=)
    """,
    re.VERBOSE | re.ASCII,
)
_KEYWORDS: Final = frozenset({"and", "or", "not", "in", "true", "false"})
_FUNCTIONS: Final = frozenset({"listed", "member", "proven", "rule", "year"})

# Chinese words for the operators, longest first so that 或者 is read before 或
_CHINESE_OPERATORS: Final = (
    ("并且", "and"),
    ("而且", "and"),
    ("或者", "or"),
    ("不是", "not"),
    ("且", "and"),
    ("与", "and"),
    ("和", "and"),
    ("或", "or"),
    ("非", "not"),
    ("不", "not"),
)
_QUOTES: Final = "‘’“”＇＂「」『』"
_COMMAS: Final = "，、；"


class ParseError(ConditionError):
    """A condition that does not parse: a stable ``code``, the ``offset`` of the offending
    text (0-based, in the whole condition), its 1-based ``line`` and ``column``, and the message
    in Chinese and English.

    ``str(error)`` is the message in the reader's language (``zh`` and ``en`` hold both);
    ``hint`` is the fix-it text. ``problems`` holds the one located problem.

    >>> from legalaid_rules.i18n import use_language
    >>> with use_language("zh"):
    ...     try:
    ...         parse("applicant.age >= 60 且 applicant.disabled")
    ...     except ParseError as error:
    ...         print(error.code, error.column)
    ...         print(error)
    ...         print(error.hint)
    ...         print(error.en)
    condition.syntax.chinese_operator 21
    条件中不能用中文“且”
    “且”请写作 `and`
    `且` is not an operator in conditions
    """

    def __init__(self, code: str, offset: int, **args: str) -> None:
        t = texts(code, **args)
        self.code = code
        self.offset = offset
        self.zh, self.en = t.zh, t.en
        self.hint_zh, self.hint_en = t.hint_zh, t.hint_en
        self.message, self.hint = t.message, t.hint
        self.line, self.column = 1, offset + 1
        super().__init__([self._problem()], self.message)

    def _problem(self) -> Problem:
        return Problem(self.code, self.message, Location("<condition>", self.line, self.column), self.hint)

    def _locate(self, text: str) -> None:
        """Turn the offset into a 1-based line and column of ``text`` (a condition may span lines)."""
        self.line = text.count("\n", 0, self.offset) + 1
        self.column = self.offset - (text.rfind("\n", 0, self.offset) + 1) + 1
        self.problems = (self._problem(),)


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str
    text: str
    start: int
    end: int


def _bad_character(text: str, pos: int) -> ParseError:
    """The most helpful error for a character the tokenizer cannot read."""
    ch = text[pos]
    for word, op in _CHINESE_OPERATORS:
        if text.startswith(word, pos):
            return ParseError("condition.syntax.chinese_operator", pos, char=word, word=op)
    if ch == "＝":
        return ParseError("condition.syntax.single_equals", pos, char=ch)
    if ch in "（）":
        return ParseError(
            "condition.syntax.fullwidth_parenthesis", pos, char=ch, ascii="()"["（）".index(ch)]
        )
    if "０" <= ch <= "９":
        return ParseError("condition.syntax.fullwidth_digit", pos, char=ch, ascii=str(ord(ch) - ord("０")))
    if ch in _QUOTES:
        return ParseError("condition.syntax.fullwidth_quote", pos, char=ch)
    if ch in _COMMAS:
        return ParseError("condition.syntax.fullwidth_comma", pos, char=ch)
    if ch in "'\"":
        close = text.find("\n", pos)
        rest = text[pos : None if close < 0 else close]
        return ParseError("condition.syntax.unterminated_string", pos, text=rest, quote=ch)
    if ch == "\u3000":
        return ParseError("condition.syntax.fullwidth_space", pos)
    if ch in "&|!":
        return ParseError("condition.syntax.symbol_operator", pos, char=ch)
    ascii_form = unicodedata.normalize("NFKC", ch)
    if ascii_form != ch and ascii_form.isascii() and ascii_form.isprintable():
        return ParseError("condition.syntax.fullwidth_symbol", pos, char=ch, ascii=ascii_form)
    if not ch.isascii() and (ch.isalpha() or ch == "_"):
        return ParseError("condition.syntax.non_ascii_name", pos, char=ch)
    return ParseError("condition.syntax.unexpected_character", pos, char=ch)


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise _bad_character(text, pos)
        kind = m.lastgroup or ""
        if kind != "ws":
            word = m.group()
            if kind == "name" and word in _KEYWORDS:
                kind = word
            out.append(_Tok(kind, word, m.start(), m.end()))
        pos = m.end()
    out.append(_Tok("end", "", len(text), len(text)))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def found(self, t: _Tok) -> str:
        return END_OF_CONDITION if t.kind == "end" else f"`{t.text}`"

    def take(self, kind: str, text: str | None = None) -> _Tok | None:
        t = self.tok
        if t.kind == kind and (text is None or t.text == text):
            self.i += 1
            return t
        return None

    def expect(self, kind: str, text: str, what: str, what_zh: str) -> _Tok:
        t = self.take(kind, text)
        if t is None:
            if self.tok.kind == "op" and self.tok.text == "=":
                raise ParseError("condition.syntax.single_equals", self.tok.start, char="=")
            raise ParseError(
                "condition.syntax.expected",
                self.tok.start,
                what=what,
                what_zh=what_zh,
                found=self.found(self.tok),
            )
        return t

    def nest(self, at: int) -> None:
        """Open one level of nesting at offset ``at``; refuse more than :data:`MAX_DEPTH`."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError("condition.syntax.too_deep", at, limit=str(MAX_DEPTH))

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise ParseError("condition.syntax.empty", 0)
        node = self.or_expr()
        if self.tok.kind != "end":
            if self.tok.kind == "op" and self.tok.text == "=":
                raise ParseError("condition.syntax.single_equals", self.tok.start, char="=")
            raise ParseError("condition.syntax.trailing", self.tok.start, found=self.tok.text)
        _check_depth(node)
        return node

    def or_expr(self) -> Node:
        start = self.tok.start
        items = [self.and_expr()]
        while self.take("or"):
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Any_(tuple(items), (start, self.prev_end()))  # type: ignore[arg-type]

    def and_expr(self) -> Node:
        start = self.tok.start
        items = [self.not_expr()]
        while self.take("and"):
            items.append(self.not_expr())
        return items[0] if len(items) == 1 else All(tuple(items), (start, self.prev_end()))  # type: ignore[arg-type]

    def not_expr(self) -> Node:
        start = self.tok.start
        if self.take("not"):
            self.nest(start)
            item = self.not_expr()
            self.depth -= 1
            return Not(item, (start, self.prev_end()))  # type: ignore[arg-type]
        return self.comparison()

    def comparison(self) -> Node:
        start = self.tok.start
        left = self.sum_expr()
        op = self.tok
        if op.kind == "op" and op.text in ("<", "<=", ">", ">=", "==", "!="):
            self.i += 1
            right = self.sum_expr()
            return Compare(op.text, left, right, (start, self.prev_end()))  # type: ignore[arg-type]
        if op.kind == "in" or (op.kind == "not" and self.toks[self.i + 1].kind == "in"):
            negated = op.kind == "not"
            self.i += 2 if negated else 1
            choices = self.list_literal()
            return InList(left, choices, negated, (start, self.prev_end()))  # type: ignore[arg-type]
        if op.kind == "op" and op.text == "=":
            raise ParseError("condition.syntax.single_equals", op.start, char="=")
        return left

    def list_literal(self) -> tuple[Lit, ...]:
        self.expect("op", "[", "a list such as ['a', 'b']", "列表，例如 ['a', 'b']")
        items: list[Lit] = []
        if not self.take("op", "]"):
            while True:
                item = self.unary()
                if not isinstance(item, Lit):
                    raise ParseError("condition.syntax.list_literal", item.span[0])
                items.append(item)
                if self.take("op", "]"):
                    break
                self.expect("op", ",", "`,` or `]`", "`,` 或 `]`")
        return tuple(items)

    def sum_expr(self) -> Node:
        start = self.tok.start
        left = self.product()
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            op = self.tok.text
            self.i += 1
            right = self.product()
            left = Arith(op, left, right, (start, self.prev_end()))  # type: ignore[arg-type]
        return left

    def product(self) -> Node:
        start = self.tok.start
        left = self.unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/"):
            op = self.tok.text
            self.i += 1
            right = self.unary()
            left = Arith(op, left, right, (start, self.prev_end()))  # type: ignore[arg-type]
        return left

    def unary(self) -> Node:
        t = self.tok
        if t.kind == "op" and t.text == "-" and self.toks[self.i + 1].kind == "number":
            self.i += 1
            num = self.primary()
            assert isinstance(num, Lit) and isinstance(num.value, int | Decimal)
            return Lit(-num.value, (t.start, num.span[1]))
        return self.primary()

    def primary(self) -> Node:
        t = self.tok
        self.i += 1
        span = (t.start, t.end)
        if t.kind == "number":
            return Lit(Decimal(t.text) if "." in t.text else int(t.text), span)
        if t.kind == "date":
            try:
                return Lit(dt.date.fromisoformat(t.text), span)
            except ValueError:
                raise ParseError("condition.syntax.bad_date", t.start, text=t.text) from None
        if t.kind == "string":
            return Lit(t.text[1:-1], span)
        if t.kind in ("true", "false"):
            return Lit(t.kind == "true", span)
        if t.kind == "op" and t.text == "(":
            self.nest(t.start)
            inner = self.or_expr()
            self.expect("op", ")", "`)`", "`)`")
            self.depth -= 1
            return inner
        if t.kind == "name":
            if self.take("op", "("):
                return self.call(t)
            return self.name(t)
        self.i -= 1
        if t.kind == "op" and t.text == "=":
            raise ParseError("condition.syntax.single_equals", t.start, char="=")
        raise ParseError("condition.syntax.expected_value", t.start, found=self.found(t))

    def call(self, fn: _Tok) -> Node:
        if fn.text not in _FUNCTIONS:
            raise ParseError("condition.syntax.unknown_function", fn.start, name=fn.text)
        if fn.text == "year":
            self.nest(fn.start)
            arg = self.sum_expr()
            self.expect("op", ")", "`)`", "`)`")
            self.depth -= 1
            return YearOf(arg, (fn.start, self.prev_end()))  # type: ignore[arg-type]
        if fn.text == "listed":
            self.expect("name", "matter", "`matter`", "`matter`")
            self.expect("op", ")", "`)`", "`)`")
            return Listed((fn.start, self.prev_end()))
        arg_tok = self.tok
        if arg_tok.kind != "name":
            what = ("a rule id", "规则编号") if fn.text == "rule" else ("a group id", "群体编号")
            raise ParseError(
                "condition.syntax.expected",
                arg_tok.start,
                what=what[0],
                what_zh=what[1],
                found=self.found(arg_tok),
            )
        self.i += 1
        self.expect("op", ")", "`)`", "`)`")
        span = (fn.start, self.prev_end())
        if fn.text == "rule":
            return RuleRef(arg_tok.text, span)
        return GroupTest(fn.text, arg_tok.text, span)  # type: ignore[arg-type]

    def name(self, t: _Tok) -> ValueNode:
        root = t.text.split(".", 1)[0]
        if root in FACT_ROOTS:
            return FactRef(t.text, (t.start, t.end))
        if "." in t.text:
            roots = ", ".join(f"`{r}`" for r in sorted(FACT_ROOTS))
            raise ParseError("condition.syntax.unknown_name", t.start, name=t.text, roots=roots)
        return ParamRef(t.text, (t.start, t.end))

    def prev_end(self) -> int:
        return self.toks[self.i - 1].end


def _check_depth(root: Node) -> None:
    """Refuse a syntax tree deeper than twice :data:`MAX_DEPTH` (long arithmetic chains nest
    without brackets). Iterative, so that the check itself cannot overflow the stack."""
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > 2 * MAX_DEPTH:
            raise ParseError("condition.syntax.too_deep", node.span[0], limit=str(MAX_DEPTH))
        # leftmost child on top, so the error points at the first too-deep part of the text
        stack.extend((child, depth + 1) for child in reversed(children(node)))


def parse(text: str) -> Node:
    """Parse a condition into its syntax tree.

    >>> parse("x > 1")
    Compare(op='>', left=ParamRef(name='x', span=(0, 1)), right=Lit(value=1, span=(4, 5)), span=(0, 5))

    Raises:
        ParseError: with the code and offset of the first problem, and a hint where one helps.
    """
    try:
        return _Parser(text).parse()
    except ParseError as error:
        error._locate(text)
        raise
