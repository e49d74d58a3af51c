"""A resolved pack as a Chinese policy summary, in Markdown or as one self-contained HTML page.

Staff hold the summary beside the original document: every item carries its source, and every
value not verified against its source is flagged. The summary is built once as a list of
blocks (headings, paragraphs, lists, tables), then written out in either format, so both say
the same thing.

Regenerate the committed summaries (``docs/packs/``) with::

    python -m legalaid_rules.render docs/packs
"""

from __future__ import annotations

import datetime as dt
import html
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any, Literal

from legalaid_rules.errors import LegalAidRulesError
from legalaid_rules.evaluation.wording import condition_prose
from legalaid_rules.packs.model import CitedText, Parameter, ResolvedPack, Rule, render_citations
from legalaid_rules.packs.registry import Registry, bundled_registry
from legalaid_rules.packs.schema import Citation

__all__ = ["doc_name", "render", "render_html", "render_markdown", "write_docs"]

Format = Literal["markdown", "html"]

_UNVERIFIED = "⚠ 未经核实"
_KIND = {"law": "法律", "regulation": "法规", "plan": "实施方案", "secondary": "其他资料"}
_LEVEL = {"country": "国家", "province": "省", "city": "设区的市", "county": "县级", "township": "乡镇"}
_NUMERALS = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    """1..99 in Chinese numerals: 一, 十, 十一, 二十三."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _NUMERALS[ones]
    head = "" if tens == 1 else _NUMERALS[tens]
    return head + "十" + (_NUMERALS[ones] if ones else "")


@dataclass(frozen=True, slots=True)
class _Block:
    kind: Literal["h1", "h2", "h3", "p", "ul", "table", "toc"]
    text: str = ""
    items: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    anchor: str = ""  # h2: the section's anchor
    anchors: tuple[str, ...] = ()  # toc: the anchor of each item


def _h1(t: str) -> _Block:
    return _Block("h1", t)


def _h3(t: str) -> _Block:
    return _Block("h3", t)


def _p(t: str) -> _Block:
    return _Block("p", t)


def _ul(items: Iterable[str]) -> _Block:
    return _Block("ul", items=tuple(items))


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> _Block:
    return _Block("table", header=tuple(header), rows=tuple(tuple(r) for r in rows))


def _cite(c: CitedText) -> str:
    return c.zh + ("" if c.verified else f"（{_UNVERIFIED}）")


def _flag(verified: bool) -> str:
    return "已核实" if verified else _UNVERIFIED


def _period(start: Any, end: Any) -> str:
    if start is None and end is None:
        return "规则包施行期间"
    return f"{start or '—'} 至 {end or '长期'}"


def _blocks(pack: ResolvedPack, on: dt.date) -> list[_Block]:
    out: list[_Block] = [_h1(pack.title)]
    lineage = " → ".join(f"`{i}` {v}" for i, v in pack.lineage)
    out.append(
        _ul(
            [
                f"规则包：`{pack.id}`，版本 {pack.version}",
                f"施行期间：{_period(pack.effective.start, pack.effective.end)}；本摘要按 {on} 的情况生成",
                f"适用地区：{pack.region_name(pack.jurisdiction)}（`{pack.jurisdiction}`）",
                f"继承关系：{lineage}",
                f"内容摘要（digest）：`{pack.digest}`",
                "规则文件（相对于规则根目录）：" + "、".join(f"`{f}`" for f in _files(pack)),
            ]
        )
    )
    out.append(
        _p(
            "本摘要由规则包自动生成，供与原文件对照核对；每一项均注明依据，"
            f"标有“{_UNVERIFIED}”的内容所依据的文本或数值尚未与公开文本核对。"
        )
    )
    sections = [
        ("sources", "依据文件", _sources(pack)),
        ("matters", "法律援助事项范围", _matters(pack)),
        ("scope", "受理范围规则", _rules(pack, lambda r: bool(r.effect.scope) and not r.effect.economic)),
        ("means-test", "经济困难标准", _means_test(pack)),
        (
            "not-required",
            "不受经济困难条件限制的情形",
            _rules(pack, lambda r: r.effect.economic == "not_required"),
        ),
        ("waived", "免予核查经济困难状况的情形", _rules(pack, lambda r: r.effect.economic == "waived")),
        ("groups", "特殊群体的认定与证明材料", _groups(pack)),
        ("urgent", "先行提供法律援助", _rules(pack, lambda r: bool(r.effect.urgent))),
        ("programs", "项目计数与补贴（民生工程/惠民工程/民生实事）", _programs(pack, on)),
        ("routes", "受理与管辖（分级管辖、代办、通办）", _routes(pack)),
        ("caseload-cap", "律师年承办法律援助案件数上限", _caseload_cap(pack)),
        ("parameters", "其他数额与指标", _other_parameters(pack)),
        ("targets", "目标任务", _targets(pack)),
        ("regions", "地区", _regions(pack)),
        ("analysis", "求解器分析（legalaid-rules analyze）", _analysis(pack, on)),
    ]
    present = [
        (anchor, f"{_chinese_number(n + 1)}、{title}", body)
        for n, (anchor, title, body) in enumerate((a, t, b) for a, t, b in sections if b)
    ]
    out.append(_Block("toc", items=tuple(t for _, t, _ in present), anchors=tuple(a for a, _, _ in present)))
    for anchor, title, body in present:
        out.append(_Block("h2", title, anchor=anchor))
        out.extend(body)
    return out


_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


_REPORTS: dict[tuple[str, dt.date], Any] = {}
"""Analysis reports by pack digest and date: the solver takes seconds, a summary is rendered often.
Bounded (:data:`_REPORTS_KEPT`); a report depends only on the pack's content and the date."""
_REPORTS_KEPT = 64
_REPORTS_LOCK = threading.Lock()


