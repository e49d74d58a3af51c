"""Readable packs: the committed summaries are current, and rendering says what the pack says."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalaid_rules.cli import main
from legalaid_rules.packs.registry import Registry
from legalaid_rules.render import doc_name, render_html, render_markdown

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "packs"
RULES = ROOT / "rules"
REGENERATE = "python -m legalaid_rules.render docs/packs"
FIXTURE = Path(__file__).parent / "fixtures" / "packtests"

_VERSIONS = [
    (v.id, v.version, v.start) for pack_id in Registry(RULES).ids() for v in Registry(RULES).versions(pack_id)
]


@pytest.mark.parametrize(
    ("pack_id", "version", "start"), _VERSIONS, ids=[f"{i}@{v}" for i, v, _ in _VERSIONS]
)
def test_committed_summary_is_current(pack_id: str, version: str, start: dt.date) -> None:
    path = DOCS / doc_name(pack_id, version)
    fresh = render_markdown(Registry(RULES).load(pack_id, start))
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: run `{REGENERATE}`"
    assert path.read_text(encoding="utf-8") == fresh, (
        f"{path.relative_to(ROOT)} is out of date with the pack: run `{REGENERATE}`"
    )


def test_no_summary_without_a_pack_version() -> None:
    expected = {doc_name(i, v) for i, v, _ in _VERSIONS}
    stale = sorted(p.name for p in DOCS.glob("*.md") if p.name not in expected)
    assert not stale, f"summaries of pack versions that no longer exist: {stale}; run `{REGENERATE}`"


def test_anqing_summary_has_the_figures_and_their_sources() -> None:
    text = render_markdown(Registry(RULES).load("anhui/anqing", dt.date(2023, 6, 1)))
    assert text.startswith("# 安庆市2023年法律援助工作实施方案\n")
    assert "`national` 2022.1 → `anhui` 2022.1 → `anhui/anqing` 2023.1" in text
    # the placeholder minimum living standard is shown with its period and flagged
    assert "| 安庆市 | 2023-01-01 至 2023-12-31 | 780.00 | 《占位数值（无官方来源）》（⚠ 未经核实） |" in text
    # the case-load cap of 90 with its section of the plan
    assert "| 全域 | 规则包施行期间 | 90 | 庆司通〔2023〕8号 六(二) | 已核实" in text
    assert "| | 合计 | | 5826 件 | |" in text.replace(
        "  ", " "
    )  # the county targets add up to the city's 5826
    assert (
        "`support_payment` | 请求给付赡养费、抚养费、扶养费 | 《中华人民共和国法律援助法》第三十一条第四项"
        in text
    )


def test_html_is_one_escaped_page(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("*.md"))
    pack_file = root / "prov" / "2022.yaml"
    pack_file.write_text(
        pack_file.read_text(encoding="utf-8").replace(
            "title: 某省规则（测试用）", 'title: "某省<script>alert(1)</script> & 规则"'
        ),
        encoding="utf-8",
    )
    page = render_html(Registry(root).load("prov", dt.date(2022, 6, 1)))
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page
    assert "<h1>某省&lt;script&gt;alert(1)&lt;/script&gt; &amp; 规则</h1>" in page
    assert "<link" not in page and "src=" not in page  # self-contained


def test_cli_render_markdown_html_and_unknown_pack() -> None:
    runner = CliRunner()
    md = runner.invoke(main, ["render", "anhui/anqing", "--date", "2023-06-01"])
    assert md.exit_code == 0
    day = dt.date(2023, 6, 1)
    assert md.stdout == render_markdown(Registry().load("anhui/anqing", day), day)
    page = runner.invoke(main, ["render", "anhui", "--date", "2022-06-01", "--format", "html"])
    assert page.exit_code == 0 and page.stdout.startswith("<!DOCTYPE html>")
    bad = runner.invoke(main, ["render", "anhui/anqnig", "--date", "2023-06-01"])
    assert bad.exit_code == 2
    assert "did you mean `anhui/anqing`?" in bad.stderr


class _Structure(HTMLParser):
    """The parts of a summary page a reader relies on: headings, the contents, tables."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.h1 = 0
        self.h2_ids: list[str] = []
        self.toc: list[str] = []
        self.tables: list[tuple[int, list[int]]] = []  # header cells, cells per body row
        self.style = ""
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.stack.append(tag)
        if tag == "html":
            self.lang = a.get("lang") or ""
        elif tag == "h1":
            self.h1 += 1
        elif tag == "h2":
            self.h2_ids.append(a.get("id") or "")
        elif tag == "a" and "nav" in self.stack:
            self.toc.append((a.get("href") or "").removeprefix("#"))
        elif tag == "table":
            self.tables.append((0, []))
        elif tag == "tr" and "tbody" in self.stack:
            self.tables[-1][1].append(0)
        elif tag == "th":
            head, rows = self.tables[-1]
            self.tables[-1] = (head + 1, rows)
        elif tag == "td":
            self.tables[-1][1][-1] += 1

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "style":
            self.style += data


