"""The web page in a real headless Chromium: a migrant worker's wage claim, decided on the page.

The browser is Debian's ``chromium``, driven by Playwright's Python API through
``executable_path`` (Playwright's own browser download needs the internet). When it is missing
the fixture installs it with apt-get; the test skips, printing why, only when that fails.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from service_helpers import EXAMPLE, live_server

from legalaid_rules import evaluate, load_pack
from legalaid_rules.evaluation.wording import decision_text
from legalaid_rules.service import Settings, create_app
from legalaid_rules.service.page import decision_html

SHOTS = Path(os.environ.get("LEGALAID_SCREENSHOTS", "")) if os.environ.get("LEGALAID_SCREENSHOTS") else None


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def chromium() -> str:
    found = _chromium()
    if found:
        return found
    why = "no chromium and no apt-get to install it"
    if shutil.which("apt-get"):
        steps = (
            ["apt-get", "update", "-qq"],
            ["apt-get", "install", "-y", "-qq", "chromium", "fonts-noto-cjk"],
        )
        try:
            for step in steps:
                done = subprocess.run(step, capture_output=True, text=True, timeout=900, check=False)
                if done.returncode != 0:
                    why = f"`{' '.join(step)}` failed: {(done.stderr or done.stdout).strip()[-300:]}"
                    break
        except (OSError, subprocess.TimeoutExpired) as exc:
            why = f"installing chromium failed: {exc}"
        found = _chromium()
        if found:
            # CJK glyphs for screenshots; the test reads text, so a failure here does not matter
            subprocess.run(
                ["apt-get", "install", "-y", "-qq", "fonts-noto-cjk"], capture_output=True, timeout=900
            )
            return found
    print(f"skipping the browser test: {why}")
    pytest.skip(f"no headless browser can be installed here: {why}")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with live_server(create_app(Settings())) as url:
        yield url


def test_wage_claim_decided_on_the_page(chromium: str, server: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 1400})
            page.goto(f"{server}/?pack=anhui/anqing&date=2023-06-01", timeout=30_000)
            assert page.title() == "法律援助条件试算 · legalaid-rules"
            # the form is generated from the application schema, labelled from the pack
            matter = page.locator('select[data-path="matter"]')
            assert "请求支付劳动报酬（labour_remuneration）" in matter.inner_text()
            page.fill('input[data-path="date"]', "2023-06-01")
            page.select_option('select[data-path="locality.city"]', "anqing")
            page.select_option('select[data-path="locality.county"]', "huaining")
            page.select_option('select[data-path="matter"]', "labour_remuneration")
            page.fill('input[data-path="applicant.age"]', "35")
            page.check('input[data-group="migrant_worker"]')
            page.check('input[data-proof="migrant_worker"]')
            page.click("#decide")
            page.wait_for_selector("#outcome", timeout=30_000)
            assert page.inner_text("#outcome") == "决定：符合法律援助条件（eligible）"
            assert "免予核查经济困难状况" in page.inner_text("#economic")
            reasons = page.inner_text("#reasons")
            assert "进城务工人员" in reasons and "依据：" in reasons
            # the pack's policy summary is beside it
            frame = page.frame_locator("#summary")
            assert "安庆市2023年法律援助工作实施方案" in frame.locator("h1").first.inner_text(timeout=30_000)
            if SHOTS:
                page.screenshot(path=str(SHOTS / "wage-claim.png"), full_page=True)

            # the same claim without the proof and the income: the one-time list of what to ask for
            page.uncheck('input[data-proof="migrant_worker"]')
            page.click("#decide")
            page.wait_for_function(
                "document.querySelector('#outcome') && "
                "document.querySelector('#outcome').innerText.includes('undetermined')"
            )
            missing = page.inner_text("#missing")
            assert "进城务工人员" in missing
            if SHOTS:
                page.screenshot(path=str(SHOTS / "wage-claim-missing.png"), full_page=True)

            # a bad field comes back as the located problem
            page.fill('input[data-path="household.monthly_income"]', "-1")
            page.click("#decide")
            page.wait_for_selector("#problem", timeout=30_000)
            assert "household.monthly_income" in page.inner_text("#decision")
        finally:
            browser.close()


def test_the_page_explains_a_decision_as_the_command_line_does() -> None:
    """Every line the CLI prints for a decision (reasons, basis, Art 43 list, warnings) is on the page."""
    pack = load_pack("anhui/anqing", dt.date(2023, 6, 1))
    unknown_income = {"date": "2023-06-01", "locality": {"city": "anqing"}, "matter": "labour_remuneration"}
    for app in (EXAMPLE, unknown_income):
        decision = evaluate(pack, app)
        page = html.unescape(re.sub(r"<[^>]+>", "", decision_html(decision)))
        for line in decision_text(decision, "zh").splitlines():
            text = re.sub(r"^\s*(\d+\.|-|!)\s*", "", line).strip()
            if text.startswith(("理由", "提示", "需一次性", "依据")):
                text = text.split("：", 1)[-1].replace("（未经核实）", "")
            assert text.split("  [")[0] in page, line
