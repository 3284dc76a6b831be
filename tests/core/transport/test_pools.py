"""The async transport spreads concurrent requests over a few httpx clients (shards).

Why it exists: httpcore's pool costs grow with its size at high concurrency (see
``_AsyncPools``); these tests pin the properties that make the sharding safe: sequential use
stays on one client, concurrent use fills shards lowest first up to a bound, and every
request and stream gives its slot back, on success and on error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest

from aiml_integrations import errors
from aiml_integrations._core.transport import AIMLAPIClient, _pools

from .._support import API_KEY, LocalServer, Reply, envelope, sse

CHAT = "/v1/chat/completions"
PAYLOAD = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
COMPLETION = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}}]}


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    """The core tests' server with a listen backlog for a burst of concurrent connects (the
    stdlib default of 5 resets some of them)."""
    monkeypatch.setattr(ThreadingHTTPServer, "request_queue_size", 128)
    srv = LocalServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def client(server: LocalServer) -> Iterator[AIMLAPIClient]:
    c = AIMLAPIClient(api_key=API_KEY, base_url=server.url, timeout=10, env={})
    yield c
    c.close()


def test_acquire_fills_shards_lowest_first_and_is_bounded() -> None:
    made: list[object] = []

    def make() -> object:
        made.append(object())
        return made[-1]

    pools = _pools.AsyncPools(make)
    load, most = _pools.ASYNC_SHARD_LOAD, _pools.ASYNC_SHARDS
    slots = [pools.acquire() for _ in range(load + 1)]
    assert slots == [0] * load + [1] and len(made) == 2
    pools.release(0)
    assert pools.acquire() == 0  # the first shard with room wins
    for _ in range(load * most * 2):
        pools.acquire()
    assert len(pools.clients) == most  # beyond the bound: the least loaded shard
    assert max(pools.inflight) - min(pools.inflight) <= 1


async def test_concurrent_requests_release_their_slots(
    server: LocalServer, client: AIMLAPIClient
) -> None:
    server.respond(body=COMPLETION)
    results = await asyncio.gather(*(client.apost(CHAT, PAYLOAD) for _ in range(40)))
    assert all(r.data == COMPLETION for r in results)
    pools = client._apools()
    assert 1 <= len(pools.clients) <= 3
    assert pools.inflight == [0] * len(pools.clients)
    server.respond(status=500, body=envelope(500, "boom"))
    with pytest.raises(errors.ServerError):
        await client.apost(CHAT, PAYLOAD)
    assert pools.inflight == [0] * len(pools.clients)
    await client.aclose()


async def test_streams_release_their_slot_on_success_and_on_error(
    server: LocalServer, client: AIMLAPIClient
) -> None:
    body = sse({"choices": [{"index": 0, "delta": {"content": "a"}}]})
    server.respond(Reply(body=body, headers={"Content-Type": "text/event-stream"}))
    async with client.astream(CHAT, PAYLOAD) as events:
        assert len([e async for e in events]) == 1
    pools = client._apools()
    assert pools.inflight == [0]
    server.respond(status=429, body=envelope(429, "slow down"))
    with pytest.raises(errors.RateLimitError):
        async with client.astream(CHAT, PAYLOAD) as events:
            pass
    assert pools.inflight == [0]
    await client.aclose()
