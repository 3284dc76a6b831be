"""Registration that survives what users do: short-lived catalogs, a replaced cost map,
unpriced models in a cost-routed group, and deprecated ids.
"""

from __future__ import annotations

import asyncio
from typing import Any

import litellm
import pytest

from aiml_integrations.catalog import Catalog, ModelInfo, default_catalog
from aiml_integrations.litellm import AIMLAPIUnknownModelError, register
from aiml_integrations.testing import MockAIMLAPI

PRICED = "o3-mini"  # AI/ML API's models.dev data gives its token rates
UNPRICED = "openai/gpt-4o"  # no published price: unknown
MESSAGES = [{"role": "user", "content": "hi"}]


def _one(name: str) -> Catalog:
    return Catalog([ModelInfo(id=name, kind="chat", context_length=1000 + len(name))])


def test_every_short_lived_catalog_is_registered() -> None:
    # Catalogs built and dropped in a loop reuse memory (and ``id()``) — each must register.
    ids = set()
    for i in range(50):
        catalog = _one(f"loop/model-{i}")
        ids.add(id(catalog))
        register(catalog=catalog)
        del catalog  # freed here (no cycles): the next one may get the same id()
    assert len(ids) < 50  # the situation that fooled an id()-keyed guard did occur
    missing = [i for i in range(50) if f"aimlapi/loop/model-{i}" not in litellm.model_cost]
    assert missing == []


def test_register_puts_entries_back_after_the_cost_map_was_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    register()
    assert "aimlapi/gpt-4o" in litellm.model_cost
    # What a price-map reload (or a user) does: a new dict without our entries.
    monkeypatch.setattr(
        litellm,
        "model_cost",
        {k: v for k, v in litellm.model_cost.items() if not k.startswith("aimlapi/")},
    )
    assert "aimlapi/gpt-4o" not in litellm.model_cost
    register()
    assert litellm.model_cost["aimlapi/gpt-4o"]["max_input_tokens"] == 128000
    assert litellm.get_model_info("aimlapi/o3-mini")["max_input_tokens"] == 200000


def _cost_fields(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v for k, v in entry.items() if k in ("input_cost_per_token", "output_cost_per_token")
    }


def test_unpriced_model_has_no_cost_fields_priced_one_has_the_rate() -> None:
    register()
    assert _cost_fields(litellm.model_cost[f"aimlapi/{UNPRICED}"]) in ({}, {
        "input_cost_per_token": None, "output_cost_per_token": None,
    })  # fmt: skip
    priced = litellm.model_cost[f"aimlapi/{PRICED}"]
    assert priced["input_cost_per_token"] == pytest.approx(1.43e-6)
    assert priced["output_cost_per_token"] == pytest.approx(5.72e-6)
    # nothing of OpenAI's own gpt-4o entry leaks in under our name
    assert litellm.model_cost[f"aimlapi/{UNPRICED}"]["litellm_provider"] == "aimlapi"


@pytest.mark.parametrize("order", ["priced_first", "unpriced_first"])
def test_cost_based_routing_prefers_the_priced_model(mock: MockAIMLAPI, order: str) -> None:
    # An unpriced deployment must not look free: LiteLLM's lowest-cost strategy treats a
    # model without cost fields as expensive, and one with 0 as the cheapest.
    register()
    common = {"api_base": mock.base_url, "api_key": mock.api_key}
    names = [PRICED, UNPRICED] if order == "priced_first" else [UNPRICED, PRICED]
    router = litellm.Router(
        model_list=[
            {"model_name": "g", "litellm_params": {"model": f"aimlapi/{n}", **common}}
            for n in names
        ],
        routing_strategy="cost-based-routing",
        num_retries=0,
    )

    async def calls() -> None:
        for _ in range(4):
            await router.acompletion(model="g", messages=MESSAGES)

    asyncio.run(calls())
    hits = [r.model for r in mock.requests_for(path="/v1/chat/completions")]
    assert hits == [PRICED] * 4, hits


def test_deprecated_ids_are_not_registered_and_litellm_says_deprecated(
    mock: MockAIMLAPI,
) -> None:
    register()
    deprecated = default_catalog().get("o1-mini")
    assert deprecated is not None and deprecated.deprecated
    assert "aimlapi/o1-mini" not in litellm.model_cost
    with pytest.raises(AIMLAPIUnknownModelError, match="deprecated"):
        litellm.completion(
            model="aimlapi/o1-mini",
            messages=MESSAGES,
            api_base=mock.base_url,
            api_key=mock.api_key,
            num_retries=0,
        )
    assert mock.requests_for(path="/v1/chat/completions") == []  # stopped before sending
