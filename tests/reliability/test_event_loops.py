"""Pools per event loop: ``asyncio.run`` per job leaves nothing behind, and closing reaches
pools of other loops.

Why: services call ``asyncio.run`` per task (Celery, scripts) and reuse one model or one
LiteLLM key across them. Every loop opens its own connections; unless they are closed when
the loop ends, each run leaves a pool of keep-alive sockets (and its dead loop) behind. Counts
come from ``/proc/self/fd`` and the kernel's TCP table (``_support``), objects from ``gc``.
"""

from __future__ import annotations

import asyncio
import gc
import threading
import tracemalloc
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import litellm
import pytest

from aiml_integrations import AIMLAPIClient
from aiml_integrations.langchain import ChatAIMLAPI
from aiml_integrations.testing import MockAIMLAPI

from ._support import describe_sockets, open_sockets, settle, tcp_states

LOOPS = 30
CHAT = "/v1/chat/completions"
PAYLOAD = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture
def own_mock() -> Iterator[MockAIMLAPI]:
    with MockAIMLAPI() as mock:
        yield mock


@pytest.fixture
def resource_warnings() -> Iterator[list[warnings.WarningMessage]]:
    """ResourceWarnings ("unclosed transport", unclosed sockets) raised during the test."""
    gc.collect()  # what earlier tests left for the collector is not this test's leak
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        yield caught
        gc.collect()
    leaked = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert not leaked, leaked[:3]


def _live(kind: type) -> int:
    gc.collect()
    return sum(1 for obj in gc.get_objects() if isinstance(obj, kind))


def _no_growth(baseline: int, mock: MockAIMLAPI) -> None:
    assert settle(lambda: open_sockets() <= baseline), (
        f"{baseline} sockets before, {open_sockets()} after; to the mock: "
        f"{dict(tcp_states(mock.port))}; {describe_sockets()}"
    )


def test_chat_model_in_successive_asyncio_runs(
    own_mock: MockAIMLAPI, resource_warnings: list[Any]
) -> None:
    model = ChatAIMLAPI(model="gpt-4o-mini", base_url=own_mock.base_url, api_key=own_mock.api_key)

    async def job(n: int) -> str:
        if n % 2:
            return "".join([str(c.content) async for c in model.astream(f"job {n}")])
        return str((await model.ainvoke(f"job {n}")).content)

    assert asyncio.run(job(0)) == "job 0"
    baseline = open_sockets()
    loops_before = _live(asyncio.AbstractEventLoop)
    clients_before = _live(httpx.AsyncClient)
    for n in range(LOOPS):
        assert asyncio.run(job(n)) == f"job {n}"
    _no_growth(baseline, own_mock)
    assert _live(asyncio.AbstractEventLoop) <= loops_before + 1
    assert _live(httpx.AsyncClient) <= clients_before + 1  # at most the last loop's, closed
    assert len(own_mock.requests_for(path=CHAT)) == LOOPS + 1
    model.close()
    assert settle(lambda: not tcp_states(own_mock.port))


def test_litellm_in_successive_asyncio_runs(
    own_mock: MockAIMLAPI, resource_warnings: list[Any]
) -> None:
    kwargs: dict[str, Any] = {
        "model": "aimlapi/gpt-4o-mini",
        "api_base": own_mock.base_url,
        "api_key": own_mock.api_key,
    }

    async def job(n: int) -> str:
        messages = [{"role": "user", "content": f"job {n}"}]
        if n % 2:
            stream = await litellm.acompletion(messages=messages, stream=True, **kwargs)
            return "".join([c.choices[0].delta.content or "" async for c in stream])
        answer = await litellm.acompletion(messages=messages, **kwargs)
        return str(answer.choices[0].message.content)

    assert asyncio.run(job(0)) == "job 0"
    baseline = open_sockets()
    for n in range(LOOPS):
        assert asyncio.run(job(n)) == f"job {n}"
    _no_growth(baseline, own_mock)
    assert len(own_mock.requests_for(path=CHAT)) == LOOPS + 1


def test_many_loops_do_not_grow_memory(own_mock: MockAIMLAPI) -> None:
    """Memory held by the transport and the libraries under it, not the mock's request log."""
    client = AIMLAPIClient(api_key=own_mock.api_key, base_url=own_mock.base_url, env={})
    for _ in range(20):
        asyncio.run(client.apost(CHAT, PAYLOAD))
    patterns = ["*aiml_integrations/_core/transport/*"]
    patterns += ["*/httpx/*", "*/httpcore/*", "*/anyio/*", "*/asyncio/*"]
    ours = [tracemalloc.Filter(True, pattern) for pattern in patterns]
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot().filter_traces(ours)
        for _ in range(120):
            asyncio.run(client.apost(CHAT, PAYLOAD))
        gc.collect()
        after = tracemalloc.take_snapshot().filter_traces(ours)
    finally:
        tracemalloc.stop()
    growth = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert growth < 100_000, after.compare_to(before, "lineno")[:5]  # a pool per loop: MBs
    assert len(client._loops) <= 1
    client.close()


def test_loops_closed_without_shutdown_are_released(
    own_mock: MockAIMLAPI, resource_warnings: list[Any]
) -> None:
    """``loop.close()`` without ``shutdown_asyncgens()``: sockets released by the next new loop
    or by ``close()``, without "unclosed transport" warnings."""
    client = AIMLAPIClient(api_key=own_mock.api_key, base_url=own_mock.base_url, env={})
    baseline = open_sockets()
    for _ in range(3):
        loop = asyncio.new_event_loop()
        loop.run_until_complete(client.apost(CHAT, PAYLOAD))
        loop.close()
    assert open_sockets() > baseline  # their keep-alive connections are still open
    asyncio.run(client.apost(CHAT, PAYLOAD))  # a new loop releases the dead loops' pools
    _no_growth(baseline, own_mock)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(client.apost(CHAT, PAYLOAD))
    loop.close()
    client.close()
    _no_growth(baseline, own_mock)


def test_aclose_closes_the_pools_of_a_loop_running_in_another_thread(
    own_mock: MockAIMLAPI, resource_warnings: list[Any]
) -> None:
    client = AIMLAPIClient(api_key=own_mock.api_key, base_url=own_mock.base_url, env={})
    other = asyncio.new_event_loop()
    thread = threading.Thread(target=other.run_forever, daemon=True)
    thread.start()
    try:
        future = asyncio.run_coroutine_threadsafe(client.apost(CHAT, PAYLOAD), other)
        assert future.result(timeout=30).status_code == 200
        assert tcp_states(own_mock.port)["ESTABLISHED"] > 0
        asyncio.run(client.aclose())  # from another loop: closed on the loop that owns them
        assert settle(lambda: not tcp_states(own_mock.port)), tcp_states(own_mock.port)
        again = asyncio.run_coroutine_threadsafe(client.apost(CHAT, PAYLOAD), other)
        assert again.result(timeout=30).status_code == 200  # still usable: a fresh pool
    finally:
        asyncio.run_coroutine_threadsafe(client.aclose(), other).result(timeout=30)
        other.call_soon_threadsafe(other.stop)
        thread.join(timeout=30)
        other.close()
    assert settle(lambda: not tcp_states(own_mock.port))
    assert len(own_mock.requests_for(path=CHAT)) == 2
