"""Shared pieces of the agent-level LangChain / LangGraph tests: one tool, one prompt that makes
the mock's fake model call it, and request-log readers.

The fake model calls a tool when the last user message names it, and answers with
``"<tool> returned: <result>"`` once the last message is that tool's result, so a one-tool agent
run is exactly two chat requests: tool call, then final answer.
"""

from __future__ import annotations

import json
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool

from aiml_integrations.langchain import ChatAIMLAPI
from aiml_integrations.testing import MockAIMLAPI, RecordedRequest

CHAT_MODEL = "openai/gpt-4o"
BACKUP_MODEL = "gpt-4o-mini"
PROMPT = "What is the weather in Paris? Use get_weather."
CHAT_PATH = "/v1/chat/completions"


@tool
def get_weather(city: str) -> str:
    """The current weather in a city."""
    return f"sunny in {city}"


def agent_input() -> dict[str, Any]:
    return {"messages": [HumanMessage(PROMPT)]}


def make_chat(mock: MockAIMLAPI, **kwargs: Any) -> ChatAIMLAPI:
    """A ``ChatAIMLAPI`` on the mock; ``max_retries=0`` unless the test is about it."""
    params: dict[str, Any] = {
        "model": CHAT_MODEL,
        "base_url": mock.base_url,
        "api_key": mock.api_key,
        "max_retries": 0,
        **kwargs,
    }
    return ChatAIMLAPI(**params)


def chat_requests(mock: MockAIMLAPI, **filters: Any) -> list[RecordedRequest]:
    return mock.requests_for(path=CHAT_PATH, **filters)


def statuses(mock: MockAIMLAPI, **filters: Any) -> list[int]:
    return [r.status for r in chat_requests(mock, **filters)]


def assert_one_tool_loop(messages: list[Any], requests: list[RecordedRequest]) -> None:
    """The run went user -> tool call -> tool result -> answer, and the wire agrees.

    Checked on both sides: the agent's message list, and what the mock received (the second
    request carries the assistant's tool call and the tool's real output).
    """
    kinds = [type(m).__name__.removesuffix("Chunk") for m in messages]
    assert kinds == ["HumanMessage", "AIMessage", "ToolMessage", "AIMessage"], kinds
    call = messages[1].tool_calls[0]
    assert call["name"] == "get_weather"
    expected_result = get_weather.invoke(call["args"])
    tool_message = messages[2]
    assert isinstance(tool_message, ToolMessage)
    assert tool_message.content == expected_result
    assert tool_message.tool_call_id == call["id"]
    final = messages[3]
    assert isinstance(final, AIMessage) and not final.tool_calls
    assert final.content == f"get_weather returned: {expected_result}"

    assert len(requests) == 2, [r.status for r in requests]
    assert all(r.status == 200 for r in requests)
    first, second = (r.json for r in requests)
    assert [t["function"]["name"] for t in first["tools"]] == ["get_weather"]
    assert [m["role"] for m in first["messages"]] == ["user"]
    assert [m["role"] for m in second["messages"]] == ["user", "assistant", "tool"]
    sent_call = second["messages"][1]["tool_calls"][0]
    assert sent_call["id"] == call["id"]
    assert json.loads(sent_call["function"]["arguments"]) == call["args"]
    assert second["messages"][2]["content"] == expected_result
    assert second["messages"][2]["tool_call_id"] == call["id"]
