"""Happy paths through real litellm calls: streaming (content, tool calls, reasoning, usage),
embeddings, both image schemas, billed cost and request ids."""

from __future__ import annotations

import json
import time
from typing import Any

import litellm
import pytest
from litellm.exceptions import MidStreamFallbackError

from aiml_integrations.litellm import AIMLAPIAPIConnectionError, AIMLAPIInternalServerError
from aiml_integrations.testing import MockAIMLAPI, presets

MODEL = "aimlapi/openai/gpt-4o"
MESSAGES = [{"role": "user", "content": "Say something about the weather in Paris"}]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


async def _stream(mode: str, creds: dict[str, Any], **kwargs: Any) -> list[Any]:
    if mode == "sync":
        return list(litellm.completion(stream=True, **creds, **kwargs))
    stream = await litellm.acompletion(stream=True, **creds, **kwargs)
    return [chunk async for chunk in stream]


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_stream_content_and_usage_match_a_plain_call(
    mock: MockAIMLAPI, creds: dict[str, Any], mode: str
) -> None:
    plain = litellm.completion(model=MODEL, messages=MESSAGES, **creds)
    chunks = await _stream(mode, creds, model=MODEL, messages=MESSAGES)
    built = litellm.stream_chunk_builder(chunks, messages=MESSAGES)
    assert len(chunks) > 2
    assert built.choices[0].message.content == plain.choices[0].message.content
    assert built.choices[0].finish_reason == "stop"
    assert built.usage.prompt_tokens == plain.usage.prompt_tokens  # AI/ML API's numbers,
    assert built.usage.completion_tokens == plain.usage.completion_tokens  # not re-counted
    sent = mock.requests[-1].json
    assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_stream_tool_call_deltas(mock: MockAIMLAPI, creds: dict[str, Any], mode: str) -> None:
    chunks = await _stream(
        mode,
        creds,
        model=MODEL,
        messages=MESSAGES,
        tools=[WEATHER_TOOL],
        tool_choice="required",
    )
    built = litellm.stream_chunk_builder(chunks, messages=MESSAGES)
    calls = built.choices[0].message.tool_calls
    assert calls and calls[0].function.name == "get_weather"
    assert isinstance(json.loads(calls[0].function.arguments)["city"], str)
    assert calls[0].id
    assert built.choices[0].finish_reason == "tool_calls"
    assert sum(1 for c in chunks if c.choices and c.choices[0].delta.tool_calls) >= 2


async def test_plain_tool_calls(mock: MockAIMLAPI, creds: dict[str, Any]) -> None:
    response = litellm.completion(
        model=MODEL, messages=MESSAGES, tools=[WEATHER_TOOL], tool_choice="required", **creds
    )
    call = response.choices[0].message.tool_calls[0]
    assert call.function.name == "get_weather"
    assert response.choices[0].finish_reason == "tool_calls"
    follow_up = [
        *MESSAGES,
        response.choices[0].message.model_dump(),
        {"role": "tool", "tool_call_id": call.id, "content": "sunny"},
    ]
    answer = litellm.completion(model=MODEL, messages=follow_up, tools=[WEATHER_TOOL], **creds)
    assert "sunny" in answer.choices[0].message.content
    assert mock.requests[-1].json["messages"][1]["content"] == ""  # not null (AI/ML API rule)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_reasoning_content(mock: MockAIMLAPI, creds: dict[str, Any], mode: str) -> None:
    model = "aimlapi/deepseek/deepseek-v4-flash"
    plain = litellm.completion(model=model, messages=MESSAGES, **creds)
    assert plain.choices[0].message.reasoning_content
    chunks = await _stream(mode, creds, model=model, messages=MESSAGES)
    assert any(getattr(c.choices[0].delta, "reasoning_content", None) for c in chunks if c.choices)
    built = litellm.stream_chunk_builder(chunks, messages=MESSAGES)
    assert built.choices[0].message.reasoning_content == plain.choices[0].message.reasoning_content


