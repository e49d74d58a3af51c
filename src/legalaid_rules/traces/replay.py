"""Replay: decide a stored trace again with the pack version it names, and compare.

The pack is loaded as in force on the trace's date and must have the very digest the trace
records: a pack that changed since (or is gone) is reported as such and never silently used.
The input snapshot must still have its recorded digest (in a masked trace, keyed with the
masking key, so verifying it needs the key); masked fields are restored from originals the
caller supplies. Then the decision is made again and compared field
by field with the stored one.

>>> import datetime as dt
>>> from legalaid_rules import evaluate, load_pack
>>> from legalaid_rules.traces.records import TraceRecord
>>> pack = load_pack("anhui/anqing", on=dt.date(2023, 6, 1))
>>> app = {"date": "2023-06-01", "matter": "domestic_violence"}
>>> trace = TraceRecord.from_decision(evaluate(pack, app), app, pack)
>>> replay(trace).status
<ReplayStatus.IDENTICAL: 'identical'>
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from legalaid_rules.canonical import digest, to_canonical_data
from legalaid_rules.errors import ApplicationError, PackError, PackNotFoundError
from legalaid_rules.evaluation import evaluate
from legalaid_rules.i18n import _
from legalaid_rules.packs.registry import Registry, bundled_registry
from legalaid_rules.traces.masking import MaskingPolicy, is_token
from legalaid_rules.traces.records import TraceRecord, load_trace

__all__ = ["Difference", "ReplayResult", "ReplayStatus", "replay"]


class ReplayStatus(StrEnum):
    """What a replay found; :attr:`exit_code` is the ``replay`` command's exit code."""

    IDENTICAL = "identical"  # the same decision, field by field
    DIFFERENT = "different"  # the same pack and input gave another decision
    PACK_CHANGED = "pack_changed"  # the pack in force on the date is not the one recorded
    PACK_MISSING = "pack_missing"  # no such pack, or no version in force on the date
    INPUT_CHANGED = "input_changed"  # the input snapshot no longer has its recorded digest
    INPUT_MASKED = "input_masked"  # masked fields are needed to decide: supply the originals

    @property
    def exit_code(self) -> int:
        """0 identical, 1 different, 3 pack changed or missing, 4 input changed or masked."""
        return {"identical": 0, "different": 1, "pack_changed": 3, "pack_missing": 3}.get(self.value, 4)


@dataclass(frozen=True, slots=True)
class Difference:
    """One field whose stored and replayed values differ (``None`` where a side has none)."""

    path: str
    stored: Any
    replayed: Any

    def __str__(self) -> str:
        return _("{path}: stored {stored}, replayed {replayed}").format(
            path=self.path, stored=_show(self.stored), replayed=_show(self.replayed)
        )


@dataclass(frozen=True, slots=True)
class ReplayResult:
    """The outcome of a replay: a status, a one-line message and the differences found."""

    status: ReplayStatus
    message: str
    trace: TraceRecord
    differences: tuple[Difference, ...] = ()
    replayed: TraceRecord | None = None
    input_verified: bool = False  # the input digest was checked (all masked fields restored)

    @property
    def identical(self) -> bool:
        """Whether the replay gave the identical decision."""
        return self.status is ReplayStatus.IDENTICAL


