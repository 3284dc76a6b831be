"""aiml-integrations: AI/ML API (aimlapi.com) as a first-class LiteLLM and LangChain provider.

Importing this package is deliberately cheap: it imports neither httpx, pydantic, LiteLLM nor
LangChain. The public names below are loaded on first access (PEP 562), so
``import aiml_integrations`` stays fast and a LangChain user never pays for LiteLLM.

- ``aiml_integrations.errors``: the exception hierarchy (``AIMLAPIError`` and one subclass per
  error category), shared by both adapters.
- ``aiml_integrations.AIMLAPIConfig`` / ``AIMLAPIClient``: credentials, base URL, timeouts and
  the pooled httpx transport.
- ``aiml_integrations.litellm``: the ``aimlapi/`` LiteLLM provider.
- ``aiml_integrations.langchain``: ``ChatAIMLAPI`` and ``AIMLAPIEmbeddings``.
- ``aiml_integrations.testing``: an offline AI/ML API mock server with fault injection.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY: dict[str, tuple[str, str]] = {
    "AIMLAPIConfig": ("aiml_integrations.config", "AIMLAPIConfig"),
    "Timeouts": ("aiml_integrations.config", "Timeouts"),
    "AIMLAPIClient": ("aiml_integrations.transport", "AIMLAPIClient"),
    "APIResponse": ("aiml_integrations.transport", "APIResponse"),
    "AIMLAPIError": ("aiml_integrations.errors", "AIMLAPIError"),
    "ErrorCategory": ("aiml_integrations.errors", "ErrorCategory"),
    "Catalog": ("aiml_integrations.catalog", "Catalog"),
    "ModelInfo": ("aiml_integrations.catalog", "ModelInfo"),
    "default_catalog": ("aiml_integrations.catalog", "default_catalog"),
}

__all__ = [
    "AIMLAPIClient",
    "AIMLAPIConfig",
    "AIMLAPIError",
    "APIResponse",
    "Catalog",
    "ErrorCategory",
    "ModelInfo",
    "Timeouts",
    "__version__",
    "default_catalog",
]

if TYPE_CHECKING:
    from aiml_integrations.catalog import Catalog, ModelInfo, default_catalog
    from aiml_integrations.config import AIMLAPIConfig, Timeouts
    from aiml_integrations.errors import AIMLAPIError, ErrorCategory
    from aiml_integrations.transport import AIMLAPIClient, APIResponse


def __getattr__(name: str) -> Any:
    try:
        module_name, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'aiml_integrations' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module_name), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
