"""langchain-tests standard integration suites against the real AI/ML API: opt-in.

Skipped unless ``AIMLAPI_LIVE=1`` and a key are set (marker ``live``); the same suites run
offline against the mock in ``tests/langchain/standard/test_mock.py``. ``enable_socket``: the
suite's socket guard (loopback only, ``pyproject.toml``) would otherwise block the real API.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_tests.integration_tests import (
    ChatModelIntegrationTests,
    EmbeddingsIntegrationTests,
)

from aiml_integrations.langchain import AIMLAPIEmbeddings, ChatAIMLAPI

from .._support import BACKUP_MODEL, CHAT_MODEL, EMBEDDING_MODEL, LIVE


@pytest.mark.live
@pytest.mark.enable_socket
@pytest.mark.skipif(not LIVE, reason="set AIMLAPI_LIVE=1 and AIMLAPI_API_KEY to run")
class TestChatAIMLAPILive(ChatModelIntegrationTests):
    @property
    def chat_model_class(self) -> type[BaseChatModel]:
        return ChatAIMLAPI

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": CHAT_MODEL}

    @property
    def model_override_value(self) -> str | None:
        return BACKUP_MODEL

    @property
    def supports_json_mode(self) -> bool:
        return True

    @property
    def supports_image_inputs(self) -> bool:
        return True


@pytest.mark.live
@pytest.mark.enable_socket
@pytest.mark.skipif(not LIVE, reason="set AIMLAPI_LIVE=1 and AIMLAPI_API_KEY to run")
class TestAIMLAPIEmbeddingsLive(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[AIMLAPIEmbeddings]:
        return AIMLAPIEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"model": EMBEDDING_MODEL}
