"""Typed application models: what an intake office knows about one application.

``None`` always means *unknown*: not zero, not false. The evaluator treats an unknown fact as
something the office may still ask for, and lists it if it could change the outcome.

Pack-independent checks (negative money, NaN, impossible dates, contradictory facts) happen
here, when the model is built; checks against a pack's own codes (matter codes, groups,
regions) happen in :func:`legalaid_rules.evaluate`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from legalaid_rules.i18n import N_

__all__ = [
    "REFUSALS",
    "REFUSAL_HINTS",
    "Applicant",
    "Application",
    "CaseCategory",
    "CaseRecord",
    "Criminal",
    "CriminalRole",
    "CriminalStage",
    "Disability",
    "ExpenditureCause",
    "GroupClaim",
    "Household",
    "HouseholdMember",
    "Hukou",
    "Incoherent",
    "Instance",
    "Locality",
    "Money",
    "Notifier",
    "PossibleSentence",
    "Urgency",
    "shown_value",
]

MONEY_LIMIT = Decimal(10) ** 12
"""Money must stay below this many yuan (a trillion): larger amounts are input errors."""

_MONEY_TEXT = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def shown_value(value: Any, translate: Callable[[str], str] = N_) -> str:
    """A short, safe rendering of a rejected value (never str() of a huge int: that raises).

    Its few words are English, or in the reader's language with ``translate=_``.
    """
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**40:
        digits = int(value.bit_length() * 0.30103) + 1
        return translate(N_("a number of about {digits} digits")).format(digits=digits)
    if isinstance(value, bool | None):
        return "true" if value is True else "false" if value is False else "null"
    if isinstance(value, Decimal | str):
        text = f"`{value}`"
    elif isinstance(value, int | float):
        text = str(value)
    else:
        text = translate(N_("a {kind}")).format(kind=type(value).__name__)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")  # a lone surrogate, escaped
    return text if len(text) <= 40 else text[:36] + "...`"


REFUSALS: dict[str, str] = {
    "money_float": N_(
        "{got} is a float, which is not exact: give money as text such as `1800.00` or a Decimal"
    ),
    "money_type": N_("expected an amount of money (yuan), got {got}"),
    "money_too_large": N_("{got} is not a plausible amount of money (at most 10^12 yuan)"),
    "finite_number": N_("{got} is not a finite amount of money"),
    "money_text": N_("{got} is not an amount of money such as `1800.00`"),
    "strict_bool": N_("expected true or false, got {got} (text and numbers are not read as yes/no)"),
    "strict_int": N_("expected a whole number, got {got}"),
    "date_from_datetime_parsing": N_("{got} is not a valid date: there is no such day"),
    "date_number": N_("{got} is a number, not a date (write YYYY-MM-DD)"),
    "date_text": N_("expected a date written YYYY-MM-DD, got {got}"),
}
"""The English message of each refusal code of the validators below (``{got}``: the value).

pydantic's error keeps this English text; :func:`legalaid_rules.evaluation.to_application`
writes the problem in the reader's language from the code, through the catalogues.
"""

REFUSAL_HINTS: dict[str, str] = {
    "money_text": N_("write the digits 0-9 as ordinary half-width digits, e.g. `1800.00`"),
}
"""A hint for the refusal codes that have one."""


def _refuse(code: str, value: Any) -> PydanticCustomError:
    return PydanticCustomError(code, REFUSALS[code], {"got": shown_value(value)})


class Incoherent(ValueError):
    """A model check that refuses a combination of fields: an English message template (marked
    ``N_``) and its values, so the problem can be written in the reader's language."""

    def __init__(self, template: str, **values: Any) -> None:
        super().__init__(template.format(**values))
        self.template = template
        self.values = values


def _money(value: Any) -> Decimal:
    """Exact money only: no bool, no float, ASCII digits, finite, below 10^12 yuan."""
    if isinstance(value, float):
        raise _refuse("money_float", value)
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise _refuse("money_type", value)
    if isinstance(value, int):
        if abs(value) >= MONEY_LIMIT:
            raise _refuse("money_too_large", value)
        return Decimal(value)
    amount = value if isinstance(value, Decimal) else _money_text(value)
    if not amount.is_finite():
        raise _refuse("finite_number", value)
    if amount.adjusted() >= 12:
        raise _refuse("money_too_large", value)
    if not amount and int(amount.as_tuple().exponent) < -2:
        return Decimal(0)  # 0E-400 is plain zero (more than two decimals are refused after this)
    return amount


