"""Typed application models: what an intake office knows about one application.

``None`` always means *unknown*: not zero, not false. The evaluator treats an unknown fact as
something the office may still ask for, and lists it if it could change the outcome.

Pack-independent checks (negative money, NaN, impossible dates, contradictory facts) happen
here, when the model is built; checks against a pack's own codes (matter codes, groups,
regions) happen in :func:`legalaid_rules.evaluate`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "Applicant",
    "Application",
    "CaseCategory",
    "CaseRecord",
    "Criminal",
    "CriminalRole",
    "CriminalStage",
    "Disability",
    "GroupClaim",
    "Household",
    "HouseholdMember",
    "Instance",
    "Locality",
    "Money",
    "Notifier",
    "Urgency",
]

Money = Annotated[
    Decimal,
    Field(ge=0, allow_inf_nan=False, decimal_places=2, description="yuan, at most 2 decimals"),
]
"""An amount of money in yuan: a non-negative ``Decimal`` with at most two decimals (fen)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Disability(StrEnum):
    """Kinds of disability (残疾类别), as on the disability certificate."""

    VISUAL = "visual"
    HEARING = "hearing"
    SPEECH = "speech"
    PHYSICAL = "physical"
    INTELLECTUAL = "intellectual"
    MENTAL = "mental"
    MULTIPLE = "multiple"


class CriminalRole(StrEnum):
    """The applicant's role in a criminal case."""

    DEFENDANT = "defendant"  # 犯罪嫌疑人、被告人
    VICTIM = "victim"  # 被害人（及其法定代理人、近亲属）
    PRIVATE_PROSECUTOR = "private_prosecutor"  # 自诉人
    CIVIL_PLAINTIFF = "civil_plaintiff"  # 附带民事诉讼原告人


class CriminalStage(StrEnum):
    """The stage a criminal case is at."""

    INVESTIGATION = "investigation"  # 侦查
    PROSECUTION_REVIEW = "prosecution_review"  # 审查起诉
    TRIAL = "trial"  # 审判（一审）
    SECOND_INSTANCE = "second_instance"  # 二审
    DEATH_PENALTY_REVIEW = "death_penalty_review"  # 死刑复核
    RETRIAL = "retrial"  # 按照审判监督程序审理（再审）


class Instance(StrEnum):
    """The court instance the aid is for, in litigation (一审/二审)."""

    FIRST = "first"  # 一审
    SECOND = "second"  # 二审


class CaseCategory(StrEnum):
    """Case categories that plans route specially (e.g. 安庆 tiered jurisdiction, seed 002 三(三)2)."""

    ORGANISED_CRIME = "organised_crime"  # 涉黑涉恶刑事案件
    LAND_EXPROPRIATION = "land_expropriation"  # 征地拆迁
    PETITION = "petition"  # 与社会稳定密切相关的涉法信访案件
    MASS_CASE = "mass_case"  # 涉法群体性案件
    OTHER = "other"  # none of these


class Notifier(StrEnum):
    """Who notified the legal-aid agency to appoint a defender (Art 25, 36)."""

    COURT = "court"
    PROCURATORATE = "procuratorate"
    POLICE = "police"
    NOT_NOTIFIED = "not_notified"  # the applicant applied on their own


class GroupClaim(_Model):
    """The applicant says they belong to a special group, with or without proof yet."""

    group: str = Field(min_length=1, description="a group id of the pack, e.g. `elderly`")
    proof: bool = Field(False, description="the supporting certificate has been provided")


class Applicant(_Model):
    """The person applying (申请人)."""

    name: str | None = Field(None, description="personal data: masked in audit logs")
    id_number: str | None = Field(None, description="personal data: masked in audit logs")
    phone: str | None = Field(None, description="personal data: masked in audit logs")
    birth_date: dt.date | None = None
    age: int | None = Field(None, ge=0, le=130, description="full years, if no birth date")
    disabilities: tuple[Disability, ...] | None = None
    fixed_income_source: bool | None = Field(None, description="has a fixed source of living")
    groups: tuple[GroupClaim, ...] | None = Field(
        None, description="special groups claimed; None = not asked, () = none"
    )

    @model_validator(mode="after")
    def _distinct_groups(self) -> Self:
        if self.groups is not None:
            seen = [g.group for g in self.groups]
            dupes = sorted({g for g in seen if seen.count(g) > 1})
            if dupes:
                raise ValueError(f"group `{dupes[0]}` is claimed twice")
        return self


