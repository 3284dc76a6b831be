"""LangChain 1.x ``create_agent`` on ``ChatAIMLAPI``, with its retry and fallback middleware.

What a LangChain agent author controls, varied here: invoke / ainvoke / stream / astream;
retries by ``ModelRetryMiddleware`` or by the model's own ``max_retries`` (one layer at a time,
so a lasting 429 costs a bounded, countable number of requests); ``ModelFallbackMiddleware`` to
a second key or a second model. Every claim is read back from the mock's request log.
"""

from __future__ import annotations

from typing import Any, Literal

import pytest
from langchain.agents import create_agent
from langchain.agents.middleware import ModelFallbackMiddleware, ModelRetryMiddleware
from langchain_core.exceptions import ModelAuthenticationError, ModelPermissionDeniedError
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage

from aiml_integrations.langchain import (
    AIMLAPIAuthenticationError,
    AIMLAPIOutOfCreditsError,
    AIMLAPIRateLimitError,
)
from aiml_integrations.testing import Fault, MockAIMLAPI, presets

from ._support import (
    BACKUP_MODEL,
    CHAT_MODEL,
    agent_input,
    assert_one_tool_loop,
    chat_requests,
    get_weather,
    make_chat,
    statuses,
)

TOOLS = [get_weather]
Mode = Literal["invoke", "ainvoke", "stream", "astream"]


def _retry(max_retries: int = 2) -> ModelRetryMiddleware:
    """The documented setup (default ``retry_on`` reads ``is_retryable``), with short waits."""
    return ModelRetryMiddleware(
        max_retries=max_retries,
        initial_delay=0.001,
        max_delay=0.002,
        jitter=False,
        on_failure="error",
    )


async def _run(agent: Any, mode: Mode) -> list[BaseMessage]:
    """Run the agent the way the test asks; the final message list."""
    if mode == "invoke":
        return list(agent.invoke(agent_input())["messages"])
    if mode == "ainvoke":
        return list((await agent.ainvoke(agent_input()))["messages"])
    final: dict[str, Any] = {}
    if mode == "stream":
        for _, value in agent.stream(agent_input(), stream_mode=["messages", "values"]):
            final = value if isinstance(value, dict) else final
    else:
        async for _, value in agent.astream(agent_input(), stream_mode=["messages", "values"]):
            final = value if isinstance(value, dict) else final
    return list(final["messages"])


# -- the agent loop --------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["invoke", "ainvoke", "stream", "astream"])
async def test_agent_reaches_final_answer(aimlapi_mock: MockAIMLAPI, mode: Mode) -> None:
    agent = create_agent(make_chat(aimlapi_mock), TOOLS, middleware=[_retry()])
    messages = await _run(agent, mode)
    requests = chat_requests(aimlapi_mock)
    assert_one_tool_loop(messages, requests)
    assert [r.stream for r in requests] == [mode in ("stream", "astream")] * 2


async def test_astream_messages_yields_tokens(aimlapi_mock: MockAIMLAPI) -> None:
    agent = create_agent(make_chat(aimlapi_mock), TOOLS)
    chunks = [
        message
        async for message, _ in agent.astream(agent_input(), stream_mode="messages")
        if isinstance(message, AIMessageChunk)
    ]
    names = [c["name"] for chunk in chunks for c in chunk.tool_call_chunks if c["name"]]
    assert names == ["get_weather"]
    text_chunks = [str(c.content) for c in chunks if c.content]
    assert "".join(text_chunks).startswith("get_weather returned: sunny in ")
    assert len(text_chunks) > 1
    assert [r.stream for r in chat_requests(aimlapi_mock)] == [True, True]


# -- errors that must not be retried -----------------------------------------------------------


