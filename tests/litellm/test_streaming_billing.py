"""Streams are costed at what AI/ML API billed, and carry the request id.

The billed amount is read off the wire (the ``meta.usage.usd_spent`` of the final
``choices: []`` event the mock sends for the same body), never from the adapter, and it is checked
to differ from what LiteLLM's cost map would charge for the same tokens — so a regression to
LiteLLM's own pricing fails here.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import litellm
import pytest
from litellm.integrations.custom_logger import CustomLogger

from aiml_integrations.testing import MockAIMLAPI, RecordedRequest

MODEL = "openai/gpt-4o"
MESSAGES = [{"role": "user", "content": "Say something about the weather in Paris"}]
MODES = ["sync", "async", "router-sync", "router-async"]


class _StreamSpy(CustomLogger):  # type: ignore[misc]
    """What LiteLLM's logging recorded for a finished stream: its cost and the response's id."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[Any, Any, Any]] = []

    def _record(self, kwargs: Any, response_obj: Any) -> None:
        hidden = getattr(response_obj, "_hidden_params", None) or {}
        self.seen.append(
            (
                kwargs.get("response_cost"),
                kwargs["standard_logging_object"]["response_cost"],
                hidden.get("aimlapi_request_id"),
            )
        )

    def log_success_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        self._record(kwargs, response_obj)

    async def async_log_success_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        self._record(kwargs, response_obj)


_SPY = _StreamSpy()


@pytest.fixture
def spy() -> Iterator[_StreamSpy]:
    """One instance for the module (LiteLLM skips a second instance of a callback class)."""
    if _SPY not in litellm.callbacks:
        litellm.callbacks.append(_SPY)
    _SPY.seen.clear()
    yield _SPY
    for name in (
        "callbacks",
        "success_callback",
        "_async_success_callback",
        "input_callback",
        "failure_callback",
        "_async_failure_callback",
    ):
        registered = getattr(litellm, name)
        while _SPY in registered:
            registered.remove(_SPY)


async def _stream(mode: str, mock: MockAIMLAPI) -> list[Any]:
    if mode.startswith("router"):
        router = litellm.Router(
            model_list=[
                {
                    "model_name": "gpt",
                    "litellm_params": {
                        "model": f"aimlapi/{MODEL}",
                        "api_key": mock.api_key,
                        "api_base": mock.base_url,
                    },
                }
            ]
        )
        if mode == "router-sync":
            return list(router.completion(model="gpt", messages=MESSAGES, stream=True))
        stream = await router.acompletion(model="gpt", messages=MESSAGES, stream=True)
        return [chunk async for chunk in stream]
    creds: dict[str, Any] = {"api_key": mock.api_key, "api_base": mock.base_url}
    if mode == "sync":
        return list(
            litellm.completion(model=f"aimlapi/{MODEL}", messages=MESSAGES, stream=True, **creds)
        )
    stream = await litellm.acompletion(
        model=f"aimlapi/{MODEL}", messages=MESSAGES, stream=True, **creds
    )
    return [chunk async for chunk in stream]


def _billed_on_the_wire(mock: MockAIMLAPI, sent: RecordedRequest) -> float:
    """Replays the body the adapter sent (the mock is deterministic) and reads the final event's
    ``meta.usage.usd_spent``, as AI/ML API sends it."""
    billed: float | None = None
    with httpx.stream(
        "POST",
        f"{mock.base_url}/chat/completions",
        json=sent.json,
        headers={"Authorization": f"Bearer {mock.api_key}"},
    ) as response:
        for line in response.iter_lines():
            if not line.startswith("data:") or line.strip() == "data: [DONE]":
                continue
            event = json.loads(line[len("data:") :])
            if event.get("choices") == [] and isinstance(event.get("meta"), dict):
                billed = float(event["meta"]["usage"]["usd_spent"])
    assert billed is not None, "the mock's stream has no final meta.usage event"
    return billed


def _cost_map_prices(prompt_tokens: int, completion_tokens: int) -> set[float]:
    """What LiteLLM's own cost map charges for these tokens: under our registration (no price
    for gpt-4o in the bundled catalog) and under OpenAI's list price."""
    prices = set()
    for model in (f"aimlapi/{MODEL}", MODEL):
        prompt_cost, completion_cost = litellm.cost_per_token(
            model=model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens
        )
        prices.add(prompt_cost + completion_cost)
    return prices


async def _wait_for(spy: _StreamSpy, seconds: float = 3.0) -> None:
    """LiteLLM logs a stream's success in a background worker once it ends."""
    for _ in range(int(seconds / 0.02)):
        if spy.seen:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("LiteLLM logged no success for the stream")


@pytest.mark.parametrize("mode", MODES)
async def test_stream_is_costed_at_the_billed_amount(
    mock: MockAIMLAPI, spy: _StreamSpy, mode: str
) -> None:
    chunks = await _stream(mode, mock)
    sent = mock.requests[-1]
    assert sent.stream is True
    billed = _billed_on_the_wire(mock, sent)
    built = litellm.stream_chunk_builder(chunks, messages=MESSAGES)

    assert billed > 0
    assert built.usage.prompt_tokens > 0 and built.usage.completion_tokens > 0
    assert billed not in _cost_map_prices(built.usage.prompt_tokens, built.usage.completion_tokens)

    await _wait_for(spy)
    logged_cost, standard_logging_cost, _ = spy.seen[-1]
    assert logged_cost == billed  # kwargs["response_cost"]: what spend tracking records
    assert standard_logging_cost == billed
    assert built._hidden_params["response_cost"] == billed
    assert built.usage.cost == billed


@pytest.mark.parametrize("mode", MODES)
async def test_stream_carries_the_request_id(mock: MockAIMLAPI, spy: _StreamSpy, mode: str) -> None:
    chunks = await _stream(mode, mock)
    request_id = mock.requests[-1].request_id
    assert request_id

    # Every chunk carrying model output has it; LiteLLM's own closing chunk does not.
    with_output = [
        chunk
        for chunk in chunks
        if chunk.choices and (chunk.choices[0].delta.content or chunk.choices[0].delta.tool_calls)
    ]
    assert with_output
    assert {chunk._hidden_params.get("aimlapi_request_id") for chunk in with_output} == {request_id}

    built = litellm.stream_chunk_builder(chunks, messages=MESSAGES)
    assert built._hidden_params["aimlapi_request_id"] == request_id

    await _wait_for(spy)
    assert spy.seen[-1][2] == request_id  # the response object LiteLLM hands to loggers