def _analysis(pack: ResolvedPack, on: dt.date) -> list[_Block]:
    """What the solver proves about the pack on ``on`` (``legalaid-rules analyze``), or why not.

    Only each finding's sentence is shown: its witness application comes from the solver's model,
    which another z3 version may choose differently; the command prints the witnesses.
    """
    command = f"`legalaid-rules analyze {pack.id} --date {on}`"
    try:  # z3-solver is an optional extra (imported on use, as the CLI does)
        analysis = import_module("legalaid_rules.analysis")
    except ImportError:
        return [
            _p(
                "未安装求解器 z3-solver，本节未生成"
                f"（`pip install 'legalaid-rules[analysis]'` 后运行 {command}）。"
            )
        ]
    with _REPORTS_LOCK:
        report = _REPORTS.get((pack.digest, on))
    if report is None:
        try:
            report = analysis.analyze(pack, on=on)
        except LegalAidRulesError as exc:  # a parent pack that cannot be read for the narrowing check
            return [_p(f"分析未能完成：{exc}")]
        except Exception as exc:  # the summary must not fail for an analysis bug
            return [_p(f"分析未能完成（分析程序出错：{type(exc).__name__}），请运行 {command} 查看。")]
        with _REPORTS_LOCK:
            if len(_REPORTS) >= _REPORTS_KEPT:
                _REPORTS.pop(next(iter(_REPORTS)))
            _REPORTS[(pack.digest, on)] = report
    intro = _p(
        f"以下为求解器对 {on} 的申请所作分析的结论，每项均经 `evaluate` 以一份例证申请证实；"
        f"例证申请及其决定见 {command}。"
    )
    if not report.findings:
        return [intro, _p("未发现问题。")]
    rows = [
        [
            _SEVERITY_ZH.get(f.severity, f.severity),
            "、".join(f"`{r}`" for r in f.rule.split()) if f.rule else "—",
            f.zh,
        ]
        for f in report.findings
    ]
    return [intro, _table(["级别", "规则", "发现"], rows)]


def _files(pack: ResolvedPack) -> list[str]:
    """The pack files relative to the rules root, whatever the working folder."""
    out = []
    for (pack_id, _), shown in zip(pack.lineage, pack.files, strict=False):
        depth = len(pack_id.split("/")) + 1
        out.append("/".join(Path(shown).parts[-depth:]))
    return out


def _sources(pack: ResolvedPack) -> list[_Block]:
    rows = []
    for key, s in sorted(pack.sources.items()):
        where = f"`seeds/{s.seed}`" if s.seed else ""
        rows.append(
            (
                f"`{key}`",
                f"《{s.title}》",
                s.number or "",
                _KIND[s.kind],
                str(s.issued or ""),
                where,
                _flag(s.verified) + (f"：{s.note}" if s.note else ""),
            )
        )
    return [_table(["代号", "文件", "文号", "类别", "印发日期", "原文", "核实情况"], rows)] if rows else []


