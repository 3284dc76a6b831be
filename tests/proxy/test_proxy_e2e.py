"""LiteLLM Proxy end to end: the scale-out path, with real processes.

The stack (see ``conftest.py``): the mock AI/ML API, a real ``redis-server`` and two
``litellm --config examples/proxy/config.yaml`` instances, A and B, sharing router state through
Redis. An unmodified ``openai`` SDK client talks to the proxies; the mock's request log shows
what actually reached "AI/ML API" (which key, how many attempts).

Order matters and is intentional: the tests share two proxies for speed (~20 s start-up), and
the last two put deployments of the ``chat`` group into cooldown on purpose (``RUN_LAST`` in
``conftest.py`` keeps them last when the order is shuffled).
"""

from __future__ import annotations

import time
from typing import Any

import openai
import pytest

from aiml_integrations.testing import MockAIMLAPI, presets

from .conftest import (
    COOLDOWN_REDIS_READ_INTERVAL,
    KEY_A,
    KEY_B,
    KEY_BROKE,
    KEY_LIMITED,
    MASTER_KEY,
    REVOKED_KEY,
    Stack,
)

pytestmark = [pytest.mark.proxy, pytest.mark.timeout(240)]

HELLO = [{"role": "user", "content": "Say hello"}]
# ~175k tokens by the mock's estimate: over gpt-4o/gpt-4o-mini's 128k, under gpt-4.1's 1M.
OVERLONG = [{"role": "user", "content": "word " * 140_000}]


def _chat(stack: Stack, instance: str, model: str, **kwargs: Any) -> Any:
    """A raw-response call, so the proxy's ``x-litellm-*`` headers are visible."""
    messages = kwargs.pop("messages", HELLO)
    client = stack.client(instance)
    return client.chat.completions.with_raw_response.create(
        model=model, messages=messages, **kwargs
    )


def _sent(mock: MockAIMLAPI) -> list[tuple[str | None, int | None]]:
    """(key, status) of every chat request that reached the mock, in order."""
    return [(r.api_key, r.status) for r in mock.requests_for(path="/v1/chat/completions")]


def _error(stack: Stack, instance: str, model: str, **kwargs: Any) -> openai.APIStatusError:
    with pytest.raises(openai.APIStatusError) as caught:
        _chat(stack, instance, model, **kwargs)
    return caught.value


def _error_body(error: openai.APIStatusError) -> dict[str, Any]:
    body = error.body
    assert isinstance(body, dict), body
    return body


# --- successes ------------------------------------------------------------------------------


def test_both_instances_answer_from_the_primary_key(stack: Stack, mock: MockAIMLAPI) -> None:
    for instance in ("A", "B"):
        raw = _chat(stack, instance, "chat")
        completion = raw.parse()
        assert completion.choices[0].message.content
        assert completion.usage.total_tokens > 0
        # `order: 1` makes key A the first choice on *both* instances: the control for the
        # shared-cooldown test below, where B must skip it.
        assert raw.headers["x-litellm-model-id"] == "chat-key-a"
        # The cost AI/ML API billed (meta.usage.usd_spent), reported by the proxy.
        assert float(raw.headers["x-litellm-response-cost"]) > 0
    assert _sent(mock) == [(KEY_A, 200), (KEY_A, 200)]


def test_streaming_through_the_proxy(stack: Stack, mock: MockAIMLAPI) -> None:
    stream = stack.client("B").chat.completions.create(model="chat", messages=HELLO, stream=True)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert text
    assert _sent(mock) == [(KEY_A, 200)]


def test_embeddings_with_the_sdk_default_encoding(stack: Stack, mock: MockAIMLAPI) -> None:
    """The openai SDK asks for base64 unless told otherwise (LiteLLM used to refuse it: 400)."""
    response = stack.client("A").embeddings.create(model="embed", input=["alpha", "beta"])
    assert [len(item.embedding) for item in response.data] == [1536, 1536]
    assert all(isinstance(x, float) for x in response.data[0].embedding)  # SDK-decoded
    assert response.data[0].embedding != response.data[1].embedding
    [sent] = mock.requests_for(path="/v1/embeddings")
    assert (sent.api_key, sent.status) == (KEY_B, 200)
    assert sent.json["encoding_format"] == "base64"


