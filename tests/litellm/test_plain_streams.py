"""Streams without a Router: a failure before the first chunk is LiteLLM's native type.

The request is sent when the stream is created, so the typed error comes out of
``litellm.completion(stream=True)`` / ``await litellm.acompletion(stream=True)`` itself (not a
``MidStreamFallbackError`` on the first read), exactly one request reaches AI/ML API, and the
Router still moves to the next deployment.
"""

from __future__ import annotations

from typing import Any

import litellm
import pytest
from litellm.exceptions import MidStreamFallbackError

from aiml_integrations.testing import Fault, MockAIMLAPI, presets

MODEL = "aimlapi/openai/gpt-4o"
MESSAGES = [{"role": "user", "content": "hi"}]

CATEGORIES = [
    (presets.RATE_LIMITED, litellm.RateLimitError, 429),
    (presets.INTERNAL_ERROR, litellm.InternalServerError, 500),
    (presets.BAD_GATEWAY, litellm.BadGatewayError, 502),
    (presets.SERVICE_UNAVAILABLE, litellm.ServiceUnavailableError, 503),
    (presets.OUT_OF_CREDITS, litellm.PaymentRequiredError, 403),
    (presets.PERMISSION_DENIED, litellm.PermissionDeniedError, 403),
    (presets.INVALID_API_KEY, litellm.AuthenticationError, 401),
    (presets.CONTEXT_OVERFLOW, litellm.ContextWindowExceededError, 400),
]


async def _create(mode: str, creds: dict[str, Any]) -> Any:
    """Only create the stream (no chunk read)."""
    if mode == "sync":
        return litellm.completion(model=MODEL, messages=MESSAGES, stream=True, **creds)
    return await litellm.acompletion(model=MODEL, messages=MESSAGES, stream=True, **creds)


@pytest.mark.parametrize(
    ("fault", "cls", "status"), CATEGORIES, ids=lambda v: getattr(v, "name", "")
)
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_failure_before_the_first_chunk_is_raised_by_the_call_itself(
    mock: MockAIMLAPI,
    creds: dict[str, Any],
    mode: str,
    fault: Fault,
    cls: type[Exception],
    status: int,
) -> None:
    mock.inject(fault, times=1)
    with pytest.raises(cls) as caught:
        await _create(mode, creds)
    assert not isinstance(caught.value, MidStreamFallbackError)
    assert caught.value.llm_provider == "aimlapi"  # type: ignore[attr-defined]
    assert [(r.path, r.status, r.stream) for r in mock.requests] == [
        ("/v1/chat/completions", status, True)
    ]


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_created_stream_has_already_been_answered(
    mock: MockAIMLAPI, creds: dict[str, Any], mode: str
) -> None:
    stream = await _create(mode, creds)
    assert [r.status for r in mock.requests] == [200]  # sent before any chunk was read
    chunks = list(stream) if mode == "sync" else [chunk async for chunk in stream]
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text
    assert len(mock.requests) == 1


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_closing_an_unread_stream_releases_it(
    mock: MockAIMLAPI, creds: dict[str, Any], mode: str
) -> None:
    """The next call on the same client is served (the unread answer was closed, not leaked)."""
    stream = await _create(mode, creds)
    if mode == "sync":
        stream.close()
    else:
        await stream.aclose()
    response = litellm.completion(model=MODEL, messages=MESSAGES, **creds)
    assert response.choices[0].message.content
    assert [r.status for r in mock.requests] == [200, 200]


@pytest.mark.parametrize("mode", ["stream", "astream"])
async def test_router_moves_to_the_next_key_before_the_first_chunk(
    mock: MockAIMLAPI, mode: str
) -> None:
    keys = ("key-primary-a-0001", "key-primary-b-0002")
    router = litellm.Router(
        model_list=[
            {
                "model_name": "gpt",
                "litellm_params": {
                    "model": MODEL,
                    "api_key": key,
                    "api_base": mock.base_url,
                    "order": order,
                },
            }
            for order, key in enumerate(keys, start=1)
        ],
        num_retries=0,
    )
    mock.inject(presets.RATE_LIMITED, times=1, key=keys[0])
    if mode == "stream":
        chunks = list(router.completion(model="gpt", messages=MESSAGES, stream=True))
    else:
        stream = await router.acompletion(model="gpt", messages=MESSAGES, stream=True)
        chunks = [chunk async for chunk in stream]
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert [(r.key, r.status) for r in mock.requests] == [(keys[0], 429), (keys[1], 200)]
