"""The mock's prompt cache over raw HTTP: ``cache_control`` breakpoints write, then read, per
key and model; prompts without breakpoints or too short never touch it; ``reset()`` empties it."""

from __future__ import annotations

from typing import Any

import httpx

from aiml_integrations.testing import MockAIMLAPI

LONG = "All answers follow the style guide. " * 150


def _body(system: Any, question: str = "q", model: str = "anthropic/claude-sonnet-4.5") -> Any:
    return {
        "model": model,
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": question}],
    }


def _cached(text: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": text, "cache_control": {"type": "ephemeral"}}]


def _usage(client: httpx.Client, body: Any, key: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {key}"} if key else None
    response = client.post("/v1/chat/completions", json=body, headers=headers)
    assert response.status_code == 200, response.text
    usage: dict[str, Any] = response.json()["usage"]
    return usage


def test_breakpoint_writes_then_reads(client: httpx.Client) -> None:
    first = _usage(client, _body(_cached(LONG), "one"))
    second = _usage(client, _body(_cached(LONG), "two"))
    assert first["cache_creation_input_tokens"] >= 1024
    assert first["cache_read_input_tokens"] == first["prompt_tokens_details"]["cached_tokens"] == 0
    assert second["cache_read_input_tokens"] == first["cache_creation_input_tokens"]
    assert second["prompt_tokens_details"]["cached_tokens"] == second["cache_read_input_tokens"]
    assert second["cache_creation_input_tokens"] == 0
    assert second["prompt_tokens"] >= second["cache_read_input_tokens"]


def test_no_breakpoint_or_short_prefix_is_not_cached(client: httpx.Client) -> None:
    for _ in range(2):
        plain = _usage(client, _body(LONG))
        short = _usage(client, _body(_cached("short rules")))
    assert "cache_creation_input_tokens" not in plain
    assert plain["prompt_tokens_details"]["cached_tokens"] == 0
    assert short["cache_creation_input_tokens"] == short["cache_read_input_tokens"] == 0


def test_cache_is_per_key_and_model_and_reset_clears_it(
    aimlapi_mock_factory: Any,
) -> None:
    mock: MockAIMLAPI = aimlapi_mock_factory(keys=["key-a", "key-b"])
    with httpx.Client(base_url=mock.url, timeout=10) as client:
        assert _usage(client, _body(_cached(LONG)), "key-a")["cache_creation_input_tokens"]
        other_key = _usage(client, _body(_cached(LONG)), "key-b")
        other_model = _usage(client, _body(_cached(LONG), model="openai/gpt-4o"), "key-a")
        assert other_key["cache_read_input_tokens"] == other_model["cache_read_input_tokens"] == 0
        assert _usage(client, _body(_cached(LONG)), "key-a")["cache_read_input_tokens"]
        mock.reset()
        assert _usage(client, _body(_cached(LONG)), "key-a")["cache_read_input_tokens"] == 0
