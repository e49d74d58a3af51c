"""Pack analysis: findings on the shipped packs and on edited copies, diffs, counterfactuals, CLI.

Every witness the analysis reports must be confirmed by ``evaluate`` (the property tests at
the end ask the solver for random witnesses and decide each one).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import z3
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from legalaid_rules import Registry, evaluate, load_pack
from legalaid_rules.analysis import analyze, counterfactuals, diff, impact, pack_from_spec
from legalaid_rules.analysis.space import FIXED_FACTS, Space
from legalaid_rules.analysis.translate import Translator, Verdict
from legalaid_rules.analysis.witness import decide, solve
from legalaid_rules.applications import Application
from legalaid_rules.cli import main
from legalaid_rules.conditions.facts import FACTS
from strategies import any_applications

RULES = Path(__file__).resolve().parents[1] / "rules"
ANQING = dt.date(2023, 6, 1)
SHIPPED = [(p, v.start) for p in Registry().ids() for v in Registry().versions(p)]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the packs whose Anqing version narrows the means test and has a dead and a
    shadowed rule."""
    root = tmp_path_factory.mktemp("packs") / "rules"
    shutil.copytree(RULES, root)
    path = root / "anhui" / "anqing" / "2023.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "    when: household.per_capita_income < 2 * minimum_living_standard\n    then: {economic: passed}\n"
        "    basis: [{source: seed002",
        "    when: household.per_capita_income < 1.5 * minimum_living_standard\n"
        "    then: {economic: passed}\n"
        "    basis: [{source: seed002",
    )
    text = text.replace(
        "\nrules:\n",
        """
matters:
  rural_land_contract:
    override: true
    zh: 因农村土地承包经营权及其流转中合法权益受到侵害，主张民事权益
    en: rural land contract rights and their transfer
    listed: false
    basis: {source: seed002, at: 三(一)2}
rules:
""",
    )
    text = text.replace(
        "\nroutes:\n",
        """
  anqing.dead:
    zh: 不可能的规则
    en: an impossible rule
    when: applicant.age < 18 and applicant.age >= 60
    then: {economic: waived}
    basis: {source: seed002, at: 六(二)}
  anqing.shadowed:
    zh: 重复的第三十二条规则
    en: Art 32 again
    when: matter == 'domestic_violence'
    then: {economic: not_required}
    basis: {source: seed002, at: 六(二)}
routes:
""",
    )
    path.write_text(text, encoding="utf-8")
    return root


# -- analyze -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("pack_id", "day"), SHIPPED, ids=[f"{p}@{d}" for p, d in SHIPPED])
def test_every_finding_on_the_shipped_packs_is_confirmed(pack_id: str, day: dt.date) -> None:
    """Each witness a shipped pack's analysis reports is decided by evaluate as the finding says."""
    report = analyze(load_pack(pack_id, day))
    assert report.findings
    for f in report.findings:
        assert f.confirmed, f
        if f.witness is not None:
            assert f.decision is not None
            assert decide(load_pack(pack_id, day), f.witness) == f.decision


def test_anqing_means_test_boundary_is_strict_at_twice_the_standard() -> None:
    report = analyze(load_pack("anhui/anqing", ANQING), kinds=["boundary"])
    (f,) = report.findings
    assert f.rule == "anhui.means_test"
    assert f.witness is not None and f.other is not None
    assert f.witness["household"]["per_capita_monthly_income"] == "1560"
    assert f.other["one_step_inside"]["household"]["per_capita_monthly_income"] == "1559.99"
    assert f.decision is not None and f.decision.rules["anhui.means_test"] == "false"
    assert f.other["decision"]["economic"] == "passed"


def test_yeji_narrows_nothing_of_the_province() -> None:
    report = analyze(load_pack("anhui/yeji", dt.date(2024, 3, 1)), kinds=["narrowing"])
    assert report.findings == []


