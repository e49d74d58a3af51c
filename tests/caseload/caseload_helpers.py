"""Shared helpers of the case-load tests: ledgers with lawyers and cases, and a pack tree with
a small cap (for state-machine tests) and a 2024 Anqing version (for the year rollover)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from legalaid_rules.caseload import Ledger
from legalaid_rules.packs.registry import Registry, bundled_root

DAY = dt.date(2023, 6, 1)
APPROVED = dt.date(2023, 1, 1)


def filled_ledger(path: Path | str, *, held: int, spare: int, lawyer: str = "L1", **kw: object) -> Ledger:
    """A ledger with one social lawyer holding ``held`` cases assigned on :data:`DAY` and
    ``spare`` unassigned cases ``S0000`` ... (all approved on :data:`APPROVED`)."""
    ledger = Ledger(path, **kw)  # type: ignore[arg-type]
    ledger.add_lawyer(lawyer, "张律师", "social_lawyer", "huaining")
    for i in range(held):
        ledger.add_case(f"H{i:04d}", APPROVED, "labour_remuneration", litigation=True, office="huaining")
        assert ledger.assign(f"H{i:04d}", lawyer, DAY).outcome == "assigned"
    for i in range(spare):
        ledger.add_case(f"S{i:04d}", APPROVED, "labour_remuneration", litigation=True, office="huaining")
    return ledger


def pack_tree(tmp: Path, *, cap: int | None = 90, with_2024: bool = True) -> Registry:
    """A copy of the bundled packs where Anqing's cap is ``cap`` (None: no cap parameter) and,
    when asked, Anqing also has a 2024 version (same content, in force all of 2024)."""
    root = tmp / "rules"
    shutil.copytree(bundled_root(), root)
    anqing = root / "anhui" / "anqing" / "2023.yaml"
    text = anqing.read_text(encoding="utf-8")
    if cap is None:
        start = text.index("  caseload_cap:")
        end = text.index("  closure_ratio_min:")
        text = text[:start] + text[end:]
    else:
        text = text.replace("    value: 90\n", f"    value: {cap}\n", 1)
    anqing.write_text(text, encoding="utf-8")
    if with_2024:
        later = text.replace('version: "2023.1"', 'version: "2024.1"', 1)
        later = later.replace("from: 2023-01-01", "from: 2024-01-01")
        later = later.replace("to: 2023-12-31", "to: 2024-12-31")
        assert later != text and "from: 2024-01-01" in later
        (anqing.parent / "2024.yaml").write_text(later, encoding="utf-8")
    return Registry(root)