def _matters(pack: ResolvedPack) -> list[_Block]:
    listed = sorted((m for m in pack.matters.values() if m.listed), key=lambda m: m.code)
    unlisted = sorted((m for m in pack.matters.values() if not m.listed), key=lambda m: m.code)
    out: list[_Block] = []
    if listed:
        out.append(_p(f"列入法律援助事项范围的民事、行政事项（共 {len(listed)} 项）："))
        out.append(
            _table(
                ["代码", "事项", "依据"],
                [(f"`{m.code}`", m.zh + (f"（{m.note}）" if m.note else ""), _cite(m.basis)) for m in listed],
            )
        )
    if unlisted:
        out.append(_p("已知但未列入事项范围的事项："))
        out.append(
            _table(
                ["代码", "事项", "依据"],
                [
                    (f"`{m.code}`", m.zh + (f"（{m.note}）" if m.note else ""), _cite(m.basis))
                    for m in unlisted
                ],
            )
        )
    return out


def _rule_items(pack: ResolvedPack, rules: Iterable[Rule]) -> list[_Block]:
    out: list[_Block] = []
    for r in rules:
        out.append(_h3(f"{r.zh}（`{r.id}`）"))
        items = [
            f"条件：{condition_prose(pack, r.condition).zh}",
            f"条件（规则包原文）：`{' '.join(r.when.split())}`",
            "效果：" + "；".join(_effect_zh(k, v) for k, v in _effect(r).items()),
            f"依据：{_cite(r.basis)}"
            + ("" if r.verified or not r.basis.verified else f"（规则本身{_UNVERIFIED}）"),
            f"所在规则包：`{r.pack}`",
        ]
        if r.note:
            items.append(f"说明：{r.note}")
        out.append(_ul(items))
    return out


_ECONOMIC_ZH = {
    "not_required": "不受经济困难条件限制",
    "waived": "免予核查经济困难状况",
    "passed": "符合经济困难标准",
}


def _effect_zh(key: str, value: Any) -> str:
    """One effect of a rule in Chinese, with its code: 免予核查经济困难状况（economic: waived）."""
    text = {
        "scope": "属于法律援助受理范围",
        "economic": _ECONOMIC_ZH.get(str(value), str(value)),
        "urgent": "可以先行提供法律援助",
        "program": f"计入项目 `{value}`",
        "program_requires": f"计入项目 `{value}` 的必要条件",
        "route": f"按 `{value}` 分流",
    }.get(key, f"{key}: {value}")
    return f"{text}（{key}: {str(value).lower() if isinstance(value, bool) else value}）"


def _effect(rule: Rule) -> dict[str, Any]:
    dumped: dict[str, Any] = rule.effect.model_dump(exclude_none=True, mode="json")
    return dumped


def _rules(pack: ResolvedPack, which: Any) -> list[_Block]:
    return _rule_items(pack, (r for r in pack.rules if which(r)))


def _in_force(period: Mapping[str, Any], on: dt.date) -> bool:
    start, end = period.get("start"), period.get("end")
    return (start is None or dt.date.fromisoformat(str(start)) <= on) and (
        end is None or on <= dt.date.fromisoformat(str(end))
    )


def _programs(pack: ResolvedPack, on: dt.date) -> list[_Block]:
    """The programs whose plan year covers ``on`` (a parent's program of an earlier year is not)."""
    programs: Mapping[str, Any] = pack.canonical.get("programs") or {}
    current = {k: p for k, p in programs.items() if _in_force(p.get("effective") or {}, on)}
    out: list[_Block] = []
    for key, prog in current.items():
        out.append(_h3(f"{prog.get('zh', key)}（`{key}`）"))
        period = prog.get("effective") or {}
        items = [
            f"类别：{prog.get('kind', '')}",
            f"计划年度：{_period(period.get('start'), period.get('end'))}",
            "计入条件：决定为符合法律援助条件（eligible）"
            if prog.get("eligible_only", True)
            else "计入条件：不以决定为 eligible 为前提",
        ]
        subsidy = prog.get("subsidy")
        if subsidy:
            param = pack.parameters.get(subsidy)
            if param is not None:
                values = "、".join(
                    f"{v.value}{param.unit or ''}" + ("" if v.verified else f"（{_UNVERIFIED}）")
                    for v in param.values
                )
                items.append(f"每件补贴：{param.zh} {values}（`{subsidy}`，依据 {_cite(param.basis)}）")
            else:
                items.append(f"每件补贴：`{subsidy}`")
        items.append(f"依据：{_inline(pack, 'basis', prog.get('basis'))}")
        if prog.get("verified") is False:
            items.append(_UNVERIFIED)
        if prog.get("note"):
            items.append(f"说明：{prog['note']}")
        required = [r for r in pack.rules if r.effect.program_requires == key]
        counting = [r for r in pack.rules if r.effect.program == key]
        if required:
            items.append("必须同时满足：" + "；".join(f"{r.zh}（`{r.id}`）" for r in required))
        if counting:
            items.append("满足其一即可计入：" + "；".join(f"{r.zh}（`{r.id}`）" for r in counting))
        out.append(_ul(items))
    rules = [r for r in pack.rules if (r.effect.program or r.effect.program_requires) in current]
    if rules:
        out.append(_h3("项目计数规则"))
        out.extend(_rule_items(pack, rules))
    return out


