"""langchain-litellm: ``ChatLiteLLM(model="aimlapi/...")`` with a bound tool.

``ChatLiteLLM`` re-raises LiteLLM's exceptions as they are (ours are LiteLLM-native) and
retries ``litellm.RateLimitError`` / ``APIError`` / ``Timeout`` / ``APIConnectionError`` with
tenacity up to ``max_retries`` attempts (1 by default = no retry; exponential wait, 4 s minimum,
Retry-After not read). Fallbacks are LangChain's ``with_fallbacks``.
"""

from __future__ import annotations

from typing import Any

import litellm
import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langchain_litellm import ChatLiteLLM

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

weather_tool = tool(get_weather)


def _chat(mock: MockAIMLAPI, *, model: str = MODEL, key: str = KEY_A, **kwargs: Any) -> ChatLiteLLM:
    return ChatLiteLLM(model=model, api_base=mock.base_url, api_key=key, **kwargs)


def _run_tool_loop(chat: Any, *, stream: bool = False) -> str:
    """The loop every LangChain agent runs: call, execute the tool calls, call again."""
    bound = chat.bind_tools([weather_tool])
    messages: list[BaseMessage] = [HumanMessage(TASK)]
    for _ in range(4):
        if stream:
            reply: Any = None
            for chunk in bound.stream(messages):
                reply = chunk if reply is None else reply + chunk
        else:
            reply = bound.invoke(messages)
        messages.append(reply)
        if not reply.tool_calls:
            return str(reply.content)
        for call in reply.tool_calls:
            result = weather_tool.invoke(call["args"])
            messages.append(ToolMessage(result, tool_call_id=call["id"]))
    raise AssertionError("the agent loop did not end")


def test_one_tool_run_reaches_the_final_answer(mock: MockAIMLAPI) -> None:
    assert TOOL_RESULT in _run_tool_loop(_chat(mock))
    calls = chats(mock)
    assert [r.status for r in calls] == [200, 200]
    assert not sends_tool_result(calls[0]) and sends_tool_result(calls[1])


def test_streamed_run_streams_from_aimlapi(mock: MockAIMLAPI) -> None:
    assert TOOL_RESULT in _run_tool_loop(_chat(mock, streaming=True), stream=True)
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
        _run_tool_loop(_chat(mock, max_retries=3))
    assert [r.status for r in chats(mock)] == [fault.status]


def test_rate_limit_is_retried_by_max_retries(mock: MockAIMLAPI) -> None:
    mock.inject(presets.rate_limited(1), times=1)
    assert TOOL_RESULT in _run_tool_loop(_chat(mock, max_retries=2))
    assert [r.status for r in chats(mock)] == [429, 200, 200]


def test_with_fallbacks_moves_to_a_second_key_and_model(mock: MockAIMLAPI) -> None:
    mock.inject(presets.OUT_OF_CREDITS, key=KEY_A)
    backup = _chat(mock, model=FALLBACK_MODEL, key=KEY_B)
    reply = _chat(mock).with_fallbacks([backup]).invoke("hi")
    assert isinstance(reply, AIMessage) and reply.content == "hi"
    assert trace(mock) == [(KEY_A, "openai/gpt-4o", 403), (KEY_B, "gpt-4o-mini", 200)]
