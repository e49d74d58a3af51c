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
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

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
)

__all__ = ["FACT_ROOTS", "ParseError", "parse"]

FACT_ROOTS: Final = frozenset(
    {"application", "applicant", "household", "locality", "criminal", "urgency", "case", "matter"}
)
"""Names that start a fact path; any other bare name is a pack parameter."""

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op><=|>=|==|!=|<|>|\+|-|\*|/|\(|\)|\[|\]|,)
    """,
    re.VERBOSE,
)
_KEYWORDS: Final = frozenset({"and", "or", "not", "in", "true", "false"})
_FUNCTIONS: Final = frozenset({"listed", "member", "proven", "rule", "year"})


@dataclass(frozen=True, slots=True)
class ParseError(Exception):
    """A condition that does not parse, with the offset of the offending text."""

    message: str
    offset: int
    hint: str | None = None


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            ch = text[pos]
            hint = "write `and`, `or`, `not` instead of symbols" if ch in "&|!" else None
            if ch in "，（）＜＞＝":
                hint = "use ASCII punctuation in conditions (full-width characters are not read)"
            raise ParseError(f"unexpected character `{ch}`", pos, hint)
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

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def take(self, kind: str, text: str | None = None) -> _Tok | None:
        t = self.tok
        if t.kind == kind and (text is None or t.text == text):
            self.i += 1
            return t
        return None

    def expect(self, kind: str, text: str | None = None, what: str | None = None) -> _Tok:
        t = self.take(kind, text)
        if t is None:
            found = "the end of the condition" if self.tok.kind == "end" else f"`{self.tok.text}`"
            raise ParseError(f"expected {what or text or kind} but found {found}", self.tok.start)
        return t

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise ParseError("the condition is empty", 0)
        node = self.or_expr()
        if self.tok.kind != "end":
            raise ParseError(
                f"unexpected `{self.tok.text}`",
                self.tok.start,
                "join conditions with `and` or `or`",
            )
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
            item = self.not_expr()
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
        if op.kind == "op" and op.text == "=":  # pragma: no cover - the tokenizer has no `=`
            raise ParseError("use `==` to compare", op.start)
        return left

    def list_literal(self) -> tuple[Lit, ...]:
        self.expect("op", "[", "a list such as ['a', 'b']")
        items: list[Lit] = []
        if not self.take("op", "]"):
            while True:
                item = self.primary()
                if not isinstance(item, Lit):
                    raise ParseError("a list may only hold literal values", self.prev_start())
                items.append(item)
                if self.take("op", "]"):
                    break
                self.expect("op", ",", "`,` or `]`")
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
                raise ParseError(f"`{t.text}` is not a calendar date", t.start) from None
        if t.kind == "string":
            return Lit(t.text[1:-1], span)
        if t.kind in ("true", "false"):
            return Lit(t.kind == "true", span)
        if t.kind == "op" and t.text == "(":
            inner = self.or_expr()
            self.expect("op", ")", "`)`")
            return inner
        if t.kind == "name":
            if self.take("op", "("):
                return self.call(t)
            return self.name(t)
        self.i -= 1
        found = "the end of the condition" if t.kind == "end" else f"`{t.text}`"
        raise ParseError(f"expected a value but found {found}", t.start)

    def call(self, fn: _Tok) -> Node:
        if fn.text not in _FUNCTIONS:
            raise ParseError(
                f"unknown function `{fn.text}`",
                fn.start,
                "the functions are listed(matter), member(group), proven(group), rule(id), year(date)",
            )
        if fn.text == "year":
            arg = self.sum_expr()
            self.expect("op", ")", "`)`")
            return YearOf(arg, (fn.start, self.prev_end()))  # type: ignore[arg-type]
        if fn.text == "listed":
            self.expect("name", "matter", "`matter`")
            self.expect("op", ")", "`)`")
            return Listed((fn.start, self.prev_end()))
        arg_tok = self.expect("name", what=f"a {'rule id' if fn.text == 'rule' else 'group id'}")
        self.expect("op", ")", "`)`")
        span = (fn.start, self.prev_end())
        if fn.text == "rule":
            return RuleRef(arg_tok.text, span)
        return GroupTest(fn.text, arg_tok.text, span)  # type: ignore[arg-type]

    def name(self, t: _Tok) -> ValueNode:
        root = t.text.split(".", 1)[0]
        if root in FACT_ROOTS:
            return FactRef(t.text, (t.start, t.end))
        if "." in t.text:
            raise ParseError(
                f"unknown name `{t.text}`",
                t.start,
                "facts start with "
                + ", ".join(f"`{r}`" for r in sorted(FACT_ROOTS))
                + "; parameters are single words",
            )
        return ParamRef(t.text, (t.start, t.end))

    def prev_end(self) -> int:
        return self.toks[self.i - 1].end

    def prev_start(self) -> int:
        return self.toks[self.i - 1].start


def parse(text: str) -> Node:
    """Parse a condition.

    Raises:
        ParseError: with the offset of the first problem.
    """
    return _Parser(text).parse()
