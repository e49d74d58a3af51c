"""A decision as readable text, in Chinese (default) or English."""

from __future__ import annotations

from legalaid_rules.decisions import Decision
from legalaid_rules.explanations import ECONOMIC_TEXT, OUTCOME_TEXT

__all__ = ["decision_text"]


def decision_text(d: Decision, lang: str = "zh") -> str:
    """Render a decision for a person: outcome, reasons with legal basis, missing list, warnings."""
    zh = lang == "zh"
    i = 0 if zh else 1
    lines = [
        f"{'决定' if zh else 'Decision'}：{OUTCOME_TEXT[d.outcome.value][i]}（{d.outcome.value}）",
        f"{'规则包' if zh else 'Pack'}：{d.pack.id} {d.pack.version}（{d.pack.digest[:19]}…）",
        f"{'申请日期' if zh else 'Date'}：{d.date.isoformat()}",
    ]
    if d.matter:
        lines.append(
            f"{'事项' if zh else 'Matter'}：{d.matter.zh if zh else d.matter.en}（{d.matter.basis}）"
        )
    lines.append(
        f"{'经济困难条件' if zh else 'Hardship'}：{ECONOMIC_TEXT[d.economic.value][i]}（{d.economic.value}）"
    )
    if d.urgent:
        lines.append(
            "先行提供法律援助：是（《法律援助法》第四十四条）"
            if zh
            else "Urgent: aid may be provided first (Art 44)"
        )
    lines.append("理由：" if zh else "Reasons:")
    for n, r in enumerate(d.reasons, 1):
        lines.append(f"  {n}. {r.zh if zh else r.en}")
        lines.append(
            f"     {'依据' if zh else 'Basis'}：{r.basis}"
            + ("" if r.verified else ("（未经核实）" if zh else " (unverified)"))
        )
    if d.missing:
        lines.append(
            "需一次性告知申请人补充的事项和材料（《法律援助法》第四十三条）："
            if zh
            else "To request from the applicant, all at once (Art 43):"
        )
        for m in d.missing:
            lines.append(f"  - {m.zh if zh else m.en}  [{m.fact}; {', '.join(m.rules)}]")
    if d.warnings:
        lines.append("提示：" if zh else "Warnings:")
        for w in d.warnings:
            lines.append(f"  ! {w.zh if zh else w.en}")
    return "\n".join(lines)
