"""Parameters LiteLLM filters for custom providers reach AI/ML API, read from the mock's log.

Without the declaration in ``aiml_integrations.litellm._params`` LiteLLM rejects
``reasoning_effort``/``thinking`` for every ``aimlapi/`` model (or drops them silently with
``drop_params``) and refuses ``dimensions``/``encoding_format`` on embeddings. Nobody here sets
``drop_params`` or ``allowed_openai_params``; what a model cannot take is still refused by the
catalog preflight, per model.
"""

from __future__ import annotations

from typing import Any

import litellm
import pytest

from aiml_integrations._core.embedding_codec import decode_vector
from aiml_integrations.testing import Fault, MockAIMLAPI

REASONING = "aimlapi/o3-mini"
MESSAGES = [{"role": "user", "content": "hi"}]
EMBEDDING = "aimlapi/text-embedding-3-small"


async def _chat(mode: str, **kwargs: Any) -> None:
    if mode == "sync":
        litellm.completion(messages=MESSAGES, **kwargs)
    elif mode == "async":
        await litellm.acompletion(messages=MESSAGES, **kwargs)
    elif mode == "stream":
        list(litellm.completion(messages=MESSAGES, stream=True, **kwargs))
    else:
        stream = await litellm.acompletion(messages=MESSAGES, stream=True, **kwargs)
        [chunk async for chunk in stream]


@pytest.mark.parametrize("mode", ["sync", "async", "stream", "astream"])
async def test_reasoning_effort_reaches_a_reasoning_model(
    mock: MockAIMLAPI, creds: dict[str, Any], mode: str
) -> None:
    await _chat(mode, model=REASONING, reasoning_effort="low", **creds)
    assert mock.requests[-1].json["reasoning_effort"] == "low"


async def test_reasoning_effort_survives_drop_params(
    mock: MockAIMLAPI, creds: dict[str, Any]
) -> None:
    """``drop_params`` used to drop it silently, reasoning models included."""
    litellm.completion(
        model=REASONING, messages=MESSAGES, reasoning_effort="high", drop_params=True, **creds
    )
    assert mock.requests[-1].json["reasoning_effort"] == "high"


async def test_thinking_reaches_the_wire(mock: MockAIMLAPI, creds: dict[str, Any]) -> None:
    thinking = {"type": "enabled", "budget_tokens": 1024}
    litellm.completion(
        model="aimlapi/anthropic/claude-haiku-4.5", messages=MESSAGES, thinking=thinking, **creds
    )
    assert mock.requests[-1].json["thinking"] == thinking


async def test_a_model_without_reasoning_still_refuses_it(
    mock: MockAIMLAPI, creds: dict[str, Any]
) -> None:
    with pytest.raises(litellm.UnsupportedParamsError):
        litellm.completion(
            model="aimlapi/openai/gpt-4o", messages=MESSAGES, reasoning_effort="low", **creds
        )
    assert mock.requests == []
    litellm.completion(
        model="aimlapi/openai/gpt-4o",
        messages=MESSAGES,
        reasoning_effort="low",
        drop_params=True,
        **creds,
    )
    assert "reasoning_effort" not in mock.requests[-1].json


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_router_forwards_reasoning_effort(mock: MockAIMLAPI, mode: str) -> None:
    router = litellm.Router(
        model_list=[
            {
                "model_name": "thinker",
                "litellm_params": {
                    "model": REASONING,
                    "api_key": mock.api_key,
                    "api_base": mock.base_url,
                },
            }
        ]
    )
    if mode == "sync":
        router.completion(model="thinker", messages=MESSAGES, reasoning_effort="medium")
    else:
        await router.acompletion(model="thinker", messages=MESSAGES, reasoning_effort="medium")
    assert [r.json.get("reasoning_effort") for r in mock.requests] == ["medium"]


# -- embeddings -------------------------------------------------------------------------------


async def _embed(mode: str, **kwargs: Any) -> Any:
    if mode == "sync":
        return litellm.embedding(model=EMBEDDING, **kwargs)
    return await litellm.aembedding(model=EMBEDDING, **kwargs)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_dimensions_are_honoured(mock: MockAIMLAPI, creds: dict[str, Any], mode: str) -> None:
    response = await _embed(mode, input=["a", "b"], dimensions=64, **creds)
    assert mock.requests[-1].json == {
        "model": "text-embedding-3-small",
        "input": ["a", "b"],
        "dimensions": 64,
        "encoding_format": "base64",
    }
    assert [len(item["embedding"]) for item in response.data] == [64, 64]
    assert all(isinstance(x, float) for x in response.data[0]["embedding"])


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_caller_chosen_base64_is_returned_as_base64(
    mock: MockAIMLAPI, creds: dict[str, Any], mode: str
) -> None:
    response = await _embed(mode, input=["a"], encoding_format="base64", dimensions=8, **creds)
    assert mock.requests[-1].json["encoding_format"] == "base64"
    vector = response.data[0]["embedding"]
    assert isinstance(vector, str)
    decoded = decode_vector(vector)
    assert decoded is not None and len(decoded) == 8


async def test_caller_chosen_float_is_sent_as_float(
    mock: MockAIMLAPI, creds: dict[str, Any]
) -> None:
    response = await _embed("sync", input=["a"], encoding_format="float", **creds)
    assert mock.requests[-1].json["encoding_format"] == "float"
    assert isinstance(response.data[0]["embedding"], list)


_FLOAT_ANSWER = {
    "object": "list",
    "data": [{"object": "embedding", "index": 0, "embedding": [0.5, -0.25, 1.0]}],
    "model": "text-embedding-3-small",
    "usage": {"prompt_tokens": 1, "total_tokens": 1},
}


@pytest.mark.parametrize(("requested", "expected"), [(None, list), ("base64", str)])
async def test_a_model_answering_floats_anyway(
    mock: MockAIMLAPI, creds: dict[str, Any], requested: str | None, expected: type
) -> None:
    mock.inject(Fault(status=200, body=_FLOAT_ANSWER), times=1)
    kwargs: dict[str, Any] = {} if requested is None else {"encoding_format": requested}
    response = await _embed("sync", input=["a"], **kwargs, **creds)
    vector = response.data[0]["embedding"]
    assert isinstance(vector, expected)
    assert decode_vector(vector) == [0.5, -0.25, 1.0]


async def test_router_embeddings_with_dimensions(mock: MockAIMLAPI) -> None:
    router = litellm.Router(
        model_list=[
            {
                "model_name": "embed",
                "litellm_params": {
                    "model": EMBEDDING,
                    "api_key": mock.api_key,
                    "api_base": mock.base_url,
                },
            }
        ]
    )
    response = await router.aembedding(model="embed", input=["a"], dimensions=16)
    assert mock.requests[-1].json["dimensions"] == 16
    assert len(response.data[0]["embedding"]) == 16
