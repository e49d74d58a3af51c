"""The pack-test file format (``*.tests.yaml``), as strict pydantic models.

``docs/pack-tests.md`` explains each key to policy staff. Unknown keys are errors, except in
``expect``, which may also name any field that :class:`~legalaid_rules.decisions.Decision` has
beyond the standard ones (e.g. program or routing results): those are compared as a subset of
the decision's JSON form.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["STANDARD_EXPECTATIONS", "TestCase", "TestExpect", "TestFile"]

PACK_ID_PATTERN = r"^[a-z][a-z0-9_]*(/[a-z][a-z0-9_]*)*$"

STANDARD_EXPECTATIONS = (
    "outcome",
    "economic",
    "scope",
    "matter",
    "urgent",
    "reasons",
    "missing",
    "warnings",
)
"""The expectation keys every decision supports, in report order."""


class TestExpect(BaseModel):
    """What the decision must say; every key optional, every key given must match."""

    __test__ = False  # not a pytest test class
    model_config = ConfigDict(extra="allow", frozen=True)

    outcome: Literal["eligible", "ineligible", "undetermined"] | None = None
    economic: Literal["not_required", "waived", "passed", "failed", "unknown"] | None = None
    scope: Literal["true", "false", "unknown"] | None = None
    matter: str | None = None
    urgent: bool | None = None
    reasons: tuple[str, ...] | None = Field(None, description="rule ids of the reasons, any order")
    missing: tuple[str, ...] | None = Field(None, description="`fact` keys of the missing list")
    warnings: tuple[str, ...] | None = Field(None, description="warning codes, any order")

    @model_validator(mode="before")
    @classmethod
    def _scope_text(cls, data: Any) -> Any:
        # `scope: true` in YAML is a bool; accept it as the text "true"
        if isinstance(data, dict) and isinstance(data.get("scope"), bool):
            data = {**data, "scope": "true" if data["scope"] else "false"}
        return data

    def given(self) -> dict[str, Any]:
        """The expectations given, standard ones first, then extra decision fields."""
        out = {k: getattr(self, k) for k in STANDARD_EXPECTATIONS if getattr(self, k) is not None}
        out.update(self.model_extra or {})
        return out


class TestCase(BaseModel):
    """One case: an application and what the decision on it must say."""

    __test__ = False
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: str = Field(min_length=1, description="the source section the case encodes")
    application: dict[str, Any]
    expect: TestExpect
    xfail: str | None = Field(
        None,
        min_length=1,
        description="a known engine bug: why the decision is expected to differ (pytest's xfail, strict)",
    )


class TestFile(BaseModel):
    """A pack's test file: the pack id and its cases."""

    __test__ = False
    model_config = ConfigDict(extra="forbid", frozen=True)

    pack: str = Field(pattern=PACK_ID_PATTERN)
    cases: tuple[TestCase, ...] = Field(min_length=1)
    coverage_exceptions: dict[str, str] = Field(
        {},
        description="rule id -> why no case of this pack can see it both true and false",
    )
