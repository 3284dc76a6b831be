"""One pooled :class:`AIMLAPIClient` per (API key, base URL), reused across LiteLLM calls.

Why: LiteLLM calls the handler once per request with the key and base it resolved (a Router
deployment's ``api_key: os.environ/...`` arrives already resolved). Building an httpx client
per call would throw away connection pooling and TLS sessions; keeping one forever per key
would leak if keys rotate. So: a small LRU keyed by a hash of the key (the key itself is
never a dict key, so no repr or debugger view of the cache shows it).

Key resolution is ``api_key`` argument, then ``AIMLAPI_API_KEY`` / ``AIML_API_KEY`` — never
``OPENAI_API_KEY`` or ``litellm.api_key``, which belong to other vendors. A missing key is the
core ``AuthenticationError`` (raised before anything is sent).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict

from aiml_integrations._core.config import (
    BASE_URL_ENV_VARS,
    DEFAULT_BASE_URL,
    AIMLAPIConfig,
    normalize_base_url,
)
from aiml_integrations._core.transport import AIMLAPIClient
from aiml_integrations.errors import ErrorCategory, ErrorInfo, InvalidRequestError

__all__ = ["MAX_CLIENTS", "aclear_clients", "clear_clients", "get_client", "url_for"]

MAX_CLIENTS = 32

_lock = threading.Lock()
_clients: OrderedDict[tuple[str, str], AIMLAPIClient] = OrderedDict()


def get_client(api_key: str | None, api_base: str | None) -> AIMLAPIClient:
    """The cached client for this key and base (created on first use).

    An evicted client is closed (its pools, on every loop that can still close them); a call
    still running on it finishes, fails as a typed connection error, or runs on a fresh pool.
    """
    try:
        config = AIMLAPIConfig.resolve(api_key or None, api_base or None)
    except ValueError as exc:
        raise InvalidRequestError(
            ErrorInfo(category=ErrorCategory.INVALID_REQUEST, message=f"invalid api_base: {exc}")
        ) from None
    key = config.require_key()
    cache_key = (hashlib.sha256(key.encode("utf-8")).hexdigest(), config.base_url)
    with _lock:
        client = _clients.get(cache_key)
        if client is not None:
            _clients.move_to_end(cache_key)
            return client
        client = AIMLAPIClient(config)
        _clients[cache_key] = client
        evicted = [_clients.popitem(last=False)[1] for _ in range(len(_clients) - MAX_CLIENTS)]
    for old in evicted:
        old.close()
    return client


def clear_clients() -> None:
    """Forget every cached client (tests, key rotation) and close them; never raises.

    Sync pools close at once; async pools close on their loop (in a task when called from
    async code, on another thread's loop from there) or are released if their loop is gone.
    """
    with _lock:
        clients = list(_clients.values())
        _clients.clear()
    for client in clients:
        client.close()


async def aclear_clients() -> None:
    """:func:`clear_clients` from async code, returning once the running loop's pools closed.

    Tests that count sockets right after clearing use this one: ``clear_clients()`` from async
    code only schedules that close.
    """
    with _lock:
        clients = list(_clients.values())
        _clients.clear()
    for client in clients:
        await client.aclose()


def url_for(api_base: str | None, path: str) -> str:
    """The full URL of ``path`` (for the request attached to error objects; no credentials)."""
    base = api_base or next(
        (os.environ[n].strip() for n in BASE_URL_ENV_VARS if os.environ.get(n, "").strip()),
        DEFAULT_BASE_URL,
    )
    try:
        return normalize_base_url(base) + path
    except ValueError:
        return normalize_base_url(DEFAULT_BASE_URL) + path
