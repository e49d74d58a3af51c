"""An audit as text (a summary table) and as one self-contained HTML page an auditor can hand on.

The page needs no network and runs no script: charts are inline SVG written here, and the
disagreement list is filtered by direction with CSS alone (radio buttons), so it opens the same
in any browser, offline, and can be archived with the audit file it describes.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable

from legalaid_rules.i18n import _
from legalaid_rules.traces.audit import DIRECTIONS, AuditReport, Disagreement, InvalidRecord

__all__ = ["audit_html", "audit_summary"]

_OUTCOME_ORDER = ("eligible", "ineligible", "undetermined")
_OUTCOME_ZH = {"eligible": "符合", "ineligible": "不符合", "undetermined": "无法判断"}
_GROUP_LIMIT = 500  # disagreements or invalid lines listed per group; the counts are always complete

_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222;
max-width:72em}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.3em .6em;text-align:left;
vertical-align:top}th{background:#eee}.num{text-align:right;font-variant-numeric:tabular-nums}
.bad{color:#a00}.ok{color:#070}.diag{background:#e8f4e8}.off{background:#fbe9e9}
details{margin:.4em 0}summary{cursor:pointer}small{color:#666}code{font-size:.9em}
svg{display:block;margin:.5em 0 1.5em}svg text{font-size:12px;font-family:inherit}
.filters label{margin:0 .4em .3em 0;cursor:pointer;border:1px solid #bbb;border-radius:4px;padding:.1em .5em;
display:inline-block}.filters{margin:.5em 0 1em}
"""


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def audit_summary(report: AuditReport) -> str:
    """The totals, confusion table, directions and disagreements by rule, as plain text."""
    rate = report.total / report.seconds if report.seconds else 0.0
    rows = [
        (_("records"), report.total, ""),
        (_("agreements"), report.agreements, _pct(report.agreements, report.total)),
        (_("disagreements"), len(report.disagreements), _pct(len(report.disagreements), report.total)),
        (_("invalid"), len(report.invalid), _pct(len(report.invalid), report.total)),
    ]
    lines = [f"{_pad(name, 15)}{count:>10}  {pct}".rstrip() for name, count, pct in rows]
    lines.append(
        f"{_pad(_('seconds'), 15)}{report.seconds:>10.2f}  "
        + _("({rate} records/s)").format(rate=format(rate, ",.0f"))
    )
    if report.source_sha256:
        lines.append(f"{_pad(_('file'), 15)}{report.source or '-'} sha256:{report.source_sha256}")
    for ref, digest in sorted(report.packs.items()):
        lines.append(f"{_pad(_('pack'), 15)}{ref} {digest}")
    if report.confusion:
        lines.append("")
        lines.append(_pad(_("recorded \\ rules"), 17) + "".join(f"{o:>14}" for o in _OUTCOME_ORDER))
        for recorded in _OUTCOME_ORDER:
            counts = "".join(f"{report.confusion.get((recorded, o), 0):>14}" for o in _OUTCOME_ORDER)
            lines.append(f"{recorded:<17}{counts}")
    directions = report.directions()
    if directions:
        lines.append("")
        lines.append(_("disagreements by direction:"))
        for key in DIRECTIONS:
            if directions[key]:
                lines.append(f"  {directions[key]:>8}  {key}")
    informative = report.informative_rules()
    if informative:
        lines.append("")
        lines.append(_("disagreements by deciding rule:"))
        for rule, count in informative:
            lines.append(f"  {count:>8}  {rule}")
    for d in report.disagreements[:20]:
        deciding = ", ".join(r[0] for r in d.reasons) or "-"
        lines.append(
            _(
                "line {line} {id}: recorded {recorded}, rules say {computed} "
                "({fields} differ; deciding: {deciding})"
            ).format(
                line=d.line,
                id=d.id,
                recorded=d.recorded,
                computed=d.computed,
                fields=", ".join(d.fields_differing()),
                deciding=deciding,
            )
        )
    if len(report.disagreements) > 20:
        lines.append(_("... and {count} more disagreement(s)").format(count=len(report.disagreements) - 20))
    for bad in report.invalid[:20]:
        lines.append(
            _("line {line} {id}: invalid: {problems}").format(
                line=bad.line, id=bad.id or "", problems="; ".join(bad.problems)
            )
        )
    if len(report.invalid) > 20:
        lines.append(_("... and {count} more invalid record(s)").format(count=len(report.invalid) - 20))
    return "\n".join(lines)


def _pad(label: str, width: int) -> str:
    """``label`` padded with spaces to ``width`` columns, a Chinese character counting two."""
    used = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in label)
    return label + " " * max(width - used, 0)


