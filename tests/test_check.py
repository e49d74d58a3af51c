"""`legalaid-rules check`: value checks by kind, every path shape, and every problem in one pass."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legalaid_rules.cli import main
from legalaid_rules.packs.checking import check_paths

ROOT = Path(__file__).resolve().parents[1]
MINI = Path(__file__).parent / "fixtures" / "mini"

PARAMS = """\
  caseload_cap:
    zh: 年承办案件数上限
    en: yearly cap
    type: number
    value: 90
    basis: {source: law}
  closure_ratio_min:
    zh: 结案比例
    en: closure ratio
    type: ratio
    value: 0.80
    basis: {source: law}
  reporting_months:
    zh: 通报周期
    en: reporting period
    type: count
    value: 3
    basis: {source: law}
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def tree(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(MINI, root)
    prov = root / "prov" / "2022.yaml"
    text = prov.read_text(encoding="utf-8")
    prov.write_text(text.replace("parameters:\n", "parameters:\n" + PARAMS, 1), encoding="utf-8")
    return root


def at(text: str, needle: str) -> str:
    start = text.index(needle)
    line = text.count("\n", 0, start) + 1
    return f"{line}:{start - (text.rfind(chr(10), 0, start) + 1) + 1}"


def test_the_kinds_fixture_is_valid(tmp_path: Path) -> None:
    result = check_paths([tree(tmp_path)])
    assert result.problems == () and result.ok


@pytest.mark.parametrize(
    ("old", "new", "code", "message"),
    [
        ("value: 700.00", "value: -800.00", "pack.value_negative", "`-800.00` is negative"),
        ("value: 700.00", "value: 780.005", "pack.value_decimals", "more than two decimals"),
        ("value: 0.80", "value: 80", "pack.value_range", "`80` is not a ratio from 0 to 1"),
        ("value: 0.80", "value: -0.80", "pack.value_range", "`-0.80` is not a ratio from 0 to 1"),
        ("value: 3\n", "value: 2.5\n", "pack.value_count", "`2.5` is not a whole number"),
        ("value: 3\n", "value: 0\n", "pack.value_count", "`0` is not a whole number of at least 1"),
        ("value: 90", "value: 1e29", "pack.caseload_cap", "not `1e29`"),
        ("value: 90", "value: -90", "pack.caseload_cap", "not `-90`"),
        ("value: 90", "value: 90.5", "pack.caseload_cap", "not `90.5`"),
        ("value: 90", "value: 900000", "pack.caseload_cap", "more cases than anyone can take"),
        ("value: 90", "value: null", "schema.value_error", "a value is required here, not null"),
        ("value: 700.00", "value: null", "schema.value_error", "a value is required here, not null"),
    ],
)
def test_values_are_checked_by_kind(tmp_path: Path, old: str, new: str, code: str, message: str) -> None:
    root = tree(tmp_path)
    prov = root / "prov" / "2022.yaml"
    text = prov.read_text(encoding="utf-8").replace(old, new, 1)
    prov.write_text(text, encoding="utf-8")
    result = check_paths([root])
    hits = [p for p in result.problems if p.code == code]
    assert hits, "\n".join(str(p) for p in result.problems)
    assert message in hits[0].message
    assert hits[0].location.file == str(prov)
    loc = hits[0].location
    line, column = at(text, new).split(":")
    assert (loc.line, loc.column) == (int(line), int(column) + len("value: "))  # at the value itself


def test_check_on_a_folder_without_packs_is_an_error(tmp_path: Path) -> None:
    code, out, _ = run("check", str(tmp_path))
    assert code == 1
    assert f"no pack files under `{tmp_path}`" in out


def test_check_takes_a_pack_folder_and_checks_only_that_pack() -> None:
    code, out, _ = run("check", str(ROOT / "rules" / "anhui" / "anqing"))
    assert code == 0 and "(1 file(s))" in out and "Traceback" not in out


def test_check_takes_a_lone_file_outside_a_rules_tree(tmp_path: Path) -> None:
    lone = tmp_path / "my-draft.yaml"
    text = (ROOT / "rules" / "anhui" / "anqing" / "2023.yaml").read_text(encoding="utf-8")
    lone.write_text(text, encoding="utf-8")
    code, out, _ = run("check", str(lone))
    assert code == 0 and "all packs are valid (1 file(s))" in out
    lone.write_text(text.replace("value: 90\n", "value: 90.5\n"), encoding="utf-8")
    code, out, _ = run("check", str(lone))
    assert code == 1
    assert f"error: {lone}:{at(lone.read_text(encoding='utf-8'), '90.5')}: `caseload_cap`" in out


def test_every_phase_runs_in_one_pass(tmp_path: Path) -> None:
    """A schema mistake does not hide a misspelt name in a condition of the same rule, or elsewhere."""
    root = tree(tmp_path)
    prov = root / "prov" / "2022.yaml"
    text = prov.read_text(encoding="utf-8")
    prov.write_text(
        text.replace("2 * minimum_living_standard", "2 * minimum_living_standrad")
        .replace("then: {economic: passed}", "then: {economic: pased}")
        .replace("value: 0.80", "value: 80")
        .replace("    type: count\n", "    type: count\n    colour: red\n"),
        encoding="utf-8",
    )
    nat = root / "national" / "2022.yaml"
    nat.write_text(
        nat.read_text(encoding="utf-8").replace("proven(elderly)", "proven(elderyl)"), encoding="utf-8"
    )
    codes = sorted(p.code for p in check_paths([root]).problems)
    assert codes == [
        "condition.unknown_group",
        "condition.unknown_parameter",
        "pack.value_range",
        "schema.extra_forbidden",
        "schema.literal_error",
    ]


def test_a_later_phase_is_skipped_only_when_the_file_cannot_be_read(tmp_path: Path) -> None:
    root = tree(tmp_path)
    prov = root / "prov" / "2022.yaml"
    prov.write_text(prov.read_text(encoding="utf-8").replace("id: prov", "id: [prov"), encoding="utf-8")
    result = check_paths([root])
    assert [p.code for p in result.problems] == ["yaml.syntax"]
    assert [p.code for p in result.skipped] == ["check.skipped"]
    code, out, _ = run("check", str(root))
    assert code == 1 and "skipped: " in out and "Traceback" not in out


def test_an_entry_whose_head_is_broken_does_not_hide_the_others(tmp_path: Path) -> None:
    root = tree(tmp_path)
    prov = root / "prov" / "2022.yaml"
    text = prov.read_text(encoding="utf-8")
    prov.write_text(
        text.replace("    type: ratio\n", "    type: percentage\n").replace(
            "2 * minimum_living_standard", "2 * minimum_living_standrad"
        ),
        encoding="utf-8",
    )
    codes = sorted(p.code for p in check_paths([root]).problems)
    assert codes == ["condition.unknown_parameter", "schema.literal_error"]


def test_unused_sources_are_flagged(tmp_path: Path) -> None:
    root = tree(tmp_path)
    nat = root / "national" / "2022.yaml"
    text = nat.read_text(encoding="utf-8").replace(
        "  law: {title: 法律援助法, kind: law}\n",
        "  law: {title: 法律援助法, kind: law}\n  old_plan: {title: 旧方案, kind: plan}\n",
    )
    nat.write_text(text, encoding="utf-8")
    result = check_paths([root])
    assert result.ok
    assert [str(w) for w in result.warnings] == [
        f"{nat}:{at(text, 'old_plan')}: source `old_plan` is never cited "
        "(hint: cite it in a `basis`, or remove it)"
    ]
    code, out, _ = run("check", "--strict", str(root))
    assert code == 1 and "warning: " in out


def test_check_never_ends_in_a_traceback(tmp_path: Path) -> None:
    for name, body in [
        ("a/2022.yaml", "id: a\n\x00"),
        ("b/2022.yaml", "- just\n- a list\n"),
        ("c/2022.yaml", ""),
        ("d/2022.yaml", "format: 1\nid: d\nregions: 3\n"),
    ]:
        path = tmp_path / name
        path.parent.mkdir(parents=True)
        path.write_text(body, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and result.output.count("error: ") >= 4


def test_a_region_written_by_its_chinese_name_gets_its_code(tmp_path: Path) -> None:
    root = tree(tmp_path)
    prov = root / "prov" / "2022.yaml"
    prov.write_text(
        prov.read_text(encoding="utf-8").replace(
            "{region: city, value: 700.00}", "{region: 某市, value: 700.00}"
        ),
        encoding="utf-8",
    )
    hits = [p for p in check_paths([root]).problems if p.code == "pack.unknown_region"]
    assert hits and hits[0].hint == "`某市` is written `city` (the region code)"


def test_a_child_of_an_unreadable_parent_says_what_was_skipped(tmp_path: Path) -> None:
    root = tree(tmp_path)
    nat = root / "national" / "2022.yaml"
    nat.write_text(nat.read_text(encoding="utf-8").replace("id: national", "id: [national"), encoding="utf-8")
    result = check_paths([root / "prov"])
    assert [p.code for p in result.problems] == ["yaml.syntax"]
    assert [p.code for p in result.skipped] == ["check.skipped"]
    assert "parent `national` could not be read" in result.skipped[0].message


def test_a_file_whose_id_does_not_match_its_folder_is_reported_not_taken_for_a_lone_file(
    tmp_path: Path,
) -> None:
    root = tree(tmp_path)
    prov = root / "prov" / "2022.yaml"
    prov.write_text(prov.read_text(encoding="utf-8").replace("id: prov", "id: province"), encoding="utf-8")
    codes = [p.code for p in check_paths([prov]).problems]
    assert "pack.id_mismatch" in codes


def test_a_file_directly_in_a_rules_folder_is_checked_alone(tmp_path: Path) -> None:
    draft = tmp_path / "rules" / "draft.yaml"
    draft.parent.mkdir()
    draft.write_text((MINI / "national" / "2022.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _ = run("check", str(draft))
    assert code == 0 and "(1 file(s))" in out


_PROV = (MINI / "prov" / "2022.yaml").read_text(encoding="utf-8")


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    edits=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(_PROV) - 1),
            st.integers(min_value=0, max_value=8),
            st.sampled_from(["", ":", "-", " ", "\n", "[", "{", "null", "x", "  ", "- a", "'"]),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_any_edit_of_a_pack_gives_located_problems_or_a_clean_check(tmp_path: Path, edits: list) -> None:
    """Whatever a slip of the keyboard does to a pack, check answers with problems, never a crash."""
    root = tmp_path / f"run{abs(hash(str(edits)))}" / "rules"
    shutil.copytree(MINI, root)
    text = _PROV
    for at_, cut, insert in edits:
        text = text[:at_] + insert + text[at_ + cut :]
    (root / "prov" / "2022.yaml").write_text(text, encoding="utf-8")
    result = check_paths([root])
    assert result.ok or result.problems
    assert all(p.location.file for p in result.problems)
