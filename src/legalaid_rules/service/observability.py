"""Request ids, structured access logs, the body-size limit and Prometheus metrics.

:class:`Metrics` holds its own ``CollectorRegistry``, one per app: two apps in one process
(tests, or a host embedding the service) never share counters. The access log is one JSON
object per request on the ``legalaid_rules.service.access`` logger with the request id,
method, route template (never the concrete path or query, which may hold ids), status and
duration: no personal data, no bodies, no client addresses.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram

from legalaid_rules.i18n import use_language
from legalaid_rules.service.problems import PROBLEM_JSON, ServiceProblem, language, problem_body

__all__ = ["ACCESS_LOGGER", "REQUEST_ID", "EdgeMiddleware", "Metrics", "request_id_of"]

ACCESS_LOGGER = "legalaid_rules.service.access"
REQUEST_ID = "X-Request-ID"
_errors = logging.getLogger("legalaid_rules.service")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Metrics:
    """The service's Prometheus metrics, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.decisions = Counter(
            "legalaid_decisions", "Decisions made, by outcome.", ["outcome"], registry=self.registry
        )
        self.latency = Histogram(
            "legalaid_request_duration_seconds",
            "Time to answer a request, by route template and method.",
            ["route", "method"],
            buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0),
            registry=self.registry,
        )
        self.errors = Counter(
            "legalaid_errors", "Problem responses, by problem code.", ["code"], registry=self.registry
        )


def request_id_of(scope: Scope) -> str | None:
    """The request id the edge middleware gave this request."""
    state = scope.get("state") or {}
    rid = state.get("request_id")
    return rid if isinstance(rid, str) else None


class _TooLarge(Exception):
    pass


class EdgeMiddleware:
    """Outermost layer: request id, body-size limit, timing, metrics and the access log."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics, max_body_bytes: int) -> None:
        self.app = app
        self.metrics = metrics
        self.limit = max_body_bytes
        self.log = logging.getLogger(ACCESS_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}
        given = headers.get("x-request-id", "")
        rid = given if _SAFE_ID.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        status = 500
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status = int(message["status"])
                started = True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode("ascii"))]
            await send(message)

        limit = self.limit
        length = headers.get("content-length")
        # the request's messages (the library's problems, replay results) in its language
        with use_language(language(headers.get("accept-language"))):
            try:
                if length is not None and (not length.isdigit() or int(length) > limit):
                    raise _TooLarge
                seen = 0

                async def counted() -> Message:
                    nonlocal seen
                    message = await receive()
                    if message["type"] == "http.request":
                        seen += len(message.get("body", b""))
                        if seen > limit:
                            raise ServiceProblem(
                                413,
                                "request.too_large",
                                f"the request body is larger than {limit} bytes",
                                zh=f"请求内容超过 {limit} 字节的上限",
                            )
                    return message

                await self.app(scope, counted, send_with_id)
            except Exception as exc:  # the catch-all: logged with the request id, never a traceback out
                if isinstance(exc, _TooLarge):
                    problem = ServiceProblem(
                        413,
                        "request.too_large",
                        f"the request body is larger than {limit} bytes (or its length is not a number)",
                        zh=f"请求内容超过 {limit} 字节的上限",
                    )
                elif isinstance(exc, ServiceProblem):
                    problem = exc
                else:
                    _errors.exception('{"event":"unhandled","request_id":"%s"}', rid)
                    problem = ServiceProblem(
                        500,
                        "service.internal",
                        f"an internal error; it is logged under request id `{rid}`",
                        zh=f"服务内部错误，已按请求编号 `{rid}` 记录",
                    )
                if not started:
                    await _send_problem(problem, scope, headers, send_with_id)
                    self.metrics.errors.labels(problem.code).inc()
            finally:
                elapsed = time.perf_counter() - start
                route = scope.get("route")
                template = getattr(route, "path", None) or "unmatched"
                method = scope.get("method", "")
                self.metrics.latency.labels(template, method).observe(elapsed)
                self.log.info(
                    json.dumps(
                        {
                            "event": "request",
                            "request_id": rid,
                            "method": method,
                            "route": template,
                            "status": status,
                            "ms": round(elapsed * 1000, 3),
                        },
                        separators=(",", ":"),
                    )
                )


async def _send_problem(problem: ServiceProblem, scope: Scope, headers: dict[str, str], send: Send) -> None:
    lang = language(headers.get("accept-language"))
    body = json.dumps(
        problem_body(problem, lang, request_id_of(scope), scope.get("path")), ensure_ascii=False
    ).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": problem.status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode("ascii")),
                (b"content-length", str(len(body)).encode("ascii")),
                (b"content-language", lang.encode("ascii")),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
