"""AI/ML API for LangChain: ``ChatAIMLAPI``, ``AIMLAPIEmbeddings`` and native exceptions.

Every failure is raised as a class that is both a ``langchain_core.exceptions`` type
(``ModelRateLimitError``, ``ContextOverflowError``, ...) and the matching
``aiml_integrations.errors`` type, so LangChain's retry/fallback machinery and
``except aiml_integrations.errors.RateLimitError`` both work. This package never imports the
openai SDK or LiteLLM.

The names below are loaded on first access (PEP 562), like the top-level package: importing
the package costs ~10 ms; the first use of ``ChatAIMLAPI`` pays for langchain-core's
``BaseChatModel`` (about half a second on a 2-vCPU machine, the floor of any LangChain chat
model), the exception classes only for ``langchain_core.exceptions``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_ERRORS = "aiml_integrations.langchain._errors"
_LAZY: dict[str, str] = {
    "AIMLAPIAuthenticationError": _ERRORS,
    "AIMLAPIBadGatewayError": _ERRORS,
    "AIMLAPIConnectionError": _ERRORS,
    "AIMLAPIInternalError": _ERRORS,
    "AIMLAPIContentPolicyError": _ERRORS,
    "AIMLAPIContextOverflowError": _ERRORS,
    "AIMLAPIInvalidRequestError": _ERRORS,
    "AIMLAPINotFoundError": _ERRORS,
    "AIMLAPIOutOfCreditsError": _ERRORS,
    "AIMLAPIPermissionDeniedError": _ERRORS,
    "AIMLAPIRateLimitError": _ERRORS,
    "AIMLAPIServerError": _ERRORS,
    "AIMLAPIServiceUnavailableError": _ERRORS,
    "AIMLAPITimeoutError": _ERRORS,
    "AIMLAPIUnknownModelError": _ERRORS,
    "ChatAIMLAPI": "aiml_integrations.langchain.chat_models",
    "AIMLAPIEmbeddings": "aiml_integrations.langchain.embeddings",
}

__all__ = [
    "AIMLAPIAuthenticationError",
    "AIMLAPIBadGatewayError",
    "AIMLAPIConnectionError",
    "AIMLAPIContentPolicyError",
    "AIMLAPIContextOverflowError",
    "AIMLAPIEmbeddings",
    "AIMLAPIInternalError",
    "AIMLAPIInvalidRequestError",
    "AIMLAPINotFoundError",
    "AIMLAPIOutOfCreditsError",
    "AIMLAPIPermissionDeniedError",
    "AIMLAPIRateLimitError",
    "AIMLAPIServerError",
    "AIMLAPIServiceUnavailableError",
    "AIMLAPITimeoutError",
    "AIMLAPIUnknownModelError",
    "ChatAIMLAPI",
]

if TYPE_CHECKING:
    from aiml_integrations.langchain._errors import (
        AIMLAPIAuthenticationError,
        AIMLAPIBadGatewayError,
        AIMLAPIConnectionError,
        AIMLAPIContentPolicyError,
        AIMLAPIContextOverflowError,
        AIMLAPIInternalError,
        AIMLAPIInvalidRequestError,
        AIMLAPINotFoundError,
        AIMLAPIOutOfCreditsError,
        AIMLAPIPermissionDeniedError,
        AIMLAPIRateLimitError,
        AIMLAPIServerError,
        AIMLAPIServiceUnavailableError,
        AIMLAPITimeoutError,
        AIMLAPIUnknownModelError,
    )
    from aiml_integrations.langchain.chat_models import ChatAIMLAPI
    from aiml_integrations.langchain.embeddings import AIMLAPIEmbeddings


def __getattr__(name: str) -> Any:
    try:
        module_name = _LAZY[name]
    except KeyError:
        raise AttributeError(
            f"module 'aiml_integrations.langchain' has no attribute {name!r}"
        ) from None
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