def _fit(label: str, width: int) -> str:
    """``label`` cut to ``width`` columns, a Chinese character counting two."""
    used = 0
    for i, char in enumerate(label):
        used += 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used > width - 1:
            return label[:i] + "…"
    return label


def _bars(rows: list[tuple[str, int, int]], *, stacked: bool = True) -> str:
    """A horizontal bar chart as inline SVG: per row, agreements then disagreements (or one bar)."""
    if not rows:
        return ""
    label_w, bar_w, row_h = 260, 400, 22
    top = max(a + d for _, a, d in rows) or 1
    height = row_h * len(rows) + (26 if stacked else 6)
    out = [f'<svg width="{label_w + bar_w + 200}" height="{height}" role="img">']
    e = html.escape
    for i, (label, agree, disagree) in enumerate(rows):
        y = i * row_h
        wa, wd = bar_w * agree / top, bar_w * disagree / top
        shown = _fit(label, 40)
        out.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">'
            f"<title>{e(label)}</title>{e(shown)}</text>"
        )
        if stacked:
            out.append(f'<rect x="{label_w}" y="{y + 4}" width="{wa:.1f}" height="14" fill="#8bc48a"/>')
        out.append(f'<rect x="{label_w + wa:.1f}" y="{y + 4}" width="{wd:.1f}" height="14" fill="#d9534f"/>')
        note = (
            f"{agree + disagree:,} · {_pct(disagree, agree + disagree)} 不一致"
            if stacked
            else f"{disagree:,}"
        )
        out.append(f'<text x="{label_w + wa + wd + 6:.1f}" y="{y + 15}">{note}</text>')
    if stacked:
        y = row_h * len(rows) + 6
        out.append(f'<rect x="{label_w}" y="{y}" width="12" height="12" fill="#8bc48a"/>')
        out.append(f'<text x="{label_w + 16}" y="{y + 11}">一致 agree</text>')
        out.append(f'<rect x="{label_w + 110}" y="{y}" width="12" height="12" fill="#d9534f"/>')
        out.append(f'<text x="{label_w + 126}" y="{y + 11}">不一致 disagree</text>')
    out.append("</svg>")
    return "".join(out)


def _breakdown(
    report: AuditReport, counts: dict[tuple[str, str], int], keys: Iterable[str]
) -> list[tuple[str, int, int]]:
    rows = []
    for key in keys:
        records = counts.get((key, "records"), 0)
        disagree = counts.get((key, "disagreements"), 0)
        rows.append((key, records - disagree, disagree))
    return rows


def _meta(report: AuditReport) -> list[str]:
    e = html.escape
    made = report.made_at.isoformat() if report.made_at else "-"
    out = ["<h2 id='about'>审计信息 About this audit</h2><table>"]
    out.append(f"<tr><th>生成时间 Made at</th><td>{e(made)}</td></tr>")
    out.append(f"<tr><th>程序版本 Library</th><td>legalaid-rules {e(report.library_version)}</td></tr>")
    source = e(report.source or "-")
    sha = f"<br><small><code>sha256:{e(report.source_sha256)}</code></small>" if report.source_sha256 else ""
    out.append(f"<tr><th>审计文件 Audited file</th><td>{source}{sha}</td></tr>")
    out.append(
        f"<tr><th>行数 Lines</th><td>{report.lines:,} "
        f"({report.total:,} records, {report.blank:,} blank)</td></tr>"
    )
    packs = "<br>".join(
        f"<code>{e(ref)}</code> <small><code>{e(digest)}</code></small> "
        f"({report.by_pack.get(ref.split('@')[0], 0):,})"
        for ref, digest in sorted(report.packs.items())
    )
    out.append(f"<tr><th>规则包 Packs (id@version, digest, records)</th><td>{packs or '-'}</td></tr>")
    out.append("</table>")
    return out


def _totals(report: AuditReport) -> list[str]:
    out = ["<h2 id='totals'>总计 Totals</h2><table><tr><th></th><th>数量 Count</th><th>占比 Share</th></tr>"]
    for label, value, cls in (
        ("记录 Records", report.total, ""),
        ("一致 Agreements", report.agreements, "ok"),
        ("不一致 Disagreements", len(report.disagreements), "bad" if report.disagreements else ""),
        ("无效 Invalid", len(report.invalid), "bad" if report.invalid else ""),
    ):
        out.append(
            f'<tr><th>{html.escape(label)}</th><td class="num {cls}">{value:,}</td>'
            f'<td class="num">{_pct(value, report.total)}</td></tr>'
        )
    out.append("</table>")
    return out


