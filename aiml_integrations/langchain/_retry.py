"""The model's own bounded retries (``max_retries``), for retryable errors only.

Why our own loop and not tenacity / ``with_retry``: one retry layer that knows AI/ML API's
``Retry-After`` and the per-instance ``is_retryable`` (a 429 "free-tier limit for the hour" is
*not* retryable) — stacking the SDK's hidden retries under LangChain's is what made peers hit
the server 9 times for one call. ``max_retries=0`` turns this layer off, which is what you
want for a model behind ``with_fallbacks`` / ``ModelFallbackMiddleware``.

Delays: ``retry_after`` from the error when present (capped at :data:`MAX_RETRY_AFTER`), else
exponential backoff from :data:`INITIAL_DELAY` doubling up to :data:`MAX_DELAY`, with ±25%
jitter so many clients do not retry in lock-step.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiml_integrations.errors import AIMLAPIError
from aiml_integrations.langchain._errors import raise_native

__all__ = [
    "INITIAL_DELAY",
    "MAX_DELAY",
    "MAX_RETRY_AFTER",
    "acall_with_retries",
    "call_with_retries",
    "log_retry",
    "retry_delay",
    "should_retry",
]

T = TypeVar("T")

INITIAL_DELAY = 0.5
MAX_DELAY = 8.0
MAX_RETRY_AFTER = 60.0

_log = logging.getLogger("aiml_integrations.langchain")


def should_retry(exc: AIMLAPIError, attempt: int, max_retries: int) -> bool:
    """``attempt`` counts retries already made (0 after the first failure)."""
    return attempt < max_retries and bool(exc.is_retryable)


def retry_delay(exc: AIMLAPIError, attempt: int) -> float:
    """Seconds to wait before retry number ``attempt + 1``."""
    retry_after = exc.retry_after
    if retry_after is not None and retry_after >= 0:
        return min(float(retry_after), MAX_RETRY_AFTER)
    base = min(INITIAL_DELAY * (2.0**attempt), MAX_DELAY)
    return base * random.uniform(0.75, 1.25)


def log_retry(exc: AIMLAPIError, attempt: int, max_retries: int, delay: float) -> None:
    _log.warning(
        "AI/ML API call failed (%s); retry %d/%d in %.2fs",
        exc.info.category.value,
        attempt + 1,
        max_retries,
        delay,
    )


def call_with_retries(fn: Callable[[], T], max_retries: int) -> T:
    """``fn()``, retried on retryable errors; the final error is the LangChain-native type."""
    attempt = 0
    while True:
        try:
            return fn()
        except AIMLAPIError as exc:
            if not should_retry(exc, attempt, max_retries):
                raise_native(exc)
            delay = retry_delay(exc, attempt)
            log_retry(exc, attempt, max_retries, delay)
            time.sleep(delay)
            attempt += 1


async def acall_with_retries(fn: Callable[[], Awaitable[T]], max_retries: int) -> T:
    """Async :func:`call_with_retries`."""
    attempt = 0
    while True:
        try:
            return await fn()
        except AIMLAPIError as exc:
            if not should_retry(exc, attempt, max_retries):
                raise_native(exc)
            delay = retry_delay(exc, attempt)
            log_retry(exc, attempt, max_retries, delay)
            await asyncio.sleep(delay)
            attempt += 1
