"""``AIMLAPIClient(http_client=..., http_async_client=...)``: the caller's httpx clients carry
every request (JSON calls, GETs, streams), get our URL, key and headers per request without
being changed, are never closed by us, and their failures are typed exactly like ours.

Proof is from both ends: an event hook on the caller's client sees each request leave, and the
mock's request log sees it arrive (with the key).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from aiml_integrations import AIMLAPIClient
from aiml_integrations.errors import (
    APIConnectionError,
    AuthenticationError,
    RateLimitError,
)
from aiml_integrations.testing import Fault, MockAIMLAPI, presets

CHAT = {"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
PATH = "/v1/chat/completions"


def _caller_client(sent: list[str], **kwargs: Any) -> httpx.Client:
    """A client as a caller would configure it: its own base URL and headers, redirects on."""
    return httpx.Client(
        base_url="http://caller.invalid",
        headers={"X-Caller": "yes"},
        follow_redirects=True,
        event_hooks={"request": [lambda request: sent.append(str(request.url))]},
        **kwargs,
    )


def _caller_async_client(sent: list[str]) -> httpx.AsyncClient:
    async def hook(request: httpx.Request) -> None:
        sent.append(str(request.url))

    return httpx.AsyncClient(
        base_url="http://caller.invalid", follow_redirects=True, event_hooks={"request": [hook]}
    )


def test_sync_calls_and_streams_go_through_the_callers_client(aimlapi_mock: MockAIMLAPI) -> None:
    sent: list[str] = []
    with _caller_client(sent) as http:
        client = AIMLAPIClient(
            base_url=aimlapi_mock.base_url, api_key=aimlapi_mock.api_key, http_client=http
        )
        assert client.post(PATH, CHAT).data["choices"][0]["message"]["content"] == "hi"
        with client.stream(PATH, {**CHAT, "stream": True}) as events:
            assert [e for e in events]
        assert client.get("/v1/models").status_code == 200
        client.close()
        assert not http.is_closed  # the owner closes it, not us
        assert client.post(PATH, CHAT).status_code == 200  # and it still works
    assert sent == [
        aimlapi_mock.base_url + "/chat/completions",
        aimlapi_mock.base_url + "/chat/completions",
        aimlapi_mock.base_url + "/models",
        aimlapi_mock.base_url + "/chat/completions",
    ]
    assert [r.api_key for r in aimlapi_mock.requests] == [aimlapi_mock.api_key] * 4
    first = aimlapi_mock.requests[0].headers
    assert first["user-agent"].startswith("aiml-integrations/")
    assert first["x-caller"] == "yes"  # the caller's own defaults still apply


async def test_async_calls_and_streams_go_through_the_callers_client(
    aimlapi_mock: MockAIMLAPI,
) -> None:
    sent: list[str] = []
    async with _caller_async_client(sent) as http:
        client = AIMLAPIClient(
            base_url=aimlapi_mock.base_url, api_key=aimlapi_mock.api_key, http_async_client=http
        )
        assert (await client.apost(PATH, CHAT)).status_code == 200
        async with client.astream(PATH, {**CHAT, "stream": True}) as events:
            assert [e async for e in events]
        assert (await client.aget("/v1/models")).status_code == 200
        await client.aclose()
        client.close()
        assert not http.is_closed
        assert (await client.apost(PATH, CHAT)).status_code == 200
    assert len(sent) == 4 == len(aimlapi_mock.requests)
    assert all(url.startswith(aimlapi_mock.base_url) for url in sent)


def test_one_client_shared_by_two_keys_keeps_each_key(aimlapi_mock_factory: Any) -> None:
    mock: MockAIMLAPI = aimlapi_mock_factory(keys=["key-a", "key-b"])
    sent: list[str] = []
    with _caller_client(sent) as http:
        for key in ("key-a", "key-b", "key-a"):
            AIMLAPIClient(base_url=mock.base_url, api_key=key, http_client=http).post(PATH, CHAT)
    assert [r.api_key for r in mock.requests] == ["key-a", "key-b", "key-a"]
    assert len(sent) == 3


def test_errors_through_the_callers_client_are_typed(aimlapi_mock: MockAIMLAPI) -> None:
    with _caller_client([]) as http:
        client = AIMLAPIClient(
            base_url=aimlapi_mock.base_url, api_key=aimlapi_mock.api_key, http_client=http
        )
        aimlapi_mock.inject(presets.RATE_LIMITED, times=1)
        with pytest.raises(RateLimitError) as caught:
            client.post(PATH, CHAT)
        assert caught.value.status_code == 429 and caught.value.is_retryable
        aimlapi_mock.inject(presets.RATE_LIMITED, times=1)
        with pytest.raises(RateLimitError), client.stream(PATH, {**CHAT, "stream": True}):
            pass
        wrong_key = AIMLAPIClient(base_url=aimlapi_mock.base_url, api_key="nope", http_client=http)
        with pytest.raises(AuthenticationError):
            wrong_key.post(PATH, CHAT)
        refused = AIMLAPIClient(base_url="http://127.0.0.1:9/v1", api_key="k", http_client=http)
        with pytest.raises(APIConnectionError) as refused_error:
            refused.post(PATH, CHAT)
        assert "k" not in str(refused_error.value.__cause__.request.headers)  # type: ignore[union-attr]
    assert [r.status for r in aimlapi_mock.requests] == [429, 429, 401]


@pytest.mark.parametrize("status", [302, 307])
def test_a_redirect_is_not_followed_even_if_the_caller_client_would(
    aimlapi_mock_factory: Any, status: int
) -> None:
    mock: MockAIMLAPI = aimlapi_mock_factory()
    elsewhere: MockAIMLAPI = aimlapi_mock_factory()
    location = elsewhere.base_url + "/chat/completions"
    with _caller_client([]) as http:
        client = AIMLAPIClient(base_url=mock.base_url, api_key=mock.api_key, http_client=http)
        for call in (
            lambda: client.post(PATH, CHAT),
            lambda: client.stream(PATH, {**CHAT, "stream": True}).open(),
        ):
            mock.inject(Fault(status=status, body=b"", headers={"Location": location}), times=1)
            with pytest.raises(Exception) as caught:
                call()
            assert not isinstance(caught.value, httpx.HTTPError)
    assert elsewhere.requests == []
    assert len(mock.requests) == 2