@pytest.mark.parametrize("mode", ["invoke", "ainvoke", "stream", "astream"])
@pytest.mark.parametrize(
    ("fault", "native", "ours", "status"),
    [
        (presets.OUT_OF_CREDITS, ModelPermissionDeniedError, AIMLAPIOutOfCreditsError, 403),
        (presets.INVALID_API_KEY, ModelAuthenticationError, AIMLAPIAuthenticationError, 401),
    ],
    ids=["out-of-credits", "401"],
)
async def test_permanent_errors_reach_aimlapi_once(
    aimlapi_mock: MockAIMLAPI,
    mode: Mode,
    fault: Fault,
    native: type[Exception],
    ours: type[Exception],
    status: int,
) -> None:
    """Both retry layers switched on (middleware and ``max_retries=2``): still one request."""
    aimlapi_mock.inject(fault)
    agent = create_agent(make_chat(aimlapi_mock, max_retries=2), TOOLS, middleware=[_retry()])
    with pytest.raises(native) as caught:
        await _run(agent, mode)
    assert isinstance(caught.value, ours)
    assert statuses(aimlapi_mock) == [status]


# -- 429 -----------------------------------------------------------------------------------------


def test_retry_middleware_recovers_mid_loop(aimlapi_mock: MockAIMLAPI) -> None:
    agent = create_agent(make_chat(aimlapi_mock), TOOLS, middleware=[_retry()])
    aimlapi_mock.inject(presets.rate_limited(retry_after=1), times=1)
    messages = agent.invoke(agent_input())["messages"]
    assert_one_tool_loop(messages, [r for r in chat_requests(aimlapi_mock) if r.status == 200])
    assert statuses(aimlapi_mock) == [429, 200, 200]


def test_retry_middleware_alone_is_bounded(aimlapi_mock: MockAIMLAPI) -> None:
    """A lasting 429: 1 + max_retries requests, because the model itself does not retry."""
    aimlapi_mock.inject(presets.rate_limited(retry_after=1))
    agent = create_agent(make_chat(aimlapi_mock), TOOLS, middleware=[_retry(max_retries=2)])
    with pytest.raises(AIMLAPIRateLimitError):
        agent.invoke(agent_input())
    assert statuses(aimlapi_mock) == [429, 429, 429]


def test_model_max_retries_alone_honours_retry_after(aimlapi_mock: MockAIMLAPI) -> None:
    """No middleware: ``ChatAIMLAPI(max_retries=2)`` waits out ``Retry-After`` and finishes."""
    aimlapi_mock.inject(presets.rate_limited(retry_after=1), times=1)
    agent = create_agent(make_chat(aimlapi_mock, max_retries=2), TOOLS)
    messages = agent.invoke(agent_input())["messages"]
    assert messages[-1].content.startswith("get_weather returned: ")
    assert statuses(aimlapi_mock) == [429, 200, 200]


# -- fallbacks -----------------------------------------------------------------------------------


def test_fallback_middleware_moves_to_a_second_key(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.add_key("key-backup")
    aimlapi_mock.inject(presets.OUT_OF_CREDITS, key=aimlapi_mock.api_key)
    backup = make_chat(aimlapi_mock, api_key="key-backup")
    agent = create_agent(
        make_chat(aimlapi_mock), TOOLS, middleware=[ModelFallbackMiddleware(backup), _retry()]
    )
    messages = agent.invoke(agent_input())["messages"]
    assert_one_tool_loop(messages, chat_requests(aimlapi_mock, key="key-backup"))
    # Out of credits is not retried; every model turn tries the primary key once, then falls back.
    assert [(r.key, r.status) for r in chat_requests(aimlapi_mock)] == [
        (aimlapi_mock.api_key, 403),
        ("key-backup", 200),
        (aimlapi_mock.api_key, 403),
        ("key-backup", 200),
    ]


def test_fallback_after_retries_to_a_second_model(aimlapi_mock: MockAIMLAPI) -> None:
    """Fallback outermost, retry inside with ``on_failure="error"``: 3 primary tries per turn."""
    aimlapi_mock.inject(presets.SERVICE_UNAVAILABLE, model=CHAT_MODEL)
    backup = make_chat(aimlapi_mock, model=BACKUP_MODEL)
    agent = create_agent(
        make_chat(aimlapi_mock), TOOLS, middleware=[ModelFallbackMiddleware(backup), _retry()]
    )
    messages = agent.invoke(agent_input())["messages"]
    assert_one_tool_loop(messages, chat_requests(aimlapi_mock, model=BACKUP_MODEL))
    assert isinstance(messages[-1], AIMessage)
    assert messages[-1].response_metadata["model_name"] == BACKUP_MODEL
    assert statuses(aimlapi_mock, model=CHAT_MODEL) == [503] * 6  # 2 turns x (1 + 2 retries)
