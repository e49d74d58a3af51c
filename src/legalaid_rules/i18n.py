"""Messages in Chinese first, English on request: the message catalogues and ``_()``.

Every message a person reads (command help, check and test output, pack-loading problems) is
written in code in English, marked ``_("...")`` (or ``N_("...")`` where it is only declared, as
click help texts are), and translated through gettext catalogues:

    src/legalaid_rules/locale/<zh_CN|en>/LC_MESSAGES/legalaid_rules.po   edited by people
    src/legalaid_rules/locale/<zh_CN|en>/LC_MESSAGES/legalaid_rules.mo   compiled from it

The runtime reads the compiled ``.mo`` files with the standard library's :mod:`gettext`: no
build step, no dependency, about a millisecond. The ``.mo`` files are committed beside their
``.po`` files; ``python -m legalaid_rules.i18n compile`` rebuilds them with Babel (test extra),
and a test fails when one is stale or when a message used in code lacks a Chinese or English
entry. ``docs/design.md`` says how to add messages.

The language is, in order: :func:`use_language` (the CLI's ``--lang``), then the environment
(``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``, in gettext's order: ``en*`` is English,
anything else Chinese), then Chinese.
"""

from __future__ import annotations

import functools
import gettext
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "_",
    "choose_language",
    "compile_catalogues",
    "language",
    "problem_text",
    "use_language",
]

DOMAIN = "legalaid_rules"
LANGUAGES = ("zh", "en")
LOCALE_DIR = Path(__file__).parent / "locale"
_CATALOGUE = {"zh": "zh_CN", "en": "en"}

_CHOSEN: ContextVar[str | None] = ContextVar("legalaid_rules_language", default=None)


def _from_environment() -> str:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


def language() -> str:
    """The language messages are written in now: ``zh`` or ``en``."""
    return _CHOSEN.get() or _from_environment()


@contextmanager
def use_language(lang: str | None) -> Iterator[None]:
    """Write messages in ``lang`` (``zh``/``en``; None: from the environment) inside the block.

    The choice is a context variable: it holds for this thread or task only.
    """
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    token = _CHOSEN.set(lang)
    try:
        yield
    finally:
        _CHOSEN.reset(token)


def choose_language(lang: str | None) -> None:
    """Set the language for the rest of this context (the CLI calls it once per command)."""
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    _CHOSEN.set(lang)


@functools.cache
def _translations(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[_CATALOGUE[lang]], fallback=True)


def _(message: str) -> str:
    """``message`` (an English message id) in the current language."""
    return _translations(language()).gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogues without translating it now (translated where shown)."""
    return message


def compile_catalogues() -> list[Path]:
    """Compile every ``.po`` catalogue to its ``.mo`` (needs Babel, in the test extra)."""
    from babel.messages.mofile import write_mo  # build-time only
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with po.open("rb") as f:
            catalogue = read_po(f)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as f:
            write_mo(f, catalogue)
        written.append(mo)
    _translations.cache_clear()
    return written


if __name__ == "__main__":  # python -m legalaid_rules.i18n compile
    if sys.argv[1:] != ["compile"]:
        sys.exit("usage: python -m legalaid_rules.i18n compile")
    for path in compile_catalogues():
        print(path)


def problem_text(problem: object) -> str:
    """A :class:`~legalaid_rules.errors.Problem` as one line in the current language.

    ``location: message (hint: ...)``, with the hint's label translated (the message and hint are
    written in the current language when the problem is made); a problem of the whole input (an
    empty location) is its message alone, as ``str(problem)`` says it.
    """
    location, message, hint = (getattr(problem, a, None) for a in ("location", "message", "hint"))
    if message is None:
        return str(problem)
    whole = location is None or location == type(location)()
    text = message if whole else f"{location}: {message}"
    return text + (_(" (hint: {hint})").format(hint=hint) if hint else "")
