"""Closing under running calls, and threads sharing one fresh model.

The contract: every call either finishes, fails as the framework's typed connection error, or
(when its pool closed before anything was sent) runs on a fresh pool; httpx's
``RuntimeError("Cannot send a request, as the client has been closed")`` never escapes, and
``close()`` / ``aclose()`` / ``clear_clients()`` never raise. The window tests close a pool
exactly between a call picking it up and sending; the race tests close at random while slow
streams and plain calls run, in both frameworks.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import litellm
import pytest
from langchain_core.exceptions import ModelError

from aiml_integrations._core.transport import AIMLAPIClient, _pools
from aiml_integrations.errors import AIMLAPIError, ErrorCategory
from aiml_integrations.langchain import ChatAIMLAPI
from aiml_integrations.langchain import _client as langchain_client
from aiml_integrations.litellm import aclear_clients, clear_clients
from aiml_integrations.testing import MockAIMLAPI

CHAT = "/v1/chat/completions"
PAYLOAD = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
CALLS = 12  # per worker


@pytest.fixture
def slow_mock() -> Iterator[MockAIMLAPI]:
    """Streams take a while (an interval between events), so closes land mid-stream."""
    with MockAIMLAPI(stream_interval=0.005) as mock:
        yield mock


def _typed_connection_error(exc: BaseException, native: type[BaseException]) -> bool:
    inner = getattr(exc, "original_exception", None) or exc  # LiteLLM's MidStreamFallbackError
    return (
        isinstance(inner, native)
        and isinstance(inner, AIMLAPIError)
        and inner.info.category is ErrorCategory.CONNECTION
    )


# -- the exact window -----------------------------------------------------------------------


def test_sync_close_waits_for_the_calls_on_its_pool(
    slow_mock: MockAIMLAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A close right after a call picked up the pool: the call finishes on it, the pool is
    closed when the call ends, the next call gets a fresh one. (Closing sockets under a thread
    blocked reading them would leave that thread hanging until its read timeout.)"""
    client = AIMLAPIClient(api_key=slow_mock.api_key, base_url=slow_mock.base_url, env={})
    acquire = _pools.SyncPool.acquire
    picked: list[httpx.Client] = []

    def closing_acquire(self: _pools.SyncPool) -> httpx.Client:
        taken = acquire(self)
        if len(picked) < 2:  # another thread closes the client right after this call took it
            self.close()
            assert not taken.is_closed  # in use: closing is deferred
            picked.append(taken)
        return taken

    monkeypatch.setattr(_pools.SyncPool, "acquire", closing_acquire)
    assert client.post(CHAT, PAYLOAD).status_code == 200
    with client.stream(CHAT, {**PAYLOAD, "stream": True}) as events:
        assert list(events)
    assert len(picked) == 2 and all(c.is_closed for c in picked)  # closed once the call ended
    assert picked[0] is not picked[1]
    assert len(slow_mock.requests_for(path=CHAT)) == 2  # nothing sent twice
    client.close()


