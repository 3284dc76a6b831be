"""Google ADK: ``google.adk.models.lite_llm.LiteLlm(model="aimlapi/...")`` in an ``LlmAgent``.

ADK has no retry or fallback of its own for ``LiteLlm``; extra ``LiteLlm(...)`` arguments go to
``litellm.acompletion``, so ``num_retries`` and ``fallbacks`` are LiteLLM's. Errors leave
``Runner.run_async`` as the LiteLLM-native type.
"""

from __future__ import annotations

import asyncio
from typing import Any

import litellm
import pytest
from google.adk.agents import LlmAgent
from google.adk.agents.run_config import RunConfig, StreamingMode
from google.adk.models.lite_llm import LiteLlm
from google.adk.runners import InMemoryRunner
from google.genai import types

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


def _run(mock: MockAIMLAPI, *, streaming: bool = False, **llm_kwargs: Any) -> str:
    model = LiteLlm(model=MODEL, api_base=mock.base_url, api_key=KEY_A, **llm_kwargs)
    agent = LlmAgent(
        name="weather",
        model=model,
        instruction="Answer with the tool's result.",
        tools=[get_weather],
    )
    runner = InMemoryRunner(agent=agent, app_name="weather")
    config = RunConfig(streaming_mode=StreamingMode.SSE if streaming else StreamingMode.NONE)

    async def go() -> str:
        session = await runner.session_service.create_session(app_name="weather", user_id="u")
        message = types.Content(role="user", parts=[types.Part(text=TASK)])
        texts: list[str] = []
        async for event in runner.run_async(
            user_id="u", session_id=session.id, new_message=message, run_config=config
        ):
            if event.is_final_response() and event.content and event.content.parts:
                texts.extend(p.text for p in event.content.parts if p.text)
        await runner.close()
        return "".join(texts)

    return asyncio.run(go())


def test_one_tool_run_reaches_the_final_answer(mock: MockAIMLAPI) -> None:
    assert TOOL_RESULT in _run(mock)
    calls = chats(mock)
    assert [r.status for r in calls] == [200, 200]
    assert not sends_tool_result(calls[0]) and sends_tool_result(calls[1])


def test_streamed_run_streams_from_aimlapi(mock: MockAIMLAPI) -> None:
    assert TOOL_RESULT in _run(mock, streaming=True)
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
    with pytest.raises(native):
        _run(mock)
    assert [r.status for r in chats(mock)] == [fault.status]


def test_rate_limit_is_retried_by_litellm_num_retries(mock: MockAIMLAPI) -> None:
    mock.inject(presets.rate_limited(1), times=1)
    assert TOOL_RESULT in _run(mock, num_retries=2)
    assert [r.status for r in chats(mock)] == [429, 200, 200]


def test_litellm_fallbacks_move_to_a_second_key_and_model(mock: MockAIMLAPI) -> None:
    mock.inject(presets.OUT_OF_CREDITS, key=KEY_A)
    fallback = {"model": FALLBACK_MODEL, "api_key": KEY_B, "api_base": mock.base_url}
    assert TOOL_RESULT in _run(mock, fallbacks=[fallback])
    assert trace(mock)[:2] == [(KEY_A, "openai/gpt-4o", 403), (KEY_B, "gpt-4o-mini", 200)]
