"""What every framework test reads from the mock's request log."""

from __future__ import annotations

from typing import Any

from aiml_integrations.testing import MockAIMLAPI
from aiml_integrations.testing._types import RecordedRequest

KEY_A = "fw-key-a-0001"
KEY_B = "fw-key-b-0002"
MODEL = "aimlapi/openai/gpt-4o"
FALLBACK_MODEL = "aimlapi/gpt-4o-mini"
TASK = "Use get_weather for city: Paris, then report it."
TOOL_RESULT = "sunny in Paris"


def get_weather(city: str) -> str:
    """The weather for a city (the one tool every framework's agent gets)."""
    return f"sunny in {city}"


def chats(mock: MockAIMLAPI) -> list[RecordedRequest]:
    """Chat-completion requests, in order."""
    return [r for r in mock.requests if r.path.endswith("/chat/completions")]


def trace(mock: MockAIMLAPI) -> list[tuple[str | None, str | None, int]]:
    """``(key, model, status)`` of each chat request."""
    return [(r.api_key, r.model, r.status) for r in chats(mock)]


def messages_of(record: RecordedRequest) -> list[dict[str, Any]]:
    body = record.json if isinstance(record.json, dict) else {}
    return [m for m in body.get("messages") or [] if isinstance(m, dict)]


def text_of(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return str(content or "")


def called_tool(record: RecordedRequest) -> bool:
    """The request offered tools (native tool calling) or described them in the prompt."""
    body = record.json if isinstance(record.json, dict) else {}
    return bool(body.get("tools")) or any("get_weather" in text_of(m) for m in messages_of(record))


def sends_tool_result(record: RecordedRequest) -> bool:
    """The request hands the tool's result back (a ``tool`` message, or text holding it)."""
    return any(
        (m.get("role") == "tool" and TOOL_RESULT in text_of(m))
        or (m.get("role") == "user" and TOOL_RESULT in text_of(m))
        for m in messages_of(record)
    )
