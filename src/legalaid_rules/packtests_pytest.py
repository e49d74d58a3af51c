"""pytest collection of pack tests: every case of every ``*.tests.yaml`` becomes a test item.

Each case is one item (``rules/anhui/anqing/2023.tests.yaml::support-payment-exactly-2x``);
a failing case shows the same readable report as ``legalaid-rules test``: the expectations
that differed, expected against actual, and the decision's reasons.

Two ways in:

- ``pytest_collect_file`` collects test files under the folders pytest is asked to search
  (``python -m pytest rules/``), when this module is a plugin (``-p legalaid_rules.packtests_pytest``
  or the root ``conftest.py``);
- :data:`bundled_pack_cases`, a ``pytest_collection_modifyitems`` hook, adds the cases of the
  rules root (the checkout's ``rules/`` when pytest runs inside a legalaid-rules checkout, else
  the installed packs; the report header says which) to a whole-suite run (``python -m pytest``
  with ``testpaths = ["tests"]``),
  once each: the rules folder is outside ``tests/``, so ``tests/conftest.py`` imports the hook
  under the hook's name to bring the cases in. A run of chosen files or test ids
  (``pytest tests/test_cli.py``) does not add them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from legalaid_rules.errors import Problem
from legalaid_rules.i18n import _
from legalaid_rules.packs.checkout import rules_tree
from legalaid_rules.packs.registry import TESTS_SUFFIX, Registry
from legalaid_rules.packtests.files import LoadedTests, read_tests
from legalaid_rules.packtests.runner import run_case

__all__ = [
    "BadTestFileItem",
    "PackCaseItem",
    "PackTestFailure",
    "PackTestFile",
    "bundled_pack_cases",
    "pack_cases_hook",
    "pytest_collect_file",
    "pytest_report_header",
]

_REGISTRIES: dict[Path, Registry] = {}


def _registry(root: Path) -> Registry:
    key = root.resolve()
    if key not in _REGISTRIES:
        _REGISTRIES[key] = Registry(key)
    return _REGISTRIES[key]


class PackTestFailure(Exception):
    """A pack-test case that failed, or a test file that could not be read; the text says why."""


class PackTestFile(pytest.File):
    """A ``*.tests.yaml`` file: one item per case, or one failing item if the file is bad."""

    def collect(self) -> Iterator[pytest.Item]:
        """The file's cases as items."""
        loaded = read_tests(self.path)
        if isinstance(loaded, list):
            yield BadTestFileItem.from_parent(self, name="<file>", problems=tuple(loaded))
            return
        for index, case in enumerate(loaded.tests.cases):
            item = PackCaseItem.from_parent(self, name=case.name, loaded=loaded, index=index)
            if case.xfail:
                item.add_marker(pytest.mark.xfail(reason=case.xfail, strict=True, raises=PackTestFailure))
            yield item


class BadTestFileItem(pytest.Item):
    """Stands for a test file that could not be read: it fails with every located problem."""

    def __init__(self, *, problems: tuple[Problem, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problems = problems

    def runtest(self) -> None:
        """Fail with the problems."""
        raise PackTestFailure("\n".join(str(p) for p in self.problems))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """The located problems, without a traceback."""
        if isinstance(excinfo.value, PackTestFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the item comes from."""
        return self.path, None, _("{file}: unreadable").format(file=self.path.name)


class PackCaseItem(pytest.Item):
    """One case of a pack-test file."""

    def __init__(self, *, loaded: LoadedTests, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.loaded = loaded
        self.index = index

    def runtest(self) -> None:
        """Run the case; raise with the readable report unless it passed."""
        result = run_case(self.loaded, self.index, _registry(self.loaded.root))
        if result.status in ("failed", "error", "xfailed"):  # xfailed: pytest's xfail mark applies
            raise PackTestFailure(result.report())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """The case report (expectations that differed, the decision's reasons), no traceback."""
        if isinstance(excinfo.value, PackTestFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """File, 0-based line and name of the case, for pytest's report."""
        line = self.loaded.case_location(self.index).line
        return self.path, None if line is None else line - 1, _("pack case: {name}").format(name=self.name)


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    """Collect ``*.tests.yaml`` files as pack tests."""
    if file_path.name.endswith(TESTS_SUFFIX):
        collected: PackTestFile = PackTestFile.from_parent(parent, path=file_path)
        return collected
    return None


def _whole_suite(config: pytest.Config, rules: Path) -> bool:
    """Whether pytest was asked for folders outside the rules root (a whole-suite run).

    Chosen files or test ids are not a whole-suite run; folders inside the rules root are
    collected by ``pytest_collect_file`` as asked, and get nothing more.
    """
    args = [a for a in config.args if not a.startswith("-")]
    if not args or any("::" in a or not Path(a).is_dir() for a in args):
        return False
    return not any(Path(a).resolve().is_relative_to(rules) for a in args)


def pack_cases_hook(root: Path | None = None) -> Callable[..., None]:
    """A ``pytest_collection_modifyitems`` hook adding the cases under ``root`` to whole-suite runs.

    Args:
        root: the rules root; the bundled packs by default.
    """

    @pytest.hookimpl(tryfirst=True)  # before -k/-m deselection, so those apply to pack cases too
    def hook(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
        folder = (root or rules_tree(config.rootpath).root).resolve()
        if not _whole_suite(config, folder):
            return
        known = {(item.path, item.name) for item in items}
        for path in sorted(folder.rglob(f"*{TESTS_SUFFIX}")):
            collector = PackTestFile.from_parent(session, path=path, nodeid=_nodeid(config, folder, path))
            for item in collector.collect():
                if (item.path, item.name) not in known:
                    known.add((item.path, item.name))
                    items.append(item)

    return hook


def _nodeid(config: pytest.Config, folder: Path, path: Path) -> str:
    """``rules/anhui/anqing/2023.tests.yaml``: relative to pytest's root folder when inside it,
    else to the rules root's parent, so the files of three packs can be told apart."""
    try:
        return path.relative_to(config.rootpath).as_posix()
    except ValueError:
        return (Path(folder.name) / path.relative_to(folder)).as_posix()


def pytest_report_header(config: pytest.Config) -> str:
    """Say which rules tree the pack cases come from (the checkout's, or the installed packs)."""
    return _("legalaid-rules pack cases: {tree}").format(tree=rules_tree(config.rootpath).describe())


bundled_pack_cases = pack_cases_hook()
"""The hook for the bundled rules root. In ``tests/conftest.py``::

    from legalaid_rules.packtests_pytest import bundled_pack_cases as pytest_collection_modifyitems
"""
