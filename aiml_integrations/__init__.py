"""aiml-integrations: AI/ML API (aimlapi.com) as a first-class LiteLLM and LangChain provider.

Importing this package is deliberately cheap: it imports neither httpx, pydantic, LiteLLM nor
LangChain. The public names below are loaded on first access (PEP 562), so
``import aiml_integrations`` stays fast and a LangChain user never pays for LiteLLM.

- ``aiml_integrations.AIMLAPIConfig`` / ``Timeouts`` / ``AIMLAPIClient`` / ``APIResponse``:
  credentials, base URL, timeouts and the pooled httpx transport (private package ``_core``).
- ``aiml_integrations.errors``: the exception hierarchy (``AIMLAPIError`` and one subclass per
  error category), shared by both adapters.
- ``aiml_integrations.catalog``: model facts, ``preflight``.
- ``aiml_integrations.litellm``: the ``aimlapi/`` LiteLLM provider.
- ``aiml_integrations.langchain``: ``ChatAIMLAPI``, ``AIMLAPIEmbeddings`` and the media tools.
- ``aiml_integrations.testing``: an offline AI/ML API mock server with fault injection.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY: dict[str, tuple[str, str]] = {
    "AIMLAPIConfig": ("aiml_integrations._core.config", "AIMLAPIConfig"),
    "Timeouts": ("aiml_integrations._core.config", "Timeouts"),
    "AIMLAPIClient": ("aiml_integrations._core.transport", "AIMLAPIClient"),
    "APIResponse": ("aiml_integrations._core.transport", "APIResponse"),
}

__all__ = [
    "AIMLAPIClient",
    "AIMLAPIConfig",
    "APIResponse",
    "Timeouts",
    "__version__",
]

if TYPE_CHECKING:
    from aiml_integrations._core.config import AIMLAPIConfig, Timeouts
    from aiml_integrations._core.transport import AIMLAPIClient, APIResponse


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
