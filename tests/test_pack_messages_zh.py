"""Issue 13 item 3: every message a policy officer reads about a pack is plain Chinese by default.

One broken rules tree per kind of problem that pack reading, resolution, strict checking and
pack tests can report (each starts from ``tests/fixtures/mini`` and changes one thing). Each is
checked, strictly checked or tested through the command line with no language chosen (Chinese)
and with ``--lang en``: in Chinese every line holds Chinese and no English sentence (three or
more ASCII words in a row outside backticks and 《titles》); in English every line is English.
The problem codes are asserted too, so that each variant really produces the kind it stands for.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalaid_rules.cli import main
from legalaid_rules.i18n import problem_text, use_language
from legalaid_rules.packs.checking import check_paths
from legalaid_rules.packtests import run_paths

MINI = Path(__file__).parent / "fixtures" / "mini"
ENV = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

CASE = """\
  - name: {name}
    description: 请求支付劳动报酬，家庭人均收入低于标准的 2 倍
    application:
      date: {date}
      matter: wages
      locality: {{city: city}}
      household: {{monthly_income: "1000.00", size: 1}}
      applicant: {{age: 40, disabilities: [], fixed_income_source: true, groups: []}}
      urgency: {{days_to_deadline: 60, preservation_needed: false}}
    expect:
      outcome: {outcome}
