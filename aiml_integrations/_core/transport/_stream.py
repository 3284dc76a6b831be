"""SSE streams over the pooled clients, and the rules for when a stream is complete."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import httpx

from aiml_integrations._core.config import Timeouts
from aiml_integrations._core.error_parse import (
    exception_from_info,
    is_error_event,
    redact,
    stream_event_error,
)
from aiml_integrations._core.sse import SSEDecoder, SSEEvent
from aiml_integrations._core.transport._pools import AsyncPools
from aiml_integrations._core.transport._wire import (
    CLOSED_RETRIES,
    MAX_ERROR_BODY,
    closed_before_send,
    closed_error,
    dumps,
    stream_closed_error,
    transport_error,
)
from aiml_integrations.errors import AIMLAPIError, ErrorCategory, ErrorInfo

if TYPE_CHECKING:
    from aiml_integrations._core.transport import AIMLAPIClient

__all__ = ["AsyncSSEStream", "SSEStream"]

_DONE = b"[DONE]"
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
    except (httpx.HTTPError, httpx.StreamError):
        return


async def _adrain(chunks: AsyncIterator[bytes]) -> None:
    """Async :func:`_drain`."""
    seen = 0
    try:
        async for rest in chunks:
            seen += len(rest)
            if seen > _MAX_DRAIN:
                return
    except (httpx.HTTPError, httpx.StreamError):
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
        self._finishes = 0
        self._unfinished: set[Any] = set()
        self.headers: httpx.Headers = httpx.Headers()
        self.status_code: int | None = None

    @property
    def complete(self) -> bool:
        """``[DONE]`` arrived, or every choice seen so far delivered its ``finish_reason``.

        Why the finish counts: some upstreams close the stream after the finish (and usage)
        chunk without ``data: [DONE]``; that answer is whole and billed, and retrying it would
        pay for it twice. Only an end before the finish is a cut.
        """
        return self.done or (self._finishes > 0 and not self._unfinished)

    def _note_finish(self, obj: dict[str, Any]) -> None:
        choices = obj.get("choices")
        if type(choices) is not list:
            return
        for choice in choices:
            if type(choice) is dict:
                index = choice.get("index", 0)
                if choice.get("finish_reason"):
                    self._finishes += 1
                    self._unfinished.discard(index)
                else:
                    self._unfinished.add(index)

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
        self._note_finish(obj)
        return obj

    def _refused(self, response: httpx.Response, body: bytes) -> AIMLAPIError:
        """The error of an answer that is not an event stream: an error status, or a JSON body.

        A JSON body to a stream request is an error body whatever its status (AI/ML API
        answers some failures with a 200 JSON envelope): it is classified like one, never
        reported as a stream that ended early.
        """
        status = response.status_code
        if not 200 <= status < 300:
            return self._owner._error(status, body, response.headers, self._path)
        try:
            obj = json.loads(body) if body.strip() else None
        except (ValueError, RecursionError):
            obj = None
        if isinstance(obj, dict) and is_error_event(obj):
            info = stream_event_error(
                obj, response.headers, secrets=self._owner._secrets, request_path=self._path
            )
        else:
            info = ErrorInfo(
                category=ErrorCategory.SERVER_ERROR,
                message="AI/ML API answered a stream request with a JSON body, not events",
                status_code=status,
                path=self._path,
                body=redact(body[:2000].decode("utf-8", errors="replace"), self._owner._secrets),
            )
        if info.request_id is None:
            info.request_id = response.headers.get("x-inference-id")
        return exception_from_info(info)

    @staticmethod
    def _is_event_stream(response: httpx.Response) -> bool:
        if not 200 <= response.status_code < 300:
            return False
        content_type = response.headers.get("content-type", "")
        return "json" not in content_type or "event-stream" in content_type

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
        return transport_error(exc, self._path, self._timeouts.total or self._timeouts.read)


class SSEStream(_StreamBase):
    """A sync SSE stream (see :meth:`AIMLAPIClient.stream`)."""

    _response: httpx.Response | None = None

    def __enter__(self) -> SSEStream:
        self.open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def open(self) -> None:
        if self._response is not None:
            return
        self._start_clock()
        response = self._send()
        self.status_code = response.status_code
        self.headers = response.headers
        if not self._is_event_stream(response):
            try:
                body = response.read()[:MAX_ERROR_BODY]
            except (httpx.HTTPError, httpx.StreamError):
                body = b""
            finally:
                response.close()
                self._release()
            raise self._refused(response, body)
        self._response = response

    _client: httpx.Client | None = None

    def _send(self) -> httpx.Response:
        """Send on the sync pool, held until :meth:`close` (a close meanwhile waits for it)."""
        pool = self._owner._pool
        for _ in range(CLOSED_RETRIES):
            self._release()
            client = self._client = pool.acquire()
            url, headers = self._owner._target(client, self._path, self._headers)
            request = client.build_request(
                "POST",
                url,
                content=dumps(self._payload),
                headers=headers,
                timeout=self._httpx_timeout,
            )
            try:
                return client.send(request, stream=True, follow_redirects=False)
            except httpx.HTTPError as exc:
                self._release()
                raise self._failed(exc) from exc
            except RuntimeError as exc:
                self._release()
                if not closed_before_send(exc, client):
                    raise
            except BaseException:
                self._release()
                raise
        raise closed_error(self._path)

    def _release(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            self._owner._pool.release(client)

    def close(self) -> None:
        response, self._response = self._response, None
        try:
            if response is not None:
                response.close()
        finally:
            self._release()

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
            if not self.complete:
                raise self._failed(exc) from exc
        except httpx.StreamError as exc:
            if not self.complete:
                raise stream_closed_error(self._path, self.status_code, self.request_id) from exc
        finally:
            self.close()
        if not self.complete:
            raise self._cut()


class AsyncSSEStream(_StreamBase):
    """An async SSE stream (see :meth:`AIMLAPIClient.astream`)."""

    _response: httpx.Response | None = None

    async def __aenter__(self) -> AsyncSSEStream:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    _pools: AsyncPools | None = None
    _slot = -1

    def _release(self) -> None:
        pools, self._pools = self._pools, None
        if pools is not None:
            pools.release(self._slot)

    async def open(self) -> None:
        if self._response is not None:
            return
        self._start_clock()
        response = await self._send()
        self.status_code = response.status_code
        self.headers = response.headers
        if not self._is_event_stream(response):
            try:
                body = (await response.aread())[:MAX_ERROR_BODY]
            except (httpx.HTTPError, httpx.StreamError):
                body = b""
            finally:
                await response.aclose()
                self._release()
            raise self._refused(response, body)
        self._response = response

    async def _send(self) -> httpx.Response:
        """Send on a slot of the running loop's pools; the slot is held until :meth:`aclose`."""
        for _ in range(CLOSED_RETRIES):
            self._release()  # a failed earlier open() of this stream
            pools = self._owner._apools()
            self._slot = pools.acquire()
            self._pools = pools
            client = pools.clients[self._slot]
            url, headers = self._owner._target(client, self._path, self._headers)
            request = client.build_request(
                "POST",
                url,
                content=dumps(self._payload),
                headers=headers,
                timeout=self._httpx_timeout,
            )
            try:
                return await client.send(request, stream=True, follow_redirects=False)
            except httpx.HTTPError as exc:
                self._release()
                raise self._failed(exc) from exc
            except RuntimeError as exc:
                self._release()
                if not closed_before_send(exc, client):
                    raise
            except BaseException:
                self._release()
                raise
        raise closed_error(self._path)

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
            if not self.complete:
                raise self._failed(exc) from exc
        except httpx.StreamError as exc:
            if not self.complete:
                raise stream_closed_error(self._path, self.status_code, self.request_id) from exc
        finally:
            await self.aclose()
        if not self.complete:
            raise self._cut()
