# mypy: disallow-subclassing-any=False
"""AI/ML API failures as LiteLLM's own exception classes (and the core ones at the same time).

Why subclass LiteLLM's classes: LiteLLM passes its own exception types through
``exception_type()`` unchanged, and its Router decides retries, fallbacks and cooldowns from the
class names in the MRO plus ``status_code`` and the ``retry-after`` response header. Anything
else a handler raises (``httpx`` errors, ``KeyError``...) becomes ``APIConnectionError``, which
is retried and never cooled down — the wrong answer for "out of credits". So every error
leaving the handler is one of the classes below, built from the core's single classification
(``aiml_integrations._core.error_rules``); this module only maps a category to a class.

Each class also inherits the matching core class (``except aiml_integrations.errors.RateLimitError``
works for LiteLLM users too) and carries the normalised fields (``info``, ``request_id``,
``retry_after``, ``details`` ...). Two attributes keep LiteLLM's meaning because LiteLLM and its
Router read them:

- ``message``: LiteLLM's ``"litellm.<Class>: ..."`` text (the bare AI/ML API message is
  ``info.message``);
- ``status_code``: the status the Router must act on (see :func:`router_status`). The status
  AI/ML API really answered with is ``aimlapi_status_code`` (``None`` when no response came:
  local timeout, connection failure, missing key). ``response`` is a real ``httpx.Response``
  with ``status_code`` and AI/ML API's lower-cased response headers, its request carrying only
  method and URL (never the ``Authorization`` header).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

import httpx
import litellm

from aiml_integrations import errors as core
from aiml_integrations._core.answer_errors import internal_error
from aiml_integrations.errors import AIMLAPIError, ErrorCategory, ErrorInfo
from aiml_integrations.litellm._router_view import cooldown_retry_after, read_by_router

__all__ = [
    "PROVIDER",
    "AIMLAPIAPIConnectionError",
    "AIMLAPIAuthenticationError",
    "AIMLAPIBadGatewayError",
    "AIMLAPIBadRequestError",
    "AIMLAPIContentPolicyViolationError",
    "AIMLAPIContextWindowExceededError",
    "AIMLAPIInternalError",
    "AIMLAPIInternalServerError",
    "AIMLAPILiteLLMError",
    "AIMLAPINotFoundError",
    "AIMLAPIPaymentRequiredError",
    "AIMLAPIPermissionDeniedError",
    "AIMLAPIRateLimitError",
    "AIMLAPIServiceUnavailableError",
    "AIMLAPITimeout",
    "AIMLAPIUnknownModelError",
    "AIMLAPIUnprocessableEntityError",
    "AIMLAPIUnsupportedParamsError",
    "class_for",
    "router_status",
    "to_litellm_error",
    "unexpected_error",
]

PROVIDER = "aimlapi"

# 4xx statuses the Router treats specially (retry, cooldown); an "invalid request" must never
# carry one of them, or a request that cannot succeed would be retried or cool a healthy key.
_ROUTER_SPECIAL_4XX = frozenset({401, 402, 403, 404, 408, 409, 429})


class AIMLAPILiteLLMError(AIMLAPIError):
    """Base of every exception the LiteLLM adapter raises (also an ``AIMLAPIError``).

    Concrete classes put a LiteLLM exception class right after this one in their bases; it
    provides ``__init__``, ``__str__`` and ``__repr__`` (LiteLLM's formatting).
    """

    litellm_class: ClassVar[type[Exception]]
    aimlapi_status_code: int | None
    llm_provider: str
    model: str | None
    litellm_debug_info: str | None
    request: httpx.Request
    response: httpx.Response

    def __reduce__(self) -> tuple[Any, ...]:
        request = getattr(getattr(self, "response", None), "request", None)
        url = str(request.url) if request is not None else ""
        return (_rebuild, (type(self).__name__, self.info, self.model, url))


def _rebuild(name: str, info: ErrorInfo, model: str | None, url: str) -> AIMLAPILiteLLMError:
    """Unpickle support (LiteLLM constructors have incompatible signatures).

    The class travels by name, not by reference: its ``__module__`` is LiteLLM-looking (see
    :data:`LITELLM_LIKE_MODULE`), which pickle could not import.
    """
    cls = globals()[name]
    assert isinstance(cls, type) and issubclass(cls, AIMLAPILiteLLMError)
    return build(cls, info, model=model, url=url)


# LiteLLM's classes are ``Any`` for mypy (``follow_imports=skip``), hence the file-level
# ``disallow-subclassing-any=False``.


class AIMLAPIBadRequestError(
    AIMLAPILiteLLMError, litellm.BadRequestError, core.InvalidRequestError
):
    """400 validation errors and other 4xx: fix the request; never retried."""

    litellm_class = litellm.BadRequestError


class AIMLAPIUnprocessableEntityError(
    AIMLAPILiteLLMError, litellm.UnprocessableEntityError, core.InvalidRequestError
):
    """422: the request was well-formed but rejected; never retried."""

    litellm_class = litellm.UnprocessableEntityError


class AIMLAPIUnsupportedParamsError(
    AIMLAPILiteLLMError, litellm.UnsupportedParamsError, core.InvalidRequestError
):
    """Raised locally (nothing sent) for a parameter AI/ML API cannot take, unless
    ``drop_params`` is set."""

    litellm_class = litellm.UnsupportedParamsError


class AIMLAPIContextWindowExceededError(
    AIMLAPILiteLLMError, litellm.ContextWindowExceededError, core.ContextOverflowError
):
    """The prompt is over the model's context: triggers ``context_window_fallbacks``."""

    litellm_class = litellm.ContextWindowExceededError


class AIMLAPIContentPolicyViolationError(
    AIMLAPILiteLLMError, litellm.ContentPolicyViolationError, core.ContentPolicyError
):
    """The upstream refused for safety reasons: triggers ``content_policy_fallbacks``."""

    litellm_class = litellm.ContentPolicyViolationError


class AIMLAPIAuthenticationError(
    AIMLAPILiteLLMError, litellm.AuthenticationError, core.AuthenticationError
):
    """401, or no key configured (raised locally, nothing sent)."""

    litellm_class = litellm.AuthenticationError


class AIMLAPIPaymentRequiredError(
    AIMLAPILiteLLMError, litellm.PaymentRequiredError, core.OutOfCreditsError
):
    """Out of credits (AI/ML API answers 403): never retried on that key; the Router fails
    over within the group, else to ``fallbacks``, and cools the key down long.
    ``status_code`` is 402 (``aimlapi_status_code`` keeps the 403); in a multi-deployment group
    LiteLLM's router code alone reads ``router_status_code`` (see ``_router_view``)."""

    litellm_class = litellm.PaymentRequiredError
    router_status_code: int | None = None

    @property
    def status_code(self) -> int | None:
        routed = self.router_status_code
        return routed if routed is not None and read_by_router() else self._status_code

    @status_code.setter
    def status_code(self, value: int | None) -> None:
        self._status_code = value


class AIMLAPIPermissionDeniedError(
    AIMLAPILiteLLMError, litellm.PermissionDeniedError, core.PermissionDeniedError
):
    """403 for another reason than credits."""

    litellm_class = litellm.PermissionDeniedError


class AIMLAPINotFoundError(AIMLAPILiteLLMError, litellm.NotFoundError, core.NotFoundError):
    """404: route or resource does not exist."""

    litellm_class = litellm.NotFoundError


class AIMLAPIUnknownModelError(AIMLAPINotFoundError, core.UnknownModelError):
    """The model id is not served (validation issue on ``model``, deprecated, wrapped upstream
    "unable to access model" even under an outer 500): 404, so the Router does not retry it."""


class AIMLAPIRateLimitError(AIMLAPILiteLLMError, litellm.RateLimitError, core.RateLimitError):
    """429; the ``retry-after`` header reaches the Router (wait and cooldown length)."""

    litellm_class = litellm.RateLimitError


class AIMLAPIInternalServerError(
    AIMLAPILiteLLMError, litellm.InternalServerError, core.ServerError
):
    """500 and other 5xx; also a response this adapter could not process."""

    litellm_class = litellm.InternalServerError


class AIMLAPIBadGatewayError(AIMLAPILiteLLMError, litellm.BadGatewayError, core.BadGatewayError):
    """502."""

    litellm_class = litellm.BadGatewayError


class AIMLAPIServiceUnavailableError(
    AIMLAPILiteLLMError, litellm.ServiceUnavailableError, core.ServiceUnavailableError
):
    """503, or "the model is under maintenance"."""

    litellm_class = litellm.ServiceUnavailableError


class AIMLAPITimeout(AIMLAPILiteLLMError, litellm.Timeout, core.RequestTimeoutError):
    """408, 504 "Generation timeout", or the call's ``timeout`` elapsed (enforced here)."""

    litellm_class = litellm.Timeout


class AIMLAPIAPIConnectionError(
    AIMLAPILiteLLMError, litellm.APIConnectionError, core.APIConnectionError
):
    """Refused, reset, DNS failure, or a stream cut before ``[DONE]``."""

    litellm_class = litellm.APIConnectionError


class AIMLAPIInternalError(AIMLAPILiteLLMError, litellm.BadRequestError, core.InternalError):
    """This package failed handling an answer (a bug here or in the LiteLLM it drives).

    Status 400 and LiteLLM's ``BadRequestError``: the one status the Router neither retries nor
    cools a deployment down for (our bug is no reason to sideline a healthy key); fallbacks to
    another group still apply. ``aimlapi_status_code`` keeps what AI/ML API answered.
    """

    litellm_class = litellm.BadRequestError


_BY_CATEGORY: Mapping[ErrorCategory, type[AIMLAPILiteLLMError]] = {
    ErrorCategory.INVALID_REQUEST: AIMLAPIBadRequestError,
    ErrorCategory.UNKNOWN_MODEL: AIMLAPIUnknownModelError,
    ErrorCategory.CONTEXT_OVERFLOW: AIMLAPIContextWindowExceededError,
    ErrorCategory.CONTENT_POLICY: AIMLAPIContentPolicyViolationError,
    ErrorCategory.AUTHENTICATION: AIMLAPIAuthenticationError,
    ErrorCategory.OUT_OF_CREDITS: AIMLAPIPaymentRequiredError,
    ErrorCategory.PERMISSION_DENIED: AIMLAPIPermissionDeniedError,
    ErrorCategory.NOT_FOUND: AIMLAPINotFoundError,
    ErrorCategory.RATE_LIMITED: AIMLAPIRateLimitError,
    ErrorCategory.SERVER_ERROR: AIMLAPIInternalServerError,
    ErrorCategory.BAD_GATEWAY: AIMLAPIBadGatewayError,
    ErrorCategory.UNAVAILABLE: AIMLAPIServiceUnavailableError,
    ErrorCategory.TIMEOUT: AIMLAPITimeout,
    ErrorCategory.CONNECTION: AIMLAPIAPIConnectionError,
    ErrorCategory.INTERNAL: AIMLAPIInternalError,
}

_FIXED_STATUS: Mapping[type[AIMLAPILiteLLMError], int] = {
    AIMLAPIUnprocessableEntityError: 422,
    AIMLAPIUnsupportedParamsError: 400,
    AIMLAPIContextWindowExceededError: 400,
    AIMLAPIContentPolicyViolationError: 400,
    AIMLAPIAuthenticationError: 401,
    AIMLAPIPaymentRequiredError: 402,
    AIMLAPIPermissionDeniedError: 403,
    AIMLAPINotFoundError: 404,
    AIMLAPIUnknownModelError: 404,
    AIMLAPIRateLimitError: 429,
    AIMLAPIBadGatewayError: 502,
    AIMLAPIServiceUnavailableError: 503,
    AIMLAPIAPIConnectionError: 500,
    AIMLAPIInternalError: 400,
}


def class_for(info: ErrorInfo) -> type[AIMLAPILiteLLMError]:
    """The LiteLLM-side class for a classified failure (422 gets its own class)."""
    if info.category is ErrorCategory.INVALID_REQUEST and 422 in (
        info.status_code,
        info.upstream_status,
    ):
        return AIMLAPIUnprocessableEntityError
    return _BY_CATEGORY[info.category]


def router_status(cls: type[AIMLAPILiteLLMError], info: ErrorInfo) -> int:
    """The ``status_code`` the Router acts on: always consistent with the class.

    The real status is kept where it already means the same thing to the Router (a 405 stays
    405, a 530 stays 530). A client error AI/ML API wrapped under an outer 5xx (``"400 ..."``
    inside a 500) gets the client status, so it is not retried.
    """
    fixed = _FIXED_STATUS.get(cls)
    if fixed is not None:
        return fixed
    candidates = (info.status_code, info.upstream_status)
    if cls is AIMLAPIBadRequestError:
        for status in candidates:
            if status is not None and 400 <= status < 500 and status not in _ROUTER_SPECIAL_4XX:
                return status
        return 400
    if cls is AIMLAPITimeout:
        return info.status_code if info.status_code in (408, 504, 524) else 408
    if cls is AIMLAPIInternalServerError:
        status = info.status_code
        return status if status is not None and 500 <= status <= 599 else 500
    return 500


def _response_headers(info: ErrorInfo) -> dict[str, str]:
    """AI/ML API's headers, lower-cased, with an integer ``retry-after`` when one is known.

    LiteLLM reads ``retry-after`` only as an integer or an HTTP date (not ``retry-after-ms``,
    not ``1.5``), so a wait the core parsed from another form is restated in whole seconds.
    """
    headers = {str(k).lower(): str(v) for k, v in info.headers.items()}
    headers.pop("content-length", None)
    headers.pop("content-encoding", None)
    headers.pop("transfer-encoding", None)
    if info.retry_after is not None:
        current = headers.get("retry-after", "").strip()
        if not current.isdigit():
            headers["retry-after"] = str(max(0, math.ceil(info.retry_after)))
    if info.category is ErrorCategory.OUT_OF_CREDITS:
        cooldown_retry_after(headers)  # how long the Router keeps this key out
    return headers


def _debug_info(info: ErrorInfo, model: str | None) -> str:
    parts = [f"provider={PROVIDER}", f"model={model}", f"category={info.category.value}"]
    if info.status_code is not None:
        parts.append(f"aimlapi_status={info.status_code}")
    if info.upstream_status is not None:
        parts.append(f"upstream_status={info.upstream_status}")
    if info.request_id:
        parts.append(f"request_id={info.request_id}")
    if info.path:
        parts.append(f"path={info.path}")
    return " ".join(parts)


def build(
    cls: type[AIMLAPILiteLLMError],
    info: ErrorInfo,
    *,
    model: str | None,
    url: str,
    method: str = "POST",
) -> AIMLAPILiteLLMError:
    """Construct ``cls`` through LiteLLM's constructor, then attach the normalised fields."""
    status = router_status(cls, info)
    request = httpx.Request(method, url or "https://api.aimlapi.com")
    response = httpx.Response(status, headers=_response_headers(info), request=request)
    text = info.describe()
    debug = _debug_info(info, model)
    base = cls.litellm_class
    kwargs: dict[str, Any] = {
        "message": text,
        "model": model,
        "llm_provider": PROVIDER,
        "litellm_debug_info": debug,
    }
    if base is litellm.APIConnectionError:
        kwargs["request"] = request
    elif base is litellm.Timeout:
        kwargs.update(
            response=response, exception_status_code=status, headers=dict(response.headers)
        )
    else:
        kwargs["response"] = response
    exc = cls(**kwargs)
    exc._attach_info(info)
    # LiteLLM's meaning of these two wins (the Router and LiteLLM's logging read them).
    exc.status_code = status
    exc.message = f"litellm.{base.__name__}: {text}"
    exc.aimlapi_status_code = info.status_code
    exc.llm_provider = PROVIDER
    exc.model = model
    exc.litellm_debug_info = debug
    if base is litellm.APIConnectionError:
        exc.request = request
    if getattr(exc, "response", None) is None:  # UnsupportedParamsError skips openai's init
        exc.response = response
    return exc


def to_litellm_error(
    error: AIMLAPIError, *, model: str | None, url: str, method: str = "POST"
) -> AIMLAPILiteLLMError:
    """The LiteLLM-side exception for a core error (already converted ones pass through)."""
    if isinstance(error, AIMLAPILiteLLMError):
        return error
    info = error.info
    return build(class_for(info), info, model=model, url=url, method=method)


def timeout_error(seconds: float | None, *, model: str | None, url: str) -> AIMLAPITimeout:
    """The call's ``timeout`` elapsed (LiteLLM does not enforce it for custom providers)."""
    limit = f" after {seconds:g}s" if seconds is not None else ""
    info = ErrorInfo(
        category=ErrorCategory.TIMEOUT,
        message=f"request timed out{limit} (timeout enforced by aiml-integrations)",
        path=httpx.URL(url).path if url else None,
    )
    exc = build(AIMLAPITimeout, info, model=model, url=url)
    assert isinstance(exc, AIMLAPITimeout)
    return exc


def unexpected_error(
    error: BaseException, *, model: str | None, url: str, secrets: tuple[str, ...] = ()
) -> AIMLAPILiteLLMError:
    """Any other exception (a bug here or in LiteLLM) as the typed, non-retryable internal error.

    Never leave it to LiteLLM: it would become ``APIConnectionError`` (retried, never cooled
    down) with a traceback in the message. Malformed answers do not come here: the readers
    raise them as retryable server errors (:mod:`aiml_integrations._core.answer_errors`).
    """
    core_error = internal_error(
        "completing the AI/ML API call",
        error,
        path=httpx.URL(url).path if url else None,
        secrets=secrets,
    )
    return build(AIMLAPIInternalError, core_error.info, model=model, url=url)


def unsupported_params_error(
    names: list[str], *, model: str | None, url: str
) -> AIMLAPIUnsupportedParamsError:
    """A LiteLLM-style ``UnsupportedParamsError`` for parameters AI/ML API cannot take."""
    info = ErrorInfo(
        category=ErrorCategory.INVALID_REQUEST,
        message=(
            f"{PROVIDER} does not support parameters: {', '.join(sorted(names))}. "
            "To drop these, set `litellm.drop_params=True` or pass `drop_params=True`; "
            "provider-specific fields go in `extra_body` (nothing was sent)"
        ),
    )
    exc = build(AIMLAPIUnsupportedParamsError, info, model=model, url=url)
    assert isinstance(exc, AIMLAPIUnsupportedParamsError)
    return exc


# Agent frameworks tell LiteLLM's errors from their own by the class's module: CrewAI re-raises
# an error at once (no task-level retry, which would resend a 401 or an out-of-credits call
# three times and a lasting 429 nine times) only when ``type(e).__module__.startswith("litellm")``.
# So every class defined above reports a LiteLLM-looking module. They are still imported from
# ``aiml_integrations.litellm``; ``isinstance``, the MRO and the class names are unchanged.
LITELLM_LIKE_MODULE = "litellm.aimlapi"

for _cls in list(globals().values()):
    if isinstance(_cls, type) and issubclass(_cls, AIMLAPILiteLLMError):
        _cls.__module__ = LITELLM_LIKE_MODULE
