"""Chat streams for LiteLLM: sent when the stream is created, read chunk by chunk afterwards.

Why the request goes out at creation: LiteLLM wraps a custom provider's chunk iterator in
``CustomStreamWrapper`` and turns any error raised while reading it into
``MidStreamFallbackError`` (for 429 and 5xx), so a stream that failed before its first chunk
surfaced as a generic "mid-stream" failure instead of ``RateLimitError``. Opening the stream in
``streaming()`` / ``astreaming()`` makes the typed error come out of ``litellm.completion()``
itself, as for LiteLLM's own ``openai/`` provider, and the Router handles it as a plain failed
attempt (retry, cooldown, fallback). Errors after the first chunk keep LiteLLM's mid-stream
handling.

The async case: LiteLLM calls ``astreaming()`` from ``loop.run_in_executor`` (a worker thread)
and never awaits what it returns. :func:`open_on_caller_loop` therefore runs the opening
coroutine on the event loop that is waiting for this worker thread — found from the executor
work item's result future — and blocks the worker (not the loop) until the answer's status is
known. If no such loop can be found (a direct call from a coroutine), the stream opens on its
first read, as before.

The chunk iterators own the open response: exhausting, failing or closing them (LiteLLM's
``close()`` / ``aclose()``) closes it, also when it was never read.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import sys
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator, Mapping
from types import FrameType
from typing import Any

from aiml_integrations._core.config import Timeouts
from aiml_integrations._core.transport import AIMLAPIClient, AsyncSSEStream, SSEStream
from aiml_integrations.litellm._guard import Guard
from aiml_integrations.litellm._response import StreamTranslator

__all__ = ["AsyncChunks", "SyncChunks", "open_on_caller_loop", "stream_timeout"]

#: How far up the worker thread's stack the executor's work item is looked for.
_MAX_FRAMES = 64
#: Extra seconds the worker waits beyond the stream's own timeout for the loop to answer.
_OPEN_MARGIN = 5.0
_WORK_ITEM_RUN = concurrent.futures.thread._WorkItem.run.__code__


def stream_timeout(seconds: float | None) -> Timeouts:
    """``timeout`` for a stream bounds connecting and each wait for data, not its length."""
    if seconds is None:
        return Timeouts(total=None)
    return Timeouts(connect=min(10.0, seconds), read=seconds, total=None)


def _waiting_future(frame: FrameType | None) -> asyncio.Future[Any] | None:
    """The asyncio future that ``run_in_executor`` resolves when this worker's call returns."""
    for _ in range(_MAX_FRAMES):
        if frame is None:
            return None
        if frame.f_code is _WORK_ITEM_RUN:
            item = frame.f_locals.get("self")
            work = getattr(item, "future", None)
            for callback in getattr(work, "_done_callbacks", ()):
                cells = getattr(callback, "__closure__", None) or ()
                names = getattr(getattr(callback, "__code__", None), "co_freevars", ())
                for name, cell in zip(names, cells, strict=False):
                    if name == "destination" and isinstance(cell.cell_contents, asyncio.Future):
                        return cell.cell_contents
            return None
        frame = frame.f_back
    return None


def open_on_caller_loop(events: AsyncSSEStream, seconds: float | None) -> None:
    """Send the async stream's request now, on the loop waiting for this worker thread.

    Raises the transport's typed error if AI/ML API does not answer 2xx. Does nothing when
    called on an event loop thread or outside ``run_in_executor`` (the stream then opens on
    its first read).
    """
    try:
        asyncio.get_running_loop()
        return
    except RuntimeError:
        pass
    waiter = _waiting_future(sys._getframe(1))
    if waiter is None:
        return
    loop = waiter.get_loop()
    if loop.is_closed():
        return
    opening = asyncio.run_coroutine_threadsafe(events.open(), loop)
    bound = None if seconds is None else seconds + _OPEN_MARGIN
    try:
        opening.result(bound)
    except concurrent.futures.TimeoutError:
        opening.cancel()
        raise asyncio.TimeoutError from None
    if waiter.cancelled():  # the caller gave up meanwhile: nobody will read this stream
        asyncio.run_coroutine_threadsafe(events.aclose(), loop)


class SyncChunks(Iterator[Any]):
    """LiteLLM chunks from an open sync SSE stream (closes it when done or closed)."""

    def __init__(
        self,
        events: SSEStream,
        model: str,
        url: str,
        client: AIMLAPIClient,
        litellm_params: Mapping[str, Any] | None = None,
    ) -> None:
        self._events = events
        self._guard = Guard(model, url, client, litellm_params)
        self._chunks = self._read(StreamTranslator(model))

    def _read(self, translator: StreamTranslator) -> Generator[Any, None, None]:
        events = self._events
        with self._guard:
            try:
                translator.note_headers(events.headers)
                for event in events:
                    yield from translator.feed(event)
            finally:
                events.close()
        yield translator.final_chunk()

    def __next__(self) -> Any:
        return next(self._chunks)

    def close(self) -> None:
        self._chunks.close()
        self._events.close()


class AsyncChunks(AsyncIterator[Any]):
    """Async :class:`SyncChunks` (opens the stream on first read if it is not open yet)."""

    def __init__(
        self,
        events: AsyncSSEStream,
        model: str,
        url: str,
        client: AIMLAPIClient,
        litellm_params: Mapping[str, Any] | None = None,
    ) -> None:
        self._events = events
        self._guard = Guard(model, url, client, litellm_params)
        self._chunks = self._read(StreamTranslator(model))

    async def _read(self, translator: StreamTranslator) -> AsyncGenerator[Any, None]:
        events = self._events
        with self._guard:
            try:
                await events.open()
                translator.note_headers(events.headers)
                async for event in events:
                    for chunk in translator.feed(event):
                        yield chunk
            finally:
                await events.aclose()
        yield translator.final_chunk()

    async def __anext__(self) -> Any:
        return await self._chunks.__anext__()

    async def aclose(self) -> None:
        await self._chunks.aclose()
        await self._events.aclose()
