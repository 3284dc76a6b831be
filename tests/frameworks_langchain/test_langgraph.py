"""LangGraph on ``ChatAIMLAPI``: ``create_react_agent`` and a hand-built graph against the mock.

What a LangGraph user controls, varied here: invoke / ainvoke / ``stream_mode="messages"``;
retries by the model's ``max_retries``, by ``Runnable.with_retry`` on the bound model, or by a
graph node's ``RetryPolicy``; fallbacks with ``with_fallbacks`` to a second key or model. Every
claim is read back from the mock's request log (how many requests, which key, which model).
"""

from __future__ import annotations

import json
from typing import Any, Literal

import pytest
from langchain_core.exceptions import (
    ModelAPIError,
    ModelAuthenticationError,
    ModelConnectionError,
    ModelError,
    ModelPermissionDeniedError,
    ModelRateLimitError,
    ModelTimeoutError,
)
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolMessage
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import create_react_agent
from langgraph.types import RetryPolicy

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
RETRYABLE = (ModelRateLimitError, ModelAPIError, ModelConnectionError, ModelTimeoutError)
Mode = Literal["invoke", "ainvoke", "stream"]


def _retryable(exc: BaseException) -> bool:
    """The predicate to give LangGraph: LangChain's own ``is_retryable`` verdict."""
    return isinstance(exc, ModelError) and exc.is_retryable


async def _run(agent: Any, mode: Mode) -> list[BaseMessage]:
    """Run the agent the way the test asks; the final message list."""
    if mode == "invoke":
        return list(agent.invoke(agent_input())["messages"])
    if mode == "ainvoke":
        return list((await agent.ainvoke(agent_input()))["messages"])
    final: dict[str, Any] = {}
    for _, value in agent.stream(agent_input(), stream_mode=["messages", "values"]):
        if isinstance(value, dict):
            final = value
    return list(final["messages"])


# -- the agent loop --------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["invoke", "ainvoke", "stream"])
async def test_react_agent_reaches_final_answer(aimlapi_mock: MockAIMLAPI, mode: Mode) -> None:
    agent = create_react_agent(make_chat(aimlapi_mock), TOOLS)
    messages = await _run(agent, mode)
    assert_one_tool_loop(messages, chat_requests(aimlapi_mock))


def test_stream_mode_messages_streams_tokens_from_the_wire(aimlapi_mock: MockAIMLAPI) -> None:
    """``stream_mode="messages"`` makes ChatAIMLAPI stream (SSE) and yields its chunks."""
    agent = create_react_agent(make_chat(aimlapi_mock), TOOLS)
    chunks: list[AIMessageChunk] = []
    tool_results: list[ToolMessage] = []
    for message, metadata in agent.stream(agent_input(), stream_mode="messages"):
        if isinstance(message, ToolMessage):
            tool_results.append(message)
        elif isinstance(message, AIMessageChunk):
            assert metadata["langgraph_node"] == "agent"
            chunks.append(message)
    requests = chat_requests(aimlapi_mock)
    assert [(r.stream, r.status) for r in requests] == [(True, 200), (True, 200)]
    call_chunks = [c for chunk in chunks for c in chunk.tool_call_chunks]
    assert [c["name"] for c in call_chunks if c["name"]] == ["get_weather"]
    arguments = json.loads("".join(c["args"] or "" for c in call_chunks))
    assert [t.content for t in tool_results] == [get_weather.invoke(arguments)]
    text = "".join(str(c.content) for c in chunks)
    assert text == f"get_weather returned: {tool_results[0].content}"
    assert len([c for c in chunks if c.content]) > 1  # token by token, not one blob


async def test_astream_mode_messages(aimlapi_mock: MockAIMLAPI) -> None:
    agent = create_react_agent(make_chat(aimlapi_mock), TOOLS)
    text = ""
    async for message, _ in agent.astream(agent_input(), stream_mode="messages"):
        if isinstance(message, AIMessageChunk):
            text += str(message.content)
    requests = chat_requests(aimlapi_mock)
    assert [r.stream for r in requests] == [True, True]
    assert text.startswith("get_weather returned: sunny in ")


# -- errors that must not be retried -----------------------------------------------------------


@pytest.mark.parametrize("mode", ["invoke", "ainvoke", "stream"])
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
    """The model keeps its default ``max_retries=2``; still exactly one request."""
    aimlapi_mock.inject(fault)
    agent = create_react_agent(make_chat(aimlapi_mock, max_retries=2), TOOLS)
    with pytest.raises(native) as caught:
        await _run(agent, mode)
    assert isinstance(caught.value, ours)
    assert caught.value.is_retryable is False  # type: ignore[attr-defined]
    assert statuses(aimlapi_mock) == [status]


# -- 429: each retry layer on its own, never multiplied -----------------------------------------


def test_max_retries_waits_out_retry_after_then_finishes(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.rate_limited(retry_after=1), times=1)
    agent = create_react_agent(make_chat(aimlapi_mock, max_retries=2), TOOLS)
    result = agent.invoke(agent_input())
    assert result["messages"][-1].content.startswith("get_weather returned: ")
    assert statuses(aimlapi_mock) == [429, 200, 200]


@pytest.mark.parametrize("retry_on", [RETRYABLE, _retryable], ids=["types", "predicate"])
def test_with_retry_on_the_bound_model(aimlapi_mock: MockAIMLAPI, retry_on: Any) -> None:
    """``bind_tools(...).with_retry(...)``: LangGraph sees the tools and does not rebind."""
    aimlapi_mock.inject(presets.RATE_LIMITED)
    model = make_chat(aimlapi_mock).bind_tools(TOOLS)
    retried = model.with_retry(
        retry_if_exception_type=retry_on, wait_exponential_jitter=False, stop_after_attempt=3
    )
    agent = create_react_agent(retried, TOOLS)
    with pytest.raises(AIMLAPIRateLimitError):
        agent.invoke(agent_input())
    assert statuses(aimlapi_mock) == [429, 429, 429]  # 3 attempts x 1 (max_retries=0)


