"""Check that two versions of the code decide alike: one SHA-256 over thousands of decisions.

    python benchmarks/equivalence.py [--n 100] [--dump FILE]
    PYTHONPATH=/path/to/other/tree/src python benchmarks/equivalence.py   # the other code

Not a benchmark: run by hand before and after a change to the evaluation code (e.g. one made for
speed), from the same virtual environment, and compare the digests (or ``diff`` the dumps). For
every version of every bundled pack, ``--n`` applications are drawn (Hypothesis, derandomised:
the same draws every run) with every kind of fact the fact table reads, each unknown at random,
given as plain data; each is decided
with steps and without, typed and as a dict, with the reasons read before and after
serialising; each decision's JSON (or the refusal's problems) goes into the digest.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import legalaid_rules
from legalaid_rules import Application, ApplicationError, Registry, ResolvedPack, evaluate
from strategies import any_applications  # type: ignore[import-not-found]


def drawn(pack: ResolvedPack, n: int) -> list[dict[str, Any]]:
    """``n`` applications for a pack, the same ones every run."""
    out: list[dict[str, Any]] = []

    @settings(
        max_examples=n,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(any_applications(pack))
    def collect(app: dict[str, Any]) -> None:
        out.append(app)

    collect()
    return out


def lines_for(pack: ResolvedPack, app: dict[str, Any]) -> list[str]:
    """The bytes that must not change, for one application, as text lines."""
    out = []
    try:
        typed = Application.model_validate(app)
    except Exception as exc:
        return [f"invalid {type(exc).__name__}"]
    for data in (typed, app):
        for steps in (True, False):
            try:
                d = evaluate(pack, data, steps=steps)
            except ApplicationError as exc:
                out.append("refused " + json.dumps([p.code + ":" + p.message for p in exc.problems]))
                continue
            out.append(d.model_dump_json())
            first = evaluate(pack, data, steps=steps)
            reasons, warnings = first.reasons, first.warnings
            out.append(json.dumps([repr(reasons), repr(warnings), first.outcome, len(first.steps)]))
            if first.model_dump_json() != out[-2]:
                out.append("ORDER DEPENDS ON READING")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--dump", type=Path)
    args = parser.parse_args()
    registry = Registry()
    total = hashlib.sha256()
    dump = []
    count = refused = 0
    for pack_id in registry.ids():
        for version in registry.versions(pack_id):
            pack = registry.load(pack_id, version.start)
            if not pack.has_means_test:
                continue
            digest = hashlib.sha256()
            for app in drawn(pack, args.n):
                for line in lines_for(pack, app):
                    count += 1
                    refused += line.startswith("refused")
                    digest.update(line.encode() + b"\n")
                    dump.append(line)
            total.update(digest.digest())
            print(f"{pack_id}@{version.version}: {digest.hexdigest()[:16]}")
    print(f"{count} lines, {refused} refusals, code {legalaid_rules.__file__}")
    print(f"sha256 {total.hexdigest()}")
    if args.dump:
        args.dump.write_text("\n".join(dump), encoding="utf-8")


if __name__ == "__main__":
    main()
