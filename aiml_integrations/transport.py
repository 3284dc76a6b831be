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
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import weakref
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

from aiml_integrations import __version__
from aiml_integrations._borrowed_http import BorrowedAsyncClient, BorrowedClient, OneAsyncClient
from aiml_integrations._error_parse import (
    exception_from_info,
    is_error_event,
    parse_error,
    redact,
    stream_event_error,
)
from aiml_integrations._sse import SSEDecoder, SSEEvent
from aiml_integrations.config import AIMLAPIConfig, Timeouts
from aiml_integrations.errors import AIMLAPIError, ErrorCategory, ErrorInfo

__all__ = ["AIMLAPIClient", "APIResponse", "AsyncSSEStream", "SSEStream", "billing_of"]

_DONE = b"[DONE]"
_USER_AGENT = f"aiml-integrations/{__version__}"
_MAX_ERROR_BODY = 256 * 1024


@dataclass(frozen=True)
class APIResponse:
    """A successful JSON answer plus what AI/ML API says about it in headers and ``meta``."""

    status_code: int
    data: Any
    headers: httpx.Headers
    request_id: str | None
    credits_used: float | None
    usd_spent: float | None


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def billing_of(
    data: Any, headers: Mapping[str, str] | None = None
) -> tuple[float | None, float | None]:
    """``(credits_used, usd_spent)`` from ``meta.usage`` or the ``x-aimlapi-*`` headers."""
    credits = usd = None
    if isinstance(data, dict):
        meta = data.get("meta")
        usage = meta.get("usage") if isinstance(meta, dict) else None
        if isinstance(usage, dict):
            credits = _number(usage.get("credits_used"))
            usd = _number(usage.get("usd_spent"))
    if headers is not None:
        if credits is None:
            credits = _number(headers.get("x-aimlapi-credits-used"))
        if usd is None:
            usd = _number(headers.get("x-aimlapi-usd-spent"))
    return credits, usd


def _httpx_timeout(t: Timeouts) -> httpx.Timeout:
    def cap(phase: float | None) -> float | None:
        if t.total is None:
            return phase
        return t.total if phase is None else min(phase, t.total)

    read = cap(t.read)
    return httpx.Timeout(connect=cap(t.connect), read=read, write=read, pool=cap(t.connect))


