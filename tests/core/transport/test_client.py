"""``AIMLAPIClient`` against a real local HTTP server: success, billing, typed errors, streams,
pooling, event loops, and where the API key goes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from aiml_integrations import errors
from aiml_integrations._core.transport import AIMLAPIClient, APIResponse, billing_of

from .._support import API_KEY, LocalServer, Reply, envelope, sse

CHAT = "/v1/chat/completions"
PAYLOAD = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello"}}],
    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
}


@pytest.fixture
def client(server: LocalServer) -> Iterator[AIMLAPIClient]:
    c = AIMLAPIClient(api_key=API_KEY, base_url=server.url + "/v1", timeout=10, env={})
    yield c
    c.close()


def chunk(content: str | None = None, **extra: Any) -> dict[str, Any]:
    choices = [] if content is None else [{"index": 0, "delta": {"content": content}}]
    return {
        "id": "c1",
        "object": "chat.completion.chunk",
        "choices": choices,
        "usage": None,
        **extra,
    }


# -- success --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [200, 201])
def test_any_2xx_is_success(server: LocalServer, client: AIMLAPIClient, status: int) -> None:
    body = {**COMPLETION, "meta": {"usage": {"credits_used": 1576, "usd_spent": 0.000788}}}
    server.respond(status=status, body=body, headers={"x-inference-id": "inf-1"})
    result = client.post(CHAT, PAYLOAD)
    assert isinstance(result, APIResponse)
    assert result.status_code == status
    assert result.data == body
    assert result.request_id == "inf-1"
    assert (result.credits_used, result.usd_spent) == (1576.0, 0.000788)
    sent = server.requests[0]
    assert sent.method == "POST" and sent.path == CHAT
    assert json.loads(sent.body) == PAYLOAD


def test_billing_from_headers(server: LocalServer, client: AIMLAPIClient) -> None:
    server.respond(
        body=COMPLETION,
        headers={"x-aimlapi-credits-used": "2480", "x-aimlapi-usd-spent": "0.001240000"},
    )
    result = client.post(CHAT, PAYLOAD)
    assert (result.credits_used, result.usd_spent) == (2480.0, 0.00124)


def test_billing_meta_wins_over_headers_and_garbage_ignored() -> None:
    data = {"meta": {"usage": {"credits_used": 5, "usd_spent": "x"}}}
    headers = httpx.Headers({"x-aimlapi-credits-used": "9", "x-aimlapi-usd-spent": "0.5"})
    assert billing_of(data, headers) == (5.0, 0.5)
    assert billing_of({"meta": "nope"}, httpx.Headers({"x-aimlapi-credits-used": "n/a"})) == (
        None,
        None,
    )
    assert billing_of([1, 2]) == (None, None)


def test_empty_2xx_body_is_success_with_no_data(server: LocalServer, client: AIMLAPIClient) -> None:
    server.respond(status=200, body=b"")
    assert client.post(CHAT, PAYLOAD).data is None


# -- errors ---------------------------------------------------------------------------------

STATUS_CLASSES = [
    (400, "Body validation error!", errors.InvalidRequestError),
    (401, "This request requires a valid API key.", errors.AuthenticationError),
    (402, "Payment Required", errors.OutOfCreditsError),
    (403, "You've run out of credits. Please top up your balance", errors.OutOfCreditsError),
    (403, "Forbidden", errors.PermissionDeniedError),
    (404, "Cannot POST /v1/chat/completion", errors.NotFoundError),
    (408, "Request Timeout", errors.RequestTimeoutError),
    (413, "Payload Too Large", errors.ContextOverflowError),
    (422, "Unprocessable Entity", errors.InvalidRequestError),
    (429, "Too Many Requests", errors.RateLimitError),
    (500, "Internal server error", errors.ServerError),
    (502, "Bad Gateway", errors.BadGatewayError),
    (503, "Service unavailable", errors.ServiceUnavailableError),
    (504, "Generation timeout", errors.RequestTimeoutError),
]


@pytest.mark.parametrize(
    ("status", "message", "cls"),
    STATUS_CLASSES,
    ids=[f"{s}-{c.__name__}" for s, _, c in STATUS_CLASSES],
)
def test_error_status_is_typed(
    server: LocalServer, client: AIMLAPIClient, status: int, message: str, cls: type
) -> None:
    server.respond(
        status=status,
        body=envelope(status, message, requestId="rid-9"),
        headers={"Retry-After": "3", "x-inference-id": "inf-9"},
    )
    with pytest.raises(errors.AIMLAPIError) as caught:
        client.post(CHAT, PAYLOAD)
    exc = caught.value
    assert type(exc) is cls
    assert exc.status_code == status
    assert exc.message == message
    assert exc.request_id == "rid-9"
    assert exc.path == CHAT
    assert exc.retry_after == 3.0
    assert exc.response_headers["x-inference-id"] == "inf-9"
    assert "rid-9" in str(exc) and message in str(exc)


def test_request_id_from_header_when_body_has_none(
    server: LocalServer, client: AIMLAPIClient
) -> None:
    server.respond(
        status=502,
        body=b"<html><title>502 Bad Gateway</title></html>",
        headers={"x-inference-id": "inf-7", "Content-Type": "text/html"},
    )
    with pytest.raises(errors.BadGatewayError) as caught:
        client.post(CHAT, PAYLOAD)
    assert caught.value.request_id == "inf-7"
    assert caught.value.path == CHAT
    assert caught.value.message == "502 Bad Gateway"


@pytest.mark.parametrize(
    ("body", "cls"),
    [
        (envelope(429, "Too Many Requests"), errors.RateLimitError),
        (envelope(403, "You've run out of credits."), errors.OutOfCreditsError),
        ({"error": {"message": "Slow down", "type": "rate_limit_error"}}, errors.RateLimitError),
        (
            {"error": {"message": "prompt is too long: 300000 tokens > 200000 maximum"}},
            errors.ContextOverflowError,
        ),
        ({"error": {"message": "boom"}}, errors.ServerError),
    ],
    ids=["envelope-429", "envelope-403-credits", "openai-rate-limit", "overflow", "bare-error"],
)
def test_200_with_error_body_is_typed(
    server: LocalServer, client: AIMLAPIClient, body: dict[str, Any], cls: type
) -> None:
    server.respond(status=200, body=body)
    with pytest.raises(errors.AIMLAPIError) as caught:
        client.post(CHAT, PAYLOAD)
    assert type(caught.value) is cls


@pytest.mark.parametrize("body", [b"<html>ok</html>", b"not json", b'{"truncated": ', b"[" * 5000])
def test_non_json_2xx_is_server_error(
    server: LocalServer, client: AIMLAPIClient, body: bytes
) -> None:
    server.respond(status=200, body=body, headers={"x-inference-id": "inf-3"})
    with pytest.raises(errors.ServerError) as caught:
        client.post(CHAT, PAYLOAD)
    assert caught.value.status_code == 200
    assert caught.value.request_id == "inf-3"
    assert caught.value.path == CHAT


def test_connection_refused(refused_url: str) -> None:
    c = AIMLAPIClient(api_key=API_KEY, base_url=refused_url, env={})
    with pytest.raises(errors.APIConnectionError) as caught:
        c.post(CHAT, PAYLOAD)
    exc = caught.value
    assert exc.is_retryable
    assert exc.path == CHAT
    cause = exc.__cause__
    assert isinstance(cause, httpx.ConnectError)
    assert "authorization" not in cause.request.headers
    assert API_KEY not in str(exc) + repr(exc) + repr(cause.request.headers)
    c.close()


async def test_connection_refused_async(refused_url: str) -> None:
    c = AIMLAPIClient(api_key=API_KEY, base_url=refused_url, env={})
    with pytest.raises(errors.APIConnectionError) as caught:
        await c.apost(CHAT, PAYLOAD)
    assert "authorization" not in caught.value.__cause__.request.headers  # type: ignore[union-attr]
    with pytest.raises(errors.APIConnectionError):
        async with c.astream(CHAT, PAYLOAD):
            pass
    await c.aclose()


def test_read_timeout(server: LocalServer) -> None:
    server.respond(Reply(hang=30, body=COMPLETION))
    c = AIMLAPIClient(api_key=API_KEY, base_url=server.url, timeout=0.3, env={})
    with pytest.raises(errors.RequestTimeoutError) as caught:
        c.post(CHAT, PAYLOAD)
    assert caught.value.is_retryable
    assert caught.value.status_code is None
    assert isinstance(caught.value.__cause__, httpx.TimeoutException)
    assert "authorization" not in caught.value.__cause__.request.headers
    c.close()


def test_per_call_timeout_overrides(server: LocalServer, client: AIMLAPIClient) -> None:
    server.respond(Reply(hang=30, body=COMPLETION))
    with pytest.raises(errors.RequestTimeoutError):
        client.post(CHAT, PAYLOAD, timeout=0.3)


async def test_read_timeout_async(server: LocalServer) -> None:
    server.respond(Reply(hang=30, body=COMPLETION))
    c = AIMLAPIClient(api_key=API_KEY, base_url=server.url, timeout=0.3, env={})
    with pytest.raises(errors.RequestTimeoutError):
        await c.apost(CHAT, PAYLOAD)
    await c.aclose()


# -- GET ------------------------------------------------------------------------------------


def test_get_returns_2xx_and_raises_typed(server: LocalServer, client: AIMLAPIClient) -> None:
    server.respond(body={"data": [{"id": "gpt-4o"}]})
    response = client.get("/v1/models", params={"a": "1"})
    assert response.json() == {"data": [{"id": "gpt-4o"}]}
    assert server.requests[0].path == "/v1/models?a=1"
    server.respond(status=404, body=envelope(404, "Cannot GET /v1/nope", path="/v1/nope"))
    with pytest.raises(errors.NotFoundError):
        client.get("/v1/nope")


async def test_aget(server: LocalServer, client: AIMLAPIClient) -> None:
    server.respond(body={"ok": True})
    assert (await client.aget("/v1/models")).json() == {"ok": True}
    server.respond(status=503, body=b"")
    with pytest.raises(errors.ServiceUnavailableError):
        await client.aget("/v1/models")
    await client.aclose()


# -- streams --------------------------------------------------------------------------------

FINAL_USAGE = chunk(
    usage={"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
    meta={"usage": {"credits_used": 42, "usd_spent": 0.000021}},
)


def _stream_body(*events: Any, done: bool = True) -> Reply:
    return Reply(
        headers={"Content-Type": "text/event-stream", "x-inference-id": "inf-s"},
        chunks=[sse(*events, done=done)],
    )


def test_stream_usage_only_final_chunk(server: LocalServer, client: AIMLAPIClient) -> None:
    server.respond(_stream_body(chunk("He"), chunk("llo"), FINAL_USAGE))
    with client.stream(CHAT, {**PAYLOAD, "stream": True}) as events:
        got = list(events)
        assert events.request_id == "inf-s"
        assert events.status_code == 200
    assert [c["choices"][0]["delta"]["content"] for c in got[:2]] == ["He", "llo"]
    assert got[-1]["choices"] == []
    assert got[-1]["usage"]["total_tokens"] == 3
    assert billing_of(got[-1]) == (42.0, 0.000021)
    assert events.done


def test_stream_split_into_tiny_network_chunks(server: LocalServer, client: AIMLAPIClient) -> None:
    raw = sse(chunk("a"), chunk("b"), FINAL_USAGE)
    server.respond(Reply(chunks=[raw[i : i + 7] for i in range(0, len(raw), 7)]))
    with client.stream(CHAT, PAYLOAD) as events:
        assert len(list(events)) == 3


def test_stream_ignores_anything_after_done(server: LocalServer, client: AIMLAPIClient) -> None:
    server.respond(Reply(chunks=[sse(chunk("a")) + b"data: not json\n\n"]))
    with client.stream(CHAT, PAYLOAD) as events:
        assert len(list(events)) == 1


@pytest.mark.parametrize(
    ("event", "cls"),
    [
        ({"error": {"message": "Rate limit", "type": "rate_limit_error"}}, errors.RateLimitError),
        (
            {"error": {"message": "Overloaded", "type": "overloaded_error"}},
            errors.ServiceUnavailableError,
        ),
        ({"error": {"message": "boom", "code": 502}}, errors.BadGatewayError),
        (
            envelope(500, "400 prompt is too long: 1 tokens > 0 maximum"),
            errors.ContextOverflowError,
        ),
        (envelope(403, "You've run out of credits."), errors.OutOfCreditsError),
    ],
    ids=["openai-rate-limit", "anthropic-overloaded", "code-502", "envelope-overflow", "credits"],
)
def test_stream_error_object_in_data_line(
    server: LocalServer, client: AIMLAPIClient, event: dict[str, Any], cls: type
) -> None:
    server.respond(_stream_body(chunk("a"), event, chunk("never")))
    got: list[dict[str, Any]] = []
    with pytest.raises(errors.AIMLAPIError) as caught, client.stream(CHAT, PAYLOAD) as events:
        got.extend(events)
    assert type(caught.value) is cls
    assert len(got) == 1
    assert caught.value.path == CHAT
    assert caught.value.request_id in ("inf-s", "req-0001")


def test_stream_event_error_named_event(server: LocalServer, client: AIMLAPIClient) -> None:
    server.respond(
        Reply(chunks=[b'event: error\ndata: {"message": "Too many", "type": "rate_limit"}\n\n'])
    )
    with pytest.raises(errors.RateLimitError), client.stream(CHAT, PAYLOAD) as events:
        list(events)


def test_stream_malformed_json_is_server_error(server: LocalServer, client: AIMLAPIClient) -> None:
    server.respond(Reply(chunks=[b"data: {not json\n\n"]))
    with pytest.raises(errors.ServerError), client.stream(CHAT, PAYLOAD) as events:
        list(events)


@pytest.mark.parametrize("tail", [b"", b'data: {"partial": '], ids=["clean-eof", "mid-event"])
def test_stream_without_done_is_connection_error(
    server: LocalServer, client: AIMLAPIClient, tail: bytes
) -> None:
    server.respond(Reply(chunks=[sse(chunk("a"), done=False) + tail]))
    got: list[dict[str, Any]] = []
    with pytest.raises(errors.AIMLAPIError) as caught, client.stream(CHAT, PAYLOAD) as events:
        got.extend(events)
    assert len(got) == 1
    assert type(caught.value) in (errors.APIConnectionError, errors.ServerError)
    if not tail:
        assert type(caught.value) is errors.APIConnectionError
        assert caught.value.is_retryable


@pytest.mark.parametrize(
    ("status", "cls"),
    [(429, errors.RateLimitError), (401, errors.AuthenticationError), (500, errors.ServerError)],
)
def test_stream_non_2xx_raises_before_any_event(
    server: LocalServer, client: AIMLAPIClient, status: int, cls: type
) -> None:
    server.respond(status=status, body=envelope(status, "nope"), headers={"Retry-After": "4"})
    stream = client.stream(CHAT, PAYLOAD)
    with pytest.raises(cls) as caught:
        stream.__enter__()
    assert caught.value.status_code == status
    assert caught.value.retry_after == 4.0
    # the failed stream released its connection: the pool still works
    server.respond(body=COMPLETION)
    assert client.post(CHAT, PAYLOAD).data == COMPLETION


async def test_astream_usage_and_errors(server: LocalServer, client: AIMLAPIClient) -> None:
    server.respond(_stream_body(chunk("a"), FINAL_USAGE))
    async with client.astream(CHAT, PAYLOAD) as events:
        got = [c async for c in events]
    assert got[-1]["choices"] == [] and billing_of(got[-1]) == (42.0, 0.000021)

    server.respond(_stream_body(chunk("a"), {"error": {"message": "x", "type": "rate_limit"}}))
    with pytest.raises(errors.RateLimitError):
        async with client.astream(CHAT, PAYLOAD) as events:
            async for _ in events:
                pass

    server.respond(_stream_body(chunk("a"), done=False))
    with pytest.raises(errors.APIConnectionError):
        async with client.astream(CHAT, PAYLOAD) as events:
            async for _ in events:
                pass

    server.respond(status=503, body=envelope(503, "Service unavailable"))
    entered = False
    with pytest.raises(errors.ServiceUnavailableError):
        async with client.astream(CHAT, PAYLOAD):
            entered = True
    assert not entered
    await client.aclose()


# -- async, event loops, pooling, closing ----------------------------------------------------


async def test_apost_success_and_error(server: LocalServer, client: AIMLAPIClient) -> None:
    server.respond(status=201, body=COMPLETION, headers={"x-inference-id": "a1"})
    result = await client.apost(CHAT, PAYLOAD)
    assert (result.status_code, result.request_id, result.data) == (201, "a1", COMPLETION)
    server.respond(status=429, body=envelope(429, "Too Many Requests"))
    with pytest.raises(errors.RateLimitError):
        await client.apost(CHAT, PAYLOAD)
    await client.aclose()


def test_async_client_survives_repeated_asyncio_run(
    server: LocalServer, client: AIMLAPIClient
) -> None:
    server.respond(body=COMPLETION)

    async def call() -> Any:
        return (await client.apost(CHAT, PAYLOAD)).data

    for _ in range(3):
        assert asyncio.run(call()) == COMPLETION

    async def stream() -> int:
        async with client.astream(CHAT, PAYLOAD) as events:
            return len([c async for c in events])

    server.respond(_stream_body(chunk("a")))
    assert asyncio.run(stream()) == 1
    assert asyncio.run(stream()) == 1


def test_sync_pool_is_reused(server: LocalServer, client: AIMLAPIClient) -> None:
    server.respond(body=COMPLETION)
    for _ in range(20):
        client.post(CHAT, PAYLOAD)
    assert len(server.requests) == 20
    assert server.connections <= 2


async def test_async_pool_is_reused(server: LocalServer, client: AIMLAPIClient) -> None:
    server.respond(body=COMPLETION)
    for _ in range(20):
        await client.apost(CHAT, PAYLOAD)
    assert len(server.requests) == 20
    assert server.connections <= 2
    await client.aclose()


def test_streams_return_connections_to_the_pool(server: LocalServer, client: AIMLAPIClient) -> None:
    body = sse(chunk("a"))
    server.respond(Reply(body=body, headers={"Content-Type": "text/event-stream"}))
    for _ in range(10):
        with client.stream(CHAT, PAYLOAD) as events:
            assert len(list(events)) == 1
    assert server.connections <= 2


async def test_astreams_return_connections_to_the_pool(
    server: LocalServer, client: AIMLAPIClient
) -> None:
    body = sse(chunk("a"))
    server.respond(Reply(body=body, headers={"Content-Type": "text/event-stream"}))
    for _ in range(10):
        async with client.astream(CHAT, PAYLOAD) as events:
            assert len([c async for c in events]) == 1
    assert server.connections <= 2
    await client.aclose()


def test_close_then_reuse(server: LocalServer, client: AIMLAPIClient) -> None:
    server.respond(body=COMPLETION)
    client.post(CHAT, PAYLOAD)
    client.close()
    client.close()  # idempotent
    assert client.post(CHAT, PAYLOAD).data == COMPLETION
    assert server.connections == 2  # a fresh pool after close


async def test_aclose_then_reuse(server: LocalServer, client: AIMLAPIClient) -> None:
    server.respond(body=COMPLETION)
    await client.apost(CHAT, PAYLOAD)
    await client.aclose()
    await client.aclose()
    assert (await client.apost(CHAT, PAYLOAD)).data == COMPLETION
    assert server.connections == 2
    await client.aclose()


# -- where the key goes ----------------------------------------------------------------------


def test_key_sent_only_as_bearer(server: LocalServer, client: AIMLAPIClient) -> None:
    server.queue(Reply(body=COMPLETION), _stream_body(chunk("a")), Reply(body={"data": []}))
    client.post(CHAT, {**PAYLOAD, "note": "no key here"})
    with client.stream(CHAT, PAYLOAD) as events:
        list(events)
    client.get("/v1/models")
    for seen in server.requests:
        assert seen.headers["authorization"] == f"Bearer {API_KEY}"
        others = {k: v for k, v in seen.headers.items() if k != "authorization"}
        assert API_KEY not in json.dumps(others)
        assert API_KEY.encode() not in seen.body
        assert API_KEY not in seen.path
        assert seen.headers["host"] == f"127.0.0.1:{server.port}"


def test_redirects_are_not_followed_to_another_host(
    server: LocalServer, client: AIMLAPIClient
) -> None:
    elsewhere = LocalServer().start()
    try:
        server.respond(status=307, body=b"", headers={"Location": elsewhere.url + CHAT})
        with pytest.raises(errors.AIMLAPIError):
            client.post(CHAT, PAYLOAD)
        assert elsewhere.requests == []
    finally:
        elsewhere.stop()


def test_echoed_key_redacted_from_non_json_2xx_and_bad_stream_event(
    server: LocalServer, client: AIMLAPIClient
) -> None:
    server.respond(status=200, body=f"oops {API_KEY}".encode())
    with pytest.raises(errors.ServerError) as caught:
        client.post(CHAT, PAYLOAD)
    assert API_KEY not in (caught.value.body or "") and "***" in (caught.value.body or "")
    server.respond(Reply(chunks=[f"data: {{bad {API_KEY}\n\n".encode()]))
    with pytest.raises(errors.ServerError) as caught, client.stream(CHAT, PAYLOAD) as events:
        list(events)
    assert API_KEY not in (caught.value.body or "") and "***" in (caught.value.body or "")


@pytest.mark.parametrize("where", ["message", "meta", "html", "header"])
def test_echoed_key_is_redacted(server: LocalServer, client: AIMLAPIClient, where: str) -> None:
    if where == "message":
        reply = Reply(status=401, body=envelope(401, f"Invalid key {API_KEY}"))
    elif where == "meta":
        meta = [{"path": ["authorization"], "message": f"Bearer {API_KEY} rejected"}]
        reply = Reply(status=400, body=envelope(400, "Body validation error!", meta=meta))
    elif where == "html":
        reply = Reply(
            status=502,
            body=f"<html><title>{API_KEY}</title></html>".encode(),
            headers={"Content-Type": "text/html"},
        )
    else:
        reply = Reply(status=500, body=b"", headers={"x-echo": API_KEY})
    server.respond(reply)
    with pytest.raises(errors.AIMLAPIError) as caught:
        client.post(CHAT, PAYLOAD)
    exc = caught.value
    shown = [str(exc), repr(exc), exc.message, exc.body or "", *exc.details]
    for text in shown:
        assert API_KEY not in text
    if where != "header":
        assert "***" in " ".join(shown)
