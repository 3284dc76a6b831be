"""CrewAI: ``crewai.LLM(model="aimlapi/...")`` in an ``Agent`` / ``Task`` / ``Crew``.

CrewAI retries a failed task ``max_retry_limit`` times (2 by default) unless the error's class
comes from a module named ``litellm...``; ours report ``litellm.aimlapi``, so a 401 or an
out-of-credits key reaches AI/ML API once per crew, as with LiteLLM's built-in providers. A 429
is retried by CrewAI's own LLM-level rate-limit retry (3 attempts, waiting Retry-After), and only
that: 3 requests for a lasting 429, not 3 x 3. Fallbacks belong to LiteLLM:
``LLM(..., fallbacks=[...])`` is passed through to ``litellm.completion``.
"""

from __future__ import annotations

from typing import Any

import litellm
import pytest
from crewai import LLM, Agent, Crew, Task
from crewai.tools import tool

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

weather_tool = tool("get_weather")(get_weather)


def _crew(mock: MockAIMLAPI, **llm_kwargs: Any) -> Crew:
    llm = LLM(model=MODEL, base_url=mock.base_url, api_key=KEY_A, **llm_kwargs)
    agent = Agent(
        role="weather reporter",
        goal="report the weather",
        backstory="You report what the weather tool says.",
        llm=llm,
        tools=[weather_tool],
        verbose=False,
    )
    task = Task(description=TASK, expected_output="the weather", agent=agent)
    return Crew(agents=[agent], tasks=[task], verbose=False)


def test_one_tool_crew_reaches_the_final_answer(mock: MockAIMLAPI) -> None:
    result = _crew(mock).kickoff()
    assert TOOL_RESULT in result.raw
    calls = chats(mock)
    assert [r.status for r in calls] == [200, 200]
    assert not sends_tool_result(calls[0]) and sends_tool_result(calls[1])


def test_streaming_crew_streams_from_aimlapi(mock: MockAIMLAPI) -> None:
    result = _crew(mock, stream=True).kickoff()
    assert TOOL_RESULT in result.raw
    assert [(r.stream, r.status) for r in chats(mock)] == [(True, 200), (True, 200)]


@pytest.mark.parametrize(
    ("fault", "native"),
    [
        (presets.OUT_OF_CREDITS, litellm.PaymentRequiredError),
        (presets.INVALID_API_KEY, litellm.AuthenticationError),
    ],
    ids=["out_of_credits", "401"],
)
def test_errors_reach_aimlapi_once_not_once_per_task_retry(
    mock: MockAIMLAPI, fault: Any, native: type[Exception]
) -> None:
    mock.inject(fault)
    with pytest.raises(native):
        _crew(mock).kickoff()
    assert [r.status for r in chats(mock)] == [fault.status]


def test_rate_limit_is_retried_by_crewai_after_retry_after(mock: MockAIMLAPI) -> None:
    mock.inject(presets.rate_limited(1), times=1)
    result = _crew(mock).kickoff()
    assert TOOL_RESULT in result.raw
    assert [r.status for r in chats(mock)] == [429, 200, 200]


def test_lasting_rate_limit_is_tried_three_times_not_nine(mock: MockAIMLAPI) -> None:
    mock.inject(presets.rate_limited(1))
    with pytest.raises(litellm.RateLimitError):
        _crew(mock).kickoff()
    assert [r.status for r in chats(mock)] == [429, 429, 429]


def test_litellm_fallbacks_move_to_a_second_key_and_model(mock: MockAIMLAPI) -> None:
    mock.inject(presets.OUT_OF_CREDITS, key=KEY_A)
    fallback = {"model": FALLBACK_MODEL, "api_key": KEY_B, "api_base": mock.base_url}
    result = _crew(mock, fallbacks=[fallback]).kickoff()
    assert TOOL_RESULT in result.raw
    seen = trace(mock)
    assert seen[:2] == [(KEY_A, "openai/gpt-4o", 403), (KEY_B, "gpt-4o-mini", 200)]