"""
TESTS = "pack: prov\ncases:\n" + CASE.format(name="wages-low-income", date="2022-05-01", outcome="eligible")


@dataclass
class Broken:
    """A change to the mini tree: ``old`` -> ``new`` in ``file`` (or ``new`` appended when ``old``
    is empty; the whole file when ``old`` is None), and the problem codes it must produce."""

    id: str
    file: str
    old: str | None
    new: str
    codes: tuple[str, ...]
    extra: dict[str, str] = field(default_factory=dict)  # more files to write
    also: tuple[tuple[str, str], ...] = ()  # more changes to the same file


P, N, T = "prov/2022.yaml", "national/2022.yaml", "prov/2022.tests.yaml"
RULE = "    then: {economic: passed}\n    basis: {source: law}\n"

PACK_PROBLEMS = [
    Broken("malformed-yaml", P, "then: {economic: passed}", "then: {economic: passed", ("yaml.syntax",)),
    Broken("tab-indent", P, "  prov: {zh: 某省", "\tprov: {zh: 某省", ("yaml.syntax",)),
    Broken("bad-scalar", P, "title: 某省规则（测试用）", "title: @某省", ("yaml.syntax",)),
    Broken("unclosed-quote", P, "title: 某省规则（测试用）", 'title: "某省', ("yaml.syntax",)),
    Broken("empty-file", P, None, "", ("yaml.empty",)),
    Broken("yaml-tag", P, "title: 某省规则（测试用）", "title: !!python/name:os.system x", ("yaml.tag",)),
    Broken(
        "merge-key",
        P,
        "  city: {zh: 某市, level: city, parent: prov}",
        "  city: {<<: {zh: 某市}}",
        ("yaml.merge",),
    ),
    Broken("impossible-date", P, "to: 2022-12-31", "to: 2022-02-30", ("yaml.date",)),
    Broken(
        "duplicate-key",
        P,
        "    then: {economic: passed}",
        "    then: {economic: passed}\n    then: {scope: in}",
        ("yaml.duplicate_key",),
    ),
    Broken("unknown-key", P, RULE, RULE + "    bsis: {source: law}\n", ("schema.extra_forbidden",)),
    Broken("missing-key", P, "title: 某省规则（测试用）\n", "", ("schema.missing",)),
    Broken(
        "wrong-type",
        P,
        "effective: {from: 2022-01-01,",
        "effective: {from: soon,",
        ("schema.date_from_datetime_parsing",),
    ),
    Broken("not-text", N, "at: 第三十一条}", "at: [第三十一条]}", ("schema.string_type",)),
    Broken("not-a-choice", N, "kind: law}", "kind: statute}", ("schema.literal_error",)),
    Broken("bad-name", P, "  means_test:", "  Means-Test:", ("schema.string_pattern_mismatch",)),
    Broken("no-proofs", N, "proofs: [居民身份证]", "proofs: []", ("schema.too_short",)),
    Broken("empty-then", P, "then: {economic: passed}", "then: {}", ("schema.value_error",)),
    Broken("inverted-period", P, "to: 2022-12-31", "to: 2021-12-31", ("schema.value_error",)),
    Broken("null-value", P, "value: 700.00", "value: null", ("schema.value_error",)),
    Broken("value-and-values", P, "    by: city\n", "    value: 1.00\n", ("schema.value_error",)),
    Broken("id-mismatch", P, "id: prov", "id: province", ("pack.id_mismatch",)),
    Broken("dangling-region", P, "parent: prov}", "parent: provv}", ("pack.unknown_region",)),
    Broken("region-by-chinese-name", P, "parent: prov}", "parent: 某省}", ("pack.unknown_region",)),
    Broken("dangling-source", P, RULE, RULE.replace("law", "lwa"), ("pack.unknown_source",)),
    Broken("dangling-parent", P, "extends: national", "extends: nationall", ("pack.parent_missing",)),
    Broken(
        "dangling-parameter-values",
        P,
        "rules:",
        "parameter_values:\n  caseload_capp:\n    - {value: 90}\nrules:",
        ("pack.unknown_parameter",),
    ),
    Broken("redefined", P, "  means_test:", "  scope.listed:", ("pack.redefined",)),
    Broken("override-nothing", P, RULE, RULE + "    override: true\n", ("pack.override_nothing",)),
    Broken("money-decimals", P, "value: 700.00", "value: 700.005", ("pack.value_decimals",)),
    Broken("money-negative", P, "value: 700.00", "value: -700", ("pack.value_negative",)),
    Broken("value-not-a-number", P, "value: 700.00", "value: 七百", ("pack.value_type",)),
    Broken(
        "value-without-region", P, "{region: city, value: 700.00}", "{value: 700.00}", ("pack.value_region",)
    ),
    Broken(
        "value-wrong-level",
        P,
        "{region: city, value: 700.00}",
        "{region: prov, value: 700.00}",
        ("pack.value_region",),
    ),
    Broken(
        "overlapping-values",
        P,
        "      - {region: city, value: 700.00}",
        "      - {region: city, value: 700.00}\n      - {region: city, value: 710.00, from: 2022-06-01}",
        ("pack.value_overlap",),
    ),
    Broken(
        "value-gap",
        P,
        "{region: city, value: 700.00}",
        "{region: city, value: 700.00, from: 2022-03-01}",
        ("pack.value_missing",),
        also=(("jurisdiction: prov", "jurisdiction: city"),),
    ),
    Broken(
        "value-period-inverted",
        P,
        "{region: city, value: 700.00}",
        "{region: city, value: 700.00, from: 2022-03-01, to: 2022-02-01}",
        ("pack.period_inverted",),
    ),
    Broken("condition-syntax", P, "< 2 * minimum", "< 2 * * minimum", ("condition.syntax",)),
    Broken("condition-chinese-operator", N, "== false", "且 true", ("condition.syntax",)),
    Broken(
        "condition-unknown-parameter",
        P,
        "2 * minimum_living_standard",
        "2 * minimum_living_standrad",
        ("condition.unknown_parameter",),
    ),
    Broken("condition-unknown-group", N, "proven(elderly)", "proven(elderl)", ("condition.unknown_group",)),
    Broken(
        "condition-unknown-matter",
        N,
        "when: listed(matter)",
        "when: matter == 'wagez'",
        ("condition.unknown_code",),
    ),
    Broken(
        "condition-region-by-chinese-name",
        P,
        "when: household",
        "when: locality.city == '某市' and household",
        ("condition.unknown_code",),
    ),
    Broken("condition-type", P, "< 2 * minimum_living_standard", "< applicant.disabled", ("condition.type",)),
    Broken(
        "group-definition",
        N,
        "definition: applicant.age >= 60",
        "definition: member(elderly)",
        ("pack.group_definition",),
    ),
    Broken(
        "rule-cycle",
        P,
        "when: household.per_capita_income",
        "when: rule(means_test) and household.per_capita_income",
        ("pack.rule_cycle",),
    ),
    Broken(
        "overlapping-versions",
        P,
        "",
        "",
        ("pack.period_overlap",),
        extra={"prov/2022b.yaml": "COPY:" + P + ':version: "1"=>version: "2"'},
    ),
    Broken(
        "unused-source",
        N,
        "  law: {title: 法律援助法, kind: law}",
        "  law: {title: 法律援助法, kind: law}\n  old: {title: 旧条例, kind: regulation}",
        ("check.unused_source",),
    ),
]

STRICT_PROBLEMS = [
    Broken("unverified-rule", P, RULE, RULE + "    verified: false\n", ("strict.rule",)),
    Broken(
        "unverified-source",
        N,
        "kind: law}",
        "kind: law, verified: false}",
        ("strict.source", "strict.matter", "strict.rule"),
    ),
    Broken(
        "unrecorded-and-revised",
        N,
        "",
        "",
        ("strict.unrecorded_version", "strict.open_after_revision"),
        extra={
            "RELEASES.yml": "releases: {}\n"
            "revised_documents:\n  - {title: 法律援助法, in_force: 2022-06-01}\n"
        },
    ),
]

TEST_PROBLEMS = [
    Broken("tests-unknown-key", T, "    expect:", "    expct: {}\n    expect:", ("tests.extra_forbidden",)),
    Broken(
        "tests-bad-name", T, "name: wages-low-income", "name: Wages_Low", ("tests.string_pattern_mismatch",)
    ),
    Broken(
        "tests-missing-description",
        T,
        "    description: 请求支付劳动报酬，家庭人均收入低于标准的 2 倍\n",
        "",
        ("tests.missing",),
    ),
    Broken(
        "tests-unknown-expectation",
        T,
        "      outcome: eligible",
        "      outcom: eligible",
        ("tests.extra_forbidden",),
    ),
    Broken(
        "tests-wrong-outcome-word",
        T,
        "      outcome: eligible",
        "      outcome: granted",
        ("tests.literal_error",),
    ),
    Broken(
        "tests-duplicate-name",
        T,
        "",
        CASE.format(name="wages-low-income", date="2022-05-01", outcome="eligible"),
        ("tests.duplicate_name",),
    ),
    Broken("tests-wrong-folder", T, "pack: prov", "pack: national", ("tests.pack_folder",)),
    Broken("tests-malformed-yaml", T, "locality: {city: city}", "locality: {city: city", ("yaml.syntax",)),
    Broken("tests-fails", T, "outcome: eligible", "outcome: ineligible", ("failed",)),
    Broken("tests-no-pack-in-force", T, "date: 2022-05-01", "date: 2024-05-01", ("tests.pack_not_found",)),
]


def make_tree(tmp_path: Path, b: Broken) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(MINI, root)
    (root / T).write_text(TESTS, encoding="utf-8")
    path = root / b.file
    text = path.read_text(encoding="utf-8")
    if b.old is None:
        text = b.new
    elif b.old == "":
        text += b.new
    else:
        assert b.old in text, b.old
        text = text.replace(b.old, b.new, 1)
    for old, new in b.also:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    for name, content in b.extra.items():
        if content.startswith("COPY:"):
            source, change = content.removeprefix("COPY:").split(":", 1)
            before, after = change.split("=>")
            content = (root / source).read_text(encoding="utf-8").replace(before, after)
        (root / name).write_text(content, encoding="utf-8")
    return root


QUOTED = re.compile(r"`[^`]*`|《[^》]*》")
PATH = re.compile(r"\S*\.ya?ml(?::\d+)*|\S*/rules\b\S*")
ENGLISH = re.compile(r"[A-Za-z]+(?:[ ,;:'()]+[A-Za-z]+){2,}")
HAN = re.compile(r"[\u4e00-\u9fff]")


def unquoted(line: str) -> str:
    """The line without its backticked codes, 《titles》 and file paths (which stay as written)."""
    return PATH.sub(" ", QUOTED.sub(" ", line))


def assert_chinese(lines: list[str], data: tuple[str, ...] = ()) -> None:
    assert lines
    for line in lines:
        bare = unquoted(line)
        assert HAN.search(line), f"no Chinese in {line!r}"
        assert line.count("（提示：") <= 1, f"a hint said twice in {line!r}"
        assert not ENGLISH.search(bare), f"English sentence {ENGLISH.search(bare)} in {line!r}"


def assert_english(lines: list[str], data: tuple[str, ...] = ()) -> None:
    assert lines
    for line in lines:
        bare = unquoted(line)
        for text in data:  # pack and test data quoted in a message stays as written (Chinese)
            bare = bare.replace(text, " ")
        assert not HAN.search(bare), f"Chinese in {line!r}"
        if not re.sub(r"[\W\d_]", "", bare):
            continue  # a line of data only (a case's description)
        assert re.search(r"[A-Za-z]{2,}", bare), f"no English in {line!r}"


def run(args: list[str], lang: str | None) -> list[str]:
    result = CliRunner().invoke(main, [*(["--lang", lang] if lang else []), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return [line for line in result.output.splitlines() if line.strip()]


DATA = ("请求支付劳动报酬，家庭人均收入低于标准的 2 倍", "某省", "某市", "旧条例")
"""Pack and test data a message may quote: Chinese whatever the language."""


def _codes_of_check(root: Path, strict: bool) -> set[str]:
    from legalaid_rules.packs.registry import Registry
    from legalaid_rules.packs.strict import unverified

    result = check_paths([root])
    problems = [*result.problems, *result.warnings, *result.skipped]
    if strict:
        problems += unverified(Registry(root))
    return {p.code for p in problems}


@pytest.fixture
def no_language(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ENV:
        monkeypatch.delenv(var, raising=False)


def _each(cases: list[Broken]) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return pytest.mark.parametrize("broken", cases, ids=[b.id for b in cases])


@_each(PACK_PROBLEMS)
def test_check_speaks_plain_chinese(tmp_path: Path, no_language: None, broken: Broken) -> None:
    root = make_tree(tmp_path, broken)
    codes = _codes_of_check(root, strict=False)
    assert {c for c in codes if any(c.startswith(want) for want in broken.codes)}, codes
    assert_chinese(run(["check", str(root)], None))
    assert_english(run(["check", str(root)], "en"), DATA)


@_each(STRICT_PROBLEMS)
def test_strict_check_speaks_plain_chinese(tmp_path: Path, no_language: None, broken: Broken) -> None:
    root = make_tree(tmp_path, broken)
    codes = _codes_of_check(root, strict=True)
    assert set(broken.codes) <= codes, codes
    zh = run(["check", "--strict", str(root)], None)
    assert_chinese(zh)
    assert any("未经核实" in line or "登记" in line or "修订" in line for line in zh), zh
    assert_english(run(["check", "--strict", str(root)], "en"), (*DATA, "法律援助法"))


@_each(TEST_PROBLEMS)
def test_pack_tests_speak_plain_chinese(tmp_path: Path, no_language: None, broken: Broken) -> None:
    root = make_tree(tmp_path, broken)
    with use_language("zh"):
        result = run_paths([root])
    found = {p.code for f in result.files for p in f.problems}
    found |= {p.code for c in result.cases for p in c.problems} | {c.status for c in result.cases}
    assert set(broken.codes) <= found, found
    zh = run(["test", str(root)], None)
    assert_chinese(zh)
    assert_english(run(["test", str(root)], "en"), (*DATA, "第三十一条", "第四十二条"))  # cited articles


REGION_NAMES = [
    Broken("region-tree", P, "parent: prov}", "parent: 某省}", ("prov",)),
    Broken("value-region", P, "{region: city, value: 700.00}", "{region: 某市, value: 700.00}", ("city",)),
    Broken(
        "condition",
        P,
        "when: household",
        "when: locality.city == '某市' and household",
        ("city",),
    ),
    Broken(
        "route-office",
        P,
        "rules:",
        "routes:\n  city_office:\n    zh: 市级受理\n    en: city office\n    kind: jurisdiction\n"
        "    office: 某市\n    basis: {source: law}\nrules:",
        ("city",),
    ),
    Broken(
        "target-region",
        P,
        "rules:",
        "targets:\n  city_cases: {zh: 市级办案目标, count: 10, region: 某市, basis: {source: law}}\nrules:",
        ("city",),
    ),
    Broken("jurisdiction", P, "jurisdiction: prov", "jurisdiction: 某省", ("prov",)),
    Broken("test-case-locality", T, "locality: {city: city}", "locality: {city: 某市}", ("city",)),
]


@_each(REGION_NAMES)
def test_a_region_written_by_its_chinese_name_gets_its_code(tmp_path: Path, broken: Broken) -> None:
    """Issue 13 item 3: `某市` written where a region code belongs, in a pack or a test file,
    gets the hint that names the code."""
    root = make_tree(tmp_path, broken)
    with use_language("zh"):
        if broken.file == T:
            run = run_paths([root])
            problems = [p for c in run.cases for p in c.problems]
        else:
            problems = list(check_paths([root]).problems)
        named = [p for p in problems if "`某" in p.message]
        assert named, [problem_text(p) for p in problems]
        (code,) = broken.codes
        written = re.findall(r"`(某[^`]*)`", named[0].message)[0]
        assert named[0].hint == f"`{written}` 应写作 `{code}`（地区代码）"


def test_the_checker_catches_english(tmp_path: Path) -> None:
    """The checks above can fail: an English message, or one without Chinese, is caught."""
    with pytest.raises(AssertionError):
        assert_chinese(
            ["错误：rules/p/2023.yaml:35:62: unknown region `anqingg`（提示：did you mean `anqing`?）"]
        )
    with pytest.raises(AssertionError):
        assert_chinese(["error: x.yaml:1:1: the file is empty"])
    with pytest.raises(AssertionError):
        assert_english(["错误：x.yaml:1:1: 文件是空的"])
    assert_chinese(["错误：rules/p/2023.yaml:35:62: 未知的地区 `anqingg`（提示：是否应为 `anqing`？）"])


def test_a_broken_case_is_one_problem_not_two(tmp_path: Path) -> None:
    """A case with a bad name leaves `cases` with no valid case; that is not said again."""
    root = make_tree(tmp_path, {b.id: b for b in TEST_PROBLEMS}["tests-bad-name"])
    with use_language("zh"):
        problems = [p for f in run_paths([root]).files for p in f.problems]
    assert [p.code for p in problems] == ["tests.string_pattern_mismatch"], problems


def test_pydantic_errors_the_table_does_not_know_are_still_chinese() -> None:
    """A bound of any kind is shown; an error type with no plain message quotes pydantic's words
    (in backticks) in Chinese and keeps them in English."""
    from decimal import Decimal

    from pydantic import BaseModel, Field, ValidationError

    from legalaid_rules.packs.validation import problems_from_validation
    from legalaid_rules.packs.yaml_source import Marks

    class Model(BaseModel):
        share: Decimal = Field(Decimal(1), ge=Decimal("0.5"))
        step: int = Field(5, multiple_of=5)

    with pytest.raises(ValidationError) as caught:
        Model.model_validate({"share": "0.1", "step": 3})
    with use_language("zh"):
        zh = [p.message for p in problems_from_validation(caught.value, Marks("f.yaml"))]
    with use_language("en"):
        en = [p.message for p in problems_from_validation(caught.value, Marks("f.yaml"))]
    assert zh == [
        "`share` 这一项：不能小于 0.5",
        "`step` 这一项：不符合格式要求（校验原文：`Input should be a multiple of 5`）",
    ]
    assert en == ["`share`: should be at least 0.5", "`step`: input should be a multiple of 5"]
    assert_chinese(zh)
