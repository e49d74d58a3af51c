"""Shared test setup: hypothesis profiles (no deadlines: CI machines are small and noisy)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("dev", deadline=None, max_examples=100)
# Messages are Chinese by default; the suite asserts the English catalogue unless a test chooses
# (tests/test_i18n.py checks the Chinese default and both catalogues).
os.environ["LANGUAGE"] = "en"

settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

# Every case of every pack's *.tests.yaml (the checkout's rules/) joins the whole-suite run as its
# own test item.
from legalaid_rules.packtests_pytest import bundled_pack_cases as pytest_collection_modifyitems  # noqa: E402, F401
from legalaid_rules.packtests_pytest import pytest_report_header  # noqa: E402, F401

# Stores on SQLite and on a throw-away PostgreSQL server (pgserver): fixtures `engine`, `store`,
# `new_store`, `pg_admin_url` (tests/stores.py).
from stores import engine, new_store, pg_admin_url, store  # noqa: E402, F401
