"""The solver translation is faithful: on concrete applications it decides as ``evaluate`` does."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legalaid_rules import ApplicationError, Registry, evaluate, load_pack
from legalaid_rules.analysis.concrete import concrete_verdict
from legalaid_rules.applications import Application
from strategies import any_applications

SHIPPED = [
    (pack_id, v.start)
    for pack_id in Registry().ids()
    for v in Registry().versions(pack_id)
    if pack_id != "national"  # no means test of its own: it decides nothing alone
]


def _decided(pack: Any, app: dict[str, Any]) -> dict[str, str]:
    try:
        d = evaluate(pack, app, steps=False)
    except ApplicationError as exc:
        assert exc.problems[0].code == "application.no_parameter_value", exc
        return {"outcome": "refused"}
    return {"outcome": d.outcome.value, "economic": d.economic.value}


@pytest.mark.parametrize(("pack_id", "day"), SHIPPED, ids=[f"{p}@{d}" for p, d in SHIPPED])
@settings(max_examples=100)
@given(data=st.data())
def test_solver_verdict_equals_evaluate(pack_id: str, day: dt.date, data: st.DataObject) -> None:
    """For generated applications, the translated pack's outcome and economic condition are evaluate's."""
    pack = load_pack(pack_id, day)
    app = data.draw(any_applications(pack))
    assert concrete_verdict(pack, Application.model_validate(app)) == _decided(pack, app)