def _money_text(value: str) -> Decimal:
    text = value.strip()
    if text.lower().lstrip("+-") in ("nan", "snan", "inf", "infinity"):
        raise _refuse("finite_number", value)
    if len(text) > 40 and _MONEY_TEXT.fullmatch(text):
        raise _refuse("money_too_large", value)
    if len(text) > 40 or not _MONEY_TEXT.fullmatch(text):
        raise _refuse("money_text", value)
    return Decimal(text)


def _flag(value: Any) -> bool:
    """``true`` or ``false`` only: text such as ``"yes"``, ``"on"`` or ``"1"`` is never read as one."""
    if isinstance(value, bool):
        return value
    raise _refuse("strict_bool", value)


def _whole(value: Any) -> int:
    """A JSON integer only: no bool, no float, no text (not even full-width digits)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _refuse("strict_int", value)


def _date(value: Any) -> dt.date:
    """A date or ``YYYY-MM-DD`` text only: no Unix timestamps, no datetimes."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise _refuse("date_from_datetime_parsing", value) from None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        raise _refuse("date_number", value)
    raise _refuse("date_text", value)


_MONEY_JSON_SCHEMA = {
    "anyOf": [
        {"type": "number", "minimum": 0, "exclusiveMaximum": 10**12},
        {"type": "string", "pattern": r"^\s*\+?[0-9]+(\.[0-9]{1,2})?\s*$"},
    ],
    "description": "yuan, at most 2 decimals, below 10^12 (a JSON number or decimal text such as 1800.00)",
}
"""Written out, not generated: pydantic's schema for ``Decimal`` differs between its releases."""

Money = Annotated[
    Decimal,
    Field(ge=0, lt=MONEY_LIMIT, decimal_places=2),
    BeforeValidator(_money),
    WithJsonSchema(_MONEY_JSON_SCHEMA),
]
"""An amount of money in yuan: a non-negative ``Decimal`` with at most two decimals (fen).

Only exact values are read: a ``Decimal``, an ``int`` or ASCII text such as ``"1800.00"``; a
float, a bool, full-width digits, NaN, infinity, more than two decimals and amounts of 10^12
yuan or more are refused, each with its own error code.
"""

# The bounds come before the validator: pydantic-core then checks them on the Decimal itself;
# after it, pydantic falls back to a Python check per bound (about half of validating one
# amount). Same error types, messages and context (pydantic's `input` is then the Decimal, not
# the text, and no message here shows it); the written-out schema is unchanged.

Flag = Annotated[bool, BeforeValidator(_flag)]
"""``true`` or ``false``; nothing else is read as a yes/no."""

Whole = Annotated[int, BeforeValidator(_whole)]
"""A whole number given as an integer (never a bool, float or text). With bounds, write
``Annotated[int, Field(ge=..), BeforeValidator(_whole)]``: bounds placed after the validator
reach the JSON Schema as pydantic's own ``ge``/``le``, not ``minimum``/``maximum``."""

Day = Annotated[dt.date, BeforeValidator(_date)]
"""A calendar date, given as a ``date`` or as ``YYYY-MM-DD`` text (never a timestamp)."""

Code = Annotated[str, Field(strict=True, max_length=200)]
"""A code of the pack (region, matter, group ...): text of at most 200 characters."""

Text = Annotated[str, Field(strict=True, max_length=200)]
"""Free text of at most 200 characters (names, numbers written as text)."""

MAX_MEMBERS = 100
"""The most household members an application may list (and the largest household size)."""


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


class Hukou(StrEnum):
    """The applicant's household registration (户籍性质), as in the household register (户口簿)."""

    URBAN = "urban"  # 城镇（非农业）户籍
    RURAL = "rural"  # 农村（农业）户籍


