"""Request bodies: JSON only, read at the library's one input boundary.

:class:`ExactJSONRoute` is the route class of every API endpoint. Before FastAPI validates a
body against its model, the route checks the content type (415 otherwise) and parses the bytes
with :func:`legalaid_rules.inputs.read_json`, the reader every application goes through (CLI,
audit, service): UTF-8 only (with a hint naming GBK or UTF-16), no duplicate keys, no ``NaN``
or ``Infinity``, numbers with a fraction as ``Decimal``, bounded nesting and digits. A refusal
is a 400 ``request.json`` problem holding the reader's located problems (``input.*`` codes).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from legalaid_rules.errors import ApplicationError
from legalaid_rules.inputs import read_json
from legalaid_rules.service.problems import ServiceProblem

__all__ = ["ExactJSONRoute", "read_body"]


def read_body(raw: bytes) -> Any:
    """Plain data from a JSON request body (the size is limited before, by the edge middleware).

    Raises:
        ServiceProblem: 400 ``request.json``, with the located problems of the input reader.
    """
    try:
        return read_json(raw, "<body>", max_bytes=max(len(raw), 1))
    except ApplicationError as exc:
        first = exc.problems[0] if exc.problems else None
        message = first.message if first else str(exc)
        raise ServiceProblem(
            400,
            "request.json",
            message,
            problems=exc.problems,
            zh="请求内容不是有效的 JSON：" + message,
            hint=first.hint if first else None,
        ) from None


class _ExactRequest(Request):
    parsed: Any = None

    async def json(self) -> Any:
        return self.parsed


class ExactJSONRoute(APIRoute):
    """An API route whose JSON body is checked for its content type and parsed exactly."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        takes_body = self.body_field is not None

        async def exact(request: Request) -> Response:
            if not takes_body:
                return await handler(request)
            req = _ExactRequest(request.scope, request.receive)
            raw = await req.body()
            if raw:
                kind = req.headers.get("content-type", "").split(";")[0].strip().lower()
                if kind != "application/json" and not (
                    kind.startswith("application/") and kind.endswith("+json")
                ):
                    raise ServiceProblem(
                        415,
                        "request.content_type",
                        f"the body must be `application/json`, not `{kind or 'none given'}`",
                        zh=f"请求内容类型须为 application/json，而不是 `{kind or '未注明'}`",
                    )
                req.parsed = read_body(raw)
            return await handler(req)

        return exact