def replay(
    trace: TraceRecord | bytes | str | Mapping[str, Any],
    registry: Registry | None = None,
    *,
    originals: Mapping[str, Any] | None = None,
    masking: MaskingPolicy | None = None,
) -> ReplayResult:
    """Replay a stored trace.

    Args:
        trace: the trace, as a record, its JSON, or plain data.
        registry: where to find packs (the bundled packs by default).
        originals: path -> original value for masked fields (e.g. ``{"input.applicant.name":
            "张三"}``); with them the input digest can be verified again.
        masking: the deployment's policy; when given, each original must match its token and
            a keyed input digest is verified with its key.

    Raises:
        TraceError: the trace is malformed.
    """
    record = trace if isinstance(trace, TraceRecord) else load_trace(trace)
    registry = registry or bundled_registry()
    ref = record.pack
    try:
        pack = registry.load(ref.id, record.date)
    except (PackNotFoundError, PackError) as exc:
        msg = _("pack `{pack}` {version} cannot be loaded for {date}: {reason}").format(
            pack=ref.id, version=ref.version, date=record.date, reason=str(exc).splitlines()[0]
        )
        return ReplayResult(ReplayStatus.PACK_MISSING, msg, record)
    if (pack.version, pack.digest) != (ref.version, ref.digest):
        diffs = tuple(
            Difference(f"pack.{name}", old, new)
            for name, old, new in (
                ("version", ref.version, pack.version),
                ("digest", ref.digest, pack.digest),
            )
            if old != new
        )
        msg = _(
            "the pack in force on {date} is `{pack}` {version} ({digest}), "
            "not the recorded {recorded} ({recorded_digest}): the pack changed, so it was not used"
        ).format(
            date=record.date,
            pack=pack.id,
            version=pack.version,
            digest=pack.digest,
            recorded=ref.version,
            recorded_digest=ref.digest,
        )
        return ReplayResult(ReplayStatus.PACK_CHANGED, msg, record, diffs)

    data = copy.deepcopy(record.input)
    problem = _restore(record, data, originals or {}, masking)
    if problem is not None:
        return ReplayResult(ReplayStatus.INPUT_CHANGED, problem, record)
    still_masked = [p for p in record.masked if is_token(_get(data, p))]
    keyed = is_token(record.input_digest)  # a masked record's digest is keyed with the masking key
    verified = not still_masked and (masking is not None or not keyed)
    if verified:
        found = digest(data)
        if keyed and masking is not None:
            found = masking.keyed_digest(found)
        if found != record.input_digest:
            msg = _(
                "the input snapshot no longer has its recorded digest ({found} != {recorded}): "
                "the input was changed"
            ).format(found=found, recorded=record.input_digest)
            return ReplayResult(
                ReplayStatus.INPUT_CHANGED,
                msg,
                record,
                (Difference("input_digest", record.input_digest, found),),
            )
    try:
        decision = evaluate(pack, data)
    except ApplicationError as exc:
        if still_masked:
            msg = _("masked fields are needed to decide again ({fields}): supply the originals").format(
                fields=", ".join(still_masked)
            )
            return ReplayResult(ReplayStatus.INPUT_MASKED, msg, record)
        msg = _("the recorded input is no longer a valid application: {reason}").format(
            reason=str(exc).splitlines()[0]
        )
        return ReplayResult(ReplayStatus.INPUT_CHANGED, msg, record)
    again = TraceRecord.from_decision(
        decision, data, pack, clock=lambda: record.timestamp, decision_id=record.decision_id
    )
    diffs = tuple(_diff(record.decision_data(), again.decision_data(), ""))
    if verified:
        note = ""
    elif still_masked:
        note = _(" (input digest not verified: {count} field(s) still masked)").format(
            count=len(still_masked)
        )
    else:
        note = _(" (input digest not verified: it is keyed, give the masking key)")
    if diffs:
        msg = _("the decision differs in {count} field(s)").format(count=len(diffs)) + note
        return ReplayResult(ReplayStatus.DIFFERENT, msg, record, diffs, again, verified)
    msg = _("the same decision, field by field") + note
    return ReplayResult(ReplayStatus.IDENTICAL, msg, record, (), again, verified)


def _restore(
    record: TraceRecord, data: dict[str, Any], originals: Mapping[str, Any], masking: MaskingPolicy | None
) -> str | None:
    """Put supplied originals back into ``data``; a message if one does not fit, else None."""
    for path, value in originals.items():
        if path not in record.masked:
            return _("`{path}` is not a masked field of this trace (masked: {masked})").format(
                path=path, masked=", ".join(record.masked) or _("none")
            )
        token = _get(data, path)
        original = to_canonical_data(value)
        if masking is not None and isinstance(token, str) and not masking.matches(token, original):
            return _("the original given for `{path}` does not match its masked digest").format(path=path)
        _set(data, path, original)
    return None


def _steps(path: str) -> list[str]:
    parts = path.split(".")
    if parts[0] != "input":
        raise KeyError(path)
    return parts[1:]


def _get(data: Any, path: str) -> Any:
    node = data
    for part in _steps(path):
        node = node[int(part)] if isinstance(node, list) else node.get(part)
    return node


def _set(data: Any, path: str, value: Any) -> None:
    *head, last = _steps(path)
    node = data
    for part in head:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def _diff(stored: Any, replayed: Any, path: str) -> Iterator[Difference]:
    """Every leaf where two plain-data trees differ, by path (``steps[3:rule.id].result``)."""
    if isinstance(stored, dict) and isinstance(replayed, dict):
        for key in sorted(set(stored) | set(replayed)):
            sub = f"{path}.{key}" if path else key
            yield from _diff(stored.get(key), replayed.get(key), sub)
    elif isinstance(stored, list) and isinstance(replayed, list):
        for i in range(max(len(stored), len(replayed))):
            a = stored[i] if i < len(stored) else None
            b = replayed[i] if i < len(replayed) else None
            label = _label(a) or _label(b)
            yield from _diff(a, b, f"{path}[{i}{':' + label if label else ''}]")
    elif stored != replayed:
        yield Difference(path, stored, replayed)


def _label(item: Any) -> str | None:
    if isinstance(item, dict):
        for key in ("rule", "fact", "code", "program", "route"):
            if isinstance(item.get(key), str):
                return str(item[key])
    return None


def _show(value: Any) -> str:
    if value is None:
        return _("(none)")
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."
