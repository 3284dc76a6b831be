"""Content blocks with provider keys (``cache_control``) reach the wire as lists, for every
role, in invoke and stream; a cached prompt's usage comes back with cache tokens.

What is checked is the request the mock received (``mock.requests``) and the ``usage_metadata``
LangChain sees, so a client that flattens blocks to strings fails both: the key is missing on
the wire and the mock never caches.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

from aiml_integrations.testing import MockAIMLAPI

from ._support import make_chat

CLAUDE = "anthropic/claude-sonnet-4.5"
EPHEMERAL = {"type": "ephemeral"}
# Long enough to be cacheable (the mock, like the upstream, skips prefixes under 1024 tokens).
LONG_RULES = "Follow the house style guide in every answer. " * 120


def _cached(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text, "cache_control": EPHEMERAL}


def _history() -> list[BaseMessage]:
    """One message of each role, each with a ``cache_control`` text block."""
    return [
        SystemMessage(content=[_cached("be brief")]),
        HumanMessage(content=[{"type": "text", "text": "weather?"}, _cached("in Paris")]),
        AIMessage(
            content=[_cached("calling the tool")],
            tool_calls=[{"name": "get_weather", "args": {"city": "Paris"}, "id": "call_1"}],
        ),
        ToolMessage(content=[_cached("sunny")], tool_call_id="call_1"),
        HumanMessage("thanks"),
    ]


async def _run(mode: str, messages: list[BaseMessage], mock: MockAIMLAPI) -> AIMessage:
    model = make_chat(mock, model=CLAUDE)
    if mode == "invoke":
        return model.invoke(messages)
    if mode == "ainvoke":
        return await model.ainvoke(messages)
    chunks = (
        list(model.stream(messages))
        if mode == "stream"
        else [c async for c in model.astream(messages)]
    )
    merged = chunks[0]
    for chunk in chunks[1:]:
        merged = merged + chunk
    return AIMessage(
        content=merged.content,
        usage_metadata=merged.usage_metadata,
        response_metadata=merged.response_metadata,
    )


MODES = ["invoke", "ainvoke", "stream", "astream"]


@pytest.mark.parametrize("mode", MODES)
async def test_cache_control_blocks_are_kept_for_every_role(
    aimlapi_mock: MockAIMLAPI, mode: str
) -> None:
    await _run(mode, _history(), aimlapi_mock)
    (request,) = aimlapi_mock.requests
    sent = request.json["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "tool", "user"]
    assert sent[0]["content"] == [_cached("be brief")]
    assert sent[1]["content"] == [{"type": "text", "text": "weather?"}, _cached("in Paris")]
    assert sent[2]["content"] == [_cached("calling the tool")]
    assert sent[2]["tool_calls"][0]["function"]["name"] == "get_weather"
    assert sent[3]["content"] == [_cached("sunny")]
    assert sent[4]["content"] == "thanks"  # plain text stays a string


def test_plain_text_blocks_are_still_flattened(aimlapi_mock: MockAIMLAPI) -> None:
    """Blocks with nothing but type/text (and LangChain's own id/index) still become strings,
    which upstreams that reject arrays for system/assistant/tool need."""
    plain = [{"type": "text", "text": "a", "id": "lc_1", "index": 0}, {"type": "text", "text": "b"}]
    make_chat(aimlapi_mock).invoke(
        [
            SystemMessage(content=list(plain)),
            HumanMessage(content=list(plain)),
            AIMessage(content=list(plain)),
            ToolMessage(content=list(plain), tool_call_id="call_1"),
            HumanMessage("go"),
        ]
    )
    sent = aimlapi_mock.requests[-1].json["messages"]
    assert [m["content"] for m in sent] == ["ab", "ab", "ab", "ab", "go"]


def test_v1_extras_become_provider_keys(aimlapi_mock: MockAIMLAPI) -> None:
    """LangChain v1 standard blocks keep provider fields in ``extras``; they go on the part."""
    block = {"type": "text", "text": "rules", "id": "lc_1", "extras": {"cache_control": EPHEMERAL}}
    make_chat(aimlapi_mock).invoke([SystemMessage(content=[block]), HumanMessage("hi")])
    assert aimlapi_mock.requests[-1].json["messages"][0]["content"] == [_cached("rules")]


@pytest.mark.parametrize("mode", MODES)
async def test_cached_prompt_usage_reports_cache_tokens(
    aimlapi_mock: MockAIMLAPI, mode: str
) -> None:
    def prompt(question: str) -> list[BaseMessage]:
        return [SystemMessage(content=[_cached(LONG_RULES)]), HumanMessage(question)]

    first = await _run(mode, prompt("first question"), aimlapi_mock)
    second = await _run(mode, prompt("another question"), aimlapi_mock)

    assert first.usage_metadata is not None and second.usage_metadata is not None
    written = first.usage_metadata["input_token_details"]
    read = second.usage_metadata["input_token_details"]
    assert written["cache_read"] == 0
    assert written["cache_creation"] >= 1024
    assert read["cache_read"] == written["cache_creation"]
    assert read["cache_creation"] == 0
    assert read["cache_read"] <= second.usage_metadata["input_tokens"]
    assert [r.status for r in aimlapi_mock.requests] == [200, 200]


def test_flattened_prompt_is_never_cached(aimlapi_mock: MockAIMLAPI) -> None:
    """The control: the same long prompt without ``cache_control`` reads nothing back."""
    messages = [SystemMessage(LONG_RULES), HumanMessage("q")]
    model = make_chat(aimlapi_mock, model=CLAUDE)
    model.invoke(messages)
    again = model.invoke(messages)
    assert again.usage_metadata is not None
    assert again.usage_metadata["input_token_details"].get("cache_read") == 0
    assert "cache_creation" not in again.usage_metadata["input_token_details"]
