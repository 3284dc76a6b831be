"""``register()``: idempotent, non-clobbering, and LiteLLM knows the catalog's models."""

from __future__ import annotations

import litellm
import pytest
from litellm import CustomLLM

from aiml_integrations.catalog import ModelInfo, default_catalog
from aiml_integrations.litellm import (
    PROVIDER,
    AIMLAPIProvider,
    model_cost_entries,
    model_cost_entry,
    register,
)
from aiml_integrations.litellm.proxy import handler


def _aimlapi_entries() -> list[dict[str, object]]:
    return [e for e in litellm.custom_provider_map if e.get("provider") == "aimlapi"]


def test_register_is_idempotent_and_keeps_other_providers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other = {"provider": "someone-else", "custom_handler": CustomLLM()}
    monkeypatch.setattr(litellm, "custom_provider_map", [other])
    assert register() is handler
    register()
    register()
    assert litellm.custom_provider_map[0] is other
    assert len(_aimlapi_entries()) == 1
    assert _aimlapi_entries()[0]["custom_handler"] is handler
    assert isinstance(handler, AIMLAPIProvider)
    assert PROVIDER == "aimlapi"


def test_register_leaves_an_existing_aimlapi_entry_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    mine = AIMLAPIProvider()
    monkeypatch.setattr(
        litellm, "custom_provider_map", [{"provider": "aimlapi", "custom_handler": mine}]
    )
    register()
    assert litellm.custom_provider_map == [{"provider": "aimlapi", "custom_handler": mine}]


def test_model_info_from_catalog() -> None:
    info = litellm.get_model_info("aimlapi/openai/gpt-4o")
    gpt4o = default_catalog().get("openai/gpt-4o")
    assert gpt4o is not None
    assert info["litellm_provider"] == "aimlapi"
    assert info["mode"] == "chat"
    assert info["max_input_tokens"] == gpt4o.context_length
    assert info["max_output_tokens"] == gpt4o.max_output
    assert litellm.supports_function_calling("aimlapi/openai/gpt-4o") is True
    assert litellm.supports_vision("aimlapi/openai/gpt-4o") is True
    assert litellm.supports_reasoning("aimlapi/deepseek/deepseek-v4-flash") is True
    assert litellm.get_model_info("aimlapi/gpt-4o")["max_input_tokens"] == 128000  # alias


def test_embedding_and_image_models_registered_video_not() -> None:
    assert litellm.get_model_info("aimlapi/text-embedding-3-small")["mode"] == "embedding"
    assert litellm.get_model_info("aimlapi/flux-pro/v1.1")["mode"] == "image_generation"
    entries = model_cost_entries(default_catalog())
    assert "aimlapi/google/veo-3.1-t2v" not in entries
    assert "aimlapi/openai/gpt-image-1" in entries
    assert "aimlapi/dall-e-3" not in entries  # deprecated: LiteLLM must not route to it


def test_entries_are_data_driven_from_model_info() -> None:
    model = ModelInfo(
        id="acme/new-model",
        kind="chat",
        aliases=("new-model",),
        context_length=32000,
        max_output=2000,
        capabilities={"tools": False, "vision": True},
        pricing={  # AI/ML API's /v1/models shape, as the catalog keeps it
            "kind": "fixed",
            "currency": "USD",
            "units": [
                {"name": "token", "measure": "input", "price": 1.0, "per": 1_000_000},
                {"name": "token", "measure": "output", "price": 2.0, "per": 1_000_000},
            ],
        },
    )
    entry = model_cost_entry(model)
    assert entry == {
        "litellm_provider": "aimlapi",
        "mode": "chat",
        "max_input_tokens": 32000,
        "max_output_tokens": 2000,
        "max_tokens": 2000,
        "supports_function_calling": False,
        "supports_tool_choice": False,
        "supports_vision": True,
        "input_cost_per_token": 1e-6,
        "output_cost_per_token": 2e-6,
    }
    assert set(model_cost_entries([model])) == {"aimlapi/acme/new-model", "aimlapi/new-model"}


def test_registered_prices_drive_cost_when_nothing_was_billed(
    aimlapi_mock: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ``usd_spent`` from AI/ML API, LiteLLM prices the call from the registered model."""
    from aiml_integrations.testing import MockAIMLAPI

    assert isinstance(aimlapi_mock, MockAIMLAPI)
    litellm.register_model(
        {
            "aimlapi/gpt-4o-mini-2024-07-18": {  # an alias no other test uses
                **(model_cost_entry(default_catalog().get("gpt-4o-mini")) or {}),  # type: ignore[arg-type]
                "input_cost_per_token": 1e-3,
                "output_cost_per_token": 2e-3,
            }
        },
        persist_across_reloads=False,
    )
    monkeypatch.setattr(
        "aiml_integrations.litellm._response._hidden",
        lambda api: {"aimlapi_request_id": api.request_id},
    )
    monkeypatch.setattr("aiml_integrations.litellm._response._bill_usage", lambda data, api: None)
    response = litellm.completion(
        model="aimlapi/gpt-4o-mini-2024-07-18",
        messages=[{"role": "user", "content": "hi"}],
        api_key=aimlapi_mock.api_key,
        api_base=aimlapi_mock.base_url,
    )
    expected = response.usage.prompt_tokens * 1e-3 + response.usage.completion_tokens * 2e-3
    assert response._hidden_params["response_cost"] == pytest.approx(expected)