@pytest.mark.parametrize("encoding", ["base64", "float"])
def test_embeddings_with_dimensions(stack: Stack, mock: MockAIMLAPI, encoding: str) -> None:
    create: Any = stack.client("B").embeddings.create
    response = create(model="embed", input="alpha", dimensions=32, encoding_format=encoding)
    vector = response.data[0].embedding
    if encoding == "base64":  # asked explicitly: the SDK hands back the string as sent
        assert isinstance(vector, str)
    else:
        assert isinstance(vector, list) and len(vector) == 32
    [sent] = mock.requests_for(path="/v1/embeddings")
    assert (sent.json["dimensions"], sent.json["encoding_format"]) == (32, encoding)


# --- errors: status and type as an OpenAI client sees them ------------------------------------


def test_validation_error_is_400_bad_request(stack: Stack, mock: MockAIMLAPI) -> None:
    error = _error(stack, "A", "chat-long", temperature=5)
    assert isinstance(error, openai.BadRequestError)
    assert error.status_code == 400
    body = _error_body(error)
    assert body["type"] == "invalid_request_error"
    assert "litellm.BadRequestError" in body["message"]
    assert "temperature" in body["message"]
    assert _sent(mock) == [(KEY_B, 400)]  # not retried


def test_revoked_key_is_401_authentication_error(stack: Stack, mock: MockAIMLAPI) -> None:
    error = _error(stack, "A", "revoked")
    assert isinstance(error, openai.AuthenticationError)
    assert error.status_code == 401
    assert "litellm.AuthenticationError" in _error_body(error)["message"]
    assert _sent(mock) == [(REVOKED_KEY, 401)]  # single deployment: not retried


def test_out_of_credits_is_402_payment_required(stack: Stack, mock: MockAIMLAPI) -> None:
    mock.inject(presets.OUT_OF_CREDITS, key=KEY_BROKE)
    error = _error(stack, "A", "no-credits")
    # AI/ML API says 403; the proxy answers 402 so clients and routers know retrying is futile.
    assert error.status_code == 402
    message = _error_body(error)["message"]
    assert "litellm.PaymentRequiredError" in message
    assert "credits" in message
    assert _sent(mock) == [(KEY_BROKE, 403)]  # never retried


def test_unknown_model_is_404_not_found(stack: Stack, mock: MockAIMLAPI) -> None:
    error = _error(stack, "A", "typo")  # deployment model aimlapi/openai/gpt-4o-typo
    assert isinstance(error, openai.NotFoundError)
    assert error.status_code == 404
    message = _error_body(error)["message"]
    assert "litellm.NotFoundError" in message
    assert "gpt-4o-typo" in message
    assert _sent(mock) == [(KEY_B, 400)]  # AI/ML API's 400 "unknown model", not retried


def test_unknown_model_group_is_rejected_by_the_proxy(stack: Stack, mock: MockAIMLAPI) -> None:
    error = _error(stack, "B", "no-such-group")
    assert isinstance(error, openai.BadRequestError)
    assert "Invalid model name" in _error_body(error)["message"]
    assert _sent(mock) == []


def test_rate_limit_is_retried_then_429(stack: Stack, mock: MockAIMLAPI) -> None:
    mock.inject(presets.rate_limited(1), key=KEY_LIMITED)
    error = _error(stack, "A", "limited")
    assert isinstance(error, openai.RateLimitError)
    assert error.status_code == 429
    assert "litellm.RateLimitError" in _error_body(error)["message"]
    # num_retries: 2 in the example config -> three attempts, waiting the Retry-After between.
    assert _sent(mock) == [(KEY_LIMITED, 429)] * 3


def test_context_overflow_is_400_context_window_exceeded(stack: Stack, mock: MockAIMLAPI) -> None:
    error = _error(stack, "B", "short", messages=OVERLONG)  # no context_window_fallbacks
    assert isinstance(error, openai.BadRequestError)
    assert error.status_code == 400
    message = _error_body(error)["message"]
    assert "litellm.ContextWindowExceededError" in message
    assert "maximum context length" in message
    assert _sent(mock) == [(KEY_B, 400)]


# --- fallbacks --------------------------------------------------------------------------------


