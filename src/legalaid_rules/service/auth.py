"""Bearer tokens with roles: who may decide with logging, run the case-load, read the log.

Tokens are configured as SHA-256 digests (:mod:`legalaid_rules.service.settings`); a request
presents the token itself in ``Authorization: Bearer <token>``. Read-only decision endpoints
are open unless ``open_reads = false``; a token that is given must be valid even there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from legalaid_rules.service.problems import ServiceProblem
from legalaid_rules.service.settings import Role, Settings, TokenEntry

__all__ = ["ANY_ROLE", "BEARER", "check_role", "needs", "reader"]

BEARER = HTTPBearer(
    auto_error=False,
    description="a token whose SHA-256 digest is in the service configuration, with role "
    "`intake`, `auditor` or `admin`",
)
ANY_ROLE = (Role.INTAKE, Role.AUDITOR, Role.ADMIN)
_Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="legalaid-rules"'}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.service.settings
    return settings


def _identify(request: Request, creds: HTTPAuthorizationCredentials | None) -> TokenEntry | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    if creds is None or not creds.credentials:
        raise ServiceProblem(
            401,
            "auth.bad_token",
            "the `Authorization` header must be `Bearer <token>`",
            zh="Authorization 请求头须为 `Bearer <令牌>`",
            headers=_CHALLENGE,
        )
    entry = _settings(request).role_of(creds.credentials)
    if entry is None:
        raise ServiceProblem(
            401, "auth.bad_token", "the bearer token is not known", zh="访问令牌无效", headers=_CHALLENGE
        )
    return entry


def check_role(entry: TokenEntry | None, roles: tuple[Role, ...], what: str) -> TokenEntry:
    """``entry`` if its role is one of ``roles``.

    Raises:
        ServiceProblem: no token (401) or a token of another role (403).
    """
    if entry is None:
        raise ServiceProblem(
            401,
            "auth.missing_token",
            f"{what} needs a bearer token with role {' or '.join(r.value for r in roles)}",
            zh=f"此操作需要角色为 {' 或 '.join(r.value for r in roles)} 的访问令牌",
            headers=_CHALLENGE,
        )
    if entry.role not in roles:
        raise ServiceProblem(
            403,
            "auth.forbidden",
            f"{what} needs role {' or '.join(r.value for r in roles)}; the token `{entry.name}` has "
            f"role `{entry.role.value}`",
            zh=f"此操作需要角色 {' 或 '.join(r.value for r in roles)}，令牌 `{entry.name}` 的角色是 "
            f"`{entry.role.value}`",
        )
    return entry


def needs(*roles: Role, what: str = "this operation") -> Callable[..., Awaitable[TokenEntry]]:
    """A dependency that admits only tokens with one of ``roles`` (async: no thread hop, no I/O)."""

    async def dependency(request: Request, creds: _Credentials) -> TokenEntry:
        return check_role(_identify(request, creds), roles, what)

    return dependency


async def reader(request: Request, creds: _Credentials) -> TokenEntry | None:
    """The caller of a read-only endpoint: anyone when reads are open, else any valid token."""
    entry = _identify(request, creds)
    if entry is None and not _settings(request).open_reads:
        return check_role(None, ANY_ROLE, "this deployment")
    return entry


Reader = Annotated[TokenEntry | None, Depends(reader)]
"""The caller of a read-only endpoint (a parameter type for routes)."""
