"""The condition messages table: every message has Chinese and English texts that agree, and
every kind of value a message names has a Chinese name."""

from __future__ import annotations

import string

import pytest

from legalaid_rules.conditions.facts import FACTS
from legalaid_rules.conditions.messages import KINDS, MESSAGES, Message


def _fields(text: str | None) -> set[str]:
    if text is None:
        return set()
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _en_name(name: str) -> str:
    return name.removesuffix("_zh")


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_message_has_zh_and_en_with_the_same_arguments(code: str) -> None:
    m: Message = MESSAGES[code]
    assert code.startswith("condition.")
    assert m.zh and m.en and not m.zh.isascii()
    # a Chinese text names the same arguments as its English one (``x_zh`` stands for ``x``)
    assert {_en_name(n) for n in _fields(m.zh)} == _fields(m.en)
    assert (m.hint_zh is None) == (m.hint_en is None)
    assert {_en_name(n) for n in _fields(m.hint_zh)} == _fields(m.hint_en)
    # style: lower-case start and no final period in English; no final 。 in Chinese
    assert not m.en[0].isupper() and not m.en.endswith(".") and not m.zh.endswith("。")


def test_every_kind_of_the_fact_table_has_a_chinese_name() -> None:
    kinds = {fact.type.codes or fact.type.kind.value for fact in FACTS.values()}
    assert kinds <= set(KINDS), sorted(kinds - set(KINDS))
    assert all(zh and en and not zh.isascii() for zh, en in KINDS.values())
