"""Start-up (issue 10): what ``import legalaid_rules`` and a command load, checked by the modules
a fresh interpreter holds afterwards (never by time), and the command line's lazy registry."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click

from legalaid_rules.cli import main
from legalaid_rules.cli._app import COMMAND_MODULES

ROOT = Path(__file__).resolve().parents[1]


def _modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``code``."""
    script = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True, timeout=120
    )
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_import_loads_nothing_but_the_version() -> None:
    loaded = _modules_after("import legalaid_rules")
    ours = {m for m in loaded if m.startswith("legalaid_rules")}
    assert ours == {"legalaid_rules", "legalaid_rules._version"}
    assert "pydantic" not in loaded
    assert "yaml" not in loaded


def test_a_name_loads_its_module_on_first_use() -> None:
    loaded = _modules_after(
        "import legalaid_rules\nassert legalaid_rules.Outcome.ELIGIBLE.value == 'eligible'"
    )
    assert "legalaid_rules.decisions" in loaded
    assert "legalaid_rules.traces" not in loaded
    assert "legalaid_rules.evaluation" not in loaded


def test_evaluate_command_loads_only_what_it_uses() -> None:
    example = ROOT / "examples" / "anqing-support-payment.json"
    loaded = _modules_after(
        "import sys\nfrom legalaid_rules.cli import main\n"
        f"sys.argv = ['legalaid-rules', 'evaluate', '--pack', 'anhui/anqing', {str(example)!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert exc.code in (0, None), exc.code\n"
    )
    assert "legalaid_rules.evaluation" in loaded  # it did decide
    for unused in (
        "legalaid_rules.cli.audit",
        "legalaid_rules.cli.service",
        "legalaid_rules.cli.analysis",
        "legalaid_rules.traces",
        "legalaid_rules.service",
        "legalaid_rules.analysis",
        "legalaid_rules.caseload",
        "legalaid_rules.schemas",
        "rich",
    ):
        assert unused not in loaded, unused


def test_every_command_is_mapped_to_the_module_that_registers_it() -> None:
    commands = dict(main.commands.items())  # reading the mapping registers every command
    assert set(commands) == set(COMMAND_MODULES)
    for name, command in commands.items():
        assert command.callback is not None
        assert command.callback.__module__ == f"legalaid_rules.cli.{COMMAND_MODULES[name]}", name


def test_an_unknown_command_is_still_refused() -> None:
    ctx = click.Context(main)
    assert main.get_command(ctx, "no-such-command") is None
    assert main.get_command(ctx, "evaluate") is main.commands["evaluate"]
