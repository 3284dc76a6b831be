"""What every AI/ML API request shares: the success object, billing, timeouts, encoding, and
httpx failures turned into typed errors.

Secrets: httpx exceptions chained as causes get a copy of their request without headers, so
the ``Authorization`` header never travels with a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from aiml_integrations import __version__
from aiml_integrations._core.config import Timeouts
from aiml_integrations._core.error_parse import exception_from_info
from aiml_integrations.errors import AIMLAPIError, ErrorCategory, ErrorInfo

__all__ = [
    "CLOSED_RETRIES",
    "MAX_ERROR_BODY",
    "USER_AGENT",
    "APIResponse",
    "EncodedBody",
    "billing_of",
    "closed_before_send",
    "closed_error",
    "dumps",
    "encode",
    "httpx_timeout",
    "stream_closed_error",
    "transport_error",
]

USER_AGENT = f"aiml-integrations/{__version__}"
MAX_ERROR_BODY = 256 * 1024
#: Tries of a call whose pool was closed before it could send (each on a fresh pool).
CLOSED_RETRIES = 3


@dataclass(frozen=True)
class APIResponse:
    """A successful JSON answer plus what AI/ML API says about it in headers and ``meta``."""

    status_code: int
    data: Any
    headers: httpx.Headers
    request_id: str | None
    credits_used: float | None
    usd_spent: float | None


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def billing_of(
    data: Any, headers: Mapping[str, str] | None = None
) -> tuple[float | None, float | None]:
    """``(credits_used, usd_spent)`` from ``meta.usage`` or the ``x-aimlapi-*`` headers."""
    credits = usd = None
    if isinstance(data, dict):
        meta = data.get("meta")
        usage = meta.get("usage") if isinstance(meta, dict) else None
        if isinstance(usage, dict):
            credits = _number(usage.get("credits_used"))
            usd = _number(usage.get("usd_spent"))
    if headers is not None:
        if credits is None:
            credits = _number(headers.get("x-aimlapi-credits-used"))
        if usd is None:
            usd = _number(headers.get("x-aimlapi-usd-spent"))
    return credits, usd


def httpx_timeout(t: Timeouts) -> httpx.Timeout:
    """httpx's per-phase timeouts, each capped by the call's total."""

    def cap(phase: float | None) -> float | None:
        if t.total is None:
            return phase
        return t.total if phase is None else min(phase, t.total)

    read = cap(t.read)
    return httpx.Timeout(connect=cap(t.connect), read=read, write=read, pool=cap(t.connect))


def dumps(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class EncodedBody:
    """A request body sent as is, with its own content type (multipart uploads).

    Any other payload is sent as JSON (the client's default ``Content-Type``).
    """

    content: bytes
    content_type: str


def encode(
    payload: Any, headers: Mapping[str, str] | None
) -> tuple[bytes, Mapping[str, str] | None]:
    """The bytes to send and the headers to send them with."""
    if isinstance(payload, EncodedBody):
        return payload.content, {**(headers or {}), "Content-Type": payload.content_type}
    return dumps(payload), headers


def _scrub(exc: httpx.HTTPError) -> None:
    """Replace the request attached to an httpx error by one without headers (no key)."""
    try:
        request = exc.request
    except RuntimeError:
        return
    exc.request = httpx.Request(request.method, request.url)


def transport_error(exc: httpx.HTTPError, path: str, timeout: float | None) -> AIMLAPIError:
    """The typed error for an httpx failure: a timeout, or a connection that failed."""
    _scrub(exc)
    if isinstance(exc, httpx.TimeoutException):
        limit = f" after {timeout:g}s" if timeout is not None else ""
        info = ErrorInfo(
            category=ErrorCategory.TIMEOUT,
            message=f"request timed out{limit} ({type(exc).__name__})",
            path=path,
        )
    else:
        detail = str(exc) or type(exc).__name__
        info = ErrorInfo(
            category=ErrorCategory.CONNECTION,
            message=f"connection to AI/ML API failed: {detail}",
            path=path,
        )
    return exception_from_info(info)


def closed_before_send(exc: RuntimeError, client: httpx.Client | httpx.AsyncClient) -> bool:
    """Whether httpx refused to send because ``client`` was closed meanwhile.

    Why it matters: a call that picked up its pool in the moment another thread (or task)
    closed it gets httpx's ``RuntimeError("Cannot send a request, as the client has been
    closed.")``, which is not an ``httpx.HTTPError``. Nothing was sent, so the call can go
    again on a fresh pool. Any other ``RuntimeError`` is not this case.
    """
    return client.is_closed and "client has been closed" in str(exc)


def closed_error(path: str) -> AIMLAPIError:
    """A call that kept meeting closed pools (closed again and again while it started)."""
    return exception_from_info(
        ErrorInfo(
            category=ErrorCategory.CONNECTION,
            message="the connection pool was closed while the call started; nothing was sent",
            path=path,
        )
    )


def stream_closed_error(path: str, status: int | None, request_id: str | None) -> AIMLAPIError:
    """A stream whose response was closed under it (its client closed during the stream)."""
    return exception_from_info(
        ErrorInfo(
            category=ErrorCategory.CONNECTION,
            message="the stream was closed (its client was closed) before it completed",
            status_code=status,
            request_id=request_id,
            path=path,
        )
    )
