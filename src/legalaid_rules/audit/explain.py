"""A stored trace as readable text, in Chinese (default) or English.

The decision as ``legalaid-rules evaluate`` prints it (outcome, reasons with legal basis,
missing list, warnings), preceded by the record's provenance (decision id, time, library,
pack version and full digest, lineage, input digest, masked fields) and followed by every
evaluation step with the values it read and its legal basis.
"""

from __future__ import annotations

from typing import Any

from legalaid_rules.audit.record import TraceRecord
from legalaid_rules.decisions import Step

__all__ = ["trace_text"]

_TRUTH = {
    "true": ("成立", "true"),
    "false": ("不成立", "false"),
    "unknown": ("不明", "unknown"),
}


def trace_text(record: TraceRecord, lang: str = "zh") -> str:
    """Render a trace record for a person (``lang`` is ``zh`` or ``en``)."""
    # imported here: importing the audit package must not import (and register) the CLI
    from legalaid_rules.cli._text import decision_text

    zh = lang != "en"
    i = 0 if zh else 1
    c = "：" if zh else ": "
    pack = record.pack
    lines = [
        f"{'决定编号' if zh else 'Decision id'}{c}{record.decision_id}",
        f"{'决定时间' if zh else 'Decided at'}{c}{record.timestamp.isoformat()}",
        f"{'程序版本' if zh else 'Library'}{c}legalaid-rules {record.library_version}",
        f"{'规则包版本' if zh else 'Pack version'}{c}{pack.id} {pack.version}",
        f"{'规则包摘要' if zh else 'Pack digest'}{c}{pack.digest}",
        f"{'继承链' if zh else 'Lineage'}{c}{' → '.join(pack.lineage)}",
        f"{'输入摘要' if zh else 'Input digest'}{c}{record.input_digest}",
    ]
    if record.masked is not None and record.masked.paths:
        lines.append(
            f"{'已遮蔽的个人信息' if zh else 'Masked personal fields'}{c}{', '.join(record.masked.paths)}"
            + (
                f"（{record.masked.algorithm}，密钥 {record.masked.key_id}）"
                if zh
                else f" ({record.masked.algorithm}, key {record.masked.key_id})"
            )
        )
    lines.append("")
    lines.append(decision_text(record.decision, "zh" if zh else "en"))
    if record.decision.steps:
        lines.append("")
        lines.append("评估步骤：" if zh else "Evaluation steps:")
        for n, step in enumerate(record.decision.steps, 1):
            lines.extend(_step(n, step, zh, i))
    return "\n".join(lines)


def _step(n: int, step: Step, zh: bool, i: int) -> list[str]:
    truth = _TRUTH.get(str(step.result.value if hasattr(step.result, "value") else step.result))
    result = truth[i] if truth else str(step.result)
    c = "：" if zh else ": "
    out = [
        f"  {n}. {step.rule}（{step.pack}）：{result}"
        if zh
        else f"  {n}. {step.rule} ({step.pack}): {result}",
        f"     {'条件' if zh else 'Condition'}{c}{step.condition}",
    ]
    for cmp in step.comparisons:
        ct = _TRUTH.get(str(cmp.result.value if hasattr(cmp.result, "value") else cmp.result))
        out.append(
            f"     - {cmp.test}{c}{_value(cmp.left, zh)} / {_value(cmp.right, zh)} → "
            f"{ct[i] if ct else cmp.result}"
        )
    if step.basis:
        out.append(f"     {'依据' if zh else 'Basis'}{c}{step.basis}")
    return out


def _value(value: Any, zh: bool) -> str:
    if value is None:
        return "不明" if zh else "unknown"
    if value is True:
        return "是" if zh else "yes"
    if value is False:
        return "否" if zh else "no"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v, zh) for v in value) + "]"
    return str(value)
