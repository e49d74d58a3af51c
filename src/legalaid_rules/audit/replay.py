"""Replay: re-evaluate a stored trace with the pack version it names, and compare.

The pack is loaded again by id on the recorded pack date. If its digest differs from the
recorded one the result is ``pack_changed`` and nothing is evaluated: a changed pack is never
used silently. Otherwise the input is re-evaluated and the result is ``identical`` or
``different`` with every differing field (path, recorded value, value now).

The input digest is checked as well: against the stored snapshot for an unmasked record; for a
masked record only when the caller supplies the original application (``original=``), which is
then the input re-evaluated.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from legalaid_rules._version import __version__
from legalaid_rules.applicants import Application
from legalaid_rules.audit.masking import Masking
from legalaid_rules.audit.record import TraceRecord, input_snapshot, snapshot_digest
from legalaid_rules.decisions import PackStamp
from legalaid_rules.errors import PackError, PackNotFoundError
from legalaid_rules.evaluator import evaluate, to_application
from legalaid_rules.packs.registry import Registry

__all__ = ["Difference", "ReplayResult", "replay"]

Status = Literal["identical", "different", "pack_changed"]


@dataclass(frozen=True, slots=True)
class Difference:
    """One field that differs: its path in the record, the recorded value and the value now."""

    path: str
    recorded: Any
    now: Any

    def __str__(self) -> str:
        return f"{self.path}: recorded {_short(self.recorded)}, now {_short(self.now)}"


@dataclass(frozen=True, slots=True)
class ReplayResult:
    """The result of a replay.

    ``status`` is ``identical``, ``different`` (see ``differences``) or ``pack_changed`` (the
    pack in force today under that id and date is not the recorded one: ``pack_now`` is it,
    or None when no version is found any more; ``reason`` says which).
    """

    status: Status
    recorded_pack: PackStamp
    pack_now: PackStamp | None
    differences: tuple[Difference, ...]
    input_verified: bool | None  # None: a masked record replayed without the original
    recorded_library: str
    library_now: str
    reason: str = ""

    @property
    def identical(self) -> bool:
        """Whether the replay gave the recorded decision, field for field."""
        return self.status == "identical"


def replay(
    trace: TraceRecord,
    registry: Registry | None = None,
    *,
    original: Application | Mapping[str, Any] | None = None,
    masking: Masking | None = None,
) -> ReplayResult:
    """Re-evaluate a trace with its pack version and compare with the recorded decision.

    Args:
        trace: the stored trace record.
        registry: where to load the pack from (the bundled packs by default).
        original: the original application, for a record whose personal fields were masked;
            its digest must equal the recorded input digest.
        masking: the deployment's masking; with ``original``, also checks that the original
            masks to exactly the stored input.

    Returns:
        The replay result.

    Raises:
        ApplicationError: the stored (or supplied) input can no longer be read as an application.
    """
    registry = registry or Registry()
    recorded = trace.pack
    base: dict[str, Any] = {
        "recorded_pack": recorded,
        "recorded_library": trace.library_version,
        "library_now": __version__,
    }
    try:
        pack = registry.load(recorded.id, trace.pack_date)
    except (PackNotFoundError, PackError) as exc:
        return ReplayResult(
            "pack_changed", pack_now=None, differences=(), input_verified=None,
            reason=f"pack `{recorded.id}` on {trace.pack_date} cannot be loaded now: {exc}", **base,
        )  # fmt: skip
    now_stamp = PackStamp(
        id=pack.id,
        version=pack.version,
        digest=pack.digest,
        lineage=tuple(f"{i}@{v}" for i, v in pack.lineage),
    )
    if pack.digest != recorded.digest:
        return ReplayResult(
            "pack_changed", pack_now=now_stamp, differences=(), input_verified=None,
            reason=f"pack `{recorded.id}` on {trace.pack_date} is now version {pack.version} "
            f"with digest {pack.digest}, not the recorded {recorded.version} {recorded.digest}",
            **base,
        )  # fmt: skip

    differences: list[Difference] = []
    verified: bool | None
    if original is not None:
        snapshot = input_snapshot(original)
        now_digest = snapshot_digest(snapshot)
        verified = now_digest == trace.input_digest
        if not verified:
            differences.append(Difference("input_digest", trace.input_digest, now_digest))
        if masking is not None and trace.masked is not None and not masking.matches(trace, snapshot):
            verified = False
            differences.append(Difference("input", "masked input", "the original masks differently"))
        app: Application = to_application(snapshot)
    else:
        app = to_application(trace.input)
        if trace.masked is None or not trace.masked.paths:
            now_digest = snapshot_digest(trace.input)
            verified = now_digest == trace.input_digest
            if not verified:
                differences.append(Difference("input_digest", trace.input_digest, now_digest))
        else:
            verified = None
    decision = evaluate(pack, app, steps=True)
    differences.extend(
        _diff(trace.decision.model_dump(mode="json"), decision.model_dump(mode="json"), "decision")
    )
    return ReplayResult(
        "identical" if not differences else "different",
        pack_now=now_stamp,
        differences=tuple(differences),
        input_verified=verified,
        **base,
    )


def _diff(recorded: Any, now: Any, path: str) -> Iterator[Difference]:
    """Field-by-field differences of two JSON values, leaves first found first."""
    if isinstance(recorded, dict) and isinstance(now, dict):
        for key in sorted(recorded.keys() | now.keys()):
            yield from _diff(recorded.get(key), now.get(key), f"{path}.{key}")
    elif isinstance(recorded, list) and isinstance(now, list):
        for i in range(max(len(recorded), len(now))):
            yield from _diff(
                recorded[i] if i < len(recorded) else None,
                now[i] if i < len(now) else None,
                f"{path}[{i}]",
            )
    elif recorded != now or type(recorded) is not type(now):
        yield Difference(path, recorded, now)


def _short(value: Any, width: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"
