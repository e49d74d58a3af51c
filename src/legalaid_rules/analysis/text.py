"""Analysis results as readable text, in Chinese (default) or English."""

from __future__ import annotations

import json
from typing import Any

from legalaid_rules.analysis.results import Finding, Report

__all__ = ["OUTCOME_LABEL", "application_text", "report_text"]

OUTCOME_LABEL = {
    "eligible": ("符合", "eligible"),
    "ineligible": ("不符合", "ineligible"),
    "undetermined": ("尚无法决定", "undetermined"),
    "refused": ("缺少数值、不予决定", "refused (a figure is missing)"),
}
_OTHER = {
    "one_step_inside": ("差一步、比较成立的申请", "one step inside"),
    "decision": ("其决定", "its decision"),
    "without_rule": ("去掉该规则后的决定", "decided without the rule"),
    "parent": ("上级规则包的规则的决定", "decided by the parent's rules"),
}
_SEVERITY = {"error": ("错误", "error"), "warning": ("警告", "warning"), "info": ("提示", "info")}


def application_text(app: dict[str, Any]) -> str:
    """An application as one line of JSON (keys in the order the model gives them)."""
    return json.dumps(app, ensure_ascii=False, default=str)


def _decision(d: dict[str, Any], zh: bool) -> str:
    label = OUTCOME_LABEL.get(d["outcome"], (d["outcome"], d["outcome"]))[0 if zh else 1]
    econ = d.get("economic")
    return f"{label}" + (
        f"（经济困难条件：{econ}）" if zh and econ else f" (economic: {econ})" if econ else ""
    )


def _finding(n: int, f: Finding, zh: bool) -> list[str]:
    sev = _SEVERITY[f.severity][0 if zh else 1]
    lines = [f"{n}. [{sev}] {f.zh if zh else f.en}"]
    if f.witness is not None:
        lines.append(f"   {'例证申请' if zh else 'witness'}：{application_text(f.witness)}")
    if f.decision is not None:
        lines.append(
            f"   {'evaluate 的决定' if zh else 'decided by evaluate'}：{_decision(f.decision.as_json(), zh)}"
        )
    if f.other:
        for key, value in f.other.items():
            label = _OTHER.get(key, (key, key))[0 if zh else 1]
            if isinstance(value, dict) and "outcome" in value:
                lines.append(f"   {label}：{_decision(value, zh)}")
            else:
                lines.append(f"   {label}：{application_text(value) if isinstance(value, dict) else value}")
    if not f.confirmed:
        lines.append("   ！未经 evaluate 证实" if zh else "   ! NOT confirmed by evaluate")
    return lines


def report_text(report: Report, lang: str = "zh") -> str:
    """A pack's analysis report for a person."""
    zh = lang == "zh"
    head = (
        f"规则包 {report.pack} {report.version}"
        + (f"（{report.date}）" if report.date else "（整个有效期）")
        + f"：{len(report.findings)} 项发现，其中错误 {len(report.errors)} 项；用时 {report.seconds:.1f} 秒"
        if zh
        else f"pack {report.pack} {report.version}"
        + (f" ({report.date})" if report.date else " (whole period)")
        + f": {len(report.findings)} findings, {len(report.errors)} errors; {report.seconds:.1f} s"
    )
    lines = [head]
    for n, f in enumerate(report.findings, 1):
        lines += _finding(n, f, zh)
    return "\n".join(lines)
