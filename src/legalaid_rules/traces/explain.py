"""A stored trace as text a person reads: the decision, each step with its values and legal
basis, the missing list and the pack version, in Chinese (default) or English.
"""

from __future__ import annotations

from typing import Any

from legalaid_rules.decisions import Comparison, Step
from legalaid_rules.evaluation.wording import ECONOMIC_TEXT, OUTCOME_TEXT
from legalaid_rules.traces.records import TraceRecord

__all__ = ["explain_trace"]

_TRUTH = {"true": ("成立", "true"), "false": ("不成立", "false"), "unknown": ("无法判断", "unknown")}
_WORDS = {
    "title": ("法律援助决定记录", "Legal-aid decision record"),
    "id": ("决定编号", "Decision id"),
    "time": ("作出时间", "Made at"),
    "library": ("程序版本", "Library version"),
    "pack": ("规则包", "Pack"),
    "lineage": ("继承链", "Lineage"),
    "date": ("申请日期", "Application date"),
    "input": ("输入摘要", "Input digest"),
    "masked": ("已脱敏字段", "Masked fields"),
    "decision": ("决定", "Decision"),
    "matter": ("事项", "Matter"),
    "economic": ("经济困难条件", "Hardship"),
    "urgent": ("先行提供法律援助（第四十四条）", "Urgent: aid may be provided first (Art 44)"),
    "reasons": ("理由", "Reasons"),
    "basis": ("依据", "Basis"),
    "steps": ("评估步骤", "Evaluation steps"),
    "values": ("取值", "values"),
    "missing": (
        "需一次性告知申请人补充的事项和材料（《法律援助法》第四十三条）",
        "To request from the applicant, all at once (Art 43)",
    ),
    "warnings": ("提示", "Warnings"),
    "unverified": ("（未经核实）", " (unverified)"),
    "yes": ("是", "yes"),
}


def explain_trace(trace: TraceRecord, lang: str = "zh") -> str:
    """Render a trace record as text.

    Args:
        trace: the stored record.
        lang: ``"zh"`` (default) or ``"en"``.

    Raises:
        ValueError: an unknown language.
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language `{lang}` (choose zh or en)")
    i = 0 if lang == "zh" else 1

    def w(key: str) -> str:
        return _WORDS[key][i]

    p = trace.pack
    c, lb, rb = ("：", "（", "）") if i == 0 else (": ", " (", ")")
    lines = [
        w("title"),
        f"{w('id')}{c}{trace.decision_id}",
        f"{w('time')}{c}{trace.timestamp.isoformat()}",
        f"{w('pack')}{c}{p.id} {p.version}{lb}{p.digest}{rb}",
        f"{w('lineage')}{c}{' → '.join(p.lineage)}",
        f"{w('library')}{c}{trace.library_version}",
        f"{w('date')}{c}{trace.date.isoformat()}",
        f"{w('input')}{c}{trace.input_digest}",
    ]
    if trace.masked:
        lines.append(f"{w('masked')}{c}{', '.join(trace.masked)}")
    lines.append("")
    lines.append(f"{w('decision')}{c}{OUTCOME_TEXT[trace.outcome.value][i]}{lb}{trace.outcome.value}{rb}")
    if trace.matter:
        m = trace.matter
        lines.append(f"{w('matter')}{c}{m.zh if i == 0 else m.en}{lb}{m.basis}{rb}")
    lines.append(f"{w('economic')}{c}{ECONOMIC_TEXT[trace.economic.value][i]}{lb}{trace.economic.value}{rb}")
    if trace.urgent:
        lines.append(f"{w('urgent')}{c}{w('yes')}")
    if trace.reasons:
        lines.append(f"{w('reasons')}{c}")
        for n, r in enumerate(trace.reasons, 1):
            lines.append(f"  {n}. {r.zh if i == 0 else r.en}")
            lines.append(f"     {w('basis')}{c}{r.basis}" + ("" if r.verified else w("unverified")))
    if trace.missing:
        lines.append(f"{w('missing')}{c}")
        for item in trace.missing:
            lines.append(f"  - {item.zh if i == 0 else item.en}  [{item.fact}; {', '.join(item.rules)}]")
    if trace.warnings:
        lines.append(f"{w('warnings')}{c}")
        for warning in trace.warnings:
            lines.append(f"  ! {warning.zh if i == 0 else warning.en}")
    lines.append("")
    lines.append(f"{w('steps')}{c}")
    for n, step in enumerate(trace.steps, 1):
        lines.extend(_step(n, step, i))
    return "\n".join(lines)


def _step(n: int, step: Step, i: int) -> list[str]:
    result = _TRUTH[step.result.value][i]
    out = [
        f"  {n}. {step.rule} [{step.pack}] → {result}",
        f"     {'条件：' if i == 0 else 'when: '}{step.condition}",
    ]
    for c in step.comparisons:
        out.append(f"     · {_comparison(c, i)}")
    if step.basis:
        out.append(f"     {_WORDS['basis'][i]}{'：' if i == 0 else ': '}{step.basis}")
    return out


def _comparison(c: Comparison, i: int) -> str:
    values = f"{_value(c.left, i)} | {_value(c.right, i)}"
    return f"{c.test}  ({_WORDS['values'][i]}: {values}) → {_TRUTH[c.result.value][i]}"


def _value(v: Any, i: int) -> str:
    if v is None:
        return "未知" if i == 0 else "unknown"
    if isinstance(v, bool):
        return ("是" if v else "否") if i == 0 else ("yes" if v else "no")
    return str(v)
