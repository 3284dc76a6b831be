"""AI/ML API for LangChain: ``ChatAIMLAPI``, ``AIMLAPIEmbeddings`` and native exceptions.

Every failure is raised as a class that is both a ``langchain_core.exceptions`` type
(``ModelRateLimitError``, ``ContextOverflowError``, ...) and the matching
``aiml_integrations.errors`` type, so LangChain's retry/fallback machinery and
``except aiml_integrations.errors.RateLimitError`` both work. This package never imports the
openai SDK or LiteLLM.
"""

from __future__ import annotations

from aiml_integrations.langchain._errors import (
    AIMLAPIAuthenticationError,
    AIMLAPIBadGatewayError,
    AIMLAPIConnectionError,
    AIMLAPIContentPolicyError,
    AIMLAPIContextOverflowError,
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

__all__ = [
    "AIMLAPIAuthenticationError",
    "AIMLAPIBadGatewayError",
    "AIMLAPIConnectionError",
    "AIMLAPIContentPolicyError",
    "AIMLAPIContextOverflowError",
    "AIMLAPIEmbeddings",
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