_ROUTE_KIND = {"jurisdiction": "级别管辖", "on_behalf": "代办", "anywhere": "通办"}
_OFFICE = {"county": "申请人所在县（市、区）法律援助中心", "city": "设区的市法律援助中心"}


def _routes(pack: ResolvedPack) -> list[_Block]:
    routes: Mapping[str, Any] = pack.canonical.get("routes") or {}
    out: list[_Block] = []
    if routes:
        rows = []
        for key, route in routes.items():
            office = str(route.get("office", ""))
            kind = str(route.get("kind", ""))
            shown = _OFFICE.get(office) or pack.region_name(office)
            if kind == "anywhere":
                shown = f"{shown}范围内任一法律援助机构"
            rows.append(
                (
                    f"`{key}`",
                    str(route.get("zh", "")),
                    _ROUTE_KIND.get(kind, kind),
                    shown,
                    _inline(pack, "basis", route.get("basis"))
                    + ("" if route.get("verified", True) else f"（{_UNVERIFIED}）"),
                )
            )
        out.append(_table(["代码", "安排", "类别", "承办机构", "依据"], rows))
    rules = [r for r in pack.rules if r.effect.route]
    if rules:
        out.append(_h3("分流规则"))
        out.extend(_rule_items(pack, rules))
    return out


def _used_parameters(rules: Iterable[Rule], pack: ResolvedPack) -> list[Parameter]:
    names: list[str] = []
    for r in rules:
        for name in pack.parameters:
            if name in r.when and name not in names:
                names.append(name)
    return [pack.parameters[n] for n in names]


def _means_test(pack: ResolvedPack) -> list[_Block]:
    rules = [r for r in pack.rules if r.effect.economic == "passed"]
    if not rules:
        return [_p("本规则包没有自己的经济困难标准（《法律援助法》第三十四条：由省级政府规定）。")]
    out = _rule_items(pack, rules)
    params = _used_parameters(rules, pack)
    if params:
        out.append(_h3("所用数额"))
        out.extend(_parameter_tables(pack, params))
    return out


def _parameter_tables(pack: ResolvedPack, params: Iterable[Parameter]) -> list[_Block]:
    out: list[_Block] = []
    for p in params:
        unit = f"（{p.unit}）" if p.unit else ""
        by = {
            "city": "按设区的市确定",
            "county": "按县级地区确定",
            "office_city": "按受理申请的法律援助机构所在地级以上市确定",
        }.get(p.by or "", "")
        head = f"**{p.zh}**{unit}（`{p.name}`）：依据 {_cite(p.basis)}" + (f"；{by}" if by else "")
        if p.note:
            head += f"。说明：{p.note}"
        out.append(_p(head))
        rows = [
            (
                pack.region_name(v.region) if v.region else "全域",
                _period(v.start, v.end),
                str(v.value),
                _cite(v.basis),
                _flag(v.verified) + (f"：{v.note}" if v.note and v.note != p.note else ""),
            )
            for v in p.values
        ]
        if rows:
            out.append(_table(["地区", "期间", "数值", "依据", "核实情况"], rows))
        else:
            out.append(_p("本规则包未给出数值（由下级规则包给出）。"))
    return out


_CAP = "caseload_cap"


def _caseload_cap(pack: ResolvedPack) -> list[_Block]:
    cap = pack.parameters.get(_CAP)
    if cap is None:
        return []
    intro = _p("承办人（律师、基层法律服务工作者）每年承办法律援助案件的上限，用于指派案件时核对：")
    return [intro, *_parameter_tables(pack, [cap])]


def _other_parameters(pack: ResolvedPack) -> list[_Block]:
    means = {p.name for p in _used_parameters([r for r in pack.rules if r.effect.economic == "passed"], pack)}
    rest = [p for name, p in sorted(pack.parameters.items()) if name not in means and name != _CAP]
    return _parameter_tables(pack, rest)


