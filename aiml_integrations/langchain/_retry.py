"""The model's own bounded retries (``max_retries``), for retryable errors only.

Why our own loop and not tenacity / ``with_retry``: one retry layer that knows AI/ML API's
``Retry-After`` and the per-instance ``is_retryable`` (a 429 "free-tier limit for the hour" is
*not* retryable) — stacking an SDK's hidden retries under LangChain's would hit the server
up to 9 times for one call. ``max_retries=0`` turns this layer off, which is what you
want for a model behind ``with_fallbacks`` / ``ModelFallbackMiddleware``.

One loop for plain calls and streams: a stream is retried only until it has yielded its first
item (after that a retry would repeat output the caller already has), and a plain call is a
stream of exactly one item, so it is retried until it returns. The loop is written once for
sync and once for async, like the transport it drives.

Delays: ``retry_after`` from the error when present (capped at :data:`MAX_RETRY_AFTER`), else
exponential backoff from :data:`INITIAL_DELAY` doubling up to :data:`MAX_DELAY`, with ±25%
jitter so many clients do not retry in lock-step. The error that ends the loop is raised as the
LangChain-native type.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from contextlib import aclosing, closing
from typing import TypeVar

from aiml_integrations.errors import AIMLAPIError
from aiml_integrations.langchain._errors import raise_native

__all__ = [
    "INITIAL_DELAY",
    "MAX_DELAY",
    "MAX_RETRY_AFTER",
    "acall_with_retries",
    "astream_with_retries",
    "call_with_retries",
    "retry_delay",
    "stream_with_retries",
]

T = TypeVar("T")

INITIAL_DELAY = 0.5
MAX_DELAY = 8.0
MAX_RETRY_AFTER = 60.0

_log = logging.getLogger("aiml_integrations.langchain")


def retry_delay(exc: AIMLAPIError, attempt: int) -> float:
    """Seconds to wait before retry number ``attempt + 1``."""
    retry_after = exc.retry_after
    if retry_after is not None and retry_after >= 0:
        return min(float(retry_after), MAX_RETRY_AFTER)
    base = min(INITIAL_DELAY * (2.0**attempt), MAX_DELAY)
    return base * random.uniform(0.75, 1.25)


def _next_delay(exc: AIMLAPIError, attempt: int, max_retries: int, started: bool) -> float:
    """The wait before retrying after ``exc``, or the native error when there is no retry.

    ``attempt`` counts retries already made; ``started`` is whether output already reached
    the caller (then the error is final whatever its category).
    """
    if started or attempt >= max_retries or not exc.is_retryable:
        raise_native(exc)
    delay = retry_delay(exc, attempt)
    _log.warning(
        "AI/ML API call failed (%s); retry %d/%d in %.2fs",
        exc.info.category.value,
        attempt + 1,
        max_retries,
        delay,
    )
    return delay


def stream_with_retries(
    open_stream: Callable[[], Generator[T, None, None]], max_retries: int
) -> Generator[T, None, None]:
    """Items of ``open_stream()``, reopened on a retryable error raised before the first item.

    Each attempt's generator is closed when it ends or when the caller stops early, so its
    connection goes back to the pool at once.
    """
    attempt = 0
    while True:
        started = False
        try:
            with closing(open_stream()) as items:
                for item in items:
                    started = True
                    yield item
            return
        except AIMLAPIError as exc:
            time.sleep(_next_delay(exc, attempt, max_retries, started))
            attempt += 1


async def astream_with_retries(
    open_stream: Callable[[], AsyncGenerator[T, None]], max_retries: int
) -> AsyncGenerator[T, None]:
    """Async :func:`stream_with_retries`."""
    attempt = 0
    while True:
        started = False
        try:
            async with aclosing(open_stream()) as items:
                async for item in items:
                    started = True
                    yield item
            return
        except AIMLAPIError as exc:
            await asyncio.sleep(_next_delay(exc, attempt, max_retries, started))
            attempt += 1


def call_with_retries(fn: Callable[[], T], max_retries: int) -> T:
    """``fn()``, retried on retryable errors; the final error is the LangChain-native type."""

    def once() -> Generator[T, None, None]:
        yield fn()

    (result,) = stream_with_retries(once, max_retries)
    return result


async def acall_with_retries(fn: Callable[[], Awaitable[T]], max_retries: int) -> T:
    """Async :func:`call_with_retries`."""

    async def once() -> AsyncGenerator[T, None]:
        yield await fn()

    (result,) = [item async for item in astream_with_retries(once, max_retries)]
    return result
