"""Rule coverage of pack tests: which rules of each tested pack version were seen true and false.

A rule is *covered* when some case saw it true and some case saw it false: a rule never true
is never shown to fire, and a rule never false is never shown to hold back. Coverage is per
resolved pack version (id and version), over every rule in force in it, inherited ones too.
Cases marked ``xfail`` (known engine bugs) do not count.

A test file may excuse a rule that no case of its pack can decide (``coverage_exceptions``,
with the reason); the report prints each excuse, and an excuse for a rule that is covered
after all, or that the pack does not have, makes coverage incomplete.
"""

from __future__ import annotations

from dataclasses import dataclass

from legalaid_rules.errors import PackError, PackNotFoundError
from legalaid_rules.i18n import _
from legalaid_rules.packs.registry import Registry
from legalaid_rules.packtests.runner import RunResult

__all__ = ["PackCoverage", "RuleCoverage", "coverage", "coverage_report"]


@dataclass(frozen=True, slots=True)
class RuleCoverage:
    """What one rule was seen to be, over every case of its pack version."""

    rule: str
    seen: frozenset[str]  # of "true", "false", "unknown"
    excused: str | None = None  # the test file's reason why it cannot be covered

    @property
    def covered(self) -> bool:
        """Seen both true and false."""
        return {"true", "false"} <= self.seen

    @property
    def ok(self) -> bool:
        """Covered, or excused and not covered (an excuse for a covered rule is stale)."""
        return self.covered != (self.excused is not None)


@dataclass(frozen=True, slots=True)
class PackCoverage:
    """Coverage of one pack version by its cases."""

    pack: str
    version: str
    cases: int
    rules: tuple[RuleCoverage, ...]
    unknown_exceptions: tuple[str, ...] = ()  # excused rules the pack does not have

    @property
    def never_true(self) -> tuple[str, ...]:
        """Rules no case saw true."""
        return tuple(r.rule for r in self.rules if "true" not in r.seen)

    @property
    def not_both(self) -> tuple[str, ...]:
        """Rules not seen both true and false (the never-true ones included), excused or not."""
        return tuple(r.rule for r in self.rules if not r.covered)

    @property
    def complete(self) -> bool:
        """Every rule seen both true and false, or excused; every excuse needed and known."""
        return bool(self.cases) and all(r.ok for r in self.rules) and not self.unknown_exceptions


def coverage(result: RunResult) -> tuple[list[PackCoverage], list[tuple[str, str]]]:
    """Coverage of every tested pack version, and the pack versions under the run's roots no case tested.

    Returns:
        ``(tested, untested)``: coverage per tested (id, version), sorted; and the (id, version)
        pairs found under the roots that no case exercised (national packs that cannot decide
        alone, for example). Untested versions are reported, not failed.
    """
    seen: dict[tuple[str, str], dict[str, set[str]]] = {}
    counts: dict[tuple[str, str], int] = {}
    excuses: dict[tuple[str, str], dict[str, str]] = {}
    for f in result.files:
        for case in f.cases:
            d = case.decision
            if d is None or case.version is None or case.status not in ("passed", "failed"):
                continue
            key = (case.pack, case.version)
            counts[key] = counts.get(key, 0) + 1
            excuses.setdefault(key, {}).update(f.coverage_exceptions)
            table = seen.setdefault(key, {})
            for step in d.steps:
                table.setdefault(step.rule, set()).add(step.result.value)
    tested = []
    for (pack, version), table in sorted(seen.items()):
        excused = excuses.get((pack, version), {})
        tested.append(
            PackCoverage(
                pack,
                version,
                counts[(pack, version)],
                tuple(RuleCoverage(rule, frozenset(s), excused.get(rule)) for rule, s in table.items()),
                tuple(sorted(set(excused) - set(table))),
            )
        )
    untested: list[tuple[str, str]] = []
    for root in result.roots:
        registry = Registry(root)
        for pack_id in registry.ids():
            try:
                versions = registry.versions(pack_id)
            except (PackError, PackNotFoundError):
                continue
            for v in versions:
                if (v.id, v.version) not in seen:
                    untested.append((v.id, v.version))
    return tested, sorted(set(untested))


def coverage_report(tested: list[PackCoverage], untested: list[tuple[str, str]]) -> list[str]:
    """Readable lines: per pack version, the rules not covered both ways and what was seen."""
    lines = [_("rule coverage (each rule must be seen true and false):")]
    for pc in tested:
        total = len(pc.rules)
        done = total - len(pc.not_both)
        status = _("complete") if pc.complete else _("INCOMPLETE")
        excused = sum(1 for r in pc.rules if r.excused and not r.covered)
        counted = _("{done}/{total} rules covered").format(done=done, total=total) + (
            _(" ({excused} excused)").format(excused=excused) if excused else ""
        )
        lines.append(
            "  "
            + _("{pack} {version}: {counted}, {cases} cases, {status}").format(
                pack=pc.pack, version=pc.version, counted=counted, cases=pc.cases, status=status
            )
        )
        for r in pc.rules:
            if r.covered and r.excused is None:
                continue
            if r.covered:
                lines.append(
                    "    - "
                    + _("{rule}: covered, but excused in coverage_exceptions: remove the excuse").format(
                        rule=r.rule
                    )
                )
                continue
            what = _("never seen true") if "true" not in r.seen else _("never seen false")
            seen = ", ".join(sorted(r.seen)) or _("nothing")
            excuse = _("; excused: {reason}").format(reason=r.excused) if r.excused else ""
            lines.append(
                "    - "
                + _("{rule}: {what} (seen: {seen})").format(rule=r.rule, what=what, seen=seen)
                + excuse
            )
        for rule in pc.unknown_exceptions:
            lines.append(
                "    - "
                + _("{rule}: in coverage_exceptions, but the pack has no such rule").format(rule=rule)
            )
    for pack, version in untested:
        lines.append("  " + _("{pack} {version}: no cases (not counted)").format(pack=pack, version=version))
    return lines
