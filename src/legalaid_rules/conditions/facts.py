"""The fact table: the facts a condition may read, with their types, labels and how each is read.

This table is the one place that links the application models to the condition language:
the checker uses it to reject unknown names and type errors when a pack loads (and the
parser takes its fact roots from it), the backends use it to read values, the wording uses
its labels, and the missing list uses its requests.

A fact reads as a value, as :data:`~legalaid_rules.values.UNKNOWN` or as
:data:`~legalaid_rules.values.NOT_APPLICABLE` (see :mod:`legalaid_rules.values`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from legalaid_rules.applications import (
    Application,
    CaseCategory,
    CriminalRole,
    CriminalStage,
    Disability,
    ExpenditureCause,
    Hukou,
    Instance,
    Notifier,
    PossibleSentence,
    full_years,
)
from legalaid_rules.conditions.types import BOOL, DATE, MONEY, NUMBER, Kind, Type, enum_type
from legalaid_rules.values import MATH, NOT_APPLICABLE, UNKNOWN, exact_division

__all__ = ["FACTS", "Fact"]


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact a condition can name, e.g. ``household.per_capita_income``."""

    path: str
    type: Type
    zh: str
    en: str
    read: Callable[[Application], Any]
    unit_zh: str = ""
    unit_en: str = ""
    ask_zh: str = ""  # what the office asks the applicant for, when it is missing
    ask_en: str = ""


def _age(app: Application) -> Any:
    a = app.applicant
    if a.birth_date is not None:
        return full_years(a.birth_date, app.date)
    return UNKNOWN if a.age is None else a.age


def _disabled(app: Application) -> Any:
    d = app.applicant.disabilities
    return UNKNOWN if d is None else bool(d)


_SENSORY = frozenset({Disability.VISUAL, Disability.HEARING, Disability.SPEECH})


def _sensory(app: Application) -> Any:
    d = app.applicant.disabilities
    return UNKNOWN if d is None else any(x in _SENSORY for x in d)


def _household_income(app: Application) -> Any:
    h = app.household
    if h.monthly_income is not None:
        return h.monthly_income
    if h.members is not None:
        incomes = [m.monthly_income for m in h.members]
        total = Decimal(0)
        for income in incomes:
            if income is None:
                return UNKNOWN
            total = MATH.add(total, income)
        return total
    if h.per_capita_monthly_income is not None and h.size is not None:
        return MATH.multiply(h.per_capita_monthly_income, Decimal(h.size))
    return UNKNOWN


def _per_capita(app: Application) -> Any:
    h = app.household
    if h.per_capita_monthly_income is not None:
        return h.per_capita_monthly_income
    total = _household_income(app)
    if total is UNKNOWN:
        return UNKNOWN
    size = _household_size(app)
    return UNKNOWN if size is None else exact_division(total, size)


def _household_size(app: Application) -> int | None:
    h = app.household
    return len(h.members) if h.members is not None else h.size


def _per_capita_consumption(app: Application) -> Any:
    """Monthly consumption spending per head: the household total over the household size."""
    total = app.household.monthly_consumption_expenditure
    size = _household_size(app)
    return UNKNOWN if total is None or size is None else exact_division(total, size)


_LISTED_CAUSES = frozenset(c for c in ExpenditureCause if c is not ExpenditureCause.OTHER)


def _listed_cause(app: Application) -> Any:
    """Whether any cause the applicant gives is one 粤府令第268号 第三条第二项 lists."""
    causes = app.household.expenditure_causes
    return UNKNOWN if causes is None else any(c in _LISTED_CAUSES for c in causes)


def _matter(app: Application) -> Any:
    if app.matter is not None:
        return app.matter
    return NOT_APPLICABLE if app.criminal is not None else UNKNOWN


def _criminal(attr: str) -> Callable[[Application], Any]:
    def read(app: Application) -> Any:
        if app.criminal is None:
            return NOT_APPLICABLE if app.matter is not None else UNKNOWN
        value = getattr(app.criminal, attr)
        if value is None:
            return UNKNOWN
        return value if isinstance(value, bool) else str(value.value)

    return read


def _opt(getter: Callable[[Application], Any]) -> Callable[[Application], Any]:
    def read(app: Application) -> Any:
        value = getter(app)
        return UNKNOWN if value is None else value

    return read


def _case(attr: str) -> Callable[[Application], Any]:
    def read(app: Application) -> Any:
        value = None if app.case is None else getattr(app.case, attr)
        return UNKNOWN if value is None else value

    return read


