"""OpenAI Agents SDK: ``LitellmModel(model="aimlapi/...")`` in an ``Agent`` run by ``Runner``.

The SDK leaves retries to the model unless ``ModelSettings(retry=ModelRetrySettings(...))`` opts
into runner-managed ones, which decide from ``status_code`` and ``retry-after`` (ours are
LiteLLM's): a 429 is retried after Retry-After, 401 and out of credits (402) are not.
"""

from __future__ import annotations

from typing import Any

import litellm
import pytest
from agents import Agent, ModelSettings, Runner, function_tool
from agents.extensions.models.litellm_model import LitellmModel
from agents.retry import ModelRetrySettings, retry_policies

from aiml_integrations.testing import MockAIMLAPI, presets

from .._support import (
    FALLBACK_MODEL,
    KEY_A,
    KEY_B,
    MODEL,
    TASK,
    TOOL_RESULT,
    chats,
    get_weather,
    sends_tool_result,
    trace,
)

weather_tool = function_tool(get_weather)


def _agent(mock: MockAIMLAPI, *, key: str = KEY_A, settings: ModelSettings | None = None) -> Agent:
    model = LitellmModel(model=MODEL, base_url=mock.base_url, api_key=key)
    return Agent(
        name="weather",
        instructions="Answer with the tool's result.",
        tools=[weather_tool],
        model=model,
        model_settings=settings or ModelSettings(),
    )


async def test_one_tool_run_reaches_the_final_answer(mock: MockAIMLAPI) -> None:
    result = await Runner.run(_agent(mock), TASK)
    assert TOOL_RESULT in str(result.final_output)
    calls = chats(mock)
    assert [r.status for r in calls] == [200, 200]
    assert not sends_tool_result(calls[0]) and sends_tool_result(calls[1])


async def test_streamed_run_streams_from_aimlapi(mock: MockAIMLAPI) -> None:
    result = Runner.run_streamed(_agent(mock), TASK)
    deltas = [e async for e in result.stream_events() if e.type == "raw_response_event"]
    assert deltas
    assert TOOL_RESULT in str(result.final_output)
    assert [(r.stream, r.status) for r in chats(mock)] == [(True, 200), (True, 200)]


@pytest.mark.parametrize(
    ("fault", "native"),
    [
        (presets.OUT_OF_CREDITS, litellm.PaymentRequiredError),
        (presets.INVALID_API_KEY, litellm.AuthenticationError),
    ],
    ids=["out_of_credits", "401"],
)
async def test_non_retryable_errors_reach_aimlapi_once(
    mock: MockAIMLAPI, fault: Any, native: type[Exception]
) -> None:
    mock.inject(fault)
    retrying = ModelSettings(
        retry=ModelRetrySettings(max_retries=3, policy=retry_policies.provider_suggested())
    )
    with pytest.raises(native):
        await Runner.run(_agent(mock, settings=retrying), TASK)
    assert [r.status for r in chats(mock)] == [fault.status]


async def test_rate_limit_is_retried_by_the_runner_after_retry_after(mock: MockAIMLAPI) -> None:
    mock.inject(presets.rate_limited(1), times=1)
    retrying = ModelSettings(
        retry=ModelRetrySettings(max_retries=2, policy=retry_policies.provider_suggested())
    )
    result = await Runner.run(_agent(mock, settings=retrying), TASK)
    assert TOOL_RESULT in str(result.final_output)
    assert [r.status for r in chats(mock)] == [429, 200, 200]


async def test_rate_limit_without_retry_settings_surfaces_once(mock: MockAIMLAPI) -> None:
    mock.inject(presets.rate_limited(1))
    with pytest.raises(litellm.RateLimitError):
        await Runner.run(_agent(mock), TASK)
    assert [r.status for r in chats(mock)] == [429]


async def test_litellm_fallbacks_move_to_a_second_key_and_model(mock: MockAIMLAPI) -> None:
    """The SDK has no fallback of its own; LiteLLM's per-call ``fallbacks`` pass through it."""
    mock.inject(presets.OUT_OF_CREDITS, key=KEY_A)
    fallback = {"model": FALLBACK_MODEL, "api_key": KEY_B, "api_base": mock.base_url}
    settings = ModelSettings(extra_args={"fallbacks": [fallback]})
    result = await Runner.run(_agent(mock, settings=settings), TASK)
    assert TOOL_RESULT in str(result.final_output)
    seen = trace(mock)
    assert seen[0] == (KEY_A, "openai/gpt-4o", 403)
    assert seen[1] == (KEY_B, "gpt-4o-mini", 200)
