"""Benchmark: solver-backed pack analysis. Run by hand; figures go in the closing note.

    python benchmarks/bench_analysis.py [--repeat 3]

Prints, each the best of ``--repeat`` runs in this process (packs loaded beforehand):

- ``analyze`` of every shipped pack version over its whole period (every check);
- ``diff`` of Anqing 2023 against a copy with the minimum living standard raised to 850.00,
  and of Yunfu 2022 against a 2023 version of it (periods apart: day n against day n);
- ``counterfactuals`` for one Anqing application (the first call builds the pack's solver
  terms and is shown apart; later calls reuse them).

Targets (issue 15): analyze <= 10 s per pack; diff <= 10 s; counterfactuals <= 200 ms.
No test asserts on these numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from legalaid_rules import Registry, load_pack
from legalaid_rules.analysis import analyze, counterfactuals, diff, pack_from_spec
from legalaid_rules.packs.registry import bundled_root

APPLICATION: dict[str, Any] = {
    "date": "2023-06-01",
    "locality": {"city": "anqing", "county": "huaining"},
    "applicant": {"age": 45, "fixed_income_source": True, "groups": []},
    "household": {"size": 3, "monthly_income": "6000.00"},
    "matter": "labour_remuneration",
}


def best(fn: Callable[[], Any], repeat: int) -> float:
    """The fastest of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    registry = Registry()
    print("analyze, every check, whole period (target <= 10 s each):")
    for pack_id in registry.ids():
        for v in registry.versions(pack_id):
            pack = load_pack(pack_id, v.start)
            seconds = best(lambda pack=pack: analyze(pack), args.repeat)
            findings = analyze(pack)
            print(
                f"  {pack_id:<18} {v.version:<8} {seconds:6.2f} s  "
                f"({len(findings.findings)} findings, {len(findings.errors)} errors)"
            )
    with tempfile.TemporaryDirectory() as tmp:
        edited = Path(tmp) / "anqing-850.yaml"
        text = (bundled_root() / "anhui" / "anqing" / "2023.yaml").read_text(encoding="utf-8")
        edited.write_text(text.replace("      value: 780.00", "      value: 850.00"), encoding="utf-8")
        old, new = pack_from_spec("anhui/anqing@2023-06-01"), pack_from_spec(str(edited))
        seconds = best(lambda: diff(old, new), args.repeat)
        print(
            f"diff anqing 2023 780.00 -> 850.00 (target <= 10 s): {seconds:.2f} s, {len(diff(old, new).regions)} regions"
        )
        # two versions: Yunfu 2022 and a 2023 version with its income figure raised (periods apart)
        later = Path(tmp) / "yunfu-2023.yaml"
        text = (bundled_root() / "guangdong" / "yunfu" / "2022.yaml").read_text(encoding="utf-8")
        later.write_text(
            text.replace("2022", "2023").replace("value: 2500.00", "value: 2600.00"), encoding="utf-8"
        )
        old, new = pack_from_spec("guangdong/yunfu@2022-06-01"), pack_from_spec(str(later))
        seconds = best(lambda: diff(old, new), args.repeat)
        print(
            f"diff yunfu 2022.1 -> 2023 copy (target <= 10 s): {seconds:.2f} s, {len(diff(old, new).regions)} regions"
        )
    pack = load_pack("anhui/anqing", dt.date(2023, 6, 1))
    start = time.perf_counter()
    first = counterfactuals(pack, APPLICATION)
    cold = time.perf_counter() - start
    warm = best(lambda: counterfactuals(pack, APPLICATION), max(args.repeat, 5))
    print(
        f"counterfactuals, one application (target <= 200 ms): first call {cold * 1000:.0f} ms, "
        f"then {warm * 1000:.0f} ms ({len(first.found)} ways found)"
    )


if __name__ == "__main__":
    main()
