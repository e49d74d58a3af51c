"""A run of pack tests as readable lines: failures in full, passes as one line each."""

from __future__ import annotations

from legalaid_rules.i18n import _, problem_text
from legalaid_rules.packtests.runner import RunResult

__all__ = ["run_report"]


def run_report(result: RunResult, *, verbose: bool = False) -> list[str]:
    """The report of a run: unreadable files, failed and erroring cases, then a summary line."""
    lines: list[str] = []
    for f in result.files:
        for p in f.problems:
            lines.append(_("ERROR {problem}").format(problem=problem_text(p)))
        for c in f.cases:
            if not c.passed:
                lines.append(c.report())
            elif c.status == "xfailed":
                lines.append(
                    _("xfail {where} {case}: {reason}").format(where=c.location, case=c.name, reason=c.xfail)
                )
            elif verbose:
                lines.append(
                    _("ok    {where} {case} ({pack} {version})").format(
                        where=c.location, case=c.name, pack=c.pack, version=c.version
                    )
                )
    n = result.counts()
    if not result.files:
        lines.append(_("no pack test files found (they are named *.tests.yaml)"))
    summary = _("{passed} passed, {failed} failed, {error} errors").format(**n)
    if n["xfailed"] or n["xpassed"]:
        summary += _(", {xfailed} xfailed (known engine bugs), {xpassed} xpassed").format(**n)
    summary += _(" in {files} file(s)").format(files=len(result.files))
    if n["bad_files"]:
        summary += _("; {bad_files} file(s) could not be read").format(**n)
    lines.append(summary)
    return lines
