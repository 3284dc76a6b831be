"""The catalog, registered by ``register()``, is what LiteLLM's own machinery acts on.

Why these tests: without registration LiteLLM knows nothing about AI/ML API chat models (no
context windows, no prices, ``supports_function_calling`` false), so a Router can only learn
that a prompt is too long from a failed request. With it, ``enable_pre_call_checks`` filters
the too-small deployment *before* any request and goes straight to
``context_window_fallbacks``; ``completion_cost`` prices from the catalog.
"""

from __future__ import annotations

import litellm
import pytest

from aiml_integrations.catalog import default_catalog
from aiml_integrations.testing import MockAIMLAPI

# ~175k tokens by any tokenizer: over gpt-4o's 128k window, well under gpt-4.1's ~1M.
OVERLONG = [{"role": "user", "content": "word " * 175_000}]


def _router(mock: MockAIMLAPI) -> litellm.Router:
    common = {"api_base": mock.base_url, "api_key": mock.api_key}
    return litellm.Router(
        model_list=[
            {"model_name": "chat", "litellm_params": {"model": "aimlapi/openai/gpt-4o", **common}},
            {
                "model_name": "long",
                "litellm_params": {"model": "aimlapi/openai/gpt-4.1-2025-04-14", **common},
            },
        ],
        enable_pre_call_checks=True,
        context_window_fallbacks=[{"chat": ["long"]}],
        num_retries=0,
    )


def test_pre_call_checks_skip_the_small_model_without_a_request(mock: MockAIMLAPI) -> None:
    response = _router(mock).completion(model="chat", messages=OVERLONG)
    assert response.model.endswith("gpt-4.1-2025-04-14")
    models = [r.model for r in mock.requests_for(path="/v1/chat/completions")]
    assert models == ["openai/gpt-4.1-2025-04-14"], models  # gpt-4o was never asked


def test_a_prompt_that_fits_still_goes_to_the_primary(mock: MockAIMLAPI) -> None:
    response = _router(mock).completion(
        model="chat", messages=[{"role": "user", "content": "short"}]
    )
    assert "gpt-4.1" not in response.model
    assert [r.model for r in mock.requests_for(path="/v1/chat/completions")] == ["openai/gpt-4o"]


def test_capabilities_come_from_the_catalog() -> None:
    assert litellm.supports_function_calling("aimlapi/openai/gpt-4o") is True
    assert litellm.supports_vision("aimlapi/openai/gpt-4o") is True
    # gemma-3n-e4b-it: no tools and no system role, per its published request schema.
    assert litellm.supports_function_calling("aimlapi/google/gemma-3n-e4b-it") is False
    info = litellm.get_model_info("aimlapi/google/gemma-3n-e4b-it")
    gemma = default_catalog().get("google/gemma-3n-e4b-it")
    assert gemma is not None and info["max_input_tokens"] == gemma.context_length
    assert litellm.get_model_info("aimlapi/gpt-4o")["max_input_tokens"] == 128000  # an alias


def test_completion_cost_uses_catalog_prices() -> None:
    priced = [m for m in default_catalog().of_kind("chat") if m.input_price_per_mtok]
    if not priced:
        pytest.fail("the bundled catalog has no priced chat model")
    model = priced[0]
    prompt_cost, completion_cost = litellm.cost_per_token(
        model=f"aimlapi/{model.id}", prompt_tokens=1_000_000, completion_tokens=1_000_000
    )
    assert prompt_cost == pytest.approx(model.input_price_per_mtok)
    assert completion_cost == pytest.approx(model.output_price_per_mtok)