async def test_async_call_meeting_a_pool_closed_before_send_runs_on_a_fresh_one(
    slow_mock: MockAIMLAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = AIMLAPIClient(api_key=slow_mock.api_key, base_url=slow_mock.base_url, env={})
    acquire = _pools.AsyncPools.acquire
    closes = 0

    def closing_acquire(self: _pools.AsyncPools) -> int:
        nonlocal closes
        slot = acquire(self)
        if closes < 2:  # closed between acquiring the slot and sending (what aclose() sets)
            closes += 1
            client._loops.close_all()
            self.clients[slot]._state = httpx._client.ClientState.CLOSED
        return slot

    monkeypatch.setattr(_pools.AsyncPools, "acquire", closing_acquire)
    assert (await client.apost(CHAT, PAYLOAD)).status_code == 200
    async with client.astream(CHAT, {**PAYLOAD, "stream": True}) as events:
        assert [e async for e in events]
    assert closes == 2
    assert len(slow_mock.requests_for(path=CHAT)) == 2
    await client.aclose()


# -- threads ---------------------------------------------------------------------------------


def test_eight_threads_sharing_a_fresh_model_use_one_pool(
    slow_mock: MockAIMLAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[AIMLAPIClient] = []

    class SlowToBuild(AIMLAPIClient):
        """Widens the window between "no client yet" and "client stored"."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            built.append(self)
            time.sleep(0.02)

    monkeypatch.setattr(langchain_client, "AIMLAPIClient", SlowToBuild)
    model = ChatAIMLAPI(model="gpt-4o-mini", base_url=slow_mock.base_url, api_key=slow_mock.api_key)
    start = threading.Barrier(8)
    seen: list[Any] = []

    def work(n: int) -> None:
        start.wait(timeout=30)
        assert model.invoke(f"t{n}").content == f"t{n}"
        seen.append(model._client)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(seen) == 8 and len(built) == 1 and all(c is built[0] for c in seen)
    assert len(slow_mock.requests_for(path=CHAT)) == 8
    model.close()


# -- random races, both frameworks -------------------------------------------------------------


def _race_threads(work: Callable[[int], None], close: Callable[[], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    done = threading.Event()
    close_errors: list[BaseException] = []

    def worker(n: int) -> None:
        for i in range(CALLS):
            try:
                work(n * CALLS + i)
            except Exception as exc:
                errors.append(exc)

    def closer() -> None:
        while not done.wait(0.003):
            try:
                close()
            except Exception as exc:  # close must never raise
                close_errors.append(exc)

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    closing = threading.Thread(target=closer)
    closing.start()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=120)
    done.set()
    closing.join(timeout=30)
    assert not close_errors, close_errors[:3]
    return errors


def test_langchain_close_racing_sync_calls(slow_mock: MockAIMLAPI) -> None:
    model = ChatAIMLAPI(
        model="gpt-4o-mini",
        base_url=slow_mock.base_url,
        api_key=slow_mock.api_key,
        max_retries=0,
    )

    def work(n: int) -> None:
        if n % 2:
            assert "".join(str(c.content) for c in model.stream(f"r{n} a b c d e f")) == (
                f"r{n} a b c d e f"
            )
        else:
            assert model.invoke(f"r{n}").content == f"r{n}"

    errors = _race_threads(work, model.close)
    assert all(_typed_connection_error(e, ModelError) for e in errors), errors[:3]
    assert len(errors) < 4 * CALLS  # most calls finish
    model.close()


async def test_langchain_aclose_racing_async_calls(slow_mock: MockAIMLAPI) -> None:
    model = ChatAIMLAPI(
        model="gpt-4o-mini",
        base_url=slow_mock.base_url,
        api_key=slow_mock.api_key,
        max_retries=0,
    )
    errors: list[BaseException] = []

    async def work(n: int) -> None:
        try:
            if n % 2:
                text = "".join([str(c.content) async for c in model.astream(f"r{n} a b c d")])
                assert text == f"r{n} a b c d"
            else:
                assert (await model.ainvoke(f"r{n}")).content == f"r{n}"
        except Exception as exc:
            errors.append(exc)

    async def closer(stop: asyncio.Event) -> int:
        closes = 0
        while not stop.is_set():
            await asyncio.sleep(0.003)
            if closes % 2:
                await model.aclose()
            else:
                model.close()  # from async code: schedules the running loop's close
            closes += 1
        return closes

    stop = asyncio.Event()
    closing = asyncio.create_task(closer(stop))
    await asyncio.gather(*(work(n) for n in range(4 * CALLS)))
    stop.set()
    assert await closing > 0
    assert all(_typed_connection_error(e, ModelError) for e in errors), errors[:3]
    await model.aclose()


def test_litellm_clear_clients_racing_sync_calls(slow_mock: MockAIMLAPI) -> None:
    kwargs: dict[str, Any] = {
        "model": "aimlapi/gpt-4o-mini",
        "api_base": slow_mock.base_url,
        "api_key": slow_mock.api_key,
    }

    def work(n: int) -> None:
        messages = [{"role": "user", "content": f"r{n} a b c"}]
        if n % 2:
            parts = litellm.completion(messages=messages, stream=True, **kwargs)
            assert "".join(c.choices[0].delta.content or "" for c in parts) == f"r{n} a b c"
        else:
            answer = litellm.completion(messages=messages, **kwargs)
            assert answer.choices[0].message.content == f"r{n} a b c"

    errors = _race_threads(work, clear_clients)
    native = tuple(litellm.LITELLM_EXCEPTION_TYPES)
    assert all(_typed_connection_error(e, native) for e in errors), errors[:3]


async def test_litellm_aclear_clients_racing_async_calls(slow_mock: MockAIMLAPI) -> None:
    kwargs: dict[str, Any] = {
        "model": "aimlapi/gpt-4o-mini",
        "api_base": slow_mock.base_url,
        "api_key": slow_mock.api_key,
    }
    errors: list[BaseException] = []

    async def work(n: int) -> None:
        messages = [{"role": "user", "content": f"r{n} a b c"}]
        try:
            if n % 2:
                parts = await litellm.acompletion(messages=messages, stream=True, **kwargs)
                text = "".join([c.choices[0].delta.content or "" async for c in parts])
                assert text == f"r{n} a b c"
            else:
                answer = await litellm.acompletion(messages=messages, **kwargs)
                assert answer.choices[0].message.content == f"r{n} a b c"
        except Exception as exc:
            errors.append(exc)

    async def closer(stop: asyncio.Event) -> None:
        while not stop.is_set():
            await asyncio.sleep(0.003)
            await aclear_clients()
            clear_clients()

    stop = asyncio.Event()
    closing = asyncio.create_task(closer(stop))
    await asyncio.gather(*(work(n) for n in range(4 * CALLS)))
    stop.set()
    await closing
    native = tuple(litellm.LITELLM_EXCEPTION_TYPES)
    assert all(_typed_connection_error(e, native) for e in errors), errors[:3]
    await aclear_clients()
