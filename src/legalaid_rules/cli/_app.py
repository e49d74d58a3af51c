"""The root command group, and what its commands share: options, language and error reporting."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from importlib import import_module
from pathlib import Path
from typing import Any

import click

from legalaid_rules._version import __version__
from legalaid_rules.cli._click_text import translate_error, translate_marks
from legalaid_rules.errors import LegalAidRulesError, Problem
from legalaid_rules.i18n import LANGUAGES, N_, _, language, problem_text, use_language
from legalaid_rules.packs.registry import Registry

__all__ = [
    "DATE",
    "IN_FORCE_OPTION",
    "LANG_OPTION",
    "PACK_OPTION",
    "ROOT_OPTION",
    "TranslatedCommand",
    "TranslatedGroup",
    "complete_matters",
    "complete_packs",
    "main",
    "reported",
]

DATE = click.DateTime(["%Y-%m-%d"])


@contextmanager
def _translated_help(*objects: Any) -> Iterator[None]:
    """Show help texts in the current language: swap each ``help`` for its translation meanwhile."""
    saved = [(o, o.help) for o in objects if getattr(o, "help", None)]
    for o, text in saved:
        o.help = _(inspect.cleandoc(text))
    try:
        yield
    finally:
        for o, text in saved:
            o.help = text


# click's own words around the help, translated where they are written (below)
_CLICK_WORDS = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Positional arguments"),
    N_("Show this message and exit."),
)


class _TranslatedFormatter(click.HelpFormatter):
    """click's help formatter, with its headings (``Usage:``, ``Options``, ``Commands``) translated."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage:") + " " if prefix is None else prefix)

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        with super().section(_(name)):
            yield

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, translate_marks(text)) for term, text in rows], col_max, col_spacing)


class _TranslatedContext(click.Context):
    formatter_class = _TranslatedFormatter


