"""One bad pack per error kind: each problem has its code, exact file:line:column and message.

Each case starts from the valid tree in ``tests/fixtures/mini`` and changes one file. The
expected location is given as the text it must point at (``at``, with ``nth`` occurrence), so
the test checks the exact line and column without hand-counted numbers.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from legalaid_rules import PackError, Registry
from legalaid_rules.errors import Problem

MINI = Path(__file__).parent / "fixtures" / "mini"
NATIONAL = (MINI / "national" / "2022.yaml").read_text(encoding="utf-8")
PROV = (MINI / "prov" / "2022.yaml").read_text(encoding="utf-8")


@dataclass
class Case:
    id: str
    file: str  # which file the change is in, and where the problem must point
    old: str
    new: str
    code: str
    at: str  # the text the problem's line:column points at, in the changed file
    message: str
    hint: str | None = None
    nth: int = 1


CASES = [
    Case(
        "malformed-yaml",
        "prov/2022.yaml",
        "then: {economic: passed}",
        "then: {economic: passed",
        "yaml.syntax",
        ": {source: law}\n",
        "this is not valid YAML: expected ',' or '}', but got ':'",
        nth=2,
    ),
    Case(
        "duplicate-key",
        "prov/2022.yaml",
        "    then: {economic: passed}",
        "    then: {economic: passed}\n    then: {scope: in}",
        "yaml.duplicate_key",
        "then: {scope",
        "duplicate key `then` (first defined at line 25)",
    ),
    Case(
        "unknown-key",
        "prov/2022.yaml",
        "    basis: {source: law}\n",
        "    basis: {source: law}\n    bsis: {source: law}\n",
        "schema.extra_forbidden",
        "bsis",
        "unknown key `bsis`",
        "did you mean `basis`?",
    ),
    Case(
        "wrong-type",
        "prov/2022.yaml",
        "effective: {from: 2022-01-01, to: 2022-12-31}",
        "effective: {from: soon, to: 2022-12-31}",
        "schema.date_from_datetime_parsing",
        "soon",
        "`from`: input should be a valid date",
    ),
    Case(
        "inverted-period",
        "prov/2022.yaml",
        "to: 2022-12-31",
        "to: 2021-12-31",
        "schema.value_error",
        "{from: 2022",
        "the period ends (2021-12-31) before it starts",
    ),
    Case(
        "misspelt-parameter",
        "prov/2022.yaml",
        "2 * minimum_living_standard",
        "2 * minimum_living_standrad",
        "condition.unknown_parameter",
        "minimum_living_standrad",
        "unknown parameter `minimum_living_standrad`",
        "did you mean `minimum_living_standard`?",
    ),
    Case(
        "unknown-fact",
        "prov/2022.yaml",
        "household.per_capita_income <",
        "household.per_capita_incom <",
        "condition.unknown_fact",
        "household.per_capita_incom",
        "unknown fact `household.per_capita_incom`",
        "did you mean `household.per_capita_income`?",
    ),
    Case(
        "condition-does-not-parse",
        "prov/2022.yaml",
        "< 2 * minimum_living_standard",
        "< 2 * * minimum_living_standard",
        "condition.syntax.expected_value",
        "* minimum_living",
        "the condition does not parse: expected a value but found `*`",
        nth=1,
    ),
    Case(
        "type-error",
        "prov/2022.yaml",
        "< 2 * minimum_living_standard",
        "< applicant.disabled",
        "condition.type",
        "household.per_capita_income <",
        "`<` compares amounts, numbers or dates, not yes/no",
    ),
    Case(
        "unknown-source",
        "prov/2022.yaml",
        "    basis: {source: law}\n    values:",
        "    basis: {source: lwa}\n    values:",
        "pack.unknown_source",
        "lwa",
        "unknown source `lwa`",
        "did you mean `law`?",
    ),
    Case(
        "unknown-group",
        "national/2022.yaml",
        "proven(elderly)",
        "proven(elderyl)",
        "condition.unknown_group",
        "proven(elderyl)",
        "unknown group `elderyl`",
        "did you mean `elderly`?",
    ),
    Case(
        "unknown-rule",
        "prov/2022.yaml",
        "when: household.per_capita_income <",
        "when: rule(scope.listd) and household.per_capita_income <",
        "condition.unknown_rule",
        "rule(scope.listd)",
        "unknown rule `scope.listd`",
        "did you mean `scope.listed`?",
    ),
    Case(
        "unknown-matter-code",
        "prov/2022.yaml",
        "when: household.per_capita_income <",
        "when: matter in ['wagse'] and household.per_capita_income <",
        "condition.unknown_code",
        "'wagse'",
        "unknown matter code `wagse`",
        "did you mean `wages`?",
    ),
    Case(
        "unknown-enum-value",
        "prov/2022.yaml",
        "when: household.per_capita_income <",
        "when: criminal.role == 'defendent' and household.per_capita_income <",
        "condition.unknown_code",
        "'defendent'",
        "unknown criminal role value `defendent`",
        "did you mean `defendant`?",
    ),
    Case(
        "unknown-region",
        "prov/2022.yaml",
        "{region: city, value",
        "{region: ctiy, value",
        "pack.unknown_region",
        "ctiy",
        "unknown region `ctiy`",
        "did you mean `city`?",
    ),
    Case(
        "extends-missing-parent",
        "prov/2022.yaml",
        "extends: national",
        "extends: nationl",
        "pack.parent_missing",
        "nationl",
        "`extends: nationl`: no pack `nationl`",
        "did you mean `national`?",
    ),
    Case(
        "extends-cycle",
        "national/2022.yaml",
        "jurisdiction: china",
        "jurisdiction: china\nextends: prov",
        "pack.extends_cycle",
        "prov\neffective",
        "packs extend each other in a circle",
    ),
    Case(
        "redefined-without-override",
        "prov/2022.yaml",
        "rules:\n  means_test:",
        "matters:\n  wages: {zh: 工资, en: wages, basis: {source: law}}\nrules:\n  means_test:",
        "pack.redefined",
        "wages: {zh: 工资",
        "`wages` is already defined in matters of pack `national`",
        "add `override: true` to replace it on purpose",
    ),
    Case(
        "rule-cycle",
        "prov/2022.yaml",
        "when: household.per_capita_income < 2 * minimum_living_standard",
        "when: rule(means_test) and household.per_capita_income < 2 * minimum_living_standard",
        "pack.rule_cycle",
        "rule(means_test)",
        "rules refer to each other in a circle",
        nth=1,
    ),
    Case(
        "python-tag",
        "prov/2022.yaml",
        "title: 某省规则（测试用）",
        "title: !!python/object:os.system 某省规则",
        "yaml.tag",
        "!!python",
        "the tag `tag:yaml.org,2002:python/object:os.system` is not allowed",
    ),
    Case(
        "id-not-folder",
        "prov/2022.yaml",
        "id: prov",
        "id: province",
        "pack.id_mismatch",
        "province",
        "the file is in folder `prov` but says `id: province`",
    ),
    Case(
        "value-of-wrong-type",
        "prov/2022.yaml",
        "value: 700.00",
        "value: 2022-01-01",
        "pack.value_type",
        "2022-01-01}",
        "`2022-01-01` is not a money value",
    ),
]


def make_tree(tmp_path: Path, case: Case) -> tuple[Path, str]:
    root = tmp_path / "rules"
    shutil.copytree(MINI, root)
    target = root / case.file
    text = target.read_text(encoding="utf-8")
    assert case.old in text, f"fixture drift: {case.old!r} not in {case.file}"
    changed = text.replace(case.old, case.new, 1)
    target.write_text(changed, encoding="utf-8")
    return root, changed


def position(text: str, needle: str, nth: int) -> tuple[int, int]:
    start = -1
    for _ in range(nth):
        start = text.index(needle, start + 1)
    if needle.startswith("\n"):  # point at what follows the newline
        start += len(needle) - len(needle.lstrip("\n"))
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, column


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_error_kind_is_located(tmp_path: Path, case: Case) -> None:
    root, changed = make_tree(tmp_path, case)
    problems = Registry(root).check()
    matching = sorted(
        (p for p in problems if p.code == case.code),
        key=lambda p: not (p.location.file or "").endswith(case.file),
    )
    assert matching, f"no {case.code} among: " + "\n".join(str(p) for p in problems)
    p = matching[0]
    assert p.location.file is not None and p.location.file.endswith(case.file), str(p)
    assert (p.location.line, p.location.column) == position(changed, case.at, case.nth), str(p)
    assert case.message in p.message, str(p)
    if case.hint is not None:
        assert p.hint is not None and case.hint in p.hint, str(p)
    assert str(p).startswith(f"{p.location.file}:{p.location.line}:{p.location.column}: ")


def test_the_valid_tree_has_no_problems() -> None:
    """The fixture every case starts from is itself valid (so each case tests one change)."""
    assert Registry(MINI).check() == []


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    """Several mistakes in several places come back together, not one per run."""
    root = tmp_path / "rules"
    shutil.copytree(MINI, root)
    prov = root / "prov" / "2022.yaml"
    prov.write_text(
        PROV.replace("2 * minimum_living_standard", "2 * minimum_living_standrad").replace(
            "    basis: {source: law}\n    values:", "    basis: {source: lwa}\n    values:"
        ),
        encoding="utf-8",
    )
    nat = root / "national" / "2022.yaml"
    nat.write_text(NATIONAL.replace("proven(elderly)", "proven(elderyl)"), encoding="utf-8")
    codes = sorted({p.code for p in Registry(root).check()})
    assert codes == [
        "condition.unknown_group",
        "condition.unknown_parameter",
        "pack.unknown_source",
    ]


def test_overlapping_versions_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(MINI, root)
    (root / "prov" / "2022b.yaml").write_text(
        PROV.replace('version: "1"', 'version: "2"')
        .replace("from: 2022-01-01", "from: 2022-07-01")
        .replace("to: 2022-12-31", "to: 2023-06-30"),
        encoding="utf-8",
    )
    problems = Registry(root).check()
    overlap = [p for p in problems if p.code == "pack.period_overlap"]
    assert overlap and "both in force on 2022-07-01" in overlap[0].message


def test_load_raises_pack_error_with_all_problems(tmp_path: Path) -> None:
    import datetime as dt

    root, _ = make_tree(tmp_path, CASES[5])  # misspelt parameter
    with pytest.raises(PackError) as info:
        Registry(root).load("prov", dt.date(2022, 6, 1))
    assert info.value.codes == ("condition.unknown_parameter",)
    assert isinstance(info.value, ValueError)
    assert "minimum_living_standrad" in str(info.value)


def test_problem_renders_as_a_plain_line() -> None:
    from legalaid_rules.errors import Location

    p = Problem("x.y", "unknown parameter `a`", Location("r/p.yaml", 3, 9), "did you mean `b`?")
    assert str(p) == "r/p.yaml:3:9: unknown parameter `a` (hint: did you mean `b`?)"


def test_a_city_pack_must_have_its_citys_figure_for_its_whole_period(tmp_path: Path) -> None:
    """A by-city parameter that stops before the city pack's period ends is located and named."""
    root = tmp_path / "rules"
    shutil.copytree(MINI, root)
    (root / "prov" / "city").mkdir()
    city = root / "prov" / "city" / "2022.yaml"
    city.write_text(
        'format: 1\nid: prov/city\nversion: "1"\ntitle: 某市\njurisdiction: city\n'
        "extends: prov\neffective: {from: 2022-01-01, to: 2022-12-31}\n",
        encoding="utf-8",
    )
    prov = root / "prov" / "2022.yaml"
    prov.write_text(
        PROV.replace("{region: city, value: 700.00}", "{region: city, value: 700.00, to: 2022-06-30}"),
        encoding="utf-8",
    )
    problems = [p for p in Registry(root).check() if p.code == "pack.value_missing"]
    assert len(problems) == 1
    p = problems[0]
    assert p.location.file is not None and p.location.file.endswith("prov/city/2022.yaml")
    assert p.location.line == 7
    assert "`minimum_living_standard` has no value for `city` on 2022-07-01" in p.message
