"""Cancellation: cancelling an ``astream`` mid-flight closes its HTTP connection, and breaking
out of a sync stream leaves no half-open connection behind (both frameworks). Connections are
read from the kernel's TCP table for the mock's port, so what is checked is the real socket."""

from __future__ import annotations

import asyncio
from typing import Any

import litellm
import pytest

from aiml_integrations.langchain import ChatAIMLAPI
from aiml_integrations.litellm import aclear_clients, clear_clients
from aiml_integrations.testing import MockAIMLAPI

from ._support import settle, tcp_states

MESSAGES = [{"role": "user", "content": "tell me a long story " * 20}]


def _slow_mock(factory: Any) -> MockAIMLAPI:
    mock: MockAIMLAPI = factory(stream_interval=0.05)
    return mock


def _closed(mock: MockAIMLAPI) -> bool:
    return not tcp_states(mock.port)


async def _litellm_astream(mock: MockAIMLAPI) -> None:
    stream = await litellm.acompletion(
        model="aimlapi/openai/gpt-4o",
        messages=MESSAGES,
        api_base=mock.base_url,
        api_key=mock.api_key,
        stream=True,
    )
    async for _ in stream:
        await asyncio.sleep(0)


async def _langchain_astream(mock: MockAIMLAPI) -> None:
    model = ChatAIMLAPI(model="openai/gpt-4o", base_url=mock.base_url, api_key=mock.api_key)
    async for _ in model.astream(MESSAGES[0]["content"]):
        await asyncio.sleep(0)


@pytest.mark.parametrize("run", [_litellm_astream, _langchain_astream], ids=["litellm", "lc"])
async def test_cancelled_astream_closes_its_connection(aimlapi_mock_factory: Any, run: Any) -> None:
    mock = _slow_mock(aimlapi_mock_factory)
    tasks_before = len(asyncio.all_tasks())
    task = asyncio.ensure_future(run(mock))
    for _ in range(200):  # until the stream is flowing
        await asyncio.sleep(0.01)
        if tcp_states(mock.port).get("ESTABLISHED"):
            break
    assert tcp_states(mock.port).get("ESTABLISHED"), "the stream never started"
    await asyncio.sleep(0.1)
    assert not task.done(), "the stream finished before it could be cancelled"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # Not returned to the pool half-read: the connection itself is gone (no keep-alive left).
    assert settle(lambda: _closed(mock)), dict(tcp_states(mock.port))
    assert settle(lambda: len(asyncio.all_tasks()) <= tasks_before), asyncio.all_tasks()
    await aclear_clients()


def test_sync_stream_break_leaves_no_half_open_connection(aimlapi_mock_factory: Any) -> None:
    mock = _slow_mock(aimlapi_mock_factory)
    model = ChatAIMLAPI(model="openai/gpt-4o", base_url=mock.base_url, api_key=mock.api_key)
    stream = model.stream(MESSAGES[0]["content"])
    next(stream)
    stream.close()  # what ``break`` does to a generator
    stream2 = litellm.completion(
        model="aimlapi/openai/gpt-4o",
        messages=MESSAGES,
        api_base=mock.base_url,
        api_key=mock.api_key,
        stream=True,
    )
    for _ in stream2:
        break
    stream2.completion_stream.close()
    assert settle(lambda: "CLOSE_WAIT" not in tcp_states(mock.port)), tcp_states(mock.port)
    assert settle(lambda: not tcp_states(mock.port).get("ESTABLISHED")), tcp_states(mock.port)
    # The pools still work afterwards.
    assert model.invoke("hi").content
    clear_clients()
