"""Request bodies: JSON only, read exactly (numbers with a fraction as ``Decimal``, never float).

:class:`ExactJSONRoute` is the route class of every API endpoint. Before FastAPI validates a
body against its model, the route checks the content type (415 otherwise) and parses the bytes
with :func:`read_json`, which refuses what ``json.loads`` would let through into a decision:
``NaN`` and ``Infinity``, floats, nesting deep enough to exhaust the stack, integers too long
to convert. Each refusal is a located ``request.json`` problem.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from legalaid_rules.errors import Location, Problem
from legalaid_rules.service.problems import ServiceProblem

__all__ = ["ExactJSONRoute", "read_json"]

_MAX_DEPTH = 64


def _constant(name: str) -> Any:
    raise ValueError(f"`{name}` is not a number JSON allows")


def _depth(data: Any) -> int:
    depth, level = 0, [data]
    while level:
        depth += 1
        if depth > _MAX_DEPTH:
            return depth
        nxt: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                nxt.extend(item.values())
            elif isinstance(item, list):
                nxt.extend(item)
        level = nxt
    return depth


def read_json(raw: bytes) -> Any:
    """Plain data from a JSON body; numbers with a fraction become ``Decimal``.

    Raises:
        ServiceProblem: 400 ``request.json`` with the line and column of the fault.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad(f"the body is not UTF-8 text (byte {exc.start})", None, None) from None
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise _bad(f"this is not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except (ValueError, RecursionError) as exc:
        raise _bad(f"this JSON cannot be read: {str(exc)[:200]}", None, None) from None
    if _depth(data) > _MAX_DEPTH:
        raise _bad(f"the JSON is nested deeper than {_MAX_DEPTH} levels", None, None)
    return data


def _bad(message: str, line: int | None, column: int | None) -> ServiceProblem:
    return ServiceProblem(
        400,
        "request.json",
        message,
        problems=[Problem("request.json", message, Location("<body>", line, column))],
        zh="请求内容不是有效的 JSON：" + message,
    )


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
                req.parsed = read_json(raw)
            return await handler(req)

        return exact
