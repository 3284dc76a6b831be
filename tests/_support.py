"""Helpers for the tests that drive the catalog's preflight through the adapters.

Shared by ``tests/langchain/test_preflight.py``, ``tests/litellm/test_preflight.py`` and
``tests/test_preflight_in_both_adapters.py`` (``from tests._support import ...``).

``google/gemma-3-4b-it`` is the catalog's model with no system role and no
tools/structured output/reasoning; the mock enforces its role rule (a system message is a 400),
so a success proves the folded payload went out. A "fresh" catalog comes from a real
``sync_catalog`` against the mock into the test's ``$AIMLAPI_CACHE_DIR`` (fixture ``cache_dir``).
"""

from __future__ import annotations

import os

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

from typing import Any

import litellm
from langchain_core.messages import HumanMessage, SystemMessage

from aiml_integrations import AIMLAPIConfig
from aiml_integrations.catalog._sync import sync_catalog
from aiml_integrations.langchain import ChatAIMLAPI
from aiml_integrations.testing import MockAIMLAPI

MISTRAL = "google/gemma-3-4b-it"
CHAT = "/v1/chat/completions"
TOOL = {
    "type": "function",
    "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {}}},
}
SYSTEM_LC = [SystemMessage("Answer in French."), HumanMessage("hi")]
SYSTEM_LL = [{"role": "system", "content": "Answer in French."}, {"role": "user", "content": "hi"}]


def chat_requests(mock: MockAIMLAPI) -> list[Any]:
    return [r for r in mock.requests if r.path == CHAT]


def lc_model(mock: MockAIMLAPI, model: str = MISTRAL, **kwargs: Any) -> ChatAIMLAPI:
    settings: dict[str, Any] = {
        "model": model,
        "api_key": mock.api_key,
        "base_url": mock.base_url,
        "max_retries": 0,
        **kwargs,
    }
    return ChatAIMLAPI(**settings)


def ll_call(mock: MockAIMLAPI, model: str = MISTRAL, **kwargs: Any) -> Any:
    messages = kwargs.pop("messages", [{"role": "user", "content": "hi"}])
    return litellm.completion(
        model=f"aimlapi/{model}",
        messages=messages,
        api_key=mock.api_key,
        api_base=mock.base_url,
        num_retries=0,
        **kwargs,
    )


def sync_fresh_catalog(mock: MockAIMLAPI) -> None:
    config = AIMLAPIConfig.resolve(api_key=mock.api_key, base_url=mock.base_url, env={})
    sync_catalog(config)
    mock.clear_requests()


def assert_folded(sent: Any) -> None:
    messages = sent.json["messages"]
    assert [m["role"] for m in messages] == ["user"]
    assert messages[0]["content"] == "Answer in French.\n\nhi"
