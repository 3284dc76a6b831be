"""AI/ML API for LangChain: ``ChatAIMLAPI``, ``AIMLAPIEmbeddings``, media tools, native errors.

Every failure is raised as a class that is both a ``langchain_core.exceptions`` type
(``ModelRateLimitError``, ``ContextOverflowError``, ...) and the matching
``aiml_integrations.errors`` type, so LangChain's retry/fallback machinery and
``except aiml_integrations.errors.RateLimitError`` both work. This package never imports the
openai SDK or LiteLLM.

The names below are loaded on first access (PEP 562), like the top-level package: importing
the package costs ~10 ms; the first use of ``ChatAIMLAPI`` pays for langchain-core's
``BaseChatModel`` (about half a second on a 2-vCPU machine, the floor of any LangChain chat
model), the exception classes only for ``langchain_core.exceptions``.

Media tools (``BaseTool`` subclasses, sync and async): ``AIMLAPIImageGenerationTool``,
``AIMLAPIImageEditTool``, ``AIMLAPIVideoGenerationTool``, ``AIMLAPITextToSpeechTool``,
``AIMLAPISpeechToTextTool``; an async job ending in ``status: "error"`` raises
``AIMLAPIJobFailedError``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_ERRORS = "aiml_integrations.langchain._errors"
_MEDIA = "aiml_integrations.langchain._media."
_LAZY: dict[str, str] = {
    "AIMLAPIAuthenticationError": _ERRORS,
    "AIMLAPIBadGatewayError": _ERRORS,
    "AIMLAPIAPIConnectionError": _ERRORS,
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
    "AIMLAPIRequestTimeoutError": _ERRORS,
    "AIMLAPIUnknownModelError": _ERRORS,
    "ChatAIMLAPI": "aiml_integrations.langchain.chat_models",
    "AIMLAPIEmbeddings": "aiml_integrations.langchain.embeddings",
    "AIMLAPIImageGenerationTool": _MEDIA + "_image",
    "AIMLAPIImageEditTool": _MEDIA + "_image_edit",
    "AIMLAPIJobFailedError": _MEDIA + "_jobs",
    "AIMLAPISpeechToTextTool": _MEDIA + "_speech",
    "AIMLAPITextToSpeechTool": _MEDIA + "_speech",
    "AIMLAPIVideoGenerationTool": _MEDIA + "_video",
}

__all__ = [
    "AIMLAPIAPIConnectionError",
    "AIMLAPIAuthenticationError",
    "AIMLAPIBadGatewayError",
    "AIMLAPIContentPolicyError",
    "AIMLAPIContextOverflowError",
    "AIMLAPIEmbeddings",
    "AIMLAPIImageEditTool",
    "AIMLAPIImageGenerationTool",
    "AIMLAPIInternalError",
    "AIMLAPIInvalidRequestError",
    "AIMLAPIJobFailedError",
    "AIMLAPINotFoundError",
    "AIMLAPIOutOfCreditsError",
    "AIMLAPIPermissionDeniedError",
    "AIMLAPIRateLimitError",
    "AIMLAPIRequestTimeoutError",
    "AIMLAPIServerError",
    "AIMLAPIServiceUnavailableError",
    "AIMLAPISpeechToTextTool",
    "AIMLAPITextToSpeechTool",
    "AIMLAPIUnknownModelError",
    "AIMLAPIVideoGenerationTool",
    "ChatAIMLAPI",
]

if TYPE_CHECKING:
    from aiml_integrations.langchain._errors import (
        AIMLAPIAPIConnectionError,
        AIMLAPIAuthenticationError,
        AIMLAPIBadGatewayError,
        AIMLAPIContentPolicyError,
        AIMLAPIContextOverflowError,
        AIMLAPIInternalError,
        AIMLAPIInvalidRequestError,
        AIMLAPINotFoundError,
        AIMLAPIOutOfCreditsError,
        AIMLAPIPermissionDeniedError,
        AIMLAPIRateLimitError,
        AIMLAPIRequestTimeoutError,
        AIMLAPIServerError,
        AIMLAPIServiceUnavailableError,
        AIMLAPIUnknownModelError,
    )
    from aiml_integrations.langchain._media._image import AIMLAPIImageGenerationTool
    from aiml_integrations.langchain._media._image_edit import AIMLAPIImageEditTool
    from aiml_integrations.langchain._media._jobs import AIMLAPIJobFailedError
    from aiml_integrations.langchain._media._speech import (
        AIMLAPISpeechToTextTool,
        AIMLAPITextToSpeechTool,
    )
    from aiml_integrations.langchain._media._video import AIMLAPIVideoGenerationTool
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
