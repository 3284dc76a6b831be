"""Every way an AI/ML API call can fail, as one exception hierarchy shared by both adapters.

Why: AI/ML API's error bodies are not OpenAI-shaped, so neither LiteLLM nor LangChain can
classify them. The core parses each failure once (``aiml_integrations._core.error_parse``),
classifies it once from a table (``aiml_integrations._core.error_rules``), and raises the class
below that matches the category. The LiteLLM and LangChain adapters raise subclasses that
*also* inherit their framework's native type, so ``except aiml_integrations.errors.RateLimitError``
works everywhere and the framework's own retry/fallback logic sees its own types.

The tree (category in brackets, ``*`` = retryable)::

    AIMLAPIError
     ├── InvalidRequestError          [invalid_request]   400 validation, 422, other 4xx
     │    ├── ContextOverflowError     [context_overflow]  prompt over the model's context; 413
     │    └── ContentPolicyError       [content_policy]    upstream safety/moderation refusal
     ├── AuthenticationError          [authentication]    401, or no API key configured
     ├── PermissionDeniedError        [permission_denied] other 403
     │    └── OutOfCreditsError        [out_of_credits]    402; 403 "run out of credits" / limits
     ├── NotFoundError                [not_found]         404
     │    └── UnknownModelError        [unknown_model]     validation issue on ``model``; deprecated
     ├── RateLimitError *             [rate_limited]      429 (not retryable for hourly/daily quota)
     ├── ServerError *                [server_error]      500, other 5xx
     │    ├── BadGatewayError *        [bad_gateway]       502
     │    └── ServiceUnavailableError *[unavailable]       503, "model is under maintenance"
     ├── RequestTimeoutError *        [timeout]           408, 504, client-side timeout
     ├── APIConnectionError *         [connection]        refused, reset, stream cut before [DONE]
     └── InternalError                [internal]          this package failed reading an answer

Every instance carries the normalised fields (``status_code``, ``message``, ``request_id``,
``path``, ``details``, ``upstream_status``, ``upstream_message``, ``retry_after``, ``body``)
and a ``str()`` that says what AI/ML API said, readable validation details and the request id
to quote to support. No API key ever appears in them: the transport redacts the key from
bodies before they get here.

This module imports only the standard library.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

__all__ = [
    "AIMLAPIError",
    "APIConnectionError",
    "AuthenticationError",
    "BadGatewayError",
    "ContentPolicyError",
    "ContextOverflowError",
    "ErrorCategory",
    "ErrorInfo",
    "InternalError",
    "InvalidRequestError",
    "NotFoundError",
    "OutOfCreditsError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeoutError",
    "ServerError",
    "ServiceUnavailableError",
    "UnknownModelError",
    "error_class_for",
]


class ErrorCategory(str, enum.Enum):
    """The failure categories of the error contract (docs/architecture.md); adapters map them."""

    INVALID_REQUEST = "invalid_request"
    UNKNOWN_MODEL = "unknown_model"
    CONTEXT_OVERFLOW = "context_overflow"
    CONTENT_POLICY = "content_policy"
    AUTHENTICATION = "authentication"
    OUT_OF_CREDITS = "out_of_credits"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    BAD_GATEWAY = "bad_gateway"
    UNAVAILABLE = "unavailable"
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    INTERNAL = "internal"


@dataclass
class ErrorInfo:
    """The normalised description of one failure, whatever shape it arrived in.

    ``status_code`` is the HTTP status AI/ML API answered with (``None`` when no response
    arrived: timeouts, connection failures, a missing key). ``details`` are readable
    validation issues (``messages[0].role: Invalid enum value ...``). ``upstream_status`` /
    ``upstream_message`` are set when AI/ML API wrapped a provider's error as
    ``"400 <text or JSON>"``. ``retry_after`` is in seconds. ``body`` is the raw body as text
    (key redacted), ``headers`` the response headers (lower-cased names).
    """

    category: ErrorCategory
    message: str
    status_code: int | None = None
    request_id: str | None = None
    path: str | None = None
    details: tuple[str, ...] = ()
    upstream_status: int | None = None
    upstream_message: str | None = None
    retry_after: float | None = None
    body: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    retryable: bool | None = None
    model_issue: bool = False

    def describe(self) -> str:
        """One actionable sentence block: what was said, the details, the request id."""
        status = f"{self.status_code} " if self.status_code is not None else ""
        said = self.message
        if self.upstream_message is not None:
            said = f"{self.upstream_message} (upstream status {self.upstream_status})"
        text = f"AI/ML API {status}{self.category.value}: {said}"
        if self.details:
            text += " (" + "; ".join(self.details[:5])
            if len(self.details) > 5:
                text += f"; +{len(self.details) - 5} more"
            text += ")"
        if self.retry_after is not None:
            text += f" [retry after {self.retry_after:g}s]"
        if self.request_id:
            text += f" [request id: {self.request_id}]"
        return text


class AIMLAPIError(Exception):
    """Base class of every error this package raises about an AI/ML API call.

    Subclasses used by the adapters also inherit a framework type whose ``__init__`` differs,
    so the normalised fields are attached by :meth:`_attach_info`, not by ``__init__``
    alone.
    """

    category: ClassVar[ErrorCategory] = ErrorCategory.SERVER_ERROR
    is_retryable: bool = False

    status_code: int | None
    message: str
    request_id: str | None
    path: str | None
    details: tuple[str, ...]
    upstream_status: int | None
    upstream_message: str | None
    retry_after: float | None
    body: str | None
    response_headers: Mapping[str, str]
    info: ErrorInfo

    def __init__(self, info: ErrorInfo | str) -> None:
        if isinstance(info, str):
            info = ErrorInfo(category=type(self).category, message=info)
        self._attach_info(info)
        super().__init__(info.describe())

    def _attach_info(self, info: ErrorInfo) -> None:
        self.info = info
        self.status_code = info.status_code
        self.message = info.message
        self.request_id = info.request_id
        self.path = info.path
        self.details = info.details
        self.upstream_status = info.upstream_status
        self.upstream_message = info.upstream_message
        self.retry_after = info.retry_after
        self.body = info.body
        self.response_headers = info.headers
        if info.retryable is not None:
            self.is_retryable = info.retryable

    def __str__(self) -> str:
        info = getattr(self, "info", None)
        return info.describe() if info is not None else super().__str__()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.__str__()!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.info))


def _rebuild(cls: type[AIMLAPIError], info: ErrorInfo) -> AIMLAPIError:
    """Unpickle support: adapter subclasses have foreign ``__init__`` signatures."""
    exc = cls.__new__(cls)
    Exception.__init__(exc, info.describe())
    exc._attach_info(info)
    return exc


class InvalidRequestError(AIMLAPIError):
    """The request was rejected as malformed (400 validation, 422, other 4xx). Fix the call."""

    category = ErrorCategory.INVALID_REQUEST


class ContextOverflowError(InvalidRequestError):
    """The prompt (plus requested output) is over the model's context window; also 413."""

    category = ErrorCategory.CONTEXT_OVERFLOW