class CriminalRole(StrEnum):
    """The applicant's role in a criminal case."""

    DEFENDANT = "defendant"  # 犯罪嫌疑人、被告人
    VICTIM = "victim"  # 被害人（及其法定代理人、近亲属）
    PRIVATE_PROSECUTOR = "private_prosecutor"  # 自诉人
    CIVIL_PLAINTIFF = "civil_plaintiff"  # 附带民事诉讼原告人
    COMPULSORY_TREATMENT_RESPONDENT = "compulsory_treatment_respondent"  # 强制医疗案件的被申请人或者被告人


class CriminalStage(StrEnum):
    """The stage a criminal case is at."""

    INVESTIGATION = "investigation"  # 侦查
    PROSECUTION_REVIEW = "prosecution_review"  # 审查起诉
    TRIAL = "trial"  # 审判（一审）
    SECOND_INSTANCE = "second_instance"  # 二审
    DEATH_PENALTY_REVIEW = "death_penalty_review"  # 死刑复核
    RETRIAL = "retrial"  # 按照审判监督程序审理（再审）


class Instance(StrEnum):
    """The court instance the aid is for, in litigation (一审/二审/再审)."""

    FIRST = "first"  # 一审
    SECOND = "second"  # 二审
    RETRIAL = "retrial"  # 再审：人民法院决定、裁定再审或者人民检察院提出抗诉（法律援助法第三十三条）


class PossibleSentence(StrEnum):
    """Whether the suspect or defendant may be sentenced to life imprisonment or death (Art 25(四))."""

    LIFE_OR_DEATH = "life_or_death"  # 可能被判处无期徒刑、死刑
    LESSER = "lesser"  # 不可能被判处无期徒刑、死刑


class ExpenditureCause(StrEnum):
    """What caused the household's spending (粤府令第268号 第三条第二项 lists the first four)."""

    EMERGENCY = "emergency"  # 突发事件
    ACCIDENTAL_INJURY = "accidental_injury"  # 意外伤害
    SERIOUS_ILLNESS = "serious_illness"  # 重大疾病
    FULL_TIME_EDUCATION = "full_time_education"  # 就读国内全日制中高等学校
    OTHER = "other"  # none of these


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

    group: Code = Field(min_length=1, description="a group id of the pack, e.g. `elderly`")
    proof: Flag = Field(False, description="the supporting certificate has been provided")


class Applicant(_Model):
    """The person applying (申请人)."""

    name: Text | None = Field(None, description="personal data: masked in audit logs")
    id_number: Text | None = Field(None, description="personal data: masked in audit logs")
    phone: Text | None = Field(None, description="personal data: masked in audit logs")
    birth_date: Day | None = None
    age: Annotated[int, Field(ge=0, le=130), BeforeValidator(_whole)] | None = Field(
        None, description="full years, if no birth date"
    )
    disabilities: tuple[Disability, ...] | None = Field(None, max_length=len(Disability))
    fixed_income_source: Flag | None = Field(None, description="has a fixed source of living")
    hukou: Hukou | None = Field(None, description="household registration: `urban` or `rural` (户籍性质)")
    groups: tuple[GroupClaim, ...] | None = Field(
        None, max_length=50, description="special groups claimed; None = not asked, () = none"
    )

    @model_validator(mode="after")
    def _distinct_groups(self) -> Self:
        if self.groups is not None:
            seen = [g.group for g in self.groups]
            dupes = sorted({g for g in seen if seen.count(g) > 1})
            if dupes:
                raise Incoherent(N_("group `{group}` is claimed twice"), group=dupes[0])
        return self


class HouseholdMember(_Model):
    """One member of the applicant's household (家庭成员), the applicant included."""

    relation: Text | None = None
    monthly_income: Money | None = None


