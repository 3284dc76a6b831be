"""langchain-tests standard suites, offline: the unit suites (no server) and the integration
suites against the mock. The same integration suites against the real API, opt-in, are in
``tests/langchain/live/test_standard.py`` (as partner packages keep ``unit_tests`` apart from
``integration_tests``).

Against the mock, a pass proves the wire round trip (tool calls, structured output, usage,
streaming, metadata), not a real model's judgement; tests that need the latter are xfailed
with the reason, never skipped silently.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_tests.integration_tests import (
    ChatModelIntegrationTests,
    EmbeddingsIntegrationTests,
)
from langchain_tests.unit_tests import ChatModelUnitTests, EmbeddingsUnitTests

from aiml_integrations.langchain import AIMLAPIEmbeddings, ChatAIMLAPI
from aiml_integrations.testing import MockAIMLAPI

from .._support import BACKUP_MODEL, CHAT_MODEL, EMBEDDING_MODEL


class TestChatAIMLAPIUnit(ChatModelUnitTests):
    @property
    def chat_model_class(self) -> type[BaseChatModel]:
        return ChatAIMLAPI

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": CHAT_MODEL, "api_key": "test-key"}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (
            {"AIMLAPI_API_KEY": "env-key", "AIMLAPI_BASE_URL": "https://example.invalid/v1"},
            {"model": CHAT_MODEL},
            {"api_key": "env-key"},
        )

    @pytest.mark.xfail(
        reason=(
            "langchain-tests 1.1.9 loads with allowed_objects='all', which only admits classes "
            "in langchain-core's first-party mapping; a third-party class cannot pass. The dump "
            "is still compared to the snapshot before the load; "
            "tests/langchain/test_chat_models.py round-trips with allowed_objects=[ChatAIMLAPI]."
        ),
        strict=True,
        raises=ValueError,
    )
    def test_serdes(self, model: BaseChatModel, snapshot: Any) -> None:
        super().test_serdes(model, snapshot)


class TestAIMLAPIEmbeddingsUnit(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[AIMLAPIEmbeddings]:
        return AIMLAPIEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"model": EMBEDDING_MODEL, "api_key": "test-key"}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return ({"AIML_API_KEY": "env-key"}, {"model": EMBEDDING_MODEL}, {"api_key": "env-key"})


class _MockBacked:
    """Points the standard suites at the session mock (reset around every test)."""

    mock: MockAIMLAPI

    @pytest.fixture(autouse=True)
    def _use_mock(self, aimlapi_mock: MockAIMLAPI) -> None:
        type(self).mock = aimlapi_mock

    def _connection(self) -> dict[str, Any]:
        return {"base_url": self.mock.base_url, "api_key": self.mock.api_key}


class TestChatAIMLAPIIntegration(_MockBacked, ChatModelIntegrationTests):
    @property
    def chat_model_class(self) -> type[BaseChatModel]:
        return ChatAIMLAPI

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": CHAT_MODEL, "max_retries": 0, **self._connection()}

    @property
    def model_override_value(self) -> str | None:
        return BACKUP_MODEL

    @property
    def supports_json_mode(self) -> bool:
        return True

    @property
    def supports_image_inputs(self) -> bool:
        return True

    @pytest.mark.xfail(reason="needs a real model: JSON keys are given only in prose (json_mode)")
    def test_json_mode(self, model: BaseChatModel) -> None:
        super().test_json_mode(model)

    @pytest.mark.xfail(
        reason="needs a real model: tool_choice=auto and the prompt never names the tool; "
        "the mock only calls tools that are forced or named"
    )
    @pytest.mark.parametrize("model", [{}, {"output_version": "v1"}], indirect=True)
    def test_agent_loop(self, model: BaseChatModel) -> None:
        super().test_agent_loop(model)

    @pytest.mark.xfail(
        reason="downloads an image from raw.githubusercontent.com; tests run without network "
        "(image parts are covered offline in tests/langchain/test_chat_models.py)"
    )
    def test_image_inputs(self, model: BaseChatModel) -> None:
        super().test_image_inputs(model)


class TestAIMLAPIEmbeddingsIntegration(_MockBacked, EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[AIMLAPIEmbeddings]:
        return AIMLAPIEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"model": EMBEDDING_MODEL, **self._connection()}
