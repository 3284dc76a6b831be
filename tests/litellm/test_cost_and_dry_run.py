"""LiteLLM's helpers read our provider right: ``completion_cost`` and the dry run.

``litellm.completion_cost(response)`` returns what AI/ML API billed (its ``usd_spent``, here
the mock's ``x-aimlapi-usd-spent``) for plain chat, streams and embeddings. Images: LiteLLM
prices an ``ImageResponse`` from its cost map only, never from a reported charge, so the billed
amount is what its logging records (``response_cost``), checked through a callback.

``litellm.utils.return_raw_request`` (LiteLLM's dry run) returns the body we would send and
sends nothing, for ``aimlapi/`` as for LiteLLM's own ``openai/`` on the same mock.
"""

from __future__ import annotations

from typing import Any

import litellm
import pytest
from litellm.types.utils import CallTypes

from aiml_integrations.testing import MockAIMLAPI

MODEL = "aimlapi/openai/gpt-4o"
MESSAGES = [{"role": "user", "content": "What is the weather in Paris?"}]


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_completion_cost_of_a_plain_call(
    mock: MockAIMLAPI, creds: dict[str, Any], mode: str
) -> None:
    if mode == "sync":
        response = litellm.completion(model=MODEL, messages=MESSAGES, **creds)
    else:
        response = await litellm.acompletion(model=MODEL, messages=MESSAGES, **creds)
    billed = float(response._response_headers["x-aimlapi-usd-spent"])
    assert billed > 0
    assert litellm.completion_cost(response) == pytest.approx(billed)
    assert response.usage.cost == pytest.approx(billed)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_completion_cost_of_a_stream(
    mock: MockAIMLAPI, creds: dict[str, Any], mode: str
) -> None:
    plain = litellm.completion(model=MODEL, messages=MESSAGES, **creds)
    billed = float(plain._response_headers["x-aimlapi-usd-spent"])  # same answer, same charge
    if mode == "sync":
        chunks = list(litellm.completion(model=MODEL, messages=MESSAGES, stream=True, **creds))
    else:
        stream = await litellm.acompletion(model=MODEL, messages=MESSAGES, stream=True, **creds)
        chunks = [chunk async for chunk in stream]
    built = litellm.stream_chunk_builder(chunks, messages=MESSAGES)
    assert litellm.completion_cost(built) == pytest.approx(billed)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_completion_cost_of_embeddings(
    mock: MockAIMLAPI, creds: dict[str, Any], mode: str
) -> None:
    kwargs: dict[str, Any] = {"model": "aimlapi/text-embedding-3-small", "input": ["a", "b"]}
    if mode == "sync":
        response = litellm.embedding(**kwargs, **creds)
    else:
        response = await litellm.aembedding(**kwargs, **creds)
    billed = response._hidden_params["aimlapi_usd_spent"]
    assert billed is not None and billed > 0
    assert litellm.completion_cost(response) == pytest.approx(billed)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_image_cost_logged_is_what_was_billed(
    mock: MockAIMLAPI, creds: dict[str, Any], cost_spy: Any, mode: str
) -> None:
    kwargs: dict[str, Any] = {"model": "aimlapi/flux/schnell", "prompt": "a cat", "n": 2}
    if mode == "sync":
        response = litellm.image_generation(**kwargs, **creds)
    else:
        response = await litellm.aimage_generation(**kwargs, **creds)
    billed = response._hidden_params["response_cost"]
    assert billed == pytest.approx(float(response._response_headers["x-aimlapi-usd-spent"]))
    assert await cost_spy.last("image_generation") == pytest.approx(billed)


# -- dry run ---------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [MODEL, "openai/gpt-4o"], ids=["aimlapi", "openai"])
def test_return_raw_request_sends_nothing(mock: MockAIMLAPI, model: str) -> None:
    raw = litellm.utils.return_raw_request(
        endpoint=CallTypes.completion,
        kwargs={
            "model": model,
            "messages": MESSAGES,
            "api_base": mock.base_url,
            "temperature": 0.25,
        },
    )
    assert mock.requests == []
    assert raw.get("error") is None
    body = raw["raw_request_body"]
    assert body["model"] == "gpt-4o" if model.startswith("openai/") else "openai/gpt-4o"
    assert body["messages"] == MESSAGES and body["temperature"] == 0.25
    assert str(raw["raw_request_api_base"]).startswith(mock.base_url)
    assert "my-fake-api-key" not in repr(raw)  # the dry run's key is not in what it returns


def test_raw_request_body_is_what_a_real_call_sends(
    mock: MockAIMLAPI, creds: dict[str, Any]
) -> None:
    kwargs: dict[str, Any] = {"model": MODEL, "messages": MESSAGES, "max_tokens": 7, "seed": 3}
    raw = litellm.utils.return_raw_request(
        endpoint=CallTypes.completion, kwargs={**kwargs, "api_base": mock.base_url}
    )
    assert mock.requests == []
    litellm.completion(**kwargs, **creds)
    assert mock.requests[-1].json == raw["raw_request_body"]