@pytest.mark.parametrize(
    ("pack_id", "version", "start"), _VERSIONS, ids=[f"{i}@{v}" for i, v, _ in _VERSIONS]
)
def test_html_summary_has_contents_anchors_cjk_fonts_and_whole_tables(
    pack_id: str, version: str, start: dt.date
) -> None:
    page = _Structure()
    page.feed(render_html(Registry(RULES).load(pack_id, start)))
    assert page.lang == "zh-CN" and page.h1 == 1
    assert page.h2_ids and all(page.h2_ids) and len(set(page.h2_ids)) == len(page.h2_ids)
    assert page.toc == page.h2_ids  # every section in the contents, in order, and nothing else
    assert "Noto Sans CJK SC" in page.style and "Microsoft YaHei" in page.style
    assert page.tables and all(rows and all(n == head for n in rows) for head, rows in page.tables)


def test_markdown_contents_link_to_anchors_that_exist() -> None:
    text = render_markdown(Registry(RULES).load("anhui/anqing", dt.date(2023, 6, 1)))
    links = re.findall(r"^- \[[^\]]+\]\(#([a-z-]+)\)$", text, re.MULTILINE)
    anchors = re.findall(r'^<a id="([a-z-]+)"></a>$', text, re.MULTILINE)
    assert links and links == anchors


def test_only_programs_in_force_on_the_date_are_shown() -> None:
    """Anqing 2023 inherits Anhui's 2022 program; its 2023 summary must not present it as current."""
    registry = Registry(RULES)
    anhui = render_html(registry.load("anhui", dt.date(2022, 6, 1)), dt.date(2022, 6, 1))
    assert "anhui_minsheng_2022" in anhui
    anqing = render_html(registry.load("anhui/anqing", dt.date(2023, 6, 1)), dt.date(2023, 6, 1))
    assert "anhui_minsheng_2022" not in anqing
    code = CliRunner().invoke(main, ["render", "anhui/anqing", "--date", "2023-06-01", "--format", "html"])
    assert code.exit_code == 0 and "anhui_minsheng_2022" not in code.stdout


def test_the_summary_shows_what_the_solver_found() -> None:
    text = render_markdown(Registry(RULES).load("anhui/anqing", dt.date(2023, 6, 1)), dt.date(2023, 6, 1))
    section = text.split('<a id="analysis"></a>', 1)[1]
    assert "求解器分析" in section and "`legalaid-rules analyze anhui/anqing --date 2023-06-01`" in section
    assert "| 警告 | `anqing.tiered.first_instance`、`anqing.tiered.second_instance` | 冲突" in section


def test_the_summary_says_when_the_solver_is_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    # as when z3-solver is missing: importing the analysis package fails
    monkeypatch.setitem(sys.modules, "legalaid_rules.analysis", None)
    text = render_markdown(Registry(RULES).load("anhui/yeji", dt.date(2024, 6, 1)), dt.date(2024, 6, 1))
    section = text.split('<a id="analysis"></a>', 1)[1]
    assert "未安装求解器 z3-solver" in section and "pip install 'legalaid-rules[analysis]'" in section