def _confusion(report: AuditReport) -> list[str]:
    if not report.confusion:
        return []
    out = [
        "<h2 id='confusion'>结论对照 Recorded against recomputed outcome</h2>",
        "<p><small>行为记录的结论，列为按规则重新计算的结论；对角线为一致。Rows: recorded; "
        "columns: the rules now; the diagonal agrees on the outcome.</small></p><table><tr><th></th>",
    ]
    out += [f"<th>规则 {_OUTCOME_ZH[o]}<br><small>{o}</small></th>" for o in _OUTCOME_ORDER]
    out.append("<th>合计 Total</th></tr>")
    decided = report.decided
    for recorded in _OUTCOME_ORDER:
        row_total = sum(report.confusion.get((recorded, o), 0) for o in _OUTCOME_ORDER)
        out.append(f"<tr><th>记录 {_OUTCOME_ZH[recorded]}<br><small>{recorded}</small></th>")
        for computed in _OUTCOME_ORDER:
            n = report.confusion.get((recorded, computed), 0)
            cls = "diag" if recorded == computed else ("off" if n else "")
            out.append(f'<td class="num {cls}">{n:,}<br><small>{_pct(n, decided)}</small></td>')
        out.append(f'<td class="num">{row_total:,}</td></tr>')
    out.append("</table>")
    return out


def _directions(report: AuditReport) -> list[str]:
    directions = report.directions()
    if not directions:
        return []
    total = len(report.disagreements)
    out = ["<h2 id='directions'>不一致的方向 Direction of the disagreements</h2><table>"]
    out.append("<tr><th>方向 Direction</th><th>数量 Count</th><th>占不一致 Share</th></tr>")
    for key, label in DIRECTIONS.items():
        n = directions.get(key, 0)
        out.append(
            f'<tr><td>{html.escape(label)}</td><td class="num">{n:,}</td>'
            f'<td class="num">{_pct(n, total)}</td></tr>'
        )
    out.append("</table>")
    out.append(
        _bars([(DIRECTIONS[k].split(" ", 1)[0], 0, directions.get(k, 0)) for k in DIRECTIONS], stacked=False)
    )
    return out


def _breakdowns(report: AuditReport) -> list[str]:
    out: list[str] = []
    counties = sorted(
        {c for c, _ in report.by_county}, key=lambda c: (-report.by_county.get((c, "records"), 0), c)
    )
    if counties:
        out.append("<h2 id='counties'>按县（区）Records by county</h2>")
        rows = [
            (f"{report.place_names.get(c, c)} {c}" if c in report.place_names else c, a, d)
            for c, a, d in _breakdown(report, report.by_county, counties[:40])
        ]
        out.append(_bars(rows))
        if len(counties) > 40:
            out.append(f"<p><small>{len(counties) - 40} more counties not drawn</small></p>")
    months = sorted({m for m, _ in report.by_month})
    if months:
        out.append("<h2 id='months'>按月份 Records by month</h2>")
        out.append(_bars(_breakdown(report, report.by_month, months[-60:])))
    informative = report.informative_rules()
    everywhere = report.rules_deciding_every_case()
    if report.by_rule:
        out.append("<h2 id='rules'>按决定规则统计的不一致 Disagreements by deciding rule</h2>")
        if everywhere:
            names = "、".join(
                f"{html.escape(report.rule_names.get(r, r))}（<code>{html.escape(r)}</code>）"
                for r in everywhere
            )
            out.append(
                f"<p><small>不计入每个案件都适用的规则 Left out, deciding every case: {names}</small></p>"
            )
        out.append(
            _bars(
                [(report.rule_names.get(r, r), 0, n) for r, n in informative[:40]],
                stacked=False,
            )
        )
        out.append("<table><tr><th>规则 Rule</th><th>数量 Count</th><th>占不一致 Share</th></tr>")
        for rule, count in informative:
            name = html.escape(report.rule_names.get(rule, rule))
            out.append(
                f"<tr><td>{name}<br><small><code>{html.escape(rule)}</code></small></td>"
                f'<td class="num">{count:,}</td>'
                f'<td class="num">{_pct(count, len(report.disagreements))}</td></tr>'
            )
        out.append("</table>")
    return out


def _disagreement_row(d: Disagreement, places: dict[str, str]) -> str:
    e = html.escape
    rules = "<br>".join(f"{e(zh)}<br><small>依据 {e(basis)}</small>" for _, zh, _, basis in d.reasons) or "-"
    extra = ""
    if d.rules_only_recorded or d.rules_only_computed:
        extra = (
            f"<br><small>only recorded: {e(', '.join(d.rules_only_recorded) or '-')}; "
            f"only rules: {e(', '.join(d.rules_only_computed) or '-')}</small>"
        )
    if d.missing:
        extra += f"<br><small>缺少 missing: {e(', '.join(d.missing))}</small>"
    return (
        f'<tr class="d {d.direction}"><td class="num">{d.line}</td><td>{e(d.id)}</td>'
        f"<td>{e(places.get(d.county, d.county))}</td>"
        f'<td>{d.date}</td><td>{e(d.recorded)}</td><td class="bad">{e(d.computed)}</td>'
        f"<td>{e(', '.join(d.fields_differing()))}<br><small>economic: {e(d.recorded_economic or '-')} → "
        f"{e(d.computed_economic)}</small></td>"
        f"<td><details><summary>{len(d.reasons)} 条理由 reasons</summary>"
        f"{rules}</details>{extra}</td></tr>"
    )


