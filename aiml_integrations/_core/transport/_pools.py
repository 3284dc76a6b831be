"""Who owns which httpx client: the sync pool, one sharded async pool per event loop, and
closing them — on their own loop, from another loop, or after their loop is gone.

Why this needs care: an ``httpx.AsyncClient``'s connections belong to the event loop they were
opened on (their asyncio transports are registered with its selector and point back at it).
A process that calls ``asyncio.run`` per job (Celery tasks, scripts, notebooks) would otherwise
leave one pool of keep-alive sockets behind per loop, each keeping its dead loop alive. So:

- a pool is created per running loop and watched: an async generator started on that loop is
  closed by the loop's own shutdown (``asyncio.run`` and ``asyncio.Runner`` call
  ``loop.shutdown_asyncgens()``), and its ``finally`` closes the pool on that loop, while it
  still runs;
- a pool whose loop was closed without that shutdown is released when the registry next
  changes, or on ``close()``: its sockets are closed directly (asyncio cannot run the usual
  close on a closed loop, see :func:`_release_transport`);
- a pool of another loop that still runs is closed on that loop (``call_soon_threadsafe``).

Owned vs borrowed: a client the caller passed in is *borrowed* — used as is, never closed here;
only clients built here are *owned* and closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncGenerator, Callable
from typing import Any

import httpx

__all__ = [
    "ASYNC_SHARDS",
    "ASYNC_SHARD_LOAD",
    "SHARD_LIMITS",
    "AsyncPools",
    "LoopPools",
    "SyncPool",
]

#: In-flight requests one ``httpx.AsyncClient`` takes before the next one is used, and how many
#: there may be per event loop (their limits add up to the old single pool's 1000 connections).
ASYNC_SHARD_LOAD = 16
ASYNC_SHARDS = 16
SHARD_LIMITS = httpx.Limits(
    max_connections=1000 // ASYNC_SHARDS, max_keepalive_connections=ASYNC_SHARD_LOAD
)

#: Close tasks scheduled on other loops: asyncio keeps only weak references to tasks.
_closing: set[asyncio.Task[None]] = set()


class SyncPool:
    """The one ``httpx.Client`` of an :class:`~aiml_integrations._core.transport.AIMLAPIClient`.

    Built on first use under a lock (threads sharing a fresh client build one pool, not one
    each). Calls hold it between :meth:`acquire` and :meth:`release`; :meth:`close` retires it
    at once (the next call builds a new one) but closes it only when the last call on it ends.

    Why deferred: closing an ``httpx.Client`` closes sockets other threads are blocked reading
    from, and on Linux closing a descriptor does not wake a blocked ``recv`` — the call would
    hang until its read timeout. A borrowed client is never closed.
    """

    __slots__ = ("_borrowed", "_client", "_inflight", "_lock", "_make")

    def __init__(
        self, make: Callable[[], httpx.Client], borrowed: httpx.Client | None = None
    ) -> None:
        self._make = make
        self._borrowed = borrowed
        self._client = borrowed
        self._inflight: dict[httpx.Client, int] = {}
        self._lock = threading.Lock()

    def acquire(self) -> httpx.Client:
        with self._lock:
            client = self._client
            if client is None:
                client = self._client = self._make()
            inflight = self._inflight
            inflight[client] = inflight.get(client, 0) + 1
        return client

    def release(self, client: httpx.Client) -> None:
        with self._lock:
            left = self._inflight[client] - 1
            if left:
                self._inflight[client] = left
                return
            del self._inflight[client]
            retired = client is not self._client
        if retired and client is not self._borrowed:
            with contextlib.suppress(Exception):
                client.close()

    def close(self) -> None:
        if self._borrowed is not None:
            return
        with self._lock:
            client, self._client = self._client, None
            busy = client in self._inflight
        if client is not None and not busy:
            with contextlib.suppress(Exception):
                client.close()


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

    __slots__ = ("_make", "_owned", "_watcher", "clients", "closed", "inflight")

    def __init__(
        self, make: Callable[[], httpx.AsyncClient], borrowed: httpx.AsyncClient | None = None
    ) -> None:
        self._make = make
        self._owned = borrowed is None
        self._watcher: AsyncGenerator[None, None] | None = None
        self.clients: list[httpx.AsyncClient] = [] if borrowed is None else [borrowed]
        self.inflight: list[int] = [] if borrowed is None else [0]
        self.closed = False

    def acquire(self) -> int:
        inflight = self.inflight
        for slot, count in enumerate(inflight):
            if count < ASYNC_SHARD_LOAD or not self._owned:
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

    def _take(self) -> list[httpx.AsyncClient]:
        """Mark closed and hand over the owned clients (once)."""
        if self.closed:
            return []
        self.closed = True
        return list(self.clients) if self._owned else []

    async def aclose(self) -> None:
        """Close on the pools' own loop; never raises (closing is best effort)."""
        for client in self._take():
            with contextlib.suppress(Exception):
                await client.aclose()

    def release_sockets(self) -> None:
        """The pools' loop is closed: close their sockets directly (see module docstring)."""
        for client in self._take():
            with contextlib.suppress(Exception):
                _release_client(client)

    def watch(self, loop: asyncio.AbstractEventLoop) -> None:
        """Close these pools when ``loop`` shuts down its async generators.

        Started by hand (one ``send``, no await): the loop's first-iteration hook registers it
        with this loop, and nothing but ``self`` holds it, so dropping the pools drops it too.
        """
        watcher = _closed_at_shutdown(self)
        step = watcher.asend(None)
        try:
            step.send(None)
        except StopIteration:
            self._watcher = watcher
        else:  # pragma: no cover - the generator yields at once
            step.close()


