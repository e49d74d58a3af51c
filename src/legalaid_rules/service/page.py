"""The web page at ``/``: choose a pack and a date, fill a form generated from the application
schema, see the decision explained as the command line shows it, and the pack's policy summary.

The form is built on the server from :class:`~legalaid_rules.Application`'s JSON Schema: each
leaf field becomes an input of its type (three-way choices for yes/no facts, since an unknown
fact is not a "no"); the pack supplies the Chinese labels of matters, groups and regions. A few
lines of JavaScript gather the filled fields into an application, post it to ``/ui/explain``
and show the HTML it returns. Personal fields (name, id number, phone) are not on the page.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from legalaid_rules.applications import Application
from legalaid_rules.decisions import Decision
from legalaid_rules.errors import LegalAidRulesError
from legalaid_rules.evaluation import evaluate
from legalaid_rules.evaluation.wording import ECONOMIC_TEXT, ENUM_LABELS, OUTCOME_TEXT
from legalaid_rules.packs import ResolvedPack
from legalaid_rules.service.auth import Reader
from legalaid_rules.service.body import ExactJSONRoute
from legalaid_rules.service.models import DecisionRequest
from legalaid_rules.service.state import ServiceState

__all__ = ["decision_html", "router"]

router = APIRouter(route_class=ExactJSONRoute, include_in_schema=False)

_SKIP = {"applicant.name", "applicant.id_number", "applicant.phone", "household.members"}
_LABELS = {
    "date": "申请日期",
    "office": "受理机构所在地",
    "locality": "住所地或事项发生地",
    "locality.city": "设区的市",
    "locality.county": "县（市、区）",
    "locality.township": "乡镇、街道",
    "applicant": "申请人",
    "applicant.birth_date": "出生日期",
    "applicant.age": "年龄（周岁）",
    "applicant.disabilities": "残疾类别",
    "applicant.fixed_income_source": "有固定生活来源",
    "applicant.hukou": "户籍性质",
    "applicant.groups": "特殊群体",
    "household": "家庭经济状况",
    "household.size": "家庭人口数",
    "household.monthly_income": "家庭月收入合计（元）",
    "household.per_capita_monthly_income": "家庭人均月收入（元）",
    "household.significant_assets": "拥有较大价值的财产",
    "household.monthly_essential_expenditure": "每月刚性支出（元）",
    "household.monthly_consumption_expenditure": "每月消费性支出合计（元）",
    "household.expenditure_causes": "支出原因",
    "matter": "申请事项",
    "criminal": "刑事案件",
    "criminal.role": "诉讼地位",
    "criminal.stage": "诉讼阶段",
    "criminal.notified_by": "通知辩护的机关",
    "criminal.limited_capacity": "不能完全辨认自己行为的成年人",
    "criminal.possible_sentence": "可能判处的刑罚",
    "criminal.in_absentia": "缺席审判",
    "urgency": "紧急情况",
    "urgency.days_to_deadline": "距诉讼时效或期限届满（天）",
    "urgency.preservation_needed": "需立即申请财产或证据保全、先予执行",
    "case": "案件办理情况",
    "case.approved_on": "批准日期",
    "case.closed_on": "结案日期",
    "instance": "审级",
    "case_category": "案件类别",
}
_ENUM_ZH = {
    **{k: v[0] for k, v in ENUM_LABELS.items()},
    "visual": "视力残疾",
    "hearing": "听力残疾",
    "speech": "言语残疾",
    "physical": "肢体残疾",
    "intellectual": "智力残疾",
    "mental": "精神残疾",
    "multiple": "多重残疾",
    "first": "一审",
    "second": "二审",
    "organised_crime": "涉黑涉恶刑事案件",
    "land_expropriation": "征地拆迁",
    "petition": "涉法信访案件",
    "mass_case": "涉法群体性案件",
    "other": "其他",
    "not_notified": "本人申请（未经通知）",
}
_FONTS = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
    '"Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans", sans-serif'
)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state


# -- the form, from the application schema --------------------------------------------------------


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        return _resolve(defs[node["$ref"].split("/")[-1]], defs)
    if "anyOf" in node:
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        if len(options) == 1:
            merged = {**_resolve(options[0], defs), **{k: v for k, v in node.items() if k != "anyOf"}}
            return merged
        if any(o.get("type") == "string" for o in options):  # money: number or decimal text
            return {"type": "string", "x-money": True}
    return node


def _field(path: str, node: dict[str, Any], defs: dict[str, Any], pack: ResolvedPack, day: dt.date) -> str:
    if path in _SKIP:
        return ""
    node = _resolve(node, defs)
    label = _LABELS.get(path, path.rsplit(".", 1)[-1])
    if node.get("type") == "object" and "properties" in node:
        inner = "".join(_field(f"{path}.{k}", v, defs, pack, day) for k, v in node["properties"].items())
        return f"<fieldset><legend>{_e(label)}</legend>{inner}</fieldset>" if inner else ""
    control = _control(path, node, defs, pack, day)
    if not control:
        return ""
    return f'<label class="row"><span>{_e(label)}</span>{control}</label>'


def _select(path: str, options: list[tuple[str, str]], kind: str = "str", blank: str = "（未知）") -> str:
    opts = f'<option value="">{_e(blank)}</option>' + "".join(
        f'<option value="{_e(v)}">{_e(t)}</option>' for v, t in options
    )
    return f'<select name="{_e(path)}" data-path="{_e(path)}" data-kind="{kind}">{opts}</select>'


def _regions(pack: ResolvedPack, levels: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(key, f"{r.zh}（{key}）") for key, r in pack.regions.items() if r.level in levels]


def _control(path: str, node: dict[str, Any], defs: dict[str, Any], pack: ResolvedPack, day: dt.date) -> str:
    if path == "matter":
        return _select(path, [(m.code, f"{m.zh}（{m.code}）") for m in pack.matters.values()])
    if path == "applicant.groups":
        boxes = "".join(
            f'<span class="group"><label><input type="checkbox" data-group="{_e(g.id)}"> {_e(g.zh)}</label>'
            f'<label class="proof"><input type="checkbox" data-proof="{_e(g.id)}"> 已提供证明</label></span>'
            for g in pack.groups.values()
        )
        return f'<span class="groups" data-path="{_e(path)}" data-kind="groups">{boxes}</span>'
    if path in ("locality.city",):
        return _select(path, _regions(pack, ("city",)))
    if path in ("locality.county", "office"):
        return _select(path, _regions(pack, ("city", "county")))
    if path == "locality.township":
        return _select(path, _regions(pack, ("township",)))
    kind = node.get("type")
    if "enum" in node:
        return _select(path, [(v, _ENUM_ZH.get(v, v)) for v in node["enum"]])
    if kind == "boolean":
        return _select(path, [("true", "是"), ("false", "否")], "bool")
    if kind == "integer":
        return (
            f'<input type="number" step="1" min="0" name="{_e(path)}" data-path="{_e(path)}" data-kind="int">'
        )
    if kind == "string" and node.get("format") == "date":
        value = f' value="{day.isoformat()}"' if path == "date" else ""
        return f'<input type="date" name="{_e(path)}" data-path="{_e(path)}" data-kind="str"{value}>'
    if node.get("x-money") or kind == "number":
        return (
            f'<input type="text" inputmode="decimal" placeholder="0.00" name="{_e(path)}" '
            f'data-path="{_e(path)}" data-kind="str">'
        )
    if kind == "array":
        items = _resolve(node.get("items", {}), defs)
        if "enum" in items:
            boxes = "".join(
                f'<label><input type="checkbox" value="{_e(v)}"> {_e(_ENUM_ZH.get(v, v))}</label>'
                for v in items["enum"]
            )
            return f'<span class="enum-list" data-path="{_e(path)}" data-kind="list">{boxes}</span>'
        return ""
    if kind == "string":
        return f'<input type="text" name="{_e(path)}" data-path="{_e(path)}" data-kind="str">'
    return ""


def application_form(pack: ResolvedPack, day: dt.date) -> str:
    """The application form for a pack, generated from the application schema."""
    schema = Application.model_json_schema()
    defs = schema.get("$defs", {})
    return "".join(_field(name, node, defs, pack, day) for name, node in schema["properties"].items())


# -- the decision, as the command line explains it ------------------------------------------------


def decision_html(d: Decision) -> str:
    """A decision as HTML: outcome, pack, reasons with basis, the Art 43 list and deadline, warnings."""
    rows = [
        f'<p class="outcome {d.outcome.value}" id="outcome">决定：{_e(OUTCOME_TEXT[d.outcome.value][0])}'
        f"（{_e(d.outcome.value)}）</p>",
        f"<p>规则包：{_e(d.pack.id)} {_e(d.pack.version)}（<code>{_e(d.pack.digest[:19])}…</code>）</p>",
        f"<p>申请日期：{_e(d.date.isoformat())}</p>",
    ]
    if d.matter:
        rows.append(f"<p>事项：{_e(d.matter.zh)}（{_e(d.matter.basis)}）</p>")
    rows.append(
        f'<p id="economic">经济困难条件：{_e(ECONOMIC_TEXT[d.economic.value][0])}'
        f"（{_e(d.economic.value)}）</p>"
    )
    if d.urgent:
        rows.append("<p>先行提供法律援助：是（《法律援助法》第四十四条）</p>")
    rows.append('<h3>理由</h3><ol id="reasons">')
    for r in d.reasons:
        flag = "" if r.verified else '<span class="unverified">（未经核实）</span>'
        rows.append(f'<li><div>{_e(r.zh)}</div><div class="basis">依据：{_e(r.basis)}{flag}</div></li>')
    rows.append("</ol>")
    if d.missing:
        rows.append(
            '<h3>需一次性告知申请人补充的事项和材料（《法律援助法》第四十三条）</h3><ul id="missing">'
        )
        for m in d.missing:
            rows.append(f"<li>{_e(m.zh)} <small>[{_e(m.fact)}; {_e(', '.join(m.rules))}]</small></li>")
        rows.append("</ul>")
    if d.deadline is not None:  # 《法律援助法》第四十三条
        dl = d.deadline
        flag = "" if dl.verified else "（未经核实）"
        rows.append(f'<p id="deadline">决定期限：{_e(dl.decide_by.isoformat())}（{_e(dl.basis)}{flag}）</p>')
        rows.append(f"<p>{_e(dl.zh)}</p>")
    if d.warnings:
        rows.append('<h3>提示</h3><ul id="warnings">')
        rows.extend(f"<li>{_e(w.zh)}</li>" for w in d.warnings)
        rows.append("</ul>")
    return "\n".join(rows)


@router.post("/ui/explain", response_class=HTMLResponse)
async def explain(body: DecisionRequest, request: Request, caller: Reader) -> HTMLResponse:
    """The decision on an application as an HTML fragment (for the page)."""
    state = _state(request)
    pack = state.pack_for(body.application, body.pack, body.date)
    decision = evaluate(pack, body.application, steps=False)
    state.metrics.decisions.labels(decision.outcome.value).inc()
    return HTMLResponse(decision_html(decision))


# -- the page --------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def index(
    request: Request,
    caller: Reader,
    pack: Annotated[str | None, Query(max_length=200)] = None,
    date: Annotated[dt.date | None, Query()] = None,
) -> HTMLResponse:
    """The page: pack and date, the generated form, the decision and the policy summary."""
    state = _state(request)
    versions = state.catalog.versions()
    ids = list(versions)
    if pack not in versions:
        pack = max(ids, key=lambda i: (i.count("/"), -ids.index(i))) if ids else None
    if pack is None:
        return HTMLResponse(_page("", "", "<p>没有可用的规则包。</p>", ""))
    day = date or versions[pack][-1].start
    choose = _chooser(versions, pack, day)
    try:
        resolved = state.catalog.load(pack, day)
    except LegalAidRulesError as exc:
        note = f'<p class="error" id="load-error">{_e(str(exc).splitlines()[0])}</p>'
        return HTMLResponse(_page(choose, "", note, ""), status_code=404)
    form = (
        f'<form id="application" data-pack="{_e(pack)}" data-date="{day.isoformat()}">'
        f"{application_form(resolved, day)}"
        '<p><button type="submit" id="decide">判断</button></p></form>'
    )
    summary = (
        f'<iframe id="summary" title="政策摘要" '
        f'src="/v1/packs/{_e(pack)}/summary?date={day.isoformat()}&amp;format=html"></iframe>'
    )
    title = f"{resolved.title}（{resolved.id} {resolved.version}）"
    return HTMLResponse(_page(choose, form, f"<p>{_e(title)}</p>", summary))


def _chooser(versions: dict[str, Any], pack: str, day: dt.date) -> str:
    options = []
    for pack_id, vs in versions.items():
        periods = "；".join(f"{v.version}：{v.start} 至 {v.end or '长期'}" for v in vs)
        sel = " selected" if pack_id == pack else ""
        options.append(f'<option value="{_e(pack_id)}"{sel}>{_e(pack_id)}（{_e(periods)}）</option>')
    return (
        '<form id="choose" method="get" action="/">'
        f'<label>规则包 <select name="pack" id="pack">{"".join(options)}</select></label> '
        f'<label>日期 <input type="date" name="date" id="date" value="{day.isoformat()}"></label> '
        '<button type="submit">载入</button></form>'
    )


_SCRIPT = """
const form = document.getElementById('application');
function collect() {
  const app = {};
  const put = (path, value) => {
    const keys = path.split('.');
    let node = app;
    keys.slice(0, -1).forEach(k => { node = node[k] = node[k] || {}; });
    node[keys[keys.length - 1]] = value;
  };
  form.querySelectorAll('[data-path]').forEach(el => {
    const kind = el.dataset.kind, path = el.dataset.path;
    if (kind === 'groups') {
      const claimed = [...el.querySelectorAll('[data-group]')].filter(b => b.checked).map(b => ({
        group: b.dataset.group,
        proof: el.querySelector(`[data-proof="${b.dataset.group}"]`).checked}));
      if (claimed.length) put(path, claimed);
    } else if (kind === 'list') {
      const picked = [...el.querySelectorAll('input')].filter(b => b.checked).map(b => b.value);
      if (picked.length) put(path, picked);
    } else if (el.value !== '') {
      put(path, kind === 'bool' ? el.value === 'true' : kind === 'int' ? parseInt(el.value, 10) : el.value);
    }
  });
  return app;
}
if (form) form.addEventListener('submit', async ev => {
  ev.preventDefault();
  const out = document.getElementById('decision');
  out.textContent = '判断中…';
  const body = {pack: form.dataset.pack, date: form.dataset.date, application: collect()};
  const res = await fetch('/ui/explain', {method: 'POST',
    headers: {'Content-Type': 'application/json', 'Accept-Language': 'zh-CN'}, body: JSON.stringify(body)});
  if (res.ok) { out.innerHTML = await res.text(); return; }
  const p = await res.json();
  out.innerHTML = '';
  const head = document.createElement('p'); head.className = 'error'; head.id = 'problem';
  head.textContent = `${p.title}：${p.detail}`;
  const list = document.createElement('ul');
  (p.problems || []).forEach(x => { const li = document.createElement('li');
    li.textContent = `${x.location.path || ''} ${x.message}`; list.appendChild(li); });
  out.append(head, list);
});
"""


def _page(choose: str, form: str, head: str, summary: str) -> str:
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>法律援助条件试算 · legalaid-rules</title>
<style>
body {{ font-family: {_FONTS}; margin: 1.5rem auto; max-width: 72rem; padding: 0 1rem;
  color: #222; line-height: 1.6; }}
h1 {{ font-size: 1.5rem; }} fieldset {{ border: 1px solid #ccd; margin: .6rem 0; }}
.row {{ display: flex; gap: .8rem; align-items: center; margin: .25rem 0; }}
.row > span {{ min-width: 11rem; }}
.row > select, .row > input {{ min-width: 0; max-width: 100%; }}
.groups .group {{ display: inline-block; margin-right: 1rem; }}
.proof {{ color: #555; font-size: .9em; margin-left: .3rem; }}
.columns {{ display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1.5rem; }}
#decision {{ border-left: 4px solid #36c; padding-left: 1rem; min-height: 3rem; }}
.outcome {{ font-size: 1.2rem; font-weight: bold; }} .eligible {{ color: #1a7f37; }}
.ineligible {{ color: #b42318; }} .undetermined {{ color: #9a6700; }}
.basis {{ color: #555; font-size: .92em; }} .unverified, .error {{ color: #b42318; }}
iframe {{ width: 100%; height: 40rem; border: 1px solid #ccd; }}
</style></head>
<body>
<h1>法律援助条件试算</h1>
{choose}
{head}
<div class="columns"><div>{form}</div>
<div><h2>决定与理由</h2><div id="decision" aria-live="polite"></div></div></div>
<h2>政策摘要</h2>
{summary}
<script>{_SCRIPT}</script>
</body></html>"""