class ContentPolicyError(InvalidRequestError):
    """The upstream provider refused the request for safety or moderation reasons."""

    category = ErrorCategory.CONTENT_POLICY


class AuthenticationError(AIMLAPIError):
    """401, or no API key was configured (raised locally; nothing was sent)."""

    category = ErrorCategory.AUTHENTICATION


class PermissionDeniedError(AIMLAPIError):
    """403 for a reason other than credits: the key may not do this."""

    category = ErrorCategory.PERMISSION_DENIED


class OutOfCreditsError(PermissionDeniedError):
    """402, or 403 "run out of credits" / "exhausted the ... resource limit" / key spend limit.

    Not retryable: the key needs a top-up. Routers should fall back and cool the key down.
    """

    category = ErrorCategory.OUT_OF_CREDITS


class NotFoundError(AIMLAPIError):
    """404: the route or resource does not exist."""

    category = ErrorCategory.NOT_FOUND


class UnknownModelError(NotFoundError):
    """The model id is not one AI/ML API serves (validation issue on ``model``, deprecated)."""

    category = ErrorCategory.UNKNOWN_MODEL


class RateLimitError(AIMLAPIError):
    """429. Retryable after ``retry_after`` seconds, except hourly/daily quota messages."""

    category = ErrorCategory.RATE_LIMITED
    is_retryable = True


class ServerError(AIMLAPIError):
    """500 or another 5xx: AI/ML API or its upstream failed; the request itself may be fine."""

    category = ErrorCategory.SERVER_ERROR
    is_retryable = True


class BadGatewayError(ServerError):
    """502: a downstream provider returned an invalid response."""

    category = ErrorCategory.BAD_GATEWAY


class ServiceUnavailableError(ServerError):
    """503, or "the model is under maintenance": try later or elsewhere."""

    category = ErrorCategory.UNAVAILABLE


class RequestTimeoutError(AIMLAPIError):
    """408, 504 "Generation timeout", or the client-side timeout elapsed."""

    category = ErrorCategory.TIMEOUT
    is_retryable = True


class APIConnectionError(AIMLAPIError):
    """No usable response: refused, reset, DNS failure, or a stream cut before ``[DONE]``."""

    category = ErrorCategory.CONNECTION
    is_retryable = True


class InternalError(AIMLAPIError):
    """This package failed while handling an answer (a bug here, or in a library it drives).

    Not retryable, on purpose: AI/ML API did its job, so retrying, falling back to another
    key or cooling a deployment down would only repeat the failure and make a bug look like
    an outage. The original exception is the ``__cause__``; it is logged once, with its
    traceback, on the ``aiml_integrations`` logger.
    """

    category = ErrorCategory.INTERNAL


_BY_CATEGORY: dict[ErrorCategory, type[AIMLAPIError]] = {
    cls.category: cls
    for cls in (
        InvalidRequestError,
        ContextOverflowError,
        ContentPolicyError,
        AuthenticationError,
        PermissionDeniedError,
        OutOfCreditsError,
        NotFoundError,
        UnknownModelError,
        RateLimitError,
        ServerError,
        BadGatewayError,
        ServiceUnavailableError,
        RequestTimeoutError,
        APIConnectionError,
        InternalError,
    )
}


def error_class_for(category: ErrorCategory) -> type[AIMLAPIError]:
    """The core exception class of a category (adapters keep their own tables)."""
    return _BY_CATEGORY[category]