async def _closed_at_shutdown(pools: AsyncPools) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        await pools.aclose()


def _release_client(client: httpx.AsyncClient) -> None:
    """Close every socket of ``client``'s connection pool without its (closed) loop.

    httpx and httpcore close connections with ``await``; on a closed loop that is impossible
    (the asyncio transport's ``abort()`` schedules on its loop and raises). What stays is the
    path the loop would have taken: each connection's asyncio transport runs its connection-lost
    step, which closes the socket and detaches it, so no ``unclosed transport`` is left for the
    garbage collector. Private attributes are read defensively: an unknown layout leaves the
    sockets to the garbage collector, it never raises.
    """
    transport = getattr(client, "_transport", None)
    pool = getattr(transport, "_pool", None)
    connections = list(getattr(pool, "_connections", ()) or ())
    with contextlib.suppress(Exception):
        pool._connections = []  # type: ignore[union-attr]
    for connection in connections:
        http = getattr(connection, "_connection", None)
        stream: Any = getattr(getattr(http, "_network_stream", None), "_stream", None)
        for _ in range(4):  # a TLS stream wraps the socket stream
            inner = getattr(stream, "transport_stream", None)
            if inner is None:
                break
            stream = inner
        _release_transport(getattr(stream, "_transport", None))
    with contextlib.suppress(Exception):
        client._state = httpx._client.ClientState.CLOSED


def _release_transport(transport: Any) -> None:
    if transport is None or getattr(transport, "_sock", None) is None:
        return
    loop = getattr(transport, "_loop", None)
    if loop is not None and not loop.is_closed():
        transport.abort()
        return
    transport._call_connection_lost(None)


def _spawn_close(pools: AsyncPools) -> asyncio.Task[None]:
    """On the pools' loop (a ``call_soon`` callback): close them in a task."""
    task = asyncio.get_running_loop().create_task(pools.aclose())
    _closing.add(task)
    task.add_done_callback(_closing.discard)
    return task


class LoopPools:
    """One :class:`AsyncPools` per running event loop, and their closing.

    The registry maps a loop to its pools. Pools are dropped from it when their loop shuts
    down (closed there), when a dead loop is found on the next new loop, and by
    :meth:`close_all`. A borrowed client is shared by every loop and never closed.
    """

    __slots__ = ("_borrowed", "_by_loop", "_lock", "_make")

    def __init__(
        self,
        make: Callable[[], httpx.AsyncClient],
        borrowed: httpx.AsyncClient | None = None,
    ) -> None:
        self._make = make
        self._borrowed = borrowed
        self._lock = threading.Lock()
        self._by_loop: dict[asyncio.AbstractEventLoop, AsyncPools] = {}

    def get(self) -> AsyncPools:
        """The running loop's pools (created and watched on first use)."""
        loop = asyncio.get_running_loop()
        pools = self._by_loop.get(loop)
        if pools is None or pools.closed:
            pools = self._new(loop)
        return pools

    def _new(self, loop: asyncio.AbstractEventLoop) -> AsyncPools:
        fresh = AsyncPools(self._make, self._borrowed)
        with self._lock:
            current = self._by_loop.get(loop)
            if current is not None and not current.closed:
                return current
            dead = [other for other in self._by_loop if other.is_closed()]
            released = [self._by_loop.pop(other) for other in dead]
            self._by_loop[loop] = fresh
        for pools in released:
            pools.release_sockets()
        if self._borrowed is None:
            fresh.watch(loop)
        return fresh

    def __len__(self) -> int:
        return len(self._by_loop)

    def close_all(self) -> AsyncPools | None:
        """Forget every loop's pools and close those that can be closed from here.

        Pools of closed loops are released at once; pools of loops running in other threads
        are closed on them; the running loop's pools are returned, for the caller to await
        (or to schedule, if it cannot). A loop that is stopped but not closed keeps its
        pools' watcher, which closes them when that loop shuts down. Never raises.
        """
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        with self._lock:
            items = list(self._by_loop.items())
            self._by_loop.clear()
        mine: AsyncPools | None = None
        for loop, pools in items:
            if loop is running:
                mine = pools
            elif loop.is_closed():
                pools.release_sockets()
            elif loop.is_running():
                with contextlib.suppress(RuntimeError):  # it closed meanwhile: watcher's job
                    loop.call_soon_threadsafe(_spawn_close, pools)
        return mine

    def close_soon(self) -> None:
        """:meth:`close_all` from sync code: the running loop's pools close in a task."""
        mine = self.close_all()
        if mine is not None:
            _spawn_close(mine)

    async def aclose_all(self) -> None:
        """:meth:`close_all`, awaiting the running loop's pools — also those an earlier sync
        ``close()`` on this loop left to a task, so ``close(); await aclose()`` returns with
        every connection of this loop closed. Never raises."""
        mine = self.close_all()
        if mine is not None:
            await mine.aclose()
        loop = asyncio.get_running_loop()
        pending = [t for t in _closing if t.get_loop() is loop and not t.done()]
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
