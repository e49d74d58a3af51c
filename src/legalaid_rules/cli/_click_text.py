"""click's own words (usage errors, ``Error:``, ``[default: ...]``) in the chosen language.

click writes its messages with the standard library's ``gettext.gettext``, which reads one
process-wide catalogue: setting it would change every other click program in the process. So
click's English stays as it is, and our commands render its words again from our catalogues
where they are shown:

- an error (:func:`translate_error`), when it leaves one of our commands, while the command's
  language is still chosen: the message is matched against click's English templates (listed
  below, ``{name!r}`` written ``{name}``: the quoted value is taken with its quotes) and written
  again from our catalogue; the usage line, ``Try ... for help.`` and ``Error:`` too. The
  exception keeps its class and exit code; only what :meth:`~click.ClickException.show` prints
  and :meth:`~click.ClickException.format_message` returns change;
- the ``[default: ...; required]`` marks of the help (:func:`translate_marks`), in our help
  formatter.

A message of our own (already translated) or one click adds in a later release matches no
template and is shown as it is.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import IO, Any

import click

from legalaid_rules.i18n import N_, _

__all__ = ["translate_error", "translate_marks"]

_TEMPLATES = (
    N_("No such option {name}."),
    N_("No such command {name}."),
    N_("Missing command."),
    N_("Got unexpected extra argument ({args})"),
    N_("Got unexpected extra arguments ({args})"),
    N_("Option {name} requires an argument."),
    N_("Option {name} requires {nargs} arguments."),
    N_("Option {name} does not take a value."),
    N_("Argument {name} takes {nargs} values."),
    N_("{value} is not {choice}."),
    N_("{value} is not one of {choices}."),
    N_("{value} does not match the format {format}."),
    N_("{value} does not match the formats {formats}."),
    N_("{value} is not a valid integer."),
    N_("{value} is not a valid float."),
    N_("{value} is not a valid boolean. Recognized values: {states}"),
    N_("{value} is not in the range {range}."),
    N_("{name} {filename} does not exist."),
    N_("{name} {filename} is a file."),
    N_("{name} {filename} is a directory."),
    N_("{name} {filename} is not readable."),
    N_("{name} {filename} is not writable."),
    N_("{name} {filename} is not executable."),
    N_("Value must be an iterable."),
    N_("Takes {nargs} values but 1 was given."),
    N_("Takes {nargs} values but {len} were given."),
)
"""click's messages (click 8.4 and later: the floor in pyproject.toml), as it writes them in English."""

_NAMES = {"File": N_("File"), "Directory": N_("Directory"), "Path": N_("Path")}
"""The kinds of path click names in its messages (``File 'x' does not exist.``)."""

_MISSING = {
    "argument": (N_("Missing argument {name}."), N_("Missing argument.")),
    "option": (N_("Missing option {name}."), N_("Missing option.")),
    "parameter": (N_("Missing parameter {name}."), N_("Missing parameter.")),
}

_WITH_POSSIBILITIES = (click.NoSuchOption, click.exceptions.NoSuchCommand)

_CHOOSE = N_("Choose from:\n\t{choices}")


@functools.cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for template in _TEMPLATES:
        parts = re.split(r"(\{\w+\})", template)
        regex = "".join(f"(?P<{p[1:-1]}>.+?)" if re.fullmatch(r"\{\w+\}", p) else re.escape(p) for p in parts)
        out.append((template, re.compile(regex, re.DOTALL)))
    # the most specific first: "{value} is not one of {choices}." before "{value} is not {choice}."
    return tuple(sorted(out, key=lambda t: -len(re.sub(r"\{\w+\}", "", t[0]))))


def _message(text: str) -> str:
    """One of click's English messages in the chosen language (unchanged when it is not click's)."""
    for template, pattern in _patterns():
        found = pattern.fullmatch(text)
        if found:
            values = found.groupdict()
            kind = _NAMES.get(values.get("name", ""))
            if kind is not None:
                values["name"] = _(kind)
            return _(template).format(**values)
    if text.startswith("Choose from:\n\t"):
        return _(_CHOOSE).format(choices=text.removeprefix("Choose from:\n\t"))
    return text