def _groups(pack: ResolvedPack) -> list[_Block]:
    rows = [
        (
            f"`{g.id}`",
            g.zh,
            f"`{g.definition_text}`" if g.definition_text else "凭申请人声明及证明材料",
            "、".join(g.proofs),
            _cite(g.basis),
        )
        for g in sorted(pack.groups.values(), key=lambda g: g.id)
    ]
    if not rows:
        return []
    return [
        _p(
            "群体身份须凭证明材料认定；仅被列为受援对象的群体并不因此免予经济困难审查，免予核查以上列规则为准。"
        ),
        _table(["代码", "群体", "定义", "证明材料", "依据"], rows),
    ]


def _targets(pack: ResolvedPack) -> list[_Block]:
    if not pack.targets:
        return []
    units = {"cases": "件", "consultations": "人次"}
    rows = []
    totals: dict[str, int] = {}
    for key, t in pack.targets.items():
        measure = str(getattr(t, "measure", "cases"))
        totals[measure] = totals.get(measure, 0) + t.count
        program = getattr(t, "program", None)
        rows.append(
            (
                f"`{key}`",
                t.zh,
                pack.region_name(t.region) if t.region else "",
                f"{t.count} {units.get(measure, measure)}",
                f"`{program}`" if program else "",
                _cite(render_citations(t.basis, pack.sources)),
            )
        )
    for measure, total in totals.items():
        rows.append(("", "合计", "", f"{total} {units.get(measure, measure)}", "", ""))
    header = ["代码", "单位", "地区", "目标任务数", "所属项目", "依据"]
    if any(row[4] for row in rows):
        return [_table(header, rows)]
    # no target belongs to a program: drop that column
    return [_table(header[:4] + header[5:], [row[:4] + row[5:] for row in rows])]


def _regions(pack: ResolvedPack) -> list[_Block]:
    rows = [
        (
            f"`{key}`",
            r.zh,
            _LEVEL[r.level],
            pack.region_name(r.parent) if r.parent else "",
            r.code or "",
        )
        for key, r in pack.regions.items()
    ]
    return [_table(["代码", "名称", "级别", "上级", "区划代码"], rows)] if rows else []


def _inline(pack: ResolvedPack, key: str, value: Any) -> str:
    if key == "basis":
        cites = _citations(value)
        if cites is not None:
            return _cite(render_citations(cites, pack.sources))
    if isinstance(value, Mapping):
        return "{" + "，".join(f"{k}：{_inline(pack, str(k), v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + "，".join(_inline(pack, key, v) for v in value) + "]"
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _citations(value: Any) -> tuple[Citation, ...] | None:
    items = value if isinstance(value, list | tuple) else [value]
    try:
        return tuple(Citation.model_validate(v) for v in items)
    except ValueError:
        return None


# -- writers ---------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _day(pack: ResolvedPack, on: dt.date | None) -> dt.date:
    return on if on is not None else pack.effective.start


def render_markdown(pack: ResolvedPack, on: dt.date | None = None) -> str:
    """The pack as a Markdown policy summary, as it stands on ``on`` (default: its first day)."""
    lines: list[str] = []
    for b in _blocks(pack, _day(pack, on)):
        if b.kind == "h1":
            lines += [f"# {b.text}", ""]
        elif b.kind == "toc":
            lines += ["**目录**", ""]
            lines += [f"- [{t}](#{a})" for t, a in zip(b.items, b.anchors, strict=True)] + [""]
        elif b.kind == "h2":
            lines += [f'<a id="{b.anchor}"></a>', "", f"## {b.text}", ""]
        elif b.kind == "h3":
            lines += [f"### {b.text}", ""]
        elif b.kind == "p":
            lines += [b.text, ""]
        elif b.kind == "ul":
            lines += [f"- {i}" for i in b.items] + [""]
        else:
            lines.append("| " + " | ".join(_md_cell(h) for h in b.header) + " |")
            lines.append("|" + "---|" * len(b.header))
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


