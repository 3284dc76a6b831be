"""The one HTTP path to AI/ML API: pooled httpx clients, JSON calls, SSE streams, typed errors.

Why it is shared: both adapters need the same things — one connection pool reused across
calls, an async client that survives a new event loop (``asyncio.run`` twice must not fail with
"Event loop is closed"), any 2xx accepted as success (AI/ML API sometimes answers 201),
billing headers kept, and every failure turned into an
:class:`~aiml_integrations.errors.AIMLAPIError` subclass through the single
parser/classifier. The adapters catch ``AIMLAPIError`` and re-raise their framework's type
from it; they never see httpx exceptions.

Secrets: the API key travels only in the ``Authorization`` header to the configured base URL.
Bodies shown in errors are redacted, and httpx exceptions chained as causes get a copy of their
request without headers.

Layout: this module holds ``AIMLAPIClient`` (re-exported as ``aiml_integrations.AIMLAPIClient``);
the pieces are its submodules (``_wire``: shared request helpers and ``APIResponse``;
``_pools``: pool ownership per event loop; ``_stream``: SSE streams).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from aiml_integrations._core.config import AIMLAPIConfig, Timeouts
from aiml_integrations._core.error_parse import (
    exception_from_info,
    is_error_event,
    parse_error,
    redact,
    stream_event_error,
)
from aiml_integrations._core.transport._pools import SHARD_LIMITS, AsyncPools, LoopPools, SyncPool
from aiml_integrations._core.transport._stream import AsyncSSEStream, SSEStream
from aiml_integrations._core.transport._wire import (
    CLOSED_RETRIES,
    USER_AGENT,
    APIResponse,
    EncodedBody,
    billing_of,
    closed_before_send,
    closed_error,
    encode,
    httpx_timeout,
    transport_error,
)
from aiml_integrations.errors import AIMLAPIError, ErrorCategory, ErrorInfo

__all__ = [
    "AIMLAPIClient",
    "APIResponse",
    "AsyncSSEStream",
    "EncodedBody",
    "SSEStream",
    "billing_of",
]


class AIMLAPIClient:
    """Credentials plus pooled HTTP clients for one AI/ML API account and base URL.

    Build it once and reuse it: the sync client and one async client set per event loop are
    created lazily and keep their connections alive. ``close()`` / ``aclose()`` release them
    and never raise; the client stays usable (a later call opens a fresh pool). A pool whose
    event loop ends is closed with it (see :mod:`aiml_integrations._core.transport._pools`).

    Calls racing a close either finish, fail as a typed
    :class:`~aiml_integrations.errors.APIConnectionError`, or (when the pool closed before
    anything was sent) run again on a fresh pool.

    ``http_client`` / ``http_async_client``: httpx clients the caller owns (proxies, mTLS,
    custom transports, event hooks, one pool shared by many instances). They are *borrowed*:
    used instead of our pools, never closed here, and never changed — they may be shared by
    instances with other keys and base URLs, so each request on them carries what our own
    clients have as defaults (the absolute URL, our headers with the key; the caller's client
    headers still apply underneath). Redirects are not followed on any client, so the key
    cannot follow one to another host. Their failures are the same httpx exceptions and are
    typed exactly like ours.
    """

    def __init__(
        self,
        config: AIMLAPIConfig | None = None,
        *,
        http_client: httpx.Client | None = None,
        http_async_client: httpx.AsyncClient | None = None,
        **resolve: Any,
    ) -> None:
        self.config = config if config is not None else AIMLAPIConfig.resolve(**resolve)
        self._timeout = httpx_timeout(self.config.timeouts)
        self._secrets = self.config.secrets()
        self._borrowed = (http_client, http_async_client)
        self._defaults: dict[str, str] = self._client_kwargs()["headers"]
        self._pool = SyncPool(lambda: httpx.Client(**self._client_kwargs()), http_client)
        self._loops = LoopPools(
            lambda: httpx.AsyncClient(**self._client_kwargs(SHARD_LIMITS)), http_async_client
        )
        self._urls: dict[str, httpx.URL] = {}
        self._timeouts: dict[float, tuple[httpx.Timeout, Timeouts]] = {}

    def __repr__(self) -> str:
        return f"AIMLAPIClient(base_url={self.config.base_url!r})"

    # -- clients -------------------------------------------------------------------------

    def _client_kwargs(self, limits: httpx.Limits | None = None) -> dict[str, Any]:
        headers = {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            "Content-Type": "application/json",
            **self.config.default_headers,
        }
        if self.config.api_key is not None:
            headers["Authorization"] = f"Bearer {self.config.api_key.get_secret_value()}"
        if self.config.client_request_id:
            headers["X-Client-Request-Id"] = self.config.client_request_id
        return {
            "base_url": self.config.base_url,
            "headers": headers,
            "timeout": self._timeout,
            "limits": limits or httpx.Limits(max_connections=1000, max_keepalive_connections=100),
            "follow_redirects": False,
        }

    def _apools(self) -> AsyncPools:
        return self._loops.get()

    def close(self) -> None:
        """Close the sync pool and every async pool that can be closed from here.

        Async pools of closed loops are released at once, those of loops running in other
        threads are closed on their loop, and the running loop's (when called from async code)
        in a task of that loop. Never raises.
        """
        self._pool.close()
        self._loops.close_soon()

    async def aclose(self) -> None:
        """:meth:`close`, awaiting the running loop's pools. Never raises."""
        self._pool.close()
        await self._loops.aclose_all()

    # -- helpers -------------------------------------------------------------------------

    def _url(self, path: str) -> httpx.URL | str:
        """The absolute URL of an endpoint path, parsed once.

        Why: given a relative path, httpx re-parses and merges it with ``base_url`` on every
        request (about 50 µs per call, measured by ``benchmarks/bench.py``). ``base_url`` has no
        trailing slash (:func:`~aiml_integrations._core.config.normalize_base_url`), so the join is
        the same as httpx's. Anything but a plain ``/path`` is left to httpx.
        """
        url = self._urls.get(path)
        if url is not None:
            return url
        if not path.startswith("/") or "?" in path or "#" in path or len(self._urls) >= 64:
            return path
        url = self._urls[path] = httpx.URL(self.config.base_url + path)
        return url

    def _target(
        self,
        client: httpx.Client | httpx.AsyncClient,
        path: str,
        headers: Mapping[str, str] | None,
    ) -> tuple[httpx.URL | str, Mapping[str, str] | None]:
        """URL and headers of one request on ``client``: as given on our own clients (their
        defaults add the rest); absolute and with our headers on a borrowed one."""
        url = self._url(path)
        if client is not self._borrowed[0] and client is not self._borrowed[1]:
            return url, headers
        if isinstance(url, str):
            url = self.config.base_url + (url if url.startswith("/") else "/" + url)
        return url, {**self._defaults, **headers} if headers else self._defaults

    def _call_timeout(self, timeout: Timeouts | float | None) -> tuple[httpx.Timeout, Timeouts]:
        if timeout is None:
            return self._timeout, self.config.timeouts
        # LiteLLM passes the same number (its default 600) on every call: convert it once.
        key = (
            timeout if isinstance(timeout, int | float) and not isinstance(timeout, bool) else None
        )
        if key is not None:
            cached = self._timeouts.get(key)
            if cached is not None:
                return cached
        resolved = Timeouts.coerce(timeout, self.config.timeouts)
        pair = (httpx_timeout(resolved), resolved)
        if key is not None and len(self._timeouts) < 32:
            self._timeouts[key] = pair
        return pair

    def _check_key(self) -> None:
        if not self._secrets:
            self.config.require_key()

    def _error(self, status: int, body: bytes, headers: httpx.Headers, path: str) -> AIMLAPIError:
        info = parse_error(status, body, headers, secrets=self._secrets, request_path=path)
        return exception_from_info(info)

    def _success(self, response: httpx.Response, path: str) -> APIResponse:
        content = response.content
        try:
            data = json.loads(content) if content else None
        except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
            raise exception_from_info(
                ErrorInfo(
                    category=ErrorCategory.SERVER_ERROR,
                    message=(f"AI/ML API answered {response.status_code} with a non-JSON body"),
                    status_code=response.status_code,
                    request_id=response.headers.get("x-inference-id"),
                    path=path,
                    body=redact(content[:2000].decode("utf-8", errors="replace"), self._secrets),
                )
            ) from None
        if isinstance(data, dict) and is_error_event(data):
            info = stream_event_error(
                data, response.headers, secrets=self._secrets, request_path=path
            )
            raise exception_from_info(info)
        headers = response.headers
        credits, usd = billing_of(data, headers)
        return APIResponse(
            status_code=response.status_code,
            data=data,
            headers=headers,
            request_id=headers.get("x-inference-id"),
            credits_used=credits,
            usd_spent=usd,
        )

    def _finish(self, response: httpx.Response, path: str) -> APIResponse:
        if 200 <= response.status_code < 300:
            return self._success(response, path)
        raise self._error(response.status_code, response.content, response.headers, path)

    def _got(self, response: httpx.Response, path: str) -> httpx.Response:
        """A GET answer as is when 2xx or 304 (``If-None-Match`` hit); anything else raises."""
        if 200 <= response.status_code < 300 or response.status_code == 304:
            return response
        raise self._error(response.status_code, response.content, response.headers, path)

    # -- JSON calls ----------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        timeout: Timeouts | float | None,
        headers: Mapping[str, str] | None,
        **kwargs: Any,
    ) -> httpx.Response:
        httpx_timeout, resolved = self._call_timeout(timeout)
        pool = self._pool
        for _ in range(CLOSED_RETRIES):
            client = pool.acquire()
            url, sent_headers = self._target(client, path, headers)
            try:
                return client.request(
                    method,
                    url,
                    timeout=httpx_timeout,
                    headers=sent_headers,
                    follow_redirects=False,
                    **kwargs,
                )
            except httpx.HTTPError as exc:
                raise transport_error(exc, path, resolved.total or resolved.read) from exc
            except RuntimeError as exc:  # a borrowed client its owner closed meanwhile
                if not closed_before_send(exc, client):
                    raise
            finally:
                pool.release(client)
        raise closed_error(path)

    async def _asend(
        self,
        method: str,
        path: str,
        timeout: Timeouts | float | None,
        headers: Mapping[str, str] | None,
        **kwargs: Any,
    ) -> httpx.Response:
        httpx_timeout, resolved = self._call_timeout(timeout)
        for _ in range(CLOSED_RETRIES):
            pools = self._apools()
            slot = pools.acquire()
            client = pools.clients[slot]
            url, sent_headers = self._target(client, path, headers)
            try:
                return await client.request(
                    method,
                    url,
                    timeout=httpx_timeout,
                    headers=sent_headers,
                    follow_redirects=False,
                    **kwargs,
                )
            except httpx.HTTPError as exc:
                raise transport_error(exc, path, resolved.total or resolved.read) from exc
            except RuntimeError as exc:
                if not closed_before_send(exc, client):
                    raise
            finally:
                pools.release(slot)
        raise closed_error(path)

    def post(
        self,
        path: str,
        payload: Any,
        *,
        timeout: Timeouts | float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> APIResponse:
        """POST JSON (or an :class:`EncodedBody`) to ``path``; ``AIMLAPIError`` on failure."""
        self._check_key()
        content, headers = encode(payload, headers)
        response = self._send("POST", path, timeout, headers, content=content)
        return self._finish(response, path)

    async def apost(
        self,
        path: str,
        payload: Any,
        *,
        timeout: Timeouts | float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> APIResponse:
        """Async :meth:`post`."""
        self._check_key()
        content, headers = encode(payload, headers)
        response = await self._asend("POST", path, timeout, headers, content=content)
        return self._finish(response, path)

    def get(
        self,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: Timeouts | float | None = None,
    ) -> httpx.Response:
        """GET ``path``; a 2xx or 304 response is returned as is, anything else raises."""
        response = self._send("GET", path, timeout, headers, params=params)
        return self._got(response, path)

    async def aget(
        self,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: Timeouts | float | None = None,
    ) -> httpx.Response:
        """Async :meth:`get`."""
        response = await self._asend("GET", path, timeout, headers, params=params)
        return self._got(response, path)

    # -- streams -------------------------------------------------------------------------

    def stream(
        self,
        path: str,
        payload: Any,
        *,
        timeout: Timeouts | float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> SSEStream:
        """An SSE stream; use ``with client.stream(...) as events: for event in events: ...``.

        Entering sends the request and raises the typed error if the answer is not 2xx.
        Iterating yields each ``data:`` JSON object until ``[DONE]``; an error object in the
        stream raises its typed error; a stream that ends without ``[DONE]`` raises
        :class:`~aiml_integrations.errors.APIConnectionError`.
        """
        self._check_key()
        return SSEStream(self, path, payload, timeout, headers)

    def astream(
        self,
        path: str,
        payload: Any,
        *,
        timeout: Timeouts | float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> AsyncSSEStream:
        """Async :meth:`stream`: ``async with client.astream(...) as events: async for ...``."""
        self._check_key()
        return AsyncSSEStream(self, path, payload, timeout, headers)