def _disagreements(report: AuditReport) -> list[str]:
    if not report.disagreements:
        return []
    directions = report.directions()
    present = [k for k in DIRECTIONS if directions.get(k)]
    out = ["<h2 id='disagreements'>不一致的决定 Disagreements</h2>"]
    # CSS-only filter: a radio per direction hides the other groups' rows
    rules = [f"#f-{k}:checked~.groups .d:not(.{k}){{display:none}}" for k in present]
    out.append(f"<style>{''.join(rules)}</style>")
    out.append('<div class="filters-box"><input type="radio" name="f" id="f-all" checked hidden>')
    out += [f'<input type="radio" name="f" id="f-{k}" hidden>' for k in present]
    out.append('<p class="filters">筛选 Filter: <label for="f-all">全部 all</label>')
    out += [f'<label for="f-{k}">{html.escape(DIRECTIONS[k])} ({directions[k]:,})</label>' for k in present]
    out.append("</p>")
    selected = "".join(f"#f-{k}:checked~.filters label[for=f-{k}]," for k in ["all", *present])
    out.append(f"<style>{selected.rstrip(',')}{{background:#333;color:#fff}}</style>")
    out.append('<div class="groups">')
    header = (
        "<table><tr><th>行 Line</th><th>编号 Id</th><th>县 County</th><th>日期 Date</th>"
        "<th>记录 Recorded</th>"
        "<th>规则 Rules</th><th>不同 Differs</th><th>理由 Reasons now</th></tr>"
    )
    for key in present:
        group = [d for d in report.disagreements if d.direction == key]
        shown = group[:_GROUP_LIMIT]
        out.append(
            f'<details open class="d {key}"><summary><b>{html.escape(DIRECTIONS[key])}</b>: {len(group):,}'
            + (f" (first {len(shown):,} listed)" if len(shown) < len(group) else "")
            + "</summary>"
            + header
        )
        out += [_disagreement_row(d, report.place_names) for d in shown]
        out.append("</table></details>")
    out.append("</div></div>")
    return out


def _invalid(report: AuditReport) -> list[str]:
    if not report.invalid:
        return []
    e = html.escape
    groups: dict[str, list[InvalidRecord]] = {}
    for bad in report.invalid:
        groups.setdefault(bad.kind, []).append(bad)
    out = [
        "<h2 id='invalid'>无效记录 Invalid lines</h2><p><small>每一行都已核对：无效行未被计算，审计继续进行。"
        "Every line was read; invalid lines were not decided and the audit went on.</small></p>",
        "<table><tr><th>问题 Problem</th><th>行数 Lines</th></tr>",
    ]
    for kind, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        out.append(f'<tr><td><code>{e(kind)}</code></td><td class="num">{len(items):,}</td></tr>')
    out.append("</table>")
    for kind, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        shown = items[:_GROUP_LIMIT]
        out.append(
            f"<details><summary><code>{e(kind)}</code>: {len(items):,} line(s)"
            + (f" (first {len(shown):,} listed)" if len(shown) < len(items) else "")
            + "</summary><table><tr><th>行 Line</th><th>编号 Id</th><th>问题 Problems</th></tr>"
        )
        for bad in shown:
            problems = "<br>".join(e(p) for p in bad.problems)
            out.append(
                f'<tr><td class="num">{bad.line}</td><td>{e(bad.id or "")}</td><td>{problems}</td></tr>'
            )
        out.append("</table></details>")
    return out


def audit_html(report: AuditReport, title: str = "法律援助决定审计报告 Legal-aid decision audit") -> str:
    """A self-contained HTML report (no scripts, no external files) an auditor can hand on.

    It states what was audited with what (file and SHA-256, packs with digests, library
    version, time), the totals with percentages, the confusion table of recorded against
    recomputed outcomes, the direction of each disagreement, charts by county, month and
    deciding rule, the disagreements grouped by direction with a filter, and every invalid
    line with its line number and reason.
    """
    e = html.escape
    out = [
        "<!doctype html>",
        '<html lang="zh"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
    ]
    out += _meta(report)
    out += _totals(report)
    out += _confusion(report)
    out += _directions(report)
    out += _breakdowns(report)
    out += _disagreements(report)
    out += _invalid(report)
    out.append("</body></html>")
    return "\n".join(out)