def test_context_overflow_falls_back_to_the_long_context_group(
    stack: Stack, mock: MockAIMLAPI
) -> None:
    raw = _chat(stack, "A", "chat", messages=OVERLONG)
    assert raw.parse().choices[0].message.content
    assert raw.headers["x-litellm-model-id"] == "chat-long-key-b"
    assert raw.headers["x-litellm-attempted-fallbacks"] == "1"
    sent = mock.requests_for(path="/v1/chat/completions")
    assert [(r.model, r.status) for r in sent] == [
        ("openai/gpt-4o", 400),  # not retried: context_window_fallbacks is configured
        ("openai/gpt-4.1-2025-04-14", 200),
    ]


def test_cooldown_through_instance_a_is_skipped_by_instance_b(
    stack: Stack, mock: MockAIMLAPI
) -> None:
    """Key A runs out of credits on instance A; instance B never tries it (Redis).

    Shared through ``router_settings.redis_host/redis_port``: litellm 1.110.2's router keeps
    cooldowns in ``RouterCooldownStore`` (``litellm/redis/stores/router_cooldowns``), whose
    Redis tier is attached from those settings (``router_rust/core.py``, ``connect(...)``), and
    reads them back when routing — from memory between Redis reads, which happen at most once
    per ``DEFAULT_COOLDOWN_REDIS_READ_INTERVAL_SECONDS`` (1 s). So B learns of the cooldown
    within that interval (measured: 0.2-0.4 s), not instantly; the test waits it out.
    """
    assert stack.redis_keys("deployment:chat-key-*:cooldown") == []
    mock.inject(presets.OUT_OF_CREDITS, key=KEY_A, times=1)

    raw = _chat(stack, "A", "chat")
    # The in-group fallback: key A's 402 is not retried on key A; key B answers at once.
    assert raw.headers["x-litellm-model-id"] == "chat-key-b"
    assert _sent(mock) == [(KEY_A, 403), (KEY_B, 200)]
    assert stack.redis_keys("deployment:chat-key-*:cooldown") == ["deployment:chat-key-a:cooldown"]

    time.sleep(COOLDOWN_REDIS_READ_INTERVAL + 0.5)
    mock.clear_requests()
    for _ in range(3):  # B has never seen key A fail; only Redis can tell it
        raw = _chat(stack, "B", "chat")
        assert raw.headers["x-litellm-model-id"] == "chat-key-b"
    assert _sent(mock) == [(KEY_B, 200)] * 3


def test_outage_falls_back_to_the_fallback_group(stack: Stack, mock: MockAIMLAPI) -> None:
    """Runs last: gpt-4o is down (503) on every key; ``fallbacks`` sends ``chat`` to gpt-4o-mini."""
    mock.inject(presets.SERVICE_UNAVAILABLE, model="openai/gpt-4o")
    raw = _chat(stack, "B", "chat")
    assert raw.parse().choices[0].message.content
    assert raw.headers["x-litellm-model-id"] == "chat-fallback-key-b"
    assert raw.headers["x-litellm-attempted-fallbacks"] == "1"
    sent = mock.requests_for(path="/v1/chat/completions")
    outage = [r for r in sent if r.model == "openai/gpt-4o"]
    assert outage and all(r.status == 503 for r in outage)
    assert len(outage) >= 3  # retried (num_retries: 2) before falling back
    assert (sent[-1].model, sent[-1].api_key, sent[-1].status) == ("gpt-4o-mini", KEY_B, 200)


# --- model info --------------------------------------------------------------------------------


def test_proxy_serves_the_catalogs_model_info(stack: Stack, mock: MockAIMLAPI) -> None:
    """Naming ``aiml_integrations.litellm.proxy.handler`` registers the catalog with the proxy:
    ``/model/info`` shows gpt-4o's context window and tool support without any ``model_info``
    limits in the config, and no request reaches AI/ML API for it."""
    import httpx

    base = stack.proxy_urls["A"].removesuffix("/v1")
    answer = httpx.get(
        f"{base}/model/info", headers={"Authorization": f"Bearer {MASTER_KEY}"}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    by_group: dict[str, list[dict[str, Any]]] = {}
    for entry in answer.json()["data"]:
        by_group.setdefault(entry["model_name"], []).append(entry["model_info"])
    chat = by_group["chat"]
    assert chat, by_group.keys()
    assert all(info.get("max_input_tokens") == 128000 for info in chat), chat
    assert all(info.get("supports_function_calling") is True for info in chat), chat
    assert _sent(mock) == []