def test_a_pack_without_a_means_test_is_noted_not_analysed() -> None:
    report = analyze(load_pack("national", ANQING))
    assert [f.kind for f in report.findings] == ["note"]


def test_edited_pack_narrowing_dead_and_shadowed_rules_are_errors_and_warnings(edited: Path) -> None:
    registry = Registry(edited)
    pack = registry.load("anhui/anqing", ANQING)
    report = analyze(pack, registry=registry)
    kinds = {(f.kind, f.severity, f.rule) for f in report.findings}
    assert ("never_true", "error", "anqing.dead") in kinds
    assert ("no_effect", "warning", "anqing.shadowed") in kinds
    declared = [f for f in report.findings if f.kind == "narrowing" and f.severity == "info"]
    assert [f.rule for f in declared] == ["rural_land_contract"]
    assert "庆司通〔2023〕8号 三(一)2" in declared[0].zh
    narrowed = [f for f in report.findings if f.kind == "narrowing" and f.severity == "error"]
    assert narrowed
    for f in narrowed:
        assert f.confirmed and f.witness is not None
        income = Application.model_validate(f.witness).household.per_capita_monthly_income
        assert income is not None and Decimal("1170") <= income < Decimal("1560")
        assert f.witness.get("matter") != "rural_land_contract"  # declared: not an error