_FONTS = (
    '"PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC",'
    '"Microsoft YaHei","WenQuanYi Micro Hei",system-ui,sans-serif'
)
_CSS = (
    f"body{{font-family:{_FONTS};max-width:72em;margin:2em auto;padding:0 1em;line-height:1.7;"
    "color:#222;font-size:16px}"
    "nav{background:#f7f7f7;border:1px solid #ddd;padding:.5em 1.5em;margin:1em 0 2em}"
    "nav ol{margin:.3em 0;padding-left:1.2em}nav a{text-decoration:none}"
    ".wide{overflow-x:auto}table{border-collapse:collapse;margin:.5em 0 1em;width:100%}"
    "th,td{border:1px solid #bbb;padding:.3em .6em;vertical-align:top;text-align:left;"
    "overflow-wrap:break-word}th{background:#f0f0f0;white-space:nowrap}"
    "td.code{white-space:nowrap;width:1%}td.short{white-space:nowrap}td code{word-break:break-all}"
    "code{background:#f5f5f5;padding:0 .2em;font-family:ui-monospace,Menlo,Consolas,monospace;"
    "font-size:.92em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}"
)
_SHORT = 14
"""Cells up to this many characters do not wrap (codes, dates, amounts), so long ones get the room."""


def _html_inline(text: str) -> str:
    """Escape text, then show `code` spans and **bold** as the Markdown writer means them."""
    out: list[str] = []
    for i, part in enumerate(text.split("`")):
        esc = html.escape(part, quote=True)
        if i % 2:
            out.append(f"<code>{esc}</code>")
        else:
            bold = esc.split("**")
            out.append("".join(f"<strong>{s}</strong>" if j % 2 else s for j, s in enumerate(bold)))
    return "".join(out)


def _td(cell: str, column: int) -> str:
    if column == 0 and cell.startswith("`") and cell.endswith("`") and cell.count("`") == 2:
        return f'<td class="code">{_html_inline(cell)}</td>'
    if len(cell) <= _SHORT:
        return f'<td class="short">{_html_inline(cell)}</td>'
    return f"<td>{_html_inline(cell)}</td>"


def render_html(pack: ResolvedPack, on: dt.date | None = None) -> str:
    """The pack as one self-contained HTML page (no external files; all text escaped)."""
    body: list[str] = []
    for b in _blocks(pack, _day(pack, on)):
        if b.kind == "toc":
            links = "".join(
                f'<li><a href="#{a}">{_html_inline(t)}</a></li>'
                for t, a in zip(b.items, b.anchors, strict=True)
            )
            body.append(f'<nav aria-label="目录"><strong>目录</strong><ol>{links}</ol></nav>')
        elif b.kind == "h2":
            body.append(f'<h2 id="{b.anchor}">{_html_inline(b.text)}</h2>')
        elif b.kind in ("h1", "h3"):
            body.append(f"<{b.kind}>{_html_inline(b.text)}</{b.kind}>")
        elif b.kind == "p":
            body.append(f"<p>{_html_inline(b.text)}</p>")
        elif b.kind == "ul":
            body.append("<ul>" + "".join(f"<li>{_html_inline(i)}</li>" for i in b.items) + "</ul>")
        else:
            head = "".join(f"<th>{_html_inline(h)}</th>" for h in b.header)
            rows = "".join("<tr>" + "".join(_td(c, i) for i, c in enumerate(row)) + "</tr>" for row in b.rows)
            body.append(
                f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'
            )
    title = html.escape(f"{pack.title}（{pack.id} {pack.version}）", quote=True)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def render(pack: ResolvedPack, fmt: Format = "markdown", on: dt.date | None = None) -> str:
    """The pack as a policy summary in ``markdown`` or ``html``, as it stands on ``on``."""
    return render_html(pack, on) if fmt == "html" else render_markdown(pack, on)


def doc_name(pack_id: str, version: str) -> str:
    """The file name of a pack version's summary: ``anhui-anqing-2023.1.md``."""
    return f"{pack_id.replace('/', '-')}-{version}.md"


def write_docs(out_dir: Path, registry: Registry | None = None) -> list[Path]:
    """Write the Markdown summary of every pack version (as in force on its first day).

    Files in ``out_dir`` ending ``.md`` that no pack version produces any more are removed.
    """
    reg = registry or bundled_registry()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for pack_id in reg.ids():
        for v in reg.versions(pack_id):
            path = out_dir / doc_name(v.id, v.version)
            path.write_text(render_markdown(reg.load(v.id, v.start)), encoding="utf-8")
            written.append(path)
    for stale in set(out_dir.glob("*.md")) - set(written):
        stale.unlink()
    return written


if __name__ == "__main__":  # python -m legalaid_rules.render docs/packs
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/packs")
    for written_path in write_docs(target):
        print(written_path)