def _hint_of(exc: click.BadParameter) -> str | None:
    hint: str | Sequence[str] | None = exc.param_hint
    if hint is None and exc.param is not None:
        hint = exc.param.get_error_hint(exc.ctx)
    if hint is not None and not isinstance(hint, str):
        hint = " / ".join(repr(x) for x in hint)
    return hint


def _possibilities(found: Sequence[str] | None) -> str:
    if not found:
        return ""
    shown = ", ".join(repr(p) for p in sorted(found))
    if len(found) == 1:
        return " " + _("Did you mean {possibility}?").format(possibility=shown)
    return " " + _("(Did you mean one of: {possibilities}?)").format(possibilities=shown)


def _formatted(exc: click.ClickException) -> str:
    """What :meth:`~click.ClickException.format_message` says, in the chosen language."""
    if isinstance(exc, click.MissingParameter):
        hint = _hint_of(exc)
        kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "parameter")
        named, unnamed = _MISSING.get(kind, _MISSING["parameter"])
        missing = _(named).format(name=hint) if hint else _(unnamed)
        extra = exc.param.type.get_missing_message(param=exc.param, ctx=exc.ctx) if exc.param else None
        said = [_message(m) for m in (exc.message, extra) if m]
        return missing + (" " + ". ".join(said) if said else "")
    if isinstance(exc, click.BadParameter):
        hint = _hint_of(exc)
        if hint is None:
            return _("Invalid value: {message}").format(message=_message(exc.message))
        return _("Invalid value for {param_hint}: {message}").format(
            param_hint=hint, message=_message(exc.message)
        )
    if isinstance(exc, _WITH_POSSIBILITIES):
        return _message(exc.message) + _possibilities(exc.possibilities)
    if isinstance(exc, click.FileError):
        return _("Could not open file {filename}: {message}").format(
            filename=repr(exc.ui_filename), message=exc.message
        )
    return _message(exc.message)


class _Translated(click.ClickException):
    """Mixed into a click error's own class: shows the text written when it was translated."""

    translated_text: str
    translated_message: str

    def format_message(self) -> str:
        return self.translated_message

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.translated_text, file=file, err=file is None, color=self.show_color)


_CLASSES: dict[type[click.ClickException], type[_Translated]] = {}


def _translated_class(cls: type[click.ClickException]) -> type[_Translated]:
    """``cls`` with :class:`_Translated` mixed in (one class each, made on first use)."""
    made = _CLASSES.get(cls)
    if made is None:
        made = _CLASSES.setdefault(
            cls, type(cls.__name__, (_Translated, cls), {"__module__": cls.__module__})
        )
    return made


def translate_error(exc: click.ClickException) -> None:
    """Write ``exc``'s message, usage and help hint in the chosen language, now (in place).

    Called while the failing command's language is still chosen: click shows the error after
    the command's context, and with it the ``--lang`` choice, has closed.
    """
    if isinstance(exc, _Translated | click.exceptions.NoArgsIsHelpError):
        return
    message = _formatted(exc)
    lines = []
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        usage = ctx.get_usage()
        if ctx.command.get_help_option(ctx) is not None:
            option = max(ctx.help_option_names, key=len)
            usage += "\n" + _("Try '{command} {option}' for help.").format(
                command=ctx.command_path, option=option
            )
        lines.append(usage + "\n")
    lines.append(_("Error: {message}").format(message=message))
    exc.__class__ = _translated_class(type(exc))
    assert isinstance(exc, _Translated)
    exc.translated_message = message
    exc.translated_text = "\n".join(lines)


_MARK = re.compile(r"\[([^\[\]]*)\]\s*$")


def translate_marks(text: str) -> str:
    """A help text with its closing ``[default: ...; required]`` mark in the chosen language."""
    found = _MARK.search(text)
    if not found:
        return text
    items = []
    for item in found.group(1).split("; "):
        if item == "required":
            item = _("required")
        elif item.startswith("default: "):
            item = _("default: {default}").format(default=item.removeprefix("default: "))
        elif item.startswith("env var: "):
            item = _("env var: {var}").format(var=item.removeprefix("env var: "))
        items.append(item)
    return text[: found.start()] + "[" + "; ".join(items) + "]"