@pytest.mark.parametrize(
    ("fault", "cls"),
    [
        (presets.STREAM_ERROR_EVENT, AIMLAPIInternalServerError),
        (presets.STREAM_CUT, AIMLAPIAPIConnectionError),
    ],
    ids=["error_event", "cut"],
)
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_mid_stream_failure_is_typed(
    mock: MockAIMLAPI, creds: dict[str, Any], mode: str, fault: Any, cls: type[Exception]
) -> None:
    """Without a Router LiteLLM wraps a 5xx/connection error after the first chunk in
    ``MidStreamFallbackError``; the original is our typed exception."""
    mock.inject(fault, times=1)
    with pytest.raises(MidStreamFallbackError) as caught:
        await _stream(mode, creds, model=MODEL, messages=MESSAGES)
    assert isinstance(caught.value.original_exception, cls)
    assert caught.value.original_exception.llm_provider == "aimlapi"


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_response_cost_is_what_aimlapi_billed(
    mock: MockAIMLAPI, creds: dict[str, Any], mode: str, cost_spy: Any
) -> None:
    if mode == "sync":
        response = litellm.completion(model=MODEL, messages=MESSAGES, **creds)
    else:
        response = await litellm.acompletion(model=MODEL, messages=MESSAGES, **creds)
    billed = float(response._response_headers["x-aimlapi-usd-spent"])
    assert billed > 0
    assert response._hidden_params["response_cost"] == billed
    assert response._hidden_params["aimlapi_usd_spent"] == billed
    assert response._hidden_params["aimlapi_credits_used"] == float(
        response._response_headers["x-aimlapi-credits-used"]
    )
    request_id = mock.requests[-1].request_id
    assert response._hidden_params["aimlapi_request_id"] == request_id
    assert response._hidden_params["additional_headers"]["llm_provider-x-inference-id"] == (
        request_id
    )
    assert await cost_spy.last() == billed  # what LiteLLM's logging (spend tracking) records


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_embeddings_batch(mock: MockAIMLAPI, creds: dict[str, Any], mode: str) -> None:
    inputs = ["alpha", "beta", "gamma"]
    kwargs: dict[str, Any] = {"model": "aimlapi/text-embedding-3-small", "input": inputs}
    if mode == "sync":
        response = litellm.embedding(**kwargs, **creds)
    else:
        response = await litellm.aembedding(**kwargs, **creds)
    assert [item["index"] for item in response.data] == [0, 1, 2]
    assert all(len(item["embedding"]) == 1536 for item in response.data)
    assert response.data[0]["embedding"] != response.data[1]["embedding"]
    assert response.usage.prompt_tokens > 0
    assert len(mock.requests) == 1
    # base64 on the wire (the caller chose no format), floats for the caller
    assert mock.requests[0].json == {
        "model": "text-embedding-3-small",
        "input": inputs,
        "encoding_format": "base64",
    }
    assert all(isinstance(x, float) for x in response.data[0]["embedding"])
    assert response._hidden_params["aimlapi_request_id"] == mock.requests[0].request_id


async def test_embedding_errors_are_typed(mock: MockAIMLAPI, creds: dict[str, Any]) -> None:
    mock.inject(presets.OUT_OF_CREDITS, times=1)
    with pytest.raises(litellm.PaymentRequiredError):
        await litellm.aembedding(model="aimlapi/text-embedding-3-small", input=["x"], **creds)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_image_generation_openai_schema(
    mock: MockAIMLAPI, creds: dict[str, Any], mode: str
) -> None:
    kwargs: dict[str, Any] = {
        "model": "aimlapi/openai/gpt-image-1",
        "prompt": "a cat",
        "size": "1024x1024",
        "n": 1,
        "quality": "hd",
    }
    if mode == "sync":
        response = litellm.image_generation(**kwargs, **creds)
    else:
        response = await litellm.aimage_generation(**kwargs, **creds)
    assert response.data[0].url.startswith("https://")
    sent = mock.requests[-1].json
    assert sent == {
        "model": "openai/gpt-image-1",
        "prompt": "a cat",
        "size": "1024x1024",
        "n": 1,
        "quality": "hd",
    }


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_image_generation_flux_schema(
    mock: MockAIMLAPI, creds: dict[str, Any], mode: str
) -> None:
    kwargs: dict[str, Any] = {
        "model": "aimlapi/flux/schnell",
        "prompt": "a cat",
        "size": "512x768",
        "n": 2,
    }
    if mode == "sync":
        response = litellm.image_generation(**kwargs, **creds)
    else:
        response = await litellm.aimage_generation(**kwargs, **creds)
    assert len(response.data) == 2
    assert all(item.url.startswith("https://") for item in response.data)
    sent = mock.requests[-1].json
    assert sent == {
        "model": "flux/schnell",
        "prompt": "a cat",
        "num_images": 2,
        "image_size": {"width": 512, "height": 768},
    }


async def test_image_errors_are_typed(mock: MockAIMLAPI, creds: dict[str, Any]) -> None:
    mock.inject(presets.CONTENT_POLICY, times=1)
    with pytest.raises(litellm.ContentPolicyViolationError):
        litellm.image_generation(model="aimlapi/flux/schnell", prompt="x", **creds)


async def test_one_client_per_key_and_base(mock: MockAIMLAPI, creds: dict[str, Any]) -> None:
    from aiml_integrations.litellm import _clients

    _clients.clear_clients()
    for _ in range(3):
        litellm.completion(model=MODEL, messages=MESSAGES, **creds)
    assert len(_clients._clients) == 1
    other = {"api_key": "key-backup-c-0003", "api_base": mock.base_url}
    litellm.completion(model=MODEL, messages=MESSAGES, **other)
    assert len(_clients._clients) == 2
    assert all(creds["api_key"] not in repr(k) for k in _clients._clients)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_stream_timeout_before_first_chunk(
    mock: MockAIMLAPI, creds: dict[str, Any], mode: str
) -> None:
    mock.inject(presets.slow(2), times=1)
    started = time.monotonic()
    with pytest.raises(litellm.Timeout) as caught:
        await _stream(mode, creds, model=MODEL, messages=MESSAGES, timeout=0.5)
    assert time.monotonic() - started < 1.9  # coarse: well before the 2 s answer
    assert caught.value.llm_provider == "aimlapi"
