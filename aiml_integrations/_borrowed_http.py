"""httpx clients the caller owns (``http_client=`` / ``http_async_client=``), used, never closed.

Why: proxies, mTLS, custom transports, event hooks, or one connection pool shared by many
model instances are configured on an httpx client, and the caller passes that client in (as
with ``ChatOpenAI``). Such a client is *borrowed*: it may be shared by instances with
different keys and base URLs, so nothing of ours is set on it. Every request carries what an
owned client would have as defaults instead: the absolute URL under our base URL, our headers
(``Authorization``, ``User-Agent``, ``X-Client-Request-Id`` ...; the caller's per-request
headers still win) and ``follow_redirects=False`` (the key must not follow a redirect to
another host). The transport's ``close()`` / ``aclose()`` leave a borrowed client open; its
owner closes it. Failures are the same ``httpx`` exceptions, so the transport classifies them
exactly as for its own clients.

The two classes offer just the calls the transport makes (``post``, ``get``,
``build_request``, ``send``) with httpx's signatures.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

__all__ = ["BorrowedAsyncClient", "BorrowedClient", "OneAsyncClient"]


class _Borrowed:
    __slots__ = ("_base_url", "_headers")

    def __init__(self, base_url: str, headers: Mapping[str, str]) -> None:
        self._base_url = base_url
        self._headers = dict(headers)

    def _url(self, url: httpx.URL | str) -> httpx.URL | str:
        if isinstance(url, httpx.URL) or "://" in url:
            return url
        return self._base_url + url

    def _merged(self, headers: Mapping[str, str] | None) -> dict[str, str]:
        return {**self._headers, **headers} if headers else self._headers


class BorrowedClient(_Borrowed):
    """A caller's ``httpx.Client`` seen through our defaults (see the module docstring)."""

    __slots__ = ("client",)

    def __init__(self, client: httpx.Client, base_url: str, headers: Mapping[str, str]) -> None:
        super().__init__(base_url, headers)
        self.client = client

    def post(
        self, url: httpx.URL | str, *, headers: Mapping[str, str] | None = None, **kw: Any
    ) -> httpx.Response:
        return self.client.post(
            self._url(url), headers=self._merged(headers), follow_redirects=False, **kw
        )

    def get(
        self, url: httpx.URL | str, *, headers: Mapping[str, str] | None = None, **kw: Any
    ) -> httpx.Response:
        return self.client.get(
            self._url(url), headers=self._merged(headers), follow_redirects=False, **kw
        )

    def build_request(
        self,
        method: str,
        url: httpx.URL | str,
        *,
        headers: Mapping[str, str] | None = None,
        **kw: Any,
    ) -> httpx.Request:
        return self.client.build_request(
            method, self._url(url), headers=self._merged(headers), **kw
        )

    def send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        return self.client.send(request, stream=stream, follow_redirects=False)


class BorrowedAsyncClient(_Borrowed):
    """A caller's ``httpx.AsyncClient`` seen through our defaults."""

    __slots__ = ("client",)

    def __init__(
        self, client: httpx.AsyncClient, base_url: str, headers: Mapping[str, str]
    ) -> None:
        super().__init__(base_url, headers)
        self.client = client

    async def post(
        self, url: httpx.URL | str, *, headers: Mapping[str, str] | None = None, **kw: Any
    ) -> httpx.Response:
        return await self.client.post(
            self._url(url), headers=self._merged(headers), follow_redirects=False, **kw
        )

    async def get(
        self, url: httpx.URL | str, *, headers: Mapping[str, str] | None = None, **kw: Any
    ) -> httpx.Response:
        return await self.client.get(
            self._url(url), headers=self._merged(headers), follow_redirects=False, **kw
        )

    def build_request(
        self,
        method: str,
        url: httpx.URL | str,
        *,
        headers: Mapping[str, str] | None = None,
        **kw: Any,
    ) -> httpx.Request:
        return self.client.build_request(
            method, self._url(url), headers=self._merged(headers), **kw
        )

    async def send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        return await self.client.send(request, stream=stream, follow_redirects=False)


class OneAsyncClient:
    """The async "pool" of a borrowed client: every request goes to it, on any event loop
    (the caller's client belongs to the loop the caller uses it on)."""

    __slots__ = ("clients",)

    def __init__(self, client: BorrowedAsyncClient) -> None:
        self.clients = [client]

    def acquire(self) -> int:
        return 0

    def release(self, slot: int) -> None:
        return None
