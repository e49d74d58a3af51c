"""Which rules tree a command works on: the checkout's ``rules/`` when run inside one.

Policy staff edit ``rules/`` in a clone of the repository. After ``pip install .`` the installed
copy of the packs is frozen at install time, so ``legalaid-rules test``, ``check`` and the pytest
plugin must test the files being edited when they run inside a checkout. A checkout is a folder,
the working folder or above it, holding a ``pyproject.toml`` whose project is named
``legalaid-rules`` and a ``rules/`` folder beside it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from legalaid_rules.i18n import _
from legalaid_rules.packs.registry import bundled_root

__all__ = ["RulesTree", "checkout_rules", "rules_tree"]

_PROJECT = "legalaid-rules"


@dataclass(frozen=True, slots=True)
class RulesTree:
    """A rules root and where it comes from (``checkout`` or ``installed``)."""

    root: Path
    origin: str

    def describe(self) -> str:
        """A line saying which tree is used, for the command's output."""
        origin = _("checkout") if self.origin == "checkout" else _("installed")
        return _("rules tree: {root} ({origin})").format(root=self.root, origin=origin)


def _names_us(pyproject: Path) -> bool:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    project = data.get("project")
    return isinstance(project, dict) and project.get("name") == _PROJECT


def checkout_rules(start: Path | None = None) -> Path | None:
    """The ``rules/`` folder of the legalaid-rules checkout at or above ``start`` (default: cwd)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        rules = folder / "rules"
        if rules.is_dir() and (folder / "pyproject.toml").is_file() and _names_us(folder / "pyproject.toml"):
            return rules
    return None


def rules_tree(start: Path | None = None) -> RulesTree:
    """The checkout's rules when inside a checkout, else the installed packs."""
    found = checkout_rules(start)
    if found is not None:
        return RulesTree(found, "checkout")
    return RulesTree(bundled_root(), "installed")
