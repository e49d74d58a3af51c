"""Validation errors as located problems, in the reader's language (outside the packs).

pydantic writes its errors in English, and :class:`~pydantic_core.PydanticCustomError` keeps its
English template; this module is the one place where they become
:class:`~legalaid_rules.errors.Problem` s, each message chosen by the error's type and written
through the catalogues at the moment the problem is made. The field path is the problem's
location, never repeated in its message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from legalaid_rules.applications import REFUSAL_HINTS, REFUSALS, Incoherent, shown_value
from legalaid_rules.errors import Location, Problem
from legalaid_rules.i18n import N_, _

__all__ = ["field_problems"]


# pydantic's own error types (its English wording, lower case): translated by type, here only
_KNOWN: dict[str, str | tuple[str, str, str]] = {
    "missing": N_("field required"),
    "extra_forbidden": N_("extra inputs are not permitted"),
    "greater_than": N_("input should be greater than {gt}"),
    "greater_than_equal": N_("input should be greater than or equal to {ge}"),
    "less_than": N_("input should be less than {lt}"),
    "less_than_equal": N_("input should be less than or equal to {le}"),
    "multiple_of": N_("input should be a multiple of {multiple_of}"),
    "finite_number": N_("input should be a finite number"),
    "too_short": (
        N_("the list should have at least {min_length} item, not {actual_length}"),
        N_("the list should have at least {min_length} items, not {actual_length}"),
        "min_length",
    ),
    "too_long": (
        N_("the list should have at most {max_length} item, not {actual_length}"),
        N_("the list should have at most {max_length} items, not {actual_length}"),
        "max_length",
    ),
    "string_type": N_("input should be a valid string"),
    "string_unicode": N_("input should be a valid string, unable to parse raw data as a unicode string"),
    "string_too_short": (
        N_("string should have at least {min_length} character"),
        N_("string should have at least {min_length} characters"),
        "min_length",
    ),
    "string_too_long": (
        N_("string should have at most {max_length} character"),
        N_("string should have at most {max_length} characters"),
        "max_length",
    ),
    "string_pattern_mismatch": N_("string should match pattern `{pattern}`"),
    "enum": N_("input should be {expected}"),
    "literal_error": N_("input should be {expected}"),
    "model_type": N_("input should be an object with the fields of {class_name}"),
    "model_attributes_type": N_("input should be a valid dictionary or object to extract fields from"),
    "dict_type": N_("input should be a valid dictionary"),
    "list_type": N_("input should be a valid list"),
    "tuple_type": N_("input should be a valid tuple"),
    "bool_type": N_("input should be a valid boolean"),
    "bool_parsing": N_("input should be a valid boolean, unable to interpret input"),
    "int_type": N_("input should be a valid integer"),
    "int_parsing": N_("input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": N_("input should be a valid integer, got a number with a fractional part"),
    "float_type": N_("input should be a valid number"),
    "float_parsing": N_("input should be a valid number, unable to parse string as a number"),
    "decimal_type": N_("decimal input should be an integer, float, string or Decimal object"),
    "decimal_parsing": N_("input should be a valid decimal"),
    "decimal_max_digits": (
        N_("decimal input should have no more than {max_digits} digit in total"),
        N_("decimal input should have no more than {max_digits} digits in total"),
        "max_digits",
    ),
    "decimal_max_places": (
        N_("decimal input should have no more than {decimal_places} decimal place"),
        N_("decimal input should have no more than {decimal_places} decimal places"),
        "decimal_places",
    ),
    "decimal_whole_digits": (
        N_("decimal input should have no more than {whole_digits} digit before the decimal point"),
        N_("decimal input should have no more than {whole_digits} digits before the decimal point"),
        "whole_digits",
    ),
    "date_type": N_("input should be a valid date"),
    "date_parsing": N_("input should be a valid date in the format YYYY-MM-DD ({error})"),
    "date_from_datetime_parsing": N_("input should be a valid date or datetime ({error})"),
    "date_from_datetime_inexact": N_("a date is expected, not a time of day"),
    "datetime_type": N_("input should be a valid datetime"),
    "datetime_parsing": N_("input should be a valid datetime ({error})"),
    "datetime_from_date_parsing": N_("input should be a valid datetime or date ({error})"),
    "timezone_aware": N_("input should have timezone info"),
    "timezone_naive": N_("input should not have timezone info"),
    "none_required": N_("input should be null"),
    "union_tag_invalid": N_("`{tag}` is not one of the expected kinds: {expected_tags}"),
    "union_tag_not_found": N_("the kind cannot be told: `{discriminator}` is missing"),
    "is_instance_of": N_("input should be an instance of {class}"),
    "json_invalid": N_("invalid JSON ({error})"),
}


def field_problems(errors: Iterable[Any], family: str, root: str | None = None) -> list[Problem]:
    """pydantic's errors as located problems in the reader's language: one per error.

    The one translator of validation errors outside the packs (the application, the service's
    request bodies, a reassessment's changes, a trace record): the message is chosen by the
    error's type (pydantic's own, a refusal code of :mod:`legalaid_rules.applications`, or an
    :class:`~legalaid_rules.applications.Incoherent` combination) and written through the
    catalogues; the field path is the location only, never repeated in the message.

    Args:
        errors: ``ValidationError.errors()`` (or FastAPI's, which have the same keys).
        family: the code prefix (``application`` gives ``application.missing``).
        root: a path the locations start with (``changes``), if any.
    """
    out = []
    for e in errors:
        path = _dotted(e.get("loc", ()))
        if root is not None:
            path = f"{root}.{path}" if path else root
        kind = str(e.get("type", "value_error"))
        message, hint = _message(kind, e)
        out.append(Problem(f"{family}.{kind}", message, Location(path=path or None), hint))
    return out


def _message(kind: str, error: Mapping[str, Any]) -> tuple[str, str | None]:
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if kind in REFUSALS and "got" in ctx:
        hint = REFUSAL_HINTS.get(kind)
        got = shown_value(error.get("input"), _)
        return _(REFUSALS[kind]).format(got=got), _(hint) if hint else None
    if kind == "value_error":
        cause = ctx.get("error")
        if isinstance(cause, Incoherent):
            return _(cause.template).format(**cause.values), None
        text = str(cause) if cause is not None else str(error.get("msg", ""))
        return text.removeprefix("Value error, "), None
    template = _KNOWN.get(kind)
    if isinstance(template, tuple):
        one, many, count = template
        template = one if str(ctx.get(count)) == "1" else many
    if template is not None:
        if kind in ("enum", "literal_error"):
            ctx["expected"] = _alternatives(str(ctx.get("expected", "")))
        try:
            return _(template).format(**ctx), None
        except (KeyError, IndexError):
            pass
    msg = str(error.get("msg", ""))  # a type no message is written for (pydantic's English)
    return msg[:1].lower() + msg[1:], None


def _dotted(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _alternatives(expected: str) -> str:
    """pydantic's ``'a', 'b' or 'c'`` in the reader's language (``'a'、'b' 或 'c'``)."""
    items = re.findall(r"'(?:[^'\\]|\\.)*'", expected)
    if len(items) < 2:
        return expected
    return _("{items} or {last}").format(items=", ".join(items[:-1]), last=items[-1])