def test_with_retry_recovers_mid_loop(aimlapi_mock: MockAIMLAPI) -> None:
    agent = create_react_agent(
        make_chat(aimlapi_mock)
        .bind_tools(TOOLS)
        .with_retry(retry_if_exception_type=_retryable, wait_exponential_jitter=False),
        TOOLS,
    )
    aimlapi_mock.inject(presets.RATE_LIMITED, times=1)
    assert_one_tool_loop(
        agent.invoke(agent_input())["messages"],
        [r for r in chat_requests(aimlapi_mock) if r.status == 200],
    )
    assert statuses(aimlapi_mock) == [429, 200, 200]


def test_with_retry_does_not_retry_out_of_credits(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.OUT_OF_CREDITS)
    agent = create_react_agent(
        make_chat(aimlapi_mock)
        .bind_tools(TOOLS)
        .with_retry(retry_if_exception_type=_retryable, wait_exponential_jitter=False),
        TOOLS,
    )
    with pytest.raises(AIMLAPIOutOfCreditsError):
        agent.invoke(agent_input())
    assert statuses(aimlapi_mock) == [403]


def _graph(model: Any, policy: RetryPolicy) -> Any:
    """One model node with a LangGraph ``RetryPolicy``: how hand-built graphs retry."""

    def call_model(state: MessagesState) -> dict[str, list[BaseMessage]]:
        return {"messages": [model.invoke(state["messages"])]}

    builder = StateGraph(MessagesState)
    builder.add_node("model", call_model, retry_policy=policy)
    builder.add_edge(START, "model")
    builder.add_edge("model", END)
    return builder.compile()


def _policy(**kwargs: Any) -> RetryPolicy:
    return RetryPolicy(initial_interval=0.001, max_interval=0.002, jitter=False, **kwargs)


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (presets.RATE_LIMITED, [429, 429, 429]),
        (presets.INTERNAL_ERROR, [500, 500, 500]),
        (presets.INVALID_API_KEY, [401]),
        (presets.OUT_OF_CREDITS, [403]),
        (presets.FREE_TIER_LIMIT, [429]),  # an hourly quota: is_retryable=False
    ],
    ids=lambda v: v.label if isinstance(v, Fault) else None,
)
def test_retry_policy_with_is_retryable_predicate(
    aimlapi_mock: MockAIMLAPI, fault: Fault, expected: list[int]
) -> None:
    aimlapi_mock.inject(fault)
    graph = _graph(make_chat(aimlapi_mock), _policy(max_attempts=3, retry_on=_retryable))
    with pytest.raises(ModelError):
        graph.invoke(agent_input())
    assert statuses(aimlapi_mock) == expected


def test_retry_policy_default_retries_every_model_error(aimlapi_mock: MockAIMLAPI) -> None:
    """Why docs/frameworks.md says to pass ``retry_on``: LangGraph's default predicate retries
    any exception outside a list of Python built-ins, a 401 included."""
    aimlapi_mock.inject(presets.INVALID_API_KEY)
    graph = _graph(make_chat(aimlapi_mock), _policy(max_attempts=3))
    with pytest.raises(AIMLAPIAuthenticationError):
        graph.invoke(agent_input())
    assert statuses(aimlapi_mock) == [401, 401, 401]


# -- fallbacks ---------------------------------------------------------------------------------


def test_with_fallbacks_moves_to_a_second_key(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.add_key("key-backup")
    aimlapi_mock.inject(presets.OUT_OF_CREDITS, key=aimlapi_mock.api_key)
    primary = make_chat(aimlapi_mock)
    backup = make_chat(aimlapi_mock, api_key="key-backup")
    agent = create_react_agent(primary.with_fallbacks([backup]), TOOLS)
    messages = agent.invoke(agent_input())["messages"]
    assert_one_tool_loop(messages, chat_requests(aimlapi_mock, key="key-backup"))
    # with_fallbacks keeps no memory: each model turn tries the empty key first, once.
    assert [(r.key, r.status) for r in chat_requests(aimlapi_mock)] == [
        (aimlapi_mock.api_key, 403),
        ("key-backup", 200),
        (aimlapi_mock.api_key, 403),
        ("key-backup", 200),
    ]


def test_retry_then_fallback_to_a_second_model(aimlapi_mock: MockAIMLAPI) -> None:
    """Retries inside, fallback outside: bounded at attempts x turns on the primary."""
    aimlapi_mock.inject(presets.SERVICE_UNAVAILABLE, model=CHAT_MODEL)
    primary = (
        make_chat(aimlapi_mock)
        .bind_tools(TOOLS)
        .with_retry(
            retry_if_exception_type=_retryable, wait_exponential_jitter=False, stop_after_attempt=2
        )
    )
    backup = make_chat(aimlapi_mock, model=BACKUP_MODEL).bind_tools(TOOLS)
    chain = primary.with_fallbacks([backup])
    agent = create_react_agent(lambda state, runtime: chain, TOOLS)
    messages = agent.invoke(agent_input())["messages"]
    assert_one_tool_loop(messages, chat_requests(aimlapi_mock, model=BACKUP_MODEL))
    assert isinstance(messages[-1], AIMessage)
    assert messages[-1].response_metadata["model_name"] == BACKUP_MODEL
    assert statuses(aimlapi_mock, model=CHAT_MODEL) == [503, 503, 503, 503]  # 2 per turn
