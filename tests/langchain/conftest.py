"""Shared fixtures for the LangChain adapter tests.

The mock server is the pytest plugin's session mock (``aimlapi_mock`` resets it per test).
``fast_retries`` shrinks the adapter's backoff so retry tests take milliseconds, while
``Retry-After`` handling stays real.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from aiml_integrations.langchain import AIMLAPIEmbeddings, ChatAIMLAPI, _retry
from aiml_integrations.testing import MockAIMLAPI

LIVE = os.environ.get("AIMLAPI_LIVE") == "1" and bool(
    os.environ.get("AIMLAPI_API_KEY") or os.environ.get("AIML_API_KEY")
)
CHAT_MODEL = "openai/gpt-4o"
BACKUP_MODEL = "openai/gpt-4o-mini"
EMBEDDING_MODEL = "text-embedding-3-small"


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_retry, "INITIAL_DELAY", 0.001)
    monkeypatch.setattr(_retry, "MAX_DELAY", 0.002)


@pytest.fixture
def chat(aimlapi_mock: MockAIMLAPI, fast_retries: None) -> Iterator[ChatAIMLAPI]:
    yield ChatAIMLAPI(
        model=CHAT_MODEL, base_url=aimlapi_mock.base_url, api_key=aimlapi_mock.api_key
    )


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
