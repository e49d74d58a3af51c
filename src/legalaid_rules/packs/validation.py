"""Read a YAML file into a pydantic model, every problem located: the one reader of pack files
and pack-test files, and the one translator of pydantic's errors into plain-language problems."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from legalaid_rules.errors import Location, Problem, did_you_mean
from legalaid_rules.i18n import N_, _, language
from legalaid_rules.packs import schema
from legalaid_rules.packs.yaml_source import Marks, YamlDocument, read_yaml

__all__ = ["ModelRead", "problems_from_validation", "read_model"]


def _known_keys() -> list[str]:
    keys: set[str] = set()
    for obj in vars(schema).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            for name, f in obj.model_fields.items():
                keys.add(f.alias or name)
    return sorted(keys)


_KEYS = _known_keys()

_PLAIN = {
    "missing": N_("missing key `{key}`"),
    "extra_forbidden": N_("unknown key `{key}`"),
    "literal_error": N_("`{input}` is not allowed here: use one of {expected}"),
    "string_pattern_mismatch": N_("`{input}` is not a valid name here{names}"),
}
"""Whole messages, for errors about a key or a value as such."""

_NAMES = {
    schema.ENTRY_ID_PATTERN: N_(" (use a-z, 0-9 and _, parts joined by `.`)"),
    schema.PACK_ID_PATTERN: N_(" (use a-z, 0-9 and _, folders joined by `/`)"),
}
"""What a valid name looks like, by the pattern it must match (said after "not a valid name here")."""

_MUST = {
    "string_type": N_("should be text"),
    "int_type": N_("should be a whole number"),
    "int_parsing": N_("should be a whole number"),
    "int_from_float": N_("should be a whole number"),
    "bool_type": N_("should be true or false"),
    "bool_parsing": N_("should be true or false"),
    "date_type": N_("input should be a valid date, written YYYY-MM-DD"),
    "date_parsing": N_("input should be a valid date, written YYYY-MM-DD"),
    "date_from_datetime_parsing": N_("input should be a valid date, written YYYY-MM-DD"),
    "date_from_datetime_inexact": N_("input should be a valid date, written YYYY-MM-DD"),
    "decimal_type": N_("should be a number"),
    "decimal_parsing": N_("should be a number"),
    "float_type": N_("should be a number"),
    "float_parsing": N_("should be a number"),
    "finite_number": N_("should be a number"),
    "dict_type": N_("should be a mapping (`key: value` lines)"),
    "model_type": N_("should be a mapping (`key: value` lines)"),
    "model_attributes_type": N_("should be a mapping (`key: value` lines)"),
    "list_type": N_("should be a list"),
    "tuple_type": N_("should be a list"),
    "too_short": N_("should have at least {min_length} entries"),
    "string_too_short": N_("should not be empty"),
    "greater_than_equal": N_("should be at least {ge}"),
    "less_than_equal": N_("should be at most {le}"),
    "greater_than": N_("should be more than {gt}"),
    "less_than": N_("should be less than {lt}"),
    "union_tag_invalid": N_("is not one of the forms allowed here"),
}
"""What a value must be, said after the key it stands under (pydantic's error type -> message)."""


def problems_from_validation(
    exc: ValidationError,
    marks: Marks,
    *,
    prefix: str = "schema",
    keys_at: Callable[[tuple[Any, ...]], Iterable[str]] | None = None,
    names: str = "",
) -> list[Problem]:
    """One problem per pydantic error, located through the YAML marks.

    Args:
        exc: pydantic's error.
        marks: where each YAML node stands.
        prefix: the problem codes' prefix (``schema.extra_forbidden``).
        keys_at: the keys allowed where an unknown key stands (its path), for did-you-mean;
            default: every key of the pack format.
        names: what a valid name looks like, said after "not a valid name here" (pack ids and
            entry names say their own).
    """
    out: list[Problem] = []
    errors = exc.errors(include_url=False)
    inner = {tuple(e["loc"])[:i] for e in errors for i in range(len(e["loc"]))}
    for err in errors:
        loc: tuple[Any, ...] = tuple(err["loc"])
        etype = err["type"]
        if etype == "too_short" and loc in inner:
            continue  # a list left short only because an entry inside it is broken: said there
        is_key = bool(loc) and loc[-1] == "[key]"
        path = tuple(p for p in loc if p != "[key]")
        # pydantic adds the union member or a tag to the loc; keep only real YAML path parts
        path = tuple(
            p
            for p in path
            if not ((isinstance(p, str) and p[:1].isupper()) or (isinstance(p, str) and "[" in p))
        )
        key = str(path[-1]) if path else ""
        hint = None
        if etype == "extra_forbidden":
            location = marks.at(path, key=True)
            hint = did_you_mean(key, list(keys_at(path)) if keys_at else _KEYS)
        elif etype == "missing":
            location = marks.at(path[:-1])
        else:
            location = marks.at(path, key=is_key)
        out.append(Problem(f"{prefix}.{etype}", _message(err, key, path, names), location, hint))
    return _dedupe(out)


def _message(err: Any, key: str, path: tuple[Any, ...], names: str) -> str:
    """pydantic's error as a plain message in the reader's language."""
    etype, ctx = err["type"], err.get("ctx") or {}
    template = _PLAIN.get(etype)
    pattern = ctx.get("pattern")
    if etype == "string_pattern_mismatch" and pattern in _NAMES:  # a pack id or an entry's name
        names = _(_NAMES[pattern])
    if template:
        expected = ", ".join(f"`{c}`" for c in _choices(str(ctx.get("expected", ""))))
        return _(template).format(key=key, input=err.get("input"), expected=expected, names=names)
    if etype == "value_error" and "error" in ctx:
        said = str(ctx["error"])  # a validator's own message, written in the reader's language
    else:
        said = _known(etype, ctx) or _unknown(str(err["msg"]))
    if key and not isinstance(path[-1], int):
        return _("`{key}`: {problem}").format(key=key, problem=said)
    return said


def _known(etype: str, ctx: dict[str, Any]) -> str | None:
    """What the value must be, for the error types :data:`_MUST` knows (None for the others)."""
    if etype not in _MUST:
        return None
    try:
        return _(_MUST[etype]).format(**{k: str(v) for k, v in ctx.items()})
    except (KeyError, IndexError):  # a release of pydantic that names its bounds differently
        return None


def _unknown(msg: str) -> str:
    """An error type the table does not know: pydantic's own words (quoted, in Chinese)."""
    if language() == "en":
        return msg[:1].lower() + msg[1:]
    return _("does not fit the pack format (the checker says `{detail}`)").format(detail=msg)


def _choices(expected: str) -> list[str]:
    """pydantic's ``'law', 'regulation' or 'plan'`` (or ``1``) as the list of choices."""
    quoted = re.findall(r"'((?:[^'\\]|\\.)*)'", expected)
    return quoted or [c for c in re.split(r", | or ", expected) if c]


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: dict[str, Problem] = {}
    for p in problems:
        seen.setdefault(str(p), p)
    return list(seen.values())


M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class ModelRead(Generic[M]):
    """What :func:`read_model` found: the document (None if not YAML), the model (None if it does
    not validate) and every problem, YAML and schema alike."""

    document: YamlDocument | None
    model: M | None
    problems: list[Problem] = field(default_factory=list)
    error: ValidationError | None = None  # pydantic's own error, for callers that salvage


def read_model(
    path: Path,
    display: str,
    model: type[M],
    *,
    prefix: str = "schema",
    keys_at: Callable[[tuple[Any, ...]], Iterable[str]] | None = None,
    names: str = "",
) -> ModelRead[M]:
    """Read ``path`` safely as YAML and validate it as ``model``; problems located as ``display``.

    Args:
        path: the file.
        display: the file as messages name it.
        model: the pydantic model of the whole file.
        prefix, keys_at, names: as for :func:`problems_from_validation`.
    """
    try:
        raw = path.read_bytes()  # the YAML reader decodes it, with a hint for GBK, UTF-16 or NUL bytes
    except OSError as exc:
        code = f"{'pack' if prefix == 'schema' else prefix}.unreadable"
        return ModelRead(
            None,
            None,
            [Problem(code, _("cannot read the file: {reason}").format(reason=exc), Location(display))],
        )
    doc, problems = read_yaml(raw, display)
    if doc is None:
        return ModelRead(None, None, problems)
    try:
        return ModelRead(doc, model.model_validate(doc.data), problems)
    except ValidationError as exc:
        found = problems_from_validation(exc, doc.marks, prefix=prefix, keys_at=keys_at, names=names)
        return ModelRead(doc, None, problems + found, exc)
