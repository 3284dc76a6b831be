"""LangChain-native exceptions for AI/ML API failures, and the category → class table.

Why dual inheritance: langchain-core's convention (``langchain_core.exceptions.ModelError``)
is that provider errors inherit *both* the framework type and the provider's own type, so
``ModelRetryMiddleware`` / ``default_retry_on`` / ``with_retry`` see ``ModelRateLimitError``
and friends (with a correct ``is_retryable``), while ``except aiml_integrations.errors.*``
keeps working for code that knows this package.

The adapter never looks at messages or status codes: the core classifies every failure into an
:class:`~aiml_integrations.errors.ErrorCategory` (``aiml_integrations._core.error_rules``); this
module only maps the category to a class. Instances are rebuilt from the core error's
:class:`~aiml_integrations.errors.ErrorInfo`, so they carry the same attributes
(``status_code``, ``request_id``, ``details``, ``retry_after``, ...) and the same
instance-level ``is_retryable`` override (e.g. a 429 that is an hourly quota is not retryable).
"""

from __future__ import annotations

from typing import NoReturn

from langchain_core.exceptions import (
    ContextOverflowError,
    ModelAPIError,
    ModelAuthenticationError,
    ModelConnectionError,
    ModelError,
    ModelInvalidRequestError,
    ModelNotFoundError,
    ModelPermissionDeniedError,
    ModelRateLimitError,
    ModelTimeoutError,
)

from aiml_integrations import errors as _core
from aiml_integrations.errors import AIMLAPIError, ErrorCategory

__all__ = [
    "AIMLAPIAPIConnectionError",
    "AIMLAPIAuthenticationError",
    "AIMLAPIBadGatewayError",
    "AIMLAPIContentPolicyError",
    "AIMLAPIContextOverflowError",
    "AIMLAPIInternalError",
    "AIMLAPIInvalidRequestError",
    "AIMLAPINotFoundError",
    "AIMLAPIOutOfCreditsError",
    "AIMLAPIPermissionDeniedError",
    "AIMLAPIRateLimitError",
    "AIMLAPIRequestTimeoutError",
    "AIMLAPIServerError",
    "AIMLAPIServiceUnavailableError",
    "AIMLAPIUnknownModelError",
    "langchain_error",
    "raise_native",
]


class AIMLAPIInvalidRequestError(ModelInvalidRequestError, _core.InvalidRequestError):
    """400 validation, 422, other 4xx: the request must be fixed, retrying will not help."""


class AIMLAPIContextOverflowError(ContextOverflowError, _core.ContextOverflowError):
    """The prompt is over the model's context window (any upstream wording, or 413).

    Deliberately *not* a ``ModelInvalidRequestError``: LangChain code (summarization
    middleware, deepagents) catches ``ContextOverflowError`` specifically.
    """


class AIMLAPIContentPolicyError(AIMLAPIInvalidRequestError, _core.ContentPolicyError):
    """The upstream provider refused the request for safety/moderation reasons."""


class AIMLAPIAuthenticationError(ModelAuthenticationError, _core.AuthenticationError):
    """401, or no API key configured (raised locally, nothing sent)."""


class AIMLAPIPermissionDeniedError(ModelPermissionDeniedError, _core.PermissionDeniedError):
    """403 for a reason other than credits."""


class AIMLAPIOutOfCreditsError(AIMLAPIPermissionDeniedError, _core.OutOfCreditsError):
    """402, or 403 "run out of credits": not retryable, top up or fall back."""


class AIMLAPINotFoundError(ModelNotFoundError, _core.NotFoundError):
    """404: the route or resource does not exist."""


class AIMLAPIUnknownModelError(AIMLAPINotFoundError, _core.UnknownModelError):
    """The model id is not served by AI/ML API (validation issue on ``model``, deprecated)."""


class AIMLAPIRateLimitError(ModelRateLimitError, _core.RateLimitError):
    """429. Retryable unless the message says an hourly/daily quota is exhausted."""


class AIMLAPIServerError(ModelAPIError, _core.ServerError):
    """500 / other 5xx."""


class AIMLAPIBadGatewayError(AIMLAPIServerError, _core.BadGatewayError):
    """502."""


class AIMLAPIServiceUnavailableError(AIMLAPIServerError, _core.ServiceUnavailableError):
    """503, or "model is under maintenance"."""


class AIMLAPIRequestTimeoutError(ModelTimeoutError, _core.RequestTimeoutError):
    """408, 504 "Generation timeout", or the client-side timeout elapsed."""


class AIMLAPIAPIConnectionError(ModelConnectionError, _core.APIConnectionError):
    """Refused, reset, DNS failure, or a stream cut before ``[DONE]``."""


class AIMLAPIInternalError(ModelError, _core.InternalError):
    """This package failed handling an answer (a bug): not retryable, the cause is chained.

    A plain ``ModelError`` (``is_retryable`` False), not ``ModelAPIError``: retry middleware and
    ``with_fallbacks`` keyed on retryable provider errors must not treat our bug as an outage.
    """


_BY_CATEGORY: dict[ErrorCategory, type[AIMLAPIError]] = {
    ErrorCategory.INVALID_REQUEST: AIMLAPIInvalidRequestError,
    ErrorCategory.UNKNOWN_MODEL: AIMLAPIUnknownModelError,
    ErrorCategory.CONTEXT_OVERFLOW: AIMLAPIContextOverflowError,
    ErrorCategory.CONTENT_POLICY: AIMLAPIContentPolicyError,
    ErrorCategory.AUTHENTICATION: AIMLAPIAuthenticationError,
    ErrorCategory.OUT_OF_CREDITS: AIMLAPIOutOfCreditsError,
    ErrorCategory.PERMISSION_DENIED: AIMLAPIPermissionDeniedError,
    ErrorCategory.NOT_FOUND: AIMLAPINotFoundError,
    ErrorCategory.RATE_LIMITED: AIMLAPIRateLimitError,
    ErrorCategory.SERVER_ERROR: AIMLAPIServerError,
    ErrorCategory.BAD_GATEWAY: AIMLAPIBadGatewayError,
    ErrorCategory.UNAVAILABLE: AIMLAPIServiceUnavailableError,
    ErrorCategory.TIMEOUT: AIMLAPIRequestTimeoutError,
    ErrorCategory.CONNECTION: AIMLAPIAPIConnectionError,
    ErrorCategory.INTERNAL: AIMLAPIInternalError,
}


def langchain_error(exc: AIMLAPIError) -> AIMLAPIError:
    """The LangChain-native twin of a core error; raise it ``from exc``.

    An error that already is a LangChain ``ModelError`` is returned unchanged.
    """
    if isinstance(exc, ModelError):
        return exc
    return _BY_CATEGORY[exc.info.category](exc.info)


def raise_native(exc: AIMLAPIError) -> NoReturn:
    """Raise the LangChain-native twin of ``exc``, chained ``from exc``."""
    native = langchain_error(exc)
    if native is exc:
        raise exc
    raise native from exc