def _lang_in(args: list[str]) -> str | None:
    """The value of ``--lang`` among a command's own arguments, if given."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.removeprefix("--lang=")
    return None


class TranslatedCommand(click.Command):
    """A command whose help texts (its own and its options') are looked up in the catalogues,
    and whose errors (click's usage errors too) are shown in the chosen language."""

    context_class = _TranslatedContext

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = _lang_in(args)  # read before parsing: a parse error comes before any callback
        try:
            return super().parse_args(ctx, args)
        except click.ClickException as exc:
            with use_language(given if given in LANGUAGES else None) if given else nullcontext():
                translate_error(exc)
            ctx.close()  # click never enters a context it failed to make: end its --lang choice
            raise

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            translate_error(exc)
            raise
        except (KeyboardInterrupt, EOFError, click.Abort):
            # click's own main would write "Aborted!" in English, after the language is ended
            click.echo(err=True)
            click.echo(_("Aborted!"), err=True)
            sys.exit(1)

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated_help(self):
            super().format_help_text(ctx, formatter)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated_help(*self.get_params(ctx)):
            super().format_options(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with _translated_help(self):
            return super().get_short_help_str(limit)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        saved = self.epilog
        if saved:
            self.epilog = _(inspect.cleandoc(saved))
        try:
            super().format_epilog(ctx, formatter)
        finally:
            self.epilog = saved


class TranslatedGroup(TranslatedCommand, click.Group):
    """A group of translated commands (its subcommands and subgroups are translated too)."""

    command_class = TranslatedCommand


TranslatedGroup.group_class = TranslatedGroup


def complete_packs(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of pack ids (from ``--root`` when given, else the installed packs)."""
    root = ctx.params.get("root")
    try:
        return [i for i in Registry(root).ids() if i.startswith(incomplete)]
    except (OSError, LegalAidRulesError):
        return []


def complete_matters(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of matter codes, from every installed pack."""
    registry = Registry(ctx.params.get("root"))
    codes: set[str] = set()
    try:
        for pack_id in registry.ids():
            for v in registry.versions(pack_id):
                codes.update(registry.load(v.id, v.start).matters)
    except (OSError, LegalAidRulesError):
        pass
    return sorted(c for c in codes if c.startswith(incomplete))


ROOT_OPTION = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    is_eager=True,  # read before --pack, whose completion lists the packs under it
    help=N_("Folder of packs (default: the packs shipped with the library)."),
)
PACK_OPTION = click.option(
    "--pack",
    "pack_id",
    required=True,
    shell_complete=complete_packs,
    help=N_("Pack id, e.g. anhui/anqing."),
)
IN_FORCE_OPTION = click.option(
    "--date",
    "on",
    type=DATE,
    default=None,
    help=N_("Pick the pack version in force on this date (default: the application date)."),
)


def _choose(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    # for this command only: the choice ends with it, so it never leaks into later calls in
    # the same thread (tests, a program calling the command line in process)
    ctx.with_resource(use_language(value))
    return value


def _choose_here(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    if value is not None:  # a command's own --lang: its output and messages; else the global choice
        ctx.with_resource(use_language(value))
    return language()


LANG_OPTION = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    is_eager=True,
    callback=_choose_here,
    help=N_("Language of the output: zh or en (default: the command line's --lang, else LANG)."),
)


COMMAND_MODULES = {
    "analyze": "analysis",
    "audit": "audit",
    "caseload": "caseload",
    "check": "packs",
    "diff": "analysis",
    "evaluate": "packs",
    "explain": "audit",
    "log": "audit",
    "packs": "packs",
    "reassess": "reassess",
    "render": "packtools",
    "replay": "audit",
    "schema": "schemas",
    "serve": "service",
    "test": "packtools",
    "trace": "audit",
    "what-if": "analysis",
}
"""Each command of the root group, by the module of :mod:`legalaid_rules.cli` that registers it.

A command's module is imported when the command is run (start-up time, issue 10): running
``evaluate`` never imports the service, the audit log or the analysis. Listing the commands
(help, completion, ``main.commands``) imports them all."""


class _Commands(dict[str, click.Command]):
    """The root group's commands: reading the whole mapping first registers every command."""

    def _everything(self) -> None:
        for module in sorted(set(COMMAND_MODULES.values())):
            import_module(f"legalaid_rules.cli.{module}")  # registers its commands on ``main``

    def registered(self, name: str) -> click.Command | None:
        """The command of that name if its module has registered it (loads nothing)."""
        return super().get(name)

    def __getitem__(self, name: str) -> click.Command:
        self._everything()
        return super().__getitem__(name)

    def __contains__(self, name: object) -> bool:
        self._everything()
        return super().__contains__(name)

    def __iter__(self) -> Iterator[str]:
        self._everything()
        return super().__iter__()

    def __len__(self) -> int:
        self._everything()
        return super().__len__()

    def get(self, name: str, default: Any = None) -> Any:
        self._everything()
        return super().get(name, default)

    def keys(self) -> Any:
        self._everything()
        return super().keys()

    def values(self) -> Any:
        self._everything()
        return super().values()

    def items(self) -> Any:
        self._everything()
        return super().items()


class _RootGroup(TranslatedGroup):
    """The root group: a command's module is imported when that command is asked for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lazy = _Commands(self.commands)
        self.commands = self._lazy

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is None:
            return super().get_command(ctx, cmd_name)  # an unknown name: every command is listed
        import_module(f"legalaid_rules.cli.{module}")  # registers its commands on ``main``
        return self._lazy.registered(cmd_name)


@click.group(cls=_RootGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="legalaid-rules", help=N_("Show the version and exit."))
@click.option(
    "--lang",
    "language",
    type=click.Choice(LANGUAGES),
    default=None,
    is_eager=True,
    expose_value=False,
    callback=_choose,
    help=N_("Language of messages and help: zh (default) or en; default from LC_ALL/LANG."),
)
def main() -> None:
    """Decide legal-aid eligibility from versioned, cited rule packs, and explain it."""


main.help = N_("Decide legal-aid eligibility from versioned, cited rule packs, and explain it.")


@contextmanager
def reported(code: int = 2) -> Iterator[None]:
    """Print a library error as located lines and exit with ``code``."""
    try:
        yield
    except LegalAidRulesError as exc:
        problems: tuple[Problem, ...] = getattr(exc, "problems", ())
        if problems:
            for p in problems:
                click.echo(_("error: {problem}").format(problem=problem_text(p)), err=True)
        else:
            click.echo(_("error: {problem}").format(problem=exc), err=True)
        sys.exit(code)
