"""SSE framing of streamed chat: chunks, tool-call fragments, usage chunk, [DONE], faults."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from aiml_integrations.testing import Fault, MockAIMLAPI, presets

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "days": {"type": "integer", "minimum": 1, "maximum": 7},
            },
            "required": ["city", "unit"],
        },
    },
}
TIME_TOOL = {
    "type": "function",
    "function": {
        "name": "get_time",
        "parameters": {
            "type": "object",
            "properties": {"tz": {"type": "string"}},
            "required": ["tz"],
        },
    },
}


def stream_lines(client: httpx.Client, payload: dict[str, Any]) -> tuple[httpx.Response, list[str]]:
    with client.stream(
        "POST", "/v1/chat/completions", json={**payload, "stream": True}
    ) as response:
        lines = [line for line in response.iter_lines() if line]
    return response, lines


def events(lines: list[str]) -> list[Any]:
    assert all(line.startswith("data: ") for line in lines)
    return [line[6:] if line == "data: [DONE]" else json.loads(line[6:]) for line in lines]


def test_text_stream_framing(client: httpx.Client) -> None:
    text = "one two three four five six seven eight nine ten eleven twelve"
    response, lines = stream_lines(
        client, {"model": "gpt-4o", "messages": [{"role": "user", "content": text}]}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["transfer-encoding"] == "chunked"
    assert "x-inference-id" in response.headers
    assert "x-aimlapi-credits-used" not in response.headers
    parsed = events(lines)
    assert parsed[-1] == "[DONE]"
    chunks = parsed[:-1]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert len({c["id"] for c in chunks}) == 1
    assert all(c["usage"] is None for c in chunks[:-1])
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    content_chunks = [c for c in chunks[:-1] if c["choices"][0]["delta"].get("content")]
    assert len(content_chunks) >= 3
    assert "".join(c["choices"][0]["delta"]["content"] for c in content_chunks) == text
    finish = chunks[-2]
    assert finish["choices"][0]["finish_reason"] == "stop"
    final = chunks[-1]
    assert final["choices"] == []
    assert final["usage"]["completion_tokens"] == 12
    assert final["usage"]["total_tokens"] == final["usage"]["prompt_tokens"] + 12
    assert final["meta"]["usage"]["credits_used"] > 0
    assert final["meta"]["usage"]["usd_spent"] == final["meta"]["usage"]["credits_used"] / 2e6


def test_stream_usage_chunk_even_with_include_usage_false(client: httpx.Client) -> None:
    _, lines = stream_lines(
        client,
        {
            "model": "gpt-4o",
            "messages": [{"role": "user", "content": "x"}],
            "stream_options": {"include_usage": False},
        },
    )
    assert events(lines)[-2]["usage"] is not None


def test_stream_tool_call_fragments_reassemble(client: httpx.Client) -> None:
    _, lines = stream_lines(
        client,
        {
            "model": "gpt-4o",
            "messages": [
                {
                    "role": "user",
                    "content": (
                        "Use get_weather and get_time for city: Paris, unit fahrenheit, tz 'CET'"
                    ),
                }
            ],
            "tools": [WEATHER_TOOL, TIME_TOOL],
        },
    )
    chunks = [c for c in events(lines)[:-1] if c["choices"]]
    calls: dict[int, dict[str, Any]] = {}
    fragments_per_call: dict[int, int] = {}
    for chunk in chunks:
        for delta in chunk["choices"][0]["delta"].get("tool_calls", []):
            index = delta["index"]
            if "id" in delta:
                assert index not in calls, "opener sent twice"
                calls[index] = {"id": delta["id"], "name": delta["function"]["name"], "args": ""}
            else:
                assert "name" not in delta["function"]
                fragments_per_call[index] = fragments_per_call.get(index, 0) + 1
            calls[index]["args"] += delta["function"]["arguments"]
    assert [calls[i]["name"] for i in sorted(calls)] == ["get_weather", "get_time"]
    assert all(n >= 2 for n in fragments_per_call.values())
    weather = json.loads(calls[0]["args"])
    assert weather == {"city": "Paris", "unit": "fahrenheit"}
    assert json.loads(calls[1]["args"]) == {"tz": "CET"}
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"
    assert all(c["id"].startswith("call_") for c in calls.values())


def test_stream_reasoning_deltas(client: httpx.Client) -> None:
    _, lines = stream_lines(
        client,
        {"model": "deepseek/deepseek-v4-flash", "messages": [{"role": "user", "content": "hi"}]},
    )
    deltas = [c["choices"][0]["delta"] for c in events(lines)[:-1] if c["choices"]]
    assert "".join(d.get("reasoning_content", "") for d in deltas)
    assert "".join(d.get("content") or "" for d in deltas) == "hi"


def test_stream_n_choices(client: httpx.Client) -> None:
    _, lines = stream_lines(
        client, {"model": "gpt-4o", "n": 2, "messages": [{"role": "user", "content": "a b"}]}
    )
    indexes = {c["choices"][0]["index"] for c in events(lines)[:-1] if c["choices"]}
    assert indexes == {0, 1}


def test_stream_validation_error_is_plain_http_error(client: httpx.Client) -> None:
    response, lines = stream_lines(client, {"model": "nope", "messages": []})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert json.loads(lines[0])["message"] == "Body validation error!"


def test_stream_error_fault_before_first_chunk(
    client: httpx.Client, aimlapi_mock: MockAIMLAPI
) -> None:
    aimlapi_mock.inject(presets.RATE_LIMITED, times=1)
    response, lines = stream_lines(
        client, {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]}
    )
    assert response.status_code == 429
    assert json.loads(lines[0])["message"] == "Too Many Requests"
    assert aimlapi_mock.requests[-1].stream is True


def test_stream_cut_drops_connection_without_done(
    client: httpx.Client, aimlapi_mock: MockAIMLAPI
) -> None:
    aimlapi_mock.inject(presets.STREAM_CUT, times=1)
    received: list[str] = []
    with (
        pytest.raises(httpx.RemoteProtocolError),
        client.stream(
            "POST",
            "/v1/chat/completions",
            json={
                "model": "gpt-4o",
                "stream": True,
                "messages": [{"role": "user", "content": "a b c d e f"}],
            },
        ) as response,
    ):
        assert response.status_code == 200
        received.extend(line for line in response.iter_lines() if line)
    assert len(received) == 2
    assert "data: [DONE]" not in received
    assert aimlapi_mock.requests[-1].fault == "STREAM_CUT"
    # the next stream is whole again
    _, lines = stream_lines(
        client, {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]}
    )
    assert lines[-1] == "data: [DONE]"


def test_stream_error_event(client: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.STREAM_ERROR_EVENT)
    _, lines = stream_lines(
        client, {"model": "gpt-4o", "messages": [{"role": "user", "content": "a b c d e f"}]}
    )
    parsed = events(lines)
    assert len(parsed) == 3
    assert all("choices" in c for c in parsed[:2])
    assert parsed[2] == {"error": presets.STREAM_ERROR_EVENT.stream_error}
    assert "[DONE]" not in parsed


def test_stream_faults_skip_non_stream_requests(
    client: httpx.Client, aimlapi_mock: MockAIMLAPI
) -> None:
    fault = aimlapi_mock.inject(Fault(stream_cut_after=0), times=1)
    response = client.post(
        "/v1/chat/completions",
        json={"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]},
    )
    assert response.status_code == 200
    assert fault.remaining == 1
    # and it is not consumed by a stream that fails validation either
    stream_lines(client, {"model": "nope", "messages": []})
    assert fault.remaining == 1
