"""A run of pack tests as readable lines: failures in full, passes as one line each."""

from __future__ import annotations

from legalaid_rules.packtests.runner import RunResult

__all__ = ["run_report"]


def run_report(result: RunResult, *, verbose: bool = False) -> list[str]:
    """The report of a run: unreadable files, failed and erroring cases, then a summary line."""
    lines: list[str] = []
    for f in result.files:
        for p in f.problems:
            lines.append(f"ERROR {p}")
        for c in f.cases:
            if not c.passed:
                lines.append(c.report())
            elif c.status == "xfailed":
                lines.append(f"xfail {c.location} {c.name}: {c.xfail}")
            elif verbose:
                lines.append(f"ok    {c.location} {c.name} ({c.pack} {c.version})")
    n = result.counts()
    if not result.files:
        lines.append("no pack test files found (they are named *.tests.yaml)")
    summary = f"{n['passed']} passed, {n['failed']} failed, {n['error']} errors"
    if n["xfailed"] or n["xpassed"]:
        summary += f", {n['xfailed']} xfailed (known engine bugs), {n['xpassed']} xpassed"
    summary += f" in {len(result.files)} file(s)"
    if n["bad_files"]:
        summary += f"; {n['bad_files']} file(s) could not be read"
    lines.append(summary)
    return lines
