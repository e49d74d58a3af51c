"""The input boundary for applications: untrusted bytes or text in, plain data or a located error out.

Every way an application enters the library from outside (the CLI's application files, the
audit's JSON lines, the HTTP service) reads it here, so that hostile or broken input always
ends as an :class:`~legalaid_rules.errors.ApplicationError` with a code and a location, never
as another exception:

- the bytes must be UTF-8 (a hint names GBK, UTF-16 or a NUL byte when the file is not);
- at most :data:`MAX_BYTES` bytes, nesting at most :data:`MAX_DEPTH` deep (checked without
  recursion *before* parsing, so 50,000 nested brackets are an error, not a ``RecursionError``)
  and numbers of at most :data:`MAX_DIGITS` digits (so a 5,000-digit integer is an error, not
  Python's ``ValueError`` for long integers);
- a key given twice in one object is an error (``json`` silently keeps the last one), and so
  are ``NaN``/``Infinity`` literals and lone UTF-16 surrogates;
- numbers with a fraction or exponent become ``Decimal`` from their text, never ``float``.

The application model (:mod:`legalaid_rules.applications`) then checks the types strictly (no
``"yes"`` for true, no timestamp for a date, money below 10^12 yuan with two decimals ...):
``to_application(read_json(raw, name))`` is the whole boundary, and ``evaluate`` checks every
place, the township included, against the pack.

>>> read_json(b'{"date": "2023-06-01", "household": {"monthly_income": 1800.50}}')
{'date': '2023-06-01', 'household': {'monthly_income': Decimal('1800.50')}}
>>> read_json('{"a": 1, "a": 2}', "app.json")
Traceback (most recent call last):
...
legalaid_rules.errors.ApplicationError: app.json:1:1: duplicate key `a` in this object ...
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import re
from decimal import Decimal
from typing import Any

from legalaid_rules.errors import ApplicationError, Location, Problem
from legalaid_rules.i18n import N_, _
from legalaid_rules.source_text import decode_text

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "parse_json",
    "read_json",
]

MAX_BYTES = 1_000_000
"""The largest application (or audit line) read, in bytes: a real one is a few kilobytes."""

MAX_DEPTH = 32
"""The deepest nesting of objects and lists read (an application nests five levels)."""

MAX_DIGITS = 40
"""The longest number literal read, in characters (money below 10^12 needs at most 15)."""

_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)
_NUMBERS = re.compile(r'"(?:[^"\\]|\\.)*"?|-?(?:[0-9][0-9.eE+-]*|Infinity)|NaN', re.DOTALL)
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


class _Refused(Exception):
    """Raised inside the JSON reader's hooks; turned into a located problem outside it."""

    def __init__(self, code: str, message: str, hint: str | None = None, literal: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.hint, self.literal = code, message, hint, literal


def _short(text: str, too_long: str) -> str:
    """A number's text, refused when longer than :data:`MAX_DIGITS` (``too_long``: the message)."""
    if len(text) > MAX_DIGITS:
        message = _(too_long).format(count=len(text), limit=MAX_DIGITS)
        raise _Refused("input.number_too_long", message, literal=text)
    return text


def _int(text: str) -> int:
    return int(_short(text, N_("a number of {count} digits is too long (at most {limit})")))


def _decimal(text: str) -> Decimal:
    return Decimal(_short(text, N_("a number of {count} characters is too long (at most {limit})")))


def _constant(name: str) -> Any:
    raise _Refused(
        "input.not_a_number",
        _("`{name}` is not a number JSON allows").format(name=name),
        _("give a finite number"),
        literal=name,
    )


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _Refused(
                    "input.duplicate_key",
                    _("duplicate key `{key}` in this object").format(key=key[:60]),
                    _("give each key once: a reader would silently keep only one of the values"),
                    literal=key,
                )
            seen.add(key)
    return out


_JSON_MESSAGES = {
    "Expecting value": N_("a value is expected here"),
    "Expecting ',' delimiter": N_("a `,` is expected here"),
    "Expecting ':' delimiter": N_("a `:` is expected here"),
    "Expecting property name enclosed in double quotes": N_("a key in double quotes is expected here"),
    "Extra data": N_("there is more after the end of the data"),
    "Unterminated string starting at": N_('a text is not closed with `"`'),
    "Invalid control character at": N_("a control character (such as a line break) inside a text"),
    "Invalid \\escape": N_("an invalid `\\` escape"),
    "Invalid \\uXXXX escape": N_("an invalid `\\u` escape"),
    "Illegal trailing comma before end of object": N_("a `,` before the end of an object"),
    "Illegal trailing comma before end of array": N_("a `,` before the end of a list"),
}
"""The json module's messages, each with its own wording in the catalogues."""


def _json_message(reason: str) -> str:
    """``this is not valid JSON: <reason>`` in the reader's language."""
    said = _JSON_MESSAGES.get(reason)
    return _("this is not valid JSON: {reason}").format(reason=_(said) if said else reason)


def _where(text: str, offset: int, file: str | None) -> Location:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Location(file, line, column)


def _too_deep(text: str) -> int | None:
    """The offset of the first bracket nested deeper than :data:`MAX_DEPTH`, or None (no recursion)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth = 0
    for match in _TOKENS.finditer(text):
        char = text[match.start()]
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return match.start()
        elif char in "]}":
            depth -= 1
    return None


def _locate_number(text: str, literal: str) -> int | None:
    for match in _NUMBERS.finditer(text):
        if text[match.start()] != '"' and match.group() == literal:
            return match.start()
    return None


def _locate_duplicate(text: str) -> int | None:
    """The offset of the first object holding a key twice (a slower, position-aware re-read)."""
    decoder: Any = json.JSONDecoder(parse_float=_decimal, parse_int=_int, parse_constant=_constant)
    json_object: Any = getattr(json.decoder, "JSONObject")  # noqa: B009 - not in the type stubs
    make_scanner: Any = getattr(json.scanner, "py_make_scanner")  # noqa: B009 - the same

    def parse_object(s_and_end: tuple[str, int], strict: bool, scan_once: Any, *_: Any) -> Any:
        pairs, end = json_object(s_and_end, strict, scan_once, None, list)
        keys = [k for k, _ in pairs]
        if len(set(keys)) != len(keys):
            raise _Refused("input.duplicate_key", "", literal=str(s_and_end[1] - 1))
        return dict(pairs), end

    decoder.parse_object = parse_object  # the pure-Python scanner calls it with the offset
    decoder.scan_once = make_scanner(decoder)
    try:
        decoder.decode(text)
    except _Refused as exc:
        return int(exc.literal) if exc.code == "input.duplicate_key" and exc.literal else None
    except ValueError:
        return None
    return None


def parse_json(text: str, file: str | None = None, *, max_bytes: int = MAX_BYTES) -> Any:
    """Plain data from JSON text, within the limits of this module.

    Args:
        text: the JSON text.
        file: the file name shown in locations (None: no file).
        max_bytes: the longest text read (a trace record may be longer than an application).

    Raises:
        ApplicationError: located (line and column), with code ``input.json``,
            ``input.too_large``, ``input.too_deep``, ``input.number_too_long``,
            ``input.duplicate_key``, ``input.not_a_number`` or ``input.surrogate``.
    """
    if len(text) > max_bytes:
        raise ApplicationError(
            [
                Problem(
                    "input.too_large",
                    _("the input is {count} characters long (at most {limit})").format(
                        count=f"{len(text):,}", limit=f"{max_bytes:,}"
                    ),
                    Location(file, 1, 1),
                )
            ]
        )
    deep = _too_deep(text)
    if deep is not None:
        raise ApplicationError(
            [
                Problem(
                    "input.too_deep",
                    _("the data is nested more than {limit} levels deep").format(limit=MAX_DEPTH),
                    _where(text, deep, file),
                    _("an application nests objects and lists only a few levels deep"),
                )
            ]
        )
    try:
        data = json.loads(
            text,
            parse_float=_decimal,
            parse_int=_int,
            parse_constant=_constant,
            object_pairs_hook=_pairs,
        )
    except json.JSONDecodeError as exc:
        raise ApplicationError(
            [Problem("input.json", _json_message(exc.msg), _where(text, exc.pos, file))]
        ) from None
    except _Refused as exc:
        offset: int | None = None
        if exc.code == "input.duplicate_key":
            offset = _locate_duplicate(text)
        elif exc.literal is not None:
            offset = _locate_number(text, exc.literal)
        where = _where(text, offset, file) if offset is not None else Location(file, 1, 1)
        raise ApplicationError([Problem(exc.code, exc.message, where, exc.hint)]) from None
    except RecursionError:  # pragma: no cover - the depth check runs first
        raise ApplicationError(
            [Problem("input.too_deep", _("the data is nested too deep"), Location(file))]
        ) from None
    if _SURROGATE.search(text):
        try:
            json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
        except UnicodeEncodeError:
            match = _SURROGATE.search(text)
            raise ApplicationError(
                [
                    Problem(
                        "input.surrogate",
                        _("the text holds a lone UTF-16 surrogate (`\\uD800`-`\\uDFFF`): not a character"),
                        _where(text, match.start() if match else 0, file),
                    )
                ]
            ) from None
    return data


def read_json(source: bytes | bytearray | str, file: str | None = None, *, max_bytes: int = MAX_BYTES) -> Any:
    """Plain data from JSON bytes (UTF-8) or text, within the limits of this module.

    Raises:
        ApplicationError: see :func:`parse_json`; also ``input.too_large`` and ``input.encoding``
            (GBK, UTF-16, a NUL byte or other bytes that are not UTF-8, with the line and a hint).
    """
    if isinstance(source, bytes | bytearray):
        if len(source) > max_bytes:
            raise ApplicationError(
                [
                    Problem(
                        "input.too_large",
                        _("the input is {count} bytes long (at most {limit})").format(
                            count=f"{len(source):,}", limit=f"{max_bytes:,}"
                        ),
                        Location(file, 1, 1),
                    )
                ]
            )
        text, problem = decode_text(bytes(source), file, "input")
        if problem is not None or text is None:
            raise ApplicationError([problem] if problem else [])
        return parse_json(text, file, max_bytes=max_bytes)
    return parse_json(source, file, max_bytes=max_bytes)