def _dumps(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _scrub(exc: httpx.HTTPError) -> None:
    """Replace the request attached to an httpx error by one without headers (no key)."""
    try:
        request = exc.request
    except RuntimeError:
        return
    exc.request = httpx.Request(request.method, request.url)


def _transport_error(exc: httpx.HTTPError, path: str, timeout: float | None) -> AIMLAPIError:
    _scrub(exc)
    if isinstance(exc, httpx.TimeoutException):
        limit = f" after {timeout:g}s" if timeout is not None else ""
        info = ErrorInfo(
            category=ErrorCategory.TIMEOUT,
            message=f"request timed out{limit} ({type(exc).__name__})",
            path=path,
        )
    else:
        detail = str(exc) or type(exc).__name__
        info = ErrorInfo(
            category=ErrorCategory.CONNECTION,
            message=f"connection to AI/ML API failed: {detail}",
            path=path,
        )
    return exception_from_info(info)


#: In-flight requests one ``httpx.AsyncClient`` takes before the next one is used, and how many
#: there may be per event loop (their limits add up to the old single pool's 1000 connections).
_ASYNC_SHARD_LOAD = 16
_ASYNC_SHARDS = 16
_SHARD_LIMITS = httpx.Limits(
    max_connections=1000 // _ASYNC_SHARDS, max_keepalive_connections=_ASYNC_SHARD_LOAD
)


class _AsyncPools:
    """The httpx async clients of one event loop, filled lowest first.

    Why several: httpcore's pool scans every connection (with a ``poll`` syscall per idle one)
    on each request it assigns, so one pool's cost per request grows with its size; at 200
    concurrent requests that scan, not the network, bounds throughput (raw ``httpx`` manages
    about 300 calls/s on 2 cores, benchmarks/bench.py). Shards of at most
    ``_ASYNC_SHARD_LOAD`` in-flight requests keep each scan short. A caller with few
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
            if count < _ASYNC_SHARD_LOAD:
                inflight[slot] = count + 1
                return slot
        if len(inflight) < _ASYNC_SHARDS:
            self.clients.append(self._make())
            inflight.append(1)
            return len(inflight) - 1
        slot = min(range(len(inflight)), key=inflight.__getitem__)
        inflight[slot] += 1
        return slot

    def release(self, slot: int) -> None:
        self.inflight[slot] -= 1


class AIMLAPIClient:
    """Credentials plus pooled HTTP clients for one AI/ML API account and base URL.

    Build it once and reuse it: the sync client and one async client per event loop are
    created lazily and keep their connections alive. ``close()`` / ``aclose()`` release them.

    ``http_client`` / ``http_async_client``: httpx clients the caller owns (proxies, mTLS,
    custom transports, a pool shared by many instances). They are used instead of our own and
    never closed here (:mod:`aiml_integrations._borrowed_http`); errors are typed the same.
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
        self._timeout = _httpx_timeout(self.config.timeouts)
        self._secrets = self.config.secrets()
        self._lock = threading.Lock()
        self._client: httpx.Client | None = None
        self._aclients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _AsyncPools] = (
            weakref.WeakKeyDictionary()
        )
        self._urls: dict[str, httpx.URL] = {}
        self._timeouts: dict[float, tuple[httpx.Timeout, Timeouts]] = {}
        base_url, headers = self.config.base_url, self._client_kwargs()["headers"]
        self._borrowed = (
            BorrowedClient(http_client, base_url, headers) if http_client is not None else None
        )
        self._aborrowed = (
            OneAsyncClient(BorrowedAsyncClient(http_async_client, base_url, headers))
            if http_async_client is not None
            else None
        )

    def __repr__(self) -> str:
        return f"AIMLAPIClient(base_url={self.config.base_url!r})"

    # -- clients -------------------------------------------------------------------------

    def _client_kwargs(self, limits: httpx.Limits | None = None) -> dict[str, Any]:
        headers = {
            "User-Agent": _USER_AGENT,
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

    def _sync(self) -> httpx.Client | BorrowedClient:
        if self._borrowed is not None:
            return self._borrowed
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    self._client = httpx.Client(**self._client_kwargs())
                client = self._client
        return client

    def _apools(self) -> _AsyncPools | OneAsyncClient:
        if self._aborrowed is not None:
            return self._aborrowed
        loop = asyncio.get_running_loop()
        pools = self._aclients.get(loop)
        if pools is None:
            pools = _AsyncPools(lambda: httpx.AsyncClient(**self._client_kwargs(_SHARD_LIMITS)))
            self._aclients[loop] = pools
        return pools

    def close(self) -> None:
        """Close the sync pool (async pools are closed by :meth:`aclose` on their loop).

        A caller's ``http_client`` stays open: its owner closes it."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    async def aclose(self) -> None:
        """Close the pool of the running loop; pools of other (dead) loops are dropped.

        A caller's ``http_async_client`` stays open: its owner closes it."""
        loop = asyncio.get_running_loop()
        pools = self._aclients.pop(loop, None)
        self._aclients.clear()
        if pools is not None:
            for client in pools.clients:
                await client.aclose()

    # -- helpers -------------------------------------------------------------------------

    def _url(self, path: str) -> httpx.URL | str:
        """The absolute URL of an endpoint path, parsed once.

        Why: given a relative path, httpx re-parses and merges it with ``base_url`` on every
        request (about 50 µs per call, measured by ``benchmarks/bench.py``). ``base_url`` has no
        trailing slash (:func:`~aiml_integrations.config.normalize_base_url`), so the join is
        the same as httpx's. Anything but a plain ``/path`` is left to httpx.
        """
        url = self._urls.get(path)
        if url is not None:
            return url
        if not path.startswith("/") or "?" in path or "#" in path or len(self._urls) >= 64:
            return path
        url = self._urls[path] = httpx.URL(self.config.base_url + path)
        return url

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
        pair = (_httpx_timeout(resolved), resolved)
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

    def post(
        self,
        path: str,
        payload: Any,
        *,
        timeout: Timeouts | float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> APIResponse:
        """POST JSON to ``path`` (``/v1/chat/completions``); ``AIMLAPIError`` on failure."""
        self._check_key()
        httpx_timeout, resolved = self._call_timeout(timeout)
        try:
            response = self._sync().post(
                self._url(path), content=_dumps(payload), headers=headers, timeout=httpx_timeout
            )
        except httpx.HTTPError as exc:
            raise _transport_error(exc, path, resolved.total or resolved.read) from exc
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
        httpx_timeout, resolved = self._call_timeout(timeout)
        pools = self._apools()
        slot = pools.acquire()
        try:
            response = await pools.clients[slot].post(
                self._url(path), content=_dumps(payload), headers=headers, timeout=httpx_timeout
            )
        except httpx.HTTPError as exc:
            raise _transport_error(exc, path, resolved.total or resolved.read) from exc
        finally:
            pools.release(slot)
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
        httpx_timeout, resolved = self._call_timeout(timeout)
        try:
            response = self._sync().get(path, params=params, headers=headers, timeout=httpx_timeout)
        except httpx.HTTPError as exc:
            raise _transport_error(exc, path, resolved.total or resolved.read) from exc
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
        httpx_timeout, resolved = self._call_timeout(timeout)
        pools = self._apools()
        slot = pools.acquire()
        try:
            response = await pools.clients[slot].get(
                path, params=params, headers=headers, timeout=httpx_timeout
            )
        except httpx.HTTPError as exc:
            raise _transport_error(exc, path, resolved.total or resolved.read) from exc
        finally:
            pools.release(slot)
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


_MAX_DRAIN = 64 * 1024


def _drain(chunks: Iterator[bytes]) -> None:
    """After ``[DONE]``, read the (normally empty) rest of the body so the connection goes back
    to the pool instead of being closed; a failure here cannot spoil a finished answer."""
    seen = 0
    try:
        for rest in chunks:
            seen += len(rest)
            if seen > _MAX_DRAIN:
                return
    except httpx.HTTPError:
        return


async def _adrain(chunks: AsyncIterator[bytes]) -> None:
    """Async :func:`_drain`."""
    seen = 0
    try:
        async for rest in chunks:
            seen += len(rest)
            if seen > _MAX_DRAIN:
                return
    except httpx.HTTPError:
        return


class _StreamBase:
    """What sync and async streams share: decoding events and the end-of-stream rules."""

    def __init__(
        self,
        owner: AIMLAPIClient,
        path: str,
        payload: Any,
        timeout: Timeouts | float | None,
        headers: Mapping[str, str] | None,
    ) -> None:
        self._owner = owner
        self._path = path
        self._payload = payload
        self._headers = headers
        self._httpx_timeout, self._timeouts = owner._call_timeout(timeout)
        self._deadline: float | None = None
        self._decoder = SSEDecoder()
        self.done = False
        self.headers: httpx.Headers = httpx.Headers()
        self.status_code: int | None = None

    @property
    def request_id(self) -> str | None:
        value: str | None = self.headers.get("x-inference-id")
        return value

    def _start_clock(self) -> None:
        if self._timeouts.total is not None:
            self._deadline = time.monotonic() + self._timeouts.total

    def _check_deadline(self) -> None:
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise exception_from_info(
                ErrorInfo(
                    category=ErrorCategory.TIMEOUT,
                    message=f"stream exceeded its total timeout of {self._timeouts.total:g}s",
                    path=self._path,
                    request_id=self.request_id,
                )
            )

    def _decode(self, event: SSEEvent) -> dict[str, Any] | None:
        """The event's JSON object; ``None`` for ``[DONE]`` (and marks the stream done)."""
        if event.data == _DONE:
            self.done = True
            return None
        try:
            obj = json.loads(event.data)
        except (ValueError, RecursionError):
            raise exception_from_info(
                ErrorInfo(
                    category=ErrorCategory.SERVER_ERROR,
                    message="malformed JSON in an AI/ML API stream event",
                    status_code=self.status_code,
                    request_id=self.request_id,
                    path=self._path,
                    body=redact(
                        event.data[:2000].decode("utf-8", errors="replace"), self._owner._secrets
                    ),
                )
            ) from None
        if event.event == "error" and not is_error_event(obj):
            obj = {"error": obj}
        if not isinstance(obj, dict) or is_error_event(obj):
            as_dict = obj if isinstance(obj, dict) else {"error": {"message": str(obj)}}
            info = stream_event_error(
                as_dict, self.headers, secrets=self._owner._secrets, request_path=self._path
            )
            if info.request_id is None:
                info.request_id = self.request_id
            raise exception_from_info(info)
        return obj

    def _cut(self) -> AIMLAPIError:
        return exception_from_info(
            ErrorInfo(
                category=ErrorCategory.CONNECTION,
                message="the stream ended before [DONE]: the answer is incomplete",
                status_code=self.status_code,
                request_id=self.request_id,
                path=self._path,
            )
        )

    def _failed(self, exc: httpx.HTTPError) -> AIMLAPIError:
        return _transport_error(exc, self._path, self._timeouts.total or self._timeouts.read)


class SSEStream(_StreamBase):
    """A sync SSE stream (see :meth:`AIMLAPIClient.stream`)."""

    _response: httpx.Response | None = None

    def __enter__(self) -> SSEStream:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        if self._response is not None:
            return
        self._start_clock()
        client = self._owner._sync()
        request = client.build_request(
            "POST",
            self._owner._url(self._path),
            content=_dumps(self._payload),
            headers=self._headers,
            timeout=self._httpx_timeout,
        )
        try:
            response = client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise self._failed(exc) from exc
        self.status_code = response.status_code
        self.headers = response.headers
        if not 200 <= response.status_code < 300:
            try:
                body = response.read()[:_MAX_ERROR_BODY]
            except httpx.HTTPError:
                body = b""
            finally:
                response.close()
            raise self._owner._error(response.status_code, body, response.headers, self._path)
        self._response = response

    def close(self) -> None:
        response, self._response = self._response, None
        if response is not None:
            response.close()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        self.open()
        response = self._response
        assert response is not None
        try:
            chunks = response.iter_bytes()
            for chunk in chunks:
                for event in self._decoder.feed(chunk):
                    if self.done:
                        continue
                    obj = self._decode(event)
                    if obj is not None:
                        yield obj
                self._check_deadline()
                if self.done:
                    _drain(chunks)
                    break
            for event in self._decoder.flush():
                if not self.done:
                    obj = self._decode(event)
                    if obj is not None:
                        yield obj
        except httpx.HTTPError as exc:
            raise self._failed(exc) from exc
        finally:
            self.close()
        if not self.done:
            raise self._cut()


class AsyncSSEStream(_StreamBase):
    """An async SSE stream (see :meth:`AIMLAPIClient.astream`)."""

    _response: httpx.Response | None = None

    async def __aenter__(self) -> AsyncSSEStream:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    _pools: _AsyncPools | OneAsyncClient | None = None
    _slot = -1

    def _release(self) -> None:
        pools, self._pools = self._pools, None
        if pools is not None:
            pools.release(self._slot)

    async def open(self) -> None:
        if self._response is not None:
            return
        self._start_clock()
        self._release()  # a failed earlier open() of this stream
        pools = self._owner._apools()
        self._slot = pools.acquire()
        self._pools = pools
        client = pools.clients[self._slot]
        request = client.build_request(
            "POST",
            self._owner._url(self._path),
            content=_dumps(self._payload),
            headers=self._headers,
            timeout=self._httpx_timeout,
        )
        try:
            response = await client.send(request, stream=True)
        except httpx.HTTPError as exc:
            self._release()
            raise self._failed(exc) from exc
        except BaseException:
            self._release()
            raise
        self.status_code = response.status_code
        self.headers = response.headers
        if not 200 <= response.status_code < 300:
            try:
                body = (await response.aread())[:_MAX_ERROR_BODY]
            except httpx.HTTPError:
                body = b""
            finally:
                await response.aclose()
                self._release()
            raise self._owner._error(response.status_code, body, response.headers, self._path)
        self._response = response

    async def aclose(self) -> None:
        response, self._response = self._response, None
        try:
            if response is not None:
                await response.aclose()
        finally:
            self._release()

    async def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        await self.open()
        response = self._response
        assert response is not None
        try:
            chunks = response.aiter_bytes()
            async for chunk in chunks:
                for event in self._decoder.feed(chunk):
                    if self.done:
                        continue
                    obj = self._decode(event)
                    if obj is not None:
                        yield obj
                self._check_deadline()
                if self.done:
                    await _adrain(chunks)
                    break
            for event in self._decoder.flush():
                if not self.done:
                    obj = self._decode(event)
                    if obj is not None:
                        yield obj
        except httpx.HTTPError as exc:
            raise self._failed(exc) from exc
        finally:
            await self.aclose()
        if not self.done:
            raise self._cut()
