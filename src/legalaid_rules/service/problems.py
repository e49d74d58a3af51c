"""Errors as ``application/problem+json`` (RFC 9457), in Chinese or English.

Every error the service returns is one :class:`ProblemDetails`: the RFC's ``type``, ``title``,
``status``, ``detail`` and ``instance``, plus the library's stable ``code``, the request id and
the located ``problems`` (code, message, file/line/column or field path, hint) that the
library's errors carry. The title, the detail and each problem's message and hint follow
``Accept-Language`` (Chinese by default): the service writes a request's messages in its language
(:class:`~legalaid_rules.service.observability.EdgeMiddleware` chooses it for the whole request).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from legalaid_rules.caseload.errors import LedgerError
from legalaid_rules.errors import LegalAidRulesError, Location, PackError, PackNotFoundError, Problem
from legalaid_rules.i18n import LANGUAGES, N_, _, use_language
from legalaid_rules.traces.log import LogError
from legalaid_rules.traces.masking import MaskingError
from legalaid_rules.traces.records import TraceError

__all__ = [
    "PROBLEM_JSON",
    "ProblemDetails",
    "ProblemItem",
    "ProblemLocation",
    "ServiceProblem",
    "from_library_error",
    "language",
    "located",
    "problem_body",
]

PROBLEM_JSON = "application/problem+json"

_TITLES: dict[str, tuple[str, str]] = {
    # the most specific prefix wins: "application.json" before "application"
    "application": ("申请内容有误，无法作出决定", "the application cannot be decided as given"),
    "pack.unknown": ("没有这个规则包", "no such pack"),
    "pack.not_in_force": ("该日期没有施行中的规则包版本", "no version of the pack is in force on that date"),
    "pack.no_pack_for_place": ("没有适用于该地区的规则包", "no pack covers the applicant's place"),
    "pack": ("规则包有错误", "the rule pack has problems"),
    "trace": ("审计记录无法读取", "the trace record cannot be read"),
    "ledger.unknown_lawyer": ("台账中没有这名律师", "no such lawyer in the ledger"),
    "ledger.unknown_case": ("台账中没有这个案件", "no such case in the ledger"),
    "ledger.cap_reached": (
        "已达年度承办案件数上限，不得指派",
        "the lawyer has reached the yearly case-load cap",
    ),
    "ledger": ("案件指派台账无法完成该操作", "the case-load ledger cannot do this"),
    "log.no_record": ("决定日志中没有这条记录", "no such record in the decision log"),
    "log": ("决定日志无法读写", "the decision log cannot be read or written"),
    "request.json": ("请求内容不是有效的 JSON", "the request body is not valid JSON"),
    "request.content_type": ("请求内容类型不受支持", "unsupported content type"),
    "request.too_large": ("请求内容过大", "the request body is too large"),
    "request.batch_too_large": ("批量申请数量超过上限", "too many applications in one batch"),
    "request": ("请求格式有误", "the request is malformed"),
    "auth.missing_token": ("需要访问令牌", "a bearer token is required"),
    "auth.bad_token": ("访问令牌无效", "the bearer token is not valid"),
    "auth.forbidden": ("该令牌的角色无权执行此操作", "the token's role may not do this"),
    "http.not_found": ("没有这个地址", "no such endpoint"),
    "http.method_not_allowed": ("该地址不支持此请求方法", "method not allowed"),
    "service.disabled": ("本服务未配置此功能", "this deployment does not offer this"),
    "service.internal": ("服务内部错误，已记录", "internal error; it has been logged"),
    "service": ("服务错误", "service error"),
}


class ProblemLocation(BaseModel):
    """Where a problem is: a file with line and column, or a field path, or nothing known."""

    model_config = ConfigDict(extra="forbid")

    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = Field(None, description="dotted field path, e.g. `household.monthly_income`")


class ProblemItem(BaseModel):
    """One located problem, as the library reports it."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="stable dotted code, e.g. `application.greater_than_equal`")
    message: str
    location: ProblemLocation = ProblemLocation()
    hint: str | None = None


class ProblemDetails(BaseModel):
    """An error response (RFC 9457 ``application/problem+json``) with the library's codes."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="`urn:legalaid-rules:problem:<code>`")
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    instance: str | None = Field(None, description="the request path")
    code: str = Field(description="the stable code of the whole error")
    request_id: str | None = None
    lang: str = Field(description="`zh` or `en`: the language of title and detail")
    problems: list[ProblemItem] = []


class ServiceProblem(Exception):
    """An error the service answers with a problem document.

    Args:
        status: the HTTP status.
        code: the stable code (its prefix chooses the title).
        message: the detail in English (lower case start, user text in backticks).
        problems: located problems, as the library reports them.
        zh: the detail in Chinese, when it says more than the title.
        extra: extension members added to the document.
        headers: response headers (e.g. ``WWW-Authenticate``).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        problems: Sequence[Problem] = (),
        zh: str | None = None,
        hint: str | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.problems = tuple(problems)
        self.zh = zh
        self.hint = hint
        self.extra = extra or {}
        self.headers = headers or {}