class Household(_Model):
    """The household's means. Give income one way: members, a total with size, or per capita."""

    size: Annotated[int, Field(ge=1, le=MAX_MEMBERS), BeforeValidator(_whole)] | None = None
    members: tuple[HouseholdMember, ...] | None = Field(None, max_length=MAX_MEMBERS)
    monthly_income: Money | None = Field(None, description="household total, yuan per month")
    per_capita_monthly_income: Money | None = None
    significant_assets: Flag | None = Field(None, description="owns assets of significant value")
    monthly_essential_expenditure: Money | None = Field(
        None, description="rigid spending (emergency, serious illness, education), per month"
    )
    monthly_consumption_expenditure: Money | None = Field(
        None, description="household total consumption spending (消费性支出), all of it, per month"
    )
    expenditure_causes: tuple[ExpenditureCause, ...] | None = Field(
        None,
        max_length=len(ExpenditureCause),
        description="what caused the spending; None = not asked, () = no particular cause",
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
            raise Incoherent(N_("income is given more than one way ({ways}): give one"), ways=", ".join(ways))
        if self.members is not None:
            if not self.members:
                raise Incoherent(N_("members is empty: a household has at least the applicant"))
            if self.size is not None and self.size != len(self.members):
                raise Incoherent(
                    N_("size {size} but {count} members listed"), size=self.size, count=len(self.members)
                )
        return self


class Locality(_Model):
    """Where the applicant lives or the matter arose: region ids of the pack."""

    city: Code | None = Field(None, description="prefecture-level city (设区的市)")
    county: Code | None = Field(None, description="county, county-level city or district")
    township: Code | None = Field(None, description="township or subdistrict (乡镇、街道), for routing")


class Criminal(_Model):
    """Facts of a criminal matter."""

    role: CriminalRole | None = None
    stage: CriminalStage | None = None
    notified_by: Notifier | None = None
    limited_capacity: Flag | None = Field(
        None,
        description="an adult who cannot fully recognise their own conduct (不能完全辨认自己行为的成年人)",
    )
    possible_sentence: PossibleSentence | None = Field(
        None, description="`life_or_death` if life imprisonment or death may be imposed"
    )
    in_absentia: Flag | None = Field(None, description="the defendant is tried in absentia (缺席审判)")


class Urgency(_Model):
    """Facts for urgent aid first (先行提供, Art 44)."""

    days_to_deadline: Annotated[int, Field(ge=0, le=36_500), BeforeValidator(_whole)] | None = Field(
        None, description="to a limitation or deadline"
    )
    preservation_needed: Flag | None = Field(
        None, description="property/evidence preservation or advance execution needed at once"
    )


class CaseRecord(_Model):
    """What happened to the case after the application (for program accounting)."""

    approved_on: Day | None = None
    closed_on: Day | None = None

    @model_validator(mode="after")
    def _order(self) -> Self:
        if self.approved_on and self.closed_on and self.closed_on < self.approved_on:
            raise Incoherent(N_("closed_on is before approved_on"))
        return self


class Application(_Model):
    """One application for legal aid, as the intake office knows it on ``date``."""

    date: Day = Field(description="the application date: the pack in force on it decides")
    office: Code | None = Field(None, description="region id of the office applied at")
    locality: Locality = Locality()
    applicant: Applicant = Applicant()
    household: Household = Household()
    matter: Code | None = Field(None, description="matter code of the pack (civil/administrative)")
    criminal: Criminal | None = None
    urgency: Urgency = Urgency()
    case: CaseRecord | None = None
    instance: Instance | None = Field(None, description="court instance, for routing (一审/二审)")
    case_category: CaseCategory | None = Field(None, description="special category, for routing")

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.matter is not None and self.criminal is not None:
            raise Incoherent(N_("give either `matter` (civil/administrative) or `criminal`, not both"))
        birth = self.applicant.birth_date
        if birth is not None:
            if birth > self.date:
                raise Incoherent(N_("applicant.birth_date is after the application date"))
            if self.applicant.age is not None and self.applicant.age != full_years(birth, self.date):
                raise Incoherent(N_("applicant.age does not match applicant.birth_date"))
        if self.case and self.case.approved_on and self.case.approved_on < self.date:
            raise Incoherent(N_("case.approved_on is before the application date"))
        return self


def full_years(birth: dt.date, on: dt.date) -> int:
    """Age in full years (周岁) on a date.

    >>> full_years(dt.date(1963, 6, 1), dt.date(2023, 6, 1))
    60
    >>> full_years(dt.date(1963, 6, 2), dt.date(2023, 6, 1))
    59
    """
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
