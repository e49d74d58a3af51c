"""An audit as text (a summary table) and as one self-contained HTML page an auditor can open."""

from __future__ import annotations

import html

from legalaid_rules._version import __version__
from legalaid_rules.traces.audit import AuditReport

__all__ = ["audit_html", "audit_summary"]

_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.3em .6em;text-align:left;
vertical-align:top}th{background:#eee}.num{text-align:right}.bad{color:#a00}.ok{color:#070}
details{margin:.4em 0}summary{cursor:pointer}small{color:#666}
"""


def audit_summary(report: AuditReport) -> str:
    """The totals and the disagreements by rule, as a plain-text table."""
    rate = report.total / report.seconds if report.seconds else 0.0
    rows = [
        ("records", report.total),
        ("agreements", report.agreements),
        ("disagreements", len(report.disagreements)),
        ("invalid", len(report.invalid)),
    ]
    lines = [f"{name:<15}{count:>10}" for name, count in rows]
    lines.append(f"{'seconds':<15}{report.seconds:>10.2f}  ({rate:,.0f} records/s)")
    if report.by_rule:
        lines.append("")
        lines.append("disagreements by deciding rule:")
        for rule, count in sorted(report.by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {count:>8}  {rule}")
    for d in report.disagreements[:20]:
        deciding = ", ".join(r[0] for r in d.reasons) or "-"
        lines.append(
            f"line {d.line} {d.id}: recorded {d.recorded}, rules say {d.computed} "
            f"({', '.join(d.fields_differing())} differ; deciding: {deciding})"
        )
    if len(report.disagreements) > 20:
        lines.append(f"... and {len(report.disagreements) - 20} more disagreement(s)")
    for bad in report.invalid[:20]:
        lines.append(f"line {bad.line} {bad.id or ''}: invalid: {'; '.join(bad.problems)}")
    if len(report.invalid) > 20:
        lines.append(f"... and {len(report.invalid) - 20} more invalid record(s)")
    return "\n".join(lines)


def audit_html(report: AuditReport, title: str = "法律援助决定审计报告 Legal-aid decision audit") -> str:
    """A self-contained HTML report: totals, disagreements by rule, each disagreement explained."""
    e = html.escape
    out = [
        "<!doctype html>",
        '<html lang="zh"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p><small>legalaid-rules {e(__version__)}; packs: "
        + e(", ".join(f"{p} ({n})" for p, n in sorted(report.by_pack.items())) or "none")
        + "</small></p>",
        "<h2>总计 Totals</h2><table>",
    ]
    for label, value, cls in (
        ("记录 Records", report.total, ""),
        ("一致 Agreements", report.agreements, "ok"),
        ("不一致 Disagreements", len(report.disagreements), "bad" if report.disagreements else ""),
        ("无效 Invalid", len(report.invalid), "bad" if report.invalid else ""),
    ):
        out.append(f'<tr><th>{e(label)}</th><td class="num {cls}">{value}</td></tr>')
    out.append("</table>")
    if report.by_rule:
        out.append("<h2>按规则统计的不一致 Disagreements by deciding rule</h2><table>")
        out.append("<tr><th>规则 Rule</th><th>数量 Count</th></tr>")
        for rule, count in sorted(report.by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
            out.append(f'<tr><td><code>{e(rule)}</code></td><td class="num">{count}</td></tr>')
        out.append("</table>")
    if report.disagreements:
        out.append("<h2>不一致的决定 Disagreements</h2>")
        for d in report.disagreements:
            out.append(
                f"<details><summary>第 {d.line} 行 line {d.line} · <b>{e(d.id)}</b> · {e(d.pack)} · {d.date}"
                f' · 记录 recorded <b>{e(d.recorded)}</b>, 规则 rules <b class="bad">{e(d.computed)}</b>'
                "</summary><table>"
            )
            out.append(f"<tr><th>不同 Differs</th><td>{e(', '.join(d.fields_differing()))}</td></tr>")
            out.append(
                f"<tr><th>经济困难 Economic</th><td>recorded {e(d.recorded_economic or '-')}, "
                f"rules {e(d.computed_economic)}</td></tr>"
            )
            if d.rules_only_recorded or d.rules_only_computed:
                out.append(
                    "<tr><th>理由差异 Reasons</th><td>only recorded: "
                    f"{e(', '.join(d.rules_only_recorded) or '-')}<br>only rules: "
                    f"{e(', '.join(d.rules_only_computed) or '-')}</td></tr>"
                )
            for rule, zh, en, basis in d.reasons:
                out.append(
                    f"<tr><th><code>{e(rule)}</code></th><td>{e(zh)}<br><small>{e(en)}</small>"
                    f"<br><small>依据 Basis: {e(basis)}</small></td></tr>"
                )
            if d.missing:
                out.append(f"<tr><th>缺少 Missing</th><td>{e(', '.join(d.missing))}</td></tr>")
            out.append("</table></details>")
    if report.invalid:
        out.append(
            "<h2>无效记录 Invalid records</h2><table><tr><th>Line</th><th>Id</th><th>Problems</th></tr>"
        )
        for bad in report.invalid:
            problems = "<br>".join(e(p) for p in bad.problems)
            out.append(
                f'<tr><td class="num">{bad.line}</td><td>{e(bad.id or "")}</td><td>{problems}</td></tr>'
            )
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)