def language(accept: str | None) -> str:
    """``zh`` or ``en`` from an ``Accept-Language`` header (Chinese unless English is preferred).

    >>> language("en-US,en;q=0.9"), language("zh-CN"), language(None), language("en;q=0.5, zh;q=0.8")
    ('en', 'zh', 'zh', 'zh')
    """
    if not accept:
        return "zh"
    best: tuple[float, str] = (-1.0, "zh")
    for part in accept.split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in ("zh", "en") and q > best[0]:
            best = (q, primary)
    return best[1]


def _title(code: str, lang: str) -> str:
    parts = code.split(".")
    for n in range(len(parts), 0, -1):
        hit = _TITLES.get(".".join(parts[:n]))
        if hit:
            return hit[0] if lang == "zh" else hit[1]
    return "请求无法完成" if lang == "zh" else "the request cannot be completed"


def _item(p: Problem) -> ProblemItem:
    loc = p.location
    return ProblemItem(
        code=p.code,
        message=p.message,
        location=ProblemLocation(file=loc.file, line=loc.line, column=loc.column, path=loc.path),
        hint=p.hint,
    )


def _zh_detail(title: str, problems: Iterable[Problem], message: str) -> str:
    where = [str(p.location) for p in problems]
    if not where:
        return f"{title}：{message}"
    head = "、".join(where[:5]) + ("等" if len(where) > 5 else "")
    return f"{title}：共 {len(where)} 处问题（{head}）"


def problem_body(
    exc: ServiceProblem, lang: str, request_id: str | None, instance: str | None
) -> dict[str, Any]:
    """The problem document of ``exc`` as JSON-ready data."""
    title = _title(exc.code, lang)
    with use_language(lang):
        hint = _(" (hint: {hint})").format(hint=exc.hint) if exc.hint else ""
    if lang == "zh":
        detail = (exc.zh or _zh_detail(title, exc.problems, exc.message)) + hint
    else:
        detail = exc.message + hint
    doc = ProblemDetails(
        type=f"urn:legalaid-rules:problem:{exc.code}",
        title=title,
        status=exc.status,
        detail=detail,
        instance=instance,
        code=exc.code,
        request_id=request_id,
        lang=lang,
        problems=[_item(p) for p in exc.problems],
    )
    data = doc.model_dump(mode="json")
    data.update(exc.extra)
    return data


_LEDGER_STATUS = {
    "ledger.unknown_lawyer": 404,
    "ledger.unknown_case": 404,
    "ledger.case_closed": 409,
    "ledger.not_assigned": 409,
    "ledger.missing": 404,
}


def _says(message: str, *templates: str) -> bool:
    """Whether ``message`` is one of ``templates`` filled in, in either language."""
    for lang in LANGUAGES:
        with use_language(lang):
            for template in templates:
                pattern = ".*".join(re.escape(part) for part in re.split(r"\{\w+\}", _(template)))
                if re.fullmatch(pattern, message, re.DOTALL):
                    return True
    return False


def located(problem: Problem) -> str:
    """``location: message`` (the message alone where the problem has no location)."""
    if problem.location == Location():
        return problem.message
    return f"{problem.location}: {problem.message}"


def from_library_error(exc: LegalAidRulesError) -> ServiceProblem:
    """The problem for an error of the library's tree (status and code chosen by its kind)."""
    problems: tuple[Problem, ...] = getattr(exc, "problems", ())
    first = located(problems[0]) if problems else str(exc)
    more = _(" (and {count} more)").format(count=len(problems) - 1) if len(problems) > 1 else ""
    if isinstance(exc, PackNotFoundError):
        said = exc.problems[0].message  # without the hint, which the document adds itself
        unknown = _says(said, N_("no pack `{pack}` under {root}"), N_("no pack `{pack}`"))
        code = "pack.unknown" if unknown else "pack.not_in_force"
        return ServiceProblem(404, code, said, hint=exc.hint)
    if isinstance(exc, LedgerError):
        status = _LEDGER_STATUS.get(exc.code, 422)
        return ServiceProblem(status, exc.code, exc.message, hint=exc.hint)
    if isinstance(exc, TraceError):
        return ServiceProblem(422, problems[0].code if problems else "trace", first + more, problems=problems)
    if isinstance(exc, LogError | MaskingError):
        return ServiceProblem(503, "log.unavailable", str(exc))
    if problems:
        # a broken pack installed with the service is the deployment's fault, not the caller's
        status = 500 if isinstance(exc, PackError) else 422
        return ServiceProblem(status, problems[0].code, first + more, problems=problems)
    return ServiceProblem(500, "service.internal", str(exc))