_FACT_LIST = (
    Fact("application.date", DATE, "申请日期", "application date", lambda a: a.date),
    Fact(
        "application.office",
        Type(Kind.TEXT, "region"),
        "受理机构所在地",
        "office applied at",
        _opt(lambda a: a.office),
        ask_zh="受理申请的法律援助机构",
        ask_en="the legal-aid office that accepts the application",
    ),
    Fact(
        "application.instance",
        enum_type(Instance, "instance"),
        "审级",
        "court instance",
        _opt(lambda a: None if a.instance is None else str(a.instance.value)),
        ask_zh="案件审级（一审或二审）",
        ask_en="the court instance (first or second)",
    ),
    Fact(
        "application.case_category",
        enum_type(CaseCategory, "case category"),
        "案件类别",
        "case category",
        _opt(lambda a: None if a.case_category is None else str(a.case_category.value)),
        ask_zh="案件是否属于涉黑涉恶、征地拆迁、涉法信访或涉法群体性案件",
        ask_en="whether the case is organised crime, land expropriation, petition-related or a mass case",
    ),
    Fact(
        "locality.township",
        Type(Kind.TEXT, "region"),
        "所在乡镇（街道）",
        "township",
        _opt(lambda a: a.locality.township),
        ask_zh="申请人住所地或事项发生地（乡镇、街道）",
        ask_en="the township of residence or where the matter arose",
    ),
    Fact(
        "locality.city",
        Type(Kind.TEXT, "region"),
        "所在设区的市",
        "prefecture city",
        _opt(lambda a: a.locality.city),
        ask_zh="申请人住所地或事项发生地（设区的市）",
        ask_en="the prefecture city of residence or where the matter arose",
    ),
    Fact(
        "locality.county",
        Type(Kind.TEXT, "region"),
        "所在县（市、区）",
        "county",
        _opt(lambda a: a.locality.county),
        ask_zh="申请人住所地或事项发生地（县、市、区）",
        ask_en="the county of residence or where the matter arose",
    ),
    Fact(
        "applicant.age",
        NUMBER,
        "申请人年龄",
        "applicant's age",
        _age,
        "周岁",
        "full years",
        "申请人出生日期（身份证或户口簿）",
        "the applicant's date of birth (ID card or household register)",
    ),
    Fact(
        "applicant.disabled",
        BOOL,
        "申请人是残疾人",
        "applicant is disabled",
        _disabled,
        ask_zh="申请人是否残疾（残疾人证）",
        ask_en="whether the applicant is disabled (disability certificate)",
    ),
    Fact(
        "applicant.sensory_disability",
        BOOL,
        "申请人是视力、听力、言语残疾人",
        "applicant has a visual, hearing or speech disability",
        _sensory,
        ask_zh="申请人是否为视力、听力、言语残疾人（残疾人证）",
        ask_en="whether the applicant has a visual, hearing or speech disability (disability certificate)",
    ),
    Fact(
        "applicant.fixed_income_source",
        BOOL,
        "申请人有固定生活来源",
        "applicant has a fixed source of living",
        _opt(lambda a: a.applicant.fixed_income_source),
        ask_zh="申请人有无固定生活来源的说明或证明",
        ask_en="whether the applicant has a fixed source of living",
    ),
    Fact(
        "applicant.hukou",
        enum_type(Hukou, "household registration"),
        "申请人户籍性质",
        "applicant's household registration",
        _opt(lambda a: None if a.applicant.hukou is None else str(a.applicant.hukou.value)),
        ask_zh="申请人户籍性质（户口簿）",
        ask_en="the applicant's household registration, urban or rural (household register)",
    ),
    Fact(
        "household.income",
        MONEY,
        "家庭月收入",
        "household monthly income",
        _household_income,
        "元",
        "yuan",
        "家庭成员收入情况",
        "the income of each household member",
    ),
    Fact(
        "household.per_capita_income",
        MONEY,
        "家庭人均月收入",
        "household per-capita monthly income",
        _per_capita,
        "元",
        "yuan",
        "家庭人口及各成员收入情况（经济困难状况说明）",
        "household size and each member's income (statement of financial hardship)",
    ),
    Fact(
        "household.size",
        NUMBER,
        "家庭人口",
        "household size",
        lambda a: (
            len(a.household.members)
            if a.household.members is not None
            else (UNKNOWN if a.household.size is None else a.household.size)
        ),
        "人",
        "persons",
        "家庭人口数",
        "the number of household members",
    ),
    Fact(
        "household.significant_assets",
        BOOL,
        "家庭拥有价值较大的资产",
        "household owns assets of significant value",
        _opt(lambda a: a.household.significant_assets),
        ask_zh="家庭资产情况",
        ask_en="the household's assets",
    ),
    Fact(
        "household.essential_expenditure",
        MONEY,
        "家庭月刚性支出",
        "household essential monthly expenditure",
        _opt(lambda a: a.household.monthly_essential_expenditure),
        "元",
        "yuan",
        "家庭因突发事件、重大疾病、教育等的刚性支出证明",
        "proof of essential spending (emergency, serious illness, education)",
    ),
    Fact(
        "household.per_capita_consumption_expenditure",
        MONEY,
        "家庭月人均消费性支出",
        "household per-capita monthly consumption spending",
        _per_capita_consumption,
        "元",
        "yuan",
        "家庭人口及家庭月消费性支出情况（医疗、教育等费用票据）",
        "household size and the household's monthly consumption spending"
        " (bills for medical, school and other costs)",
    ),
    Fact(
        "household.listed_expenditure_cause",
        BOOL,
        "支出系因突发事件、意外伤害、重大疾病或者就读国内全日制中高等学校",
        "spending caused by an emergency, accidental injury, serious illness"
        " or full-time secondary or higher education in China",
        _listed_cause,
        ask_zh="家庭支出的原因及证明（突发事件或事故证明、医疗诊断和费用票据、国内全日制中高等学校在读证明）",
        ask_en="what caused the household's spending, with proof (emergency or accident report,"
        " medical diagnosis and bills, certificate of full-time study)",
    ),
    Fact(
        "matter",
        Type(Kind.TEXT, "matter"),
        "申请事项",
        "matter",
        _matter,
        ask_zh="申请法律援助的事项",
        ask_en="the matter legal aid is sought for",
    ),
    Fact(
        "criminal.role",
        enum_type(CriminalRole, "criminal role"),
        "刑事诉讼身份",
        "role in the criminal case",
        _criminal("role"),
        ask_zh="申请人在刑事案件中的身份",
        ask_en="the applicant's role in the criminal case",
    ),
    Fact(
        "criminal.stage",
        enum_type(CriminalStage, "criminal stage"),
        "刑事诉讼阶段",
        "stage of the criminal case",
        _criminal("stage"),
        ask_zh="刑事案件所处诉讼阶段",
        ask_en="the stage of the criminal case",
    ),
    Fact(
        "criminal.notified_by",
        enum_type(Notifier, "notifier"),
        "通知机关",
        "notified by",
        _criminal("notified_by"),
        ask_zh="是否由人民法院、人民检察院或公安机关通知",
        ask_en="whether a court, procuratorate or police notified",
    ),
    Fact(
        "criminal.limited_capacity",
        BOOL,
        "不能完全辨认自己行为的成年人",
        "an adult who cannot fully recognise their own conduct",
        _criminal("limited_capacity"),
        ask_zh="犯罪嫌疑人、被告人是否为不能完全辨认自己行为的成年人（鉴定意见或办案机关材料）",
        ask_en="whether the suspect or defendant is an adult who cannot fully recognise their own conduct",
    ),
    Fact(
        "criminal.possible_sentence",
        enum_type(PossibleSentence, "possible sentence"),
        "可能判处的刑罚",
        "possible sentence",
        _criminal("possible_sentence"),
        ask_zh="是否可能被判处无期徒刑、死刑（起诉书或办案机关材料）",
        ask_en="whether life imprisonment or death may be imposed",
    ),
    Fact(
        "criminal.in_absentia",
        BOOL,
        "缺席审判案件",
        "tried in absentia",
        _criminal("in_absentia"),
        ask_zh="是否为缺席审判案件",
        ask_en="whether the case is tried in absentia",
    ),
    Fact(
        "urgency.days_to_deadline",
        NUMBER,
        "距诉讼时效或期限届满天数",
        "days to a limitation or deadline",
        _opt(lambda a: a.urgency.days_to_deadline),
        "天",
        "days",
        "诉讼时效或法定期限届满日期",
        "the date the limitation period or deadline ends",
    ),
    Fact(
        "urgency.preservation_needed",
        BOOL,
        "需要立即申请财产保全、证据保全或先予执行",
        "preservation or advance execution is needed at once",
        _opt(lambda a: a.urgency.preservation_needed),
        ask_zh="是否需要立即申请保全或先予执行",
        ask_en="whether preservation is needed at once",
    ),
    Fact(
        "case.approved_on",
        DATE,
        "批准法律援助日期",
        "date aid was approved",
        _case("approved_on"),
        ask_zh="批准日期",
        ask_en="the approval date",
    ),
    Fact(
        "case.closed_on",
        DATE,
        "结案日期",
        "date the case was closed",
        _case("closed_on"),
        ask_zh="结案日期",
        ask_en="the closing date",
    ),
)

FACTS: Final[dict[str, Fact]] = {f.path: f for f in _FACT_LIST}
"""Every fact by path."""