class HouseholdMember(_Model):
    """One member of the applicant's household (家庭成员), the applicant included."""

    relation: str | None = None
    monthly_income: Money | None = None


class Household(_Model):
    """The household's means. Give income one way: members, a total with size, or per capita."""

    size: int | None = Field(None, ge=1, le=100)
    members: tuple[HouseholdMember, ...] | None = None
    monthly_income: Money | None = Field(None, description="household total, yuan per month")
    per_capita_monthly_income: Money | None = None
    significant_assets: bool | None = Field(None, description="owns assets of significant value")
    monthly_essential_expenditure: Money | None = Field(
        None, description="rigid spending (emergency, serious illness, education), per month"
    )

    @model_validator(mode="after")
    def _one_way_of_income(self) -> Self:
        ways = [
            name
            for name, given in (
                ("members", self.members is not None),
                ("monthly_income", self.monthly_income is not None),
                ("per_capita_monthly_income", self.per_capita_monthly_income is not None),
            )
            if given
        ]
        if len(ways) > 1:
            raise ValueError(f"income is given more than one way ({', '.join(ways)}): give one")
        if self.members is not None:
            if not self.members:
                raise ValueError("members is empty: a household has at least the applicant")
            if self.size is not None and self.size != len(self.members):
                raise ValueError(f"size {self.size} but {len(self.members)} members listed")
        return self


class Locality(_Model):
    """Where the applicant lives or the matter arose: region ids of the pack."""

    city: str | None = Field(None, description="prefecture-level city (设区的市)")
    county: str | None = Field(None, description="county, county-level city or district")
    township: str | None = Field(None, description="township or subdistrict (乡镇、街道), for routing")


class Criminal(_Model):
    """Facts of a criminal matter."""

    role: CriminalRole | None = None
    stage: CriminalStage | None = None
    notified_by: Notifier | None = None


class Urgency(_Model):
    """Facts for urgent aid first (先行提供, Art 44)."""

    days_to_deadline: int | None = Field(None, ge=0, description="to a limitation or deadline")
    preservation_needed: bool | None = Field(
        None, description="property/evidence preservation or advance execution needed at once"
    )


class CaseRecord(_Model):
    """What happened to the case after the application (for program accounting)."""

    approved_on: dt.date | None = None
    closed_on: dt.date | None = None

    @model_validator(mode="after")
    def _order(self) -> Self:
        if self.approved_on and self.closed_on and self.closed_on < self.approved_on:
            raise ValueError("closed_on is before approved_on")
        return self


class Application(_Model):
    """One application for legal aid, as the intake office knows it on ``date``."""

    date: dt.date = Field(description="the application date: the pack in force on it decides")
    office: str | None = Field(None, description="region id of the office applied at")
    locality: Locality = Locality()
    applicant: Applicant = Applicant()
    household: Household = Household()
    matter: str | None = Field(None, description="matter code of the pack (civil/administrative)")
    criminal: Criminal | None = None
    urgency: Urgency = Urgency()
    case: CaseRecord | None = None
    instance: Instance | None = Field(None, description="court instance, for routing (一审/二审)")
    case_category: CaseCategory | None = Field(None, description="special category, for routing")

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.matter is not None and self.criminal is not None:
            raise ValueError("give either `matter` (civil/administrative) or `criminal`, not both")
        birth = self.applicant.birth_date
        if birth is not None:
            if birth > self.date:
                raise ValueError("applicant.birth_date is after the application date")
            if self.applicant.age is not None and self.applicant.age != full_years(birth, self.date):
                raise ValueError("applicant.age does not match applicant.birth_date")
        if self.case and self.case.approved_on and self.case.approved_on < self.date:
            raise ValueError("case.approved_on is before the application date")
        return self


def full_years(birth: dt.date, on: dt.date) -> int:
    """Age in full years (周岁) on a date.

    >>> full_years(dt.date(1963, 6, 1), dt.date(2023, 6, 1))
    60
    >>> full_years(dt.date(1963, 6, 2), dt.date(2023, 6, 1))
    59
    """
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
