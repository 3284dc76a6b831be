"""smolagents: ``LiteLLMModel(model_id="aimlapi/...")`` in a ``ToolCallingAgent``.

smolagents sends tool calls and results as text (``Calling tools: ...`` / ``Observation: ...``)
and requires a tool call every step, so the run ends with its ``final_answer`` tool. Its own
rate-limit retry matches ``"429"`` in the error text and waits 60 s, 120 s ... (it ignores
Retry-After); ``retry=False`` plus LiteLLM's ``num_retries`` retries after Retry-After instead.
"""

from __future__ import annotations

from typing import Any

import litellm
import pytest
from smolagents import LiteLLMModel, LiteLLMRouterModel, ToolCallingAgent, tool

from aiml_integrations.testing import MockAIMLAPI, presets

from .._support import (
    FALLBACK_MODEL,
    KEY_A,
    KEY_B,
    MODEL,
    TASK,
    TOOL_RESULT,
    chats,
    messages_of,
    sends_tool_result,
    text_of,
    trace,
)


@tool
def get_weather(city: str) -> str:
    """The weather for a city.

    Args:
        city: the city's name
    """
    return f"sunny in {city}"


def _agent(model: Any, **kwargs: Any) -> ToolCallingAgent:
    return ToolCallingAgent(
        tools=[get_weather], model=model, max_steps=4, verbosity_level=0, **kwargs
    )


def _model(mock: MockAIMLAPI, **kwargs: Any) -> LiteLLMModel:
    return LiteLLMModel(model_id=MODEL, api_base=mock.base_url, api_key=KEY_A, **kwargs)


def test_one_tool_run_reaches_the_final_answer(mock: MockAIMLAPI) -> None:
    answer = _agent(_model(mock)).run(TASK)
    assert answer == TOOL_RESULT
    calls = chats(mock)
    assert [r.status for r in calls] == [200, 200]  # get_weather, then final_answer: no loop
    assert not sends_tool_result(calls[0]) and sends_tool_result(calls[1])
    assert any(
        "get_weather" in text_of(m) for m in messages_of(calls[1]) if m["role"] == "assistant"
    )


def test_streamed_run_streams_from_aimlapi(mock: MockAIMLAPI) -> None:
    events = list(_agent(_model(mock), stream_outputs=True).run(TASK, stream=True))
    assert events
    assert [(r.stream, r.status) for r in chats(mock)] == [(True, 200), (True, 200)]


@pytest.mark.parametrize(
    ("fault", "native"),
    [
        (presets.OUT_OF_CREDITS, litellm.PaymentRequiredError),
        (presets.INVALID_API_KEY, litellm.AuthenticationError),
    ],
    ids=["out_of_credits", "401"],
)
def test_non_retryable_errors_reach_aimlapi_once(
    mock: MockAIMLAPI, fault: Any, native: type[Exception]
) -> None:
    mock.inject(fault)
    agent = _agent(_model(mock))
    with pytest.raises(Exception) as caught:
        agent.run(TASK)
    # smolagents wraps a model failure in AgentGenerationError, raised from the native error.
    assert isinstance(caught.value.__cause__, native)
    assert [r.status for r in chats(mock)] == [fault.status]


def test_rate_limit_is_retried_after_retry_after_by_litellm(mock: MockAIMLAPI) -> None:
    mock.inject(presets.rate_limited(1), times=1)
    answer = _agent(_model(mock, retry=False, num_retries=2)).run(TASK)
    assert answer == TOOL_RESULT
    assert [r.status for r in chats(mock)] == [429, 200, 200]


def _router_model(mock: MockAIMLAPI, **kwargs: Any) -> LiteLLMRouterModel:
    deployments = [
        {"model_name": "chat", "litellm_params": {"model": MODEL, "api_key": KEY_A}},
        {"model_name": "backup", "litellm_params": {"model": FALLBACK_MODEL, "api_key": KEY_B}},
    ]
    for deployment in deployments:
        deployment["litellm_params"]["api_base"] = mock.base_url
    return LiteLLMRouterModel(
        model_id="chat",
        model_list=deployments,
        client_kwargs={"fallbacks": [{"chat": ["backup"]}], "num_retries": 0},
        **kwargs,
    )


def test_router_model_overrides_deployment_keys_with_none(mock: MockAIMLAPI) -> None:
    """Pitfall: LiteLLMRouterModel passes ``api_key=None`` and ``api_base=None`` per call, which
    win over the deployment's own; with no key anywhere that is a local AuthenticationError,
    nothing sent."""
    with pytest.raises(Exception) as caught:
        _agent(_router_model(mock)).run(TASK)
    assert isinstance(caught.value.__cause__, litellm.AuthenticationError)
    assert chats(mock) == []


def test_router_fallback_moves_to_a_second_model(mock: MockAIMLAPI) -> None:
    """The Router's ``fallbacks`` work once ``api_key``/``api_base`` are given to the model; that
    key then serves every deployment (per-deployment keys are overridden, see above)."""
    mock.inject(presets.SERVICE_UNAVAILABLE, model="openai/gpt-4o")
    model = _router_model(mock, api_key=KEY_A, api_base=mock.base_url)
    answer = _agent(model).run(TASK)
    assert answer == TOOL_RESULT
    seen = trace(mock)
    assert seen[0] == (KEY_A, "openai/gpt-4o", 503)
    assert seen[1] == (KEY_A, "gpt-4o-mini", 200)
    assert KEY_B not in {key for key, _, _ in seen}
