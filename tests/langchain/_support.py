"""Helpers shared by the LangChain adapter tests (``from ._support import ...``)."""

from __future__ import annotations

import os
from typing import Any

from aiml_integrations.langchain import AIMLAPIEmbeddings, ChatAIMLAPI
from aiml_integrations.testing import MockAIMLAPI

LIVE = os.environ.get("AIMLAPI_LIVE") == "1" and bool(
    os.environ.get("AIMLAPI_API_KEY") or os.environ.get("AIML_API_KEY")
)
CHAT_MODEL = "openai/gpt-4o"
BACKUP_MODEL = "gpt-4o-mini"
EMBEDDING_MODEL = "text-embedding-3-small"


def make_chat(mock: MockAIMLAPI, **kwargs: Any) -> ChatAIMLAPI:
    params: dict[str, Any] = {
        "model": CHAT_MODEL,
        "base_url": mock.base_url,
        "api_key": mock.api_key,
        **kwargs,
    }
    return ChatAIMLAPI(**params)


def make_embeddings(mock: MockAIMLAPI, **kwargs: Any) -> AIMLAPIEmbeddings:
    params: dict[str, Any] = {
        "model": EMBEDDING_MODEL,
        "base_url": mock.base_url,
        "api_key": mock.api_key,
        **kwargs,
    }
    return AIMLAPIEmbeddings(**params)