# -- diff ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def raised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Anqing 2023 with the minimum living standard raised from 780.00 to 850.00."""
    path = tmp_path_factory.mktemp("edit") / "anqing-850.yaml"
    text = (RULES / "anhui" / "anqing" / "2023.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("      value: 780.00", "      value: 850.00"), encoding="utf-8")
    return path


def test_diff_of_a_raised_standard_is_the_income_band_between_the_two_limits(raised: Path) -> None:
    old, new = pack_from_spec("anhui/anqing@2023-06-01"), pack_from_spec(str(raised))
    result = diff(old, new)
    assert result.regions
    for r in result.regions:
        assert r.confirmed
        assert "[1,560.00, 1,700.00)" in r.zh
        assert (r.before, r.after) in {
            ("ineligible", "eligible"),
            ("undetermined", "eligible"),
            ("ineligible", "undetermined"),
        }
    assert any((r.before, r.after) == ("ineligible", "eligible") for r in result.regions)
    assert [(c.section, c.name, c.what) for c in result.changes] == [
        ("parameters", "minimum_living_standard", "changed")
    ]


def test_diff_of_two_versions_compares_the_same_day_of_each_period(tmp_path: Path) -> None:
    later = tmp_path / "yunfu-2023.yaml"
    text = (RULES / "guangdong" / "yunfu" / "2022.yaml").read_text(encoding="utf-8")
    later.write_text(
        text.replace("2022", "2023").replace("value: 2500.00", "value: 2600.00"), encoding="utf-8"
    )
    old, new = pack_from_spec("guangdong/yunfu@2022-06-01"), pack_from_spec(str(later))
    assert (old.version, new.version) == ("2022.1", "2023.1")
    result = diff(old, new)
    assert result.regions and all(r.confirmed for r in result.regions)
    assert any("[1,250.00, 1,300.00)" in r.zh for r in result.regions)  # half the figure: 2,500 -> 2,600
    assert ("parameters", "urban_disposable_income_monthly", "changed") in {
        (c.section, c.name, c.what) for c in result.changes
    }


def test_diff_of_a_pack_with_itself_is_empty() -> None:
    pack = load_pack("guangdong/yunfu", dt.date(2022, 6, 1))
    result = diff(pack, pack)
    assert result.regions == [] and result.changes == []


def test_impact_counts_changes_by_direction_county_and_rule(raised: Path) -> None:
    old, new = pack_from_spec("anhui/anqing@2023-06-01"), pack_from_spec(str(raised))
    apps: list[dict[str, Any]] = [
        {
            "date": "2023-06-01",
            "locality": {"county": "huaining"},
            "matter": "labour_remuneration",
            "applicant": {"groups": []},
            "household": {"per_capita_monthly_income": "1600"},
        },
        {
            "date": "2023-06-01",
            "locality": {"county": "taihu"},
            "matter": "labour_remuneration",
            "household": {"per_capita_monthly_income": "1000"},
        },
        {"date": "2023-06-01", "locality": {"county": "nowhere"}},
    ]
    result = impact(old, new, apps)
    assert (result.total, result.changed, result.errors) == (3, 1, 1)
    assert dict(result.counties) == {"huaining": 1}
    assert dict(result.rules) == {"anhui.means_test": 1}


# -- counterfactuals -------------------------------------------------------------------------------


def test_counterfactuals_for_an_income_too_high_include_the_income_band() -> None:
    pack = load_pack("anhui/anqing", ANQING)
    app = {
        "date": "2023-06-01",
        "locality": {"city": "anqing", "county": "huaining"},
        "applicant": {"age": 45, "fixed_income_source": True, "groups": []},
        "household": {"size": 3, "monthly_income": "6000.00"},
        "matter": "labour_remuneration",
    }
    result = counterfactuals(pack, app)
    assert (result.outcome, result.target) == ("ineligible", "eligible")
    income = [c for cf in result.found for c in cf.changes if c.fact == "household.income"]
    assert income and income[0].range == "[0.00, 1,560.00)"
    assert any(
        c.fact == "applicant.groups" and "dibao_recipient" in c.zh for cf in result.found for c in cf.changes
    )


@settings(max_examples=25)
@given(data=st.data())
def test_every_counterfactual_is_confirmed_and_holds_fixed_facts(data: st.DataObject) -> None:
    pack_id, day = data.draw(
        st.sampled_from([("anhui/anqing", ANQING), ("guangdong/yunfu", dt.date(2022, 6, 1))])
    )
    pack = load_pack(pack_id, day)
    app = Application.model_validate(data.draw(any_applications(pack)))
    result = counterfactuals(pack, app, limit=3)
    sizes = [len(cf.changes) for cf in result.found]
    assert sizes == sorted(sizes)
    for cf in result.found:
        assert cf.confirmed
        assert evaluate(pack, cf.application).outcome.value == result.target
        changed = Application.model_validate(cf.application)
        for path in FIXED_FACTS:
            assert FACTS[path].read(changed) == FACTS[path].read(app), path


# -- the property: every witness the solver gives is what evaluate decides --------------------------


@settings(max_examples=40)
@given(data=st.data())
def test_solver_witnesses_are_decided_by_evaluate_as_asked(data: st.DataObject) -> None:
    """Ask the solver for an application with a random rule result, outcome and economic
    condition; when it finds one, evaluate decides it exactly so."""
    pack_id, day = data.draw(st.sampled_from([s for s in SHIPPED if s[0] != "national"]))
    pack = load_pack(pack_id, day)
    space = Space([pack])
    verdict = Verdict.of(Translator(pack, space))
    rule = data.draw(st.sampled_from([r.id for r in pack.rules]))
    truth = data.draw(st.sampled_from(["true", "false", "unknown"]))
    outcome = data.draw(st.sampled_from(["eligible", "ineligible", "undetermined"]))
    economic = data.draw(st.sampled_from(sorted(verdict.economic)))
    res = verdict.rules[rule]
    term = {"true": res.t, "false": res.f, "unknown": res.unknown}[truth]
    hit = solve(
        space,
        space.valid(pack),
        z3.Not(verdict.refused),
        term,
        verdict.outcome(outcome),
        verdict.economic[economic],
    )
    if hit is None:
        return
    decided = decide(pack, hit[0])
    assert (decided.outcome, decided.economic, decided.rules[rule]) == (outcome, economic, truth)


# -- the command line ------------------------------------------------------------------------------


def test_cli_analyze_text_json_and_exit_codes(edited: Path) -> None:
    code, out, _ = run("analyze", "anhui/anqing", "--date", "2023-06-01", "--lang", "zh")
    assert code == 0
    assert "边界：规则 anhui.means_test" in out and "例证申请" in out
    code, out, _ = run("analyze", "anhui/anqing", "--quick", "--format", "json", "--lang", "en")
    assert code == 0
    assert json.loads(out)[0]["pack"] == "anhui/anqing"
    code, out, _ = run(
        "analyze", "anhui/anqing", "--date", "2023-06-01", "--quick", "--root", str(edited), "--lang", "en"
    )
    assert code == 1
    assert "rule anqing.dead holds for no application" in out
    code, _, err = run("analyze", "anhui/nowhere")
    assert code == 2 and "no pack `anhui/nowhere`" in err


def test_cli_diff_and_what_if(raised: Path, tmp_path: Path) -> None:
    past = tmp_path / "past.jsonl"
    past.write_text(
        json.dumps(
            {
                "date": "2023-06-01",
                "locality": {"county": "huaining"},
                "matter": "labour_remuneration",
                "applicant": {"groups": []},
                "household": {"per_capita_monthly_income": 1600.00},
            }
        )
        + "\n",
        encoding="utf-8",
    )
    code, out, _ = run("diff", "anhui/anqing@2023-06-01", str(raised), "--over", str(past), "--lang", "zh")
    assert code == 0
    assert "家庭人均月收入在 [1,560.00, 1,700.00)" in out and "决定改变 1 件" in out
    app = tmp_path / "app.json"
    app.write_text(
        json.dumps(
            {
                "date": "2023-06-01",
                "locality": {"city": "anqing"},
                "matter": "support_payment",
                "household": {"per_capita_monthly_income": 2000},
                "applicant": {"groups": [], "fixed_income_source": True},
            }
        ),
        encoding="utf-8",
    )
    code, out, _ = run("what-if", str(app), "--pack", "anhui/anqing", "--format", "json")
    assert code == 0
    found = json.loads(out)
    assert found["outcome"] == "ineligible" and all(cf["confirmed"] for cf in found["found"])
    code, out, _ = run("explain", "--what-if", str(app), "--pack", "anhui/anqing", "--format", "json")
    assert code == 0  # the spelling of the same command: the same changes found
    again = json.loads(out)
    assert again["outcome"] == found["outcome"] and all(cf["confirmed"] for cf in again["found"])
    facts = [[c["fact"] for c in cf["changes"]] for cf in found["found"]]
    assert [[c["fact"] for c in cf["changes"]] for cf in again["found"]] == facts
    code, _, err = run("explain", "--what-if", str(app))
    assert code == 2 and "--pack" in err


def test_cli_bad_input_is_a_located_error_and_exit_2(tmp_path: Path) -> None:
    code, _, err = run("diff", "anhui/anqing@2023-06-01", "anhui/anqing@2023-13-01")
    assert code == 2 and "is neither `ID@DATE`" in err
    bad_pack = tmp_path / "bad.yaml"
    bad_pack.write_text("format: 2\n", encoding="utf-8")
    code, _, err = run("diff", "anhui/anqing@2023-06-01", str(bad_pack))
    assert code == 2 and f"{bad_pack}:1:1: missing key `id`" in err
    past = tmp_path / "past.jsonl"
    past.write_text('{"date": "2023-06-01"\n', encoding="utf-8")
    code, _, err = run("diff", "anhui/anqing@2023-06-01", "anhui/anqing@2023-06-01", "--over", str(past))
    assert code == 2 and f"{past}:1:22: this is not valid JSON" in err
    app = tmp_path / "app.json"
    app.write_text('{"date": "2023-06-01", "matter": "suport_payment"}', encoding="utf-8")
    code, _, err = run("what-if", str(app), "--pack", "anhui/anqing")
    assert code == 2 and "unknown matter code `suport_payment`" in err
