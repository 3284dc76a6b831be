"""Who owns which httpx client: the sharded async pool of one event loop.

Why in its own module: pools have lifetimes (their event loop's, their owner's) that the
request code should not have to think about.
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["ASYNC_SHARDS", "ASYNC_SHARD_LOAD", "SHARD_LIMITS", "AsyncPools"]

#: In-flight requests one ``httpx.AsyncClient`` takes before the next one is used, and how many
#: there may be per event loop (their limits add up to the old single pool's 1000 connections).
ASYNC_SHARD_LOAD = 16
ASYNC_SHARDS = 16
SHARD_LIMITS = httpx.Limits(
    max_connections=1000 // ASYNC_SHARDS, max_keepalive_connections=ASYNC_SHARD_LOAD
)


class AsyncPools:
    """The httpx async clients of one event loop, filled lowest first.

    Why several: httpcore's pool scans every connection (with a ``poll`` syscall per idle one)
    on each request it assigns, so one pool's cost per request grows with its size; at 200
    concurrent requests that scan, not the network, bounds throughput (raw ``httpx`` manages
    about 300 calls/s on 2 cores, benchmarks/bench.py). Shards of at most
    ``ASYNC_SHARD_LOAD`` in-flight requests keep each scan short. A caller with few
    concurrent requests only ever uses the first shard, so it opens no more connections than
    before. Only touched from its own loop's thread, so no lock.
    """

    __slots__ = ("_make", "clients", "inflight")

    def __init__(self, make: Any) -> None:
        self._make = make
        self.clients: list[httpx.AsyncClient] = []
        self.inflight: list[int] = []

    def acquire(self) -> int:
        inflight = self.inflight
        for slot, count in enumerate(inflight):
            if count < ASYNC_SHARD_LOAD:
                inflight[slot] = count + 1
                return slot
        if len(inflight) < ASYNC_SHARDS:
            self.clients.append(self._make())
            inflight.append(1)
            return len(inflight) - 1
        slot = min(range(len(inflight)), key=inflight.__getitem__)
        inflight[slot] += 1
        return slot

    def release(self, slot: int) -> None:
        self.inflight[slot] -= 1
