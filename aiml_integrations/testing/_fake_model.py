"""A deterministic stand-in for an LLM: same request in, same answer out.

Why: adapter tests need answers whose *shape* is realistic (text, tool calls with schema-valid
arguments, structured output, reasoning, truncation) without a network or a real model, and
without the mock knowing any test's expected answer. The rules are simple enough to reason about:

- default: echo the last user message's text;
- after a tool result (a ``tool`` message, or a user message starting ``Observation:`` as
  text-based agents such as smolagents send it): answer ``"<tool name> returned: <result>"``, so
  an agent loop ends; where a tool call is required (``"required"``/``"any"``), call the
  finishing tool instead (``final_answer``, ``finish`` ...: see ``FINISH_NAMES``) with the result
  as its argument, or answer in text when there is none;
- tools offered and ``tool_choice`` forces one (``"required"``/``"any"``/a named function), or
  ``"auto"`` and the last user message names a tool: call it (several if several are named and
  ``parallel_tool_calls`` allows), arguments generated from the tool's JSON schema and the
  prompt (see ``_schema_values``);
- the system message lists output fields (``Your output fields are: 1. `answer` (str)``, DSPy's
  adapters): answer in ``[[ ## field ## ]]`` sections, or as a JSON object of those fields when
  ``response_format`` asks for JSON (see ``_field_answers``);
- ``response_format`` ``json_schema``: a JSON document valid for the schema; ``json_object``: an
  object wrapping the echo;
- ``max_tokens``/``max_completion_tokens`` cut the text at that many words (``finish_reason``
  ``"length"``), ``stop`` cuts at the first stop sequence, ``n`` repeats the choice;
- reasoning models also return ``reasoning_content``.

Tokens are counted crudely (about four characters per token for prompts, one word per token for
answers); usage is therefore stable and small, not accurate.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiml_integrations.catalog import ModelInfo
from aiml_integrations.testing._field_answers import FINISH_NAMES, answer_fields
from aiml_integrations.testing._schema_values import generate

__all__ = [
    "Choice",
    "Completion",
    "ToolCall",
    "complete",
    "estimate_prompt_tokens",
    "message_text",
    "split_words",
]

_EMPTY_PROMPT_ANSWER = "Hello from the AI/ML API mock."


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str


@dataclass
class Choice:
    content: str | None
    tool_calls: list[ToolCall] = field(default_factory=list)
    reasoning: str | None = None
    finish_reason: str = "stop"


@dataclass
class Completion:
    choices: list[Choice]
    prompt_tokens: int
    completion_tokens: int
    reasoning_tokens: int = 0


def message_text(content: Any) -> str:
    """The text of a message's ``content`` (a string, or a list of content parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [str(p.get("text", "")) for p in content if isinstance(p, Mapping) and "text" in p]
        return " ".join(parts)
    return ""


def _image_parts(content: Any) -> int:
    if not isinstance(content, list):
        return 0
    return sum(1 for p in content if isinstance(p, Mapping) and p.get("type") == "image_url")


def estimate_prompt_tokens(messages: Sequence[Any], tools: Any = None) -> int:
    """~4 characters per token, plus per-message overhead and 85 per image (OpenAI's rule)."""
    total = 3
    for message in messages:
        if not isinstance(message, Mapping):
            continue
        content = message.get("content")
        total += 4 + len(message_text(content)) // 4 + 85 * _image_parts(content)
        if message.get("tool_calls"):
            total += len(json.dumps(message["tool_calls"])) // 4
    if tools:
        total += len(json.dumps(tools)) // 4
    return total


def split_words(text: str) -> list[str]:
    """Words with their trailing whitespace; joining them gives back ``text``."""
    return re.findall(r"\s*\S+\s*", text) or ([text] if text else [])


def _word_count(text: str) -> int:
    return len(text.split())


def _stable_id(prefix: str, *parts: Any, length: int = 24) -> str:
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return prefix + digest[:length]


def _last(messages: Sequence[Any], role: str) -> Mapping[str, Any] | None:
    for message in reversed(messages):
        if isinstance(message, Mapping) and message.get("role") == role:
            return message
    return None


def _tool_name_for(messages: Sequence[Any], tool_call_id: Any) -> str | None:
    for message in messages:
        if not isinstance(message, Mapping):
            continue
        for call in message.get("tool_calls") or []:
            if isinstance(call, Mapping) and call.get("id") == tool_call_id:
                function = call.get("function") or {}
                return str(function.get("name")) if function.get("name") else None
    return None


def _functions(tools: Any) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    for tool in tools or []:
        if not isinstance(tool, Mapping):
            continue
        function = tool.get("function", tool)
        if isinstance(function, Mapping) and isinstance(function.get("name"), str):
            found.append(function)
    return found


def _mentioned(function: Mapping[str, Any], text: str) -> bool:
    lowered = text.lower()
    name = str(function["name"]).lower()
    return name in lowered or name.replace("_", " ") in lowered


def _forced_name(tool_choice: Any) -> str | None:
    if isinstance(tool_choice, Mapping):
        function = tool_choice.get("function")
        if isinstance(function, Mapping) and isinstance(function.get("name"), str):
            return str(function["name"])
        if isinstance(tool_choice.get("name"), str):
            return str(tool_choice["name"])
    return None


_OBSERVATION_PREFIX = "observation:"


def _tool_result(messages: Sequence[Any]) -> tuple[str, str] | None:
    """``(tool name, result text)`` when the last message hands back a tool's result."""
    last = messages[-1] if messages else None
    if not isinstance(last, Mapping):
        return None
    text = message_text(last.get("content"))
    if last.get("role") == "tool":
        return _tool_name_for(messages, last.get("tool_call_id")) or "tool", text
    if last.get("role") == "user" and text.lstrip().lower().startswith(_OBSERVATION_PREFIX):
        return "tool", text.lstrip()[len(_OBSERVATION_PREFIX) :].strip()
    return None


def _choose_tools(body: Mapping[str, Any], messages: Sequence[Any]) -> list[Mapping[str, Any]]:
    functions = _functions(body.get("tools"))
    if not functions:
        return []
    last = messages[-1] if messages else None
    tool_choice = body.get("tool_choice", "auto")
    if tool_choice == "none":
        return []
    forced = _forced_name(tool_choice)
    if forced is not None:
        return [f for f in functions if f["name"] == forced][:1]
    if _tool_result(messages) is not None:
        if tool_choice in ("required", "any"):
            return [f for f in functions if str(f["name"]).lower() in FINISH_NAMES][:1]
        return []
    user = _last(messages, "user")
    text = message_text(user.get("content")) if user else ""
    named = [f for f in functions if _mentioned(f, text)]
    if not (isinstance(last, Mapping) and last.get("role") == "user"):
        named = []
    if body.get("parallel_tool_calls") is False:
        named = named[:1]
    if tool_choice in ("required", "any"):
        return named or functions[:1]
    return named


def _truncate(text: str, limit: int | None, stop: Any) -> tuple[str, str]:
    finish = "stop"
    stops = [stop] if isinstance(stop, str) else [s for s in stop or [] if isinstance(s, str)]
    cut = min((i for s in stops if s and (i := text.find(s)) >= 0), default=-1)
    if cut >= 0:
        text = text[:cut]
    if limit is not None and _word_count(text) > limit:
        text = "".join(split_words(text)[:limit]).rstrip()
        finish = "length"
    return text, finish


def _structured(body: Mapping[str, Any], text: str) -> str | None:
    response_format = body.get("response_format")
    if not isinstance(response_format, Mapping):
        return None
    kind = response_format.get("type")
    if kind == "json_schema":
        spec = response_format.get("json_schema")
        schema = spec.get("schema") if isinstance(spec, Mapping) else None
        value = generate(schema if isinstance(schema, Mapping) else {}, text)
        return json.dumps(value, ensure_ascii=False)
    if kind == "json_object":
        return json.dumps({"response": text}, ensure_ascii=False)
    return None


def _fields(body: Mapping[str, Any], messages: Sequence[Any], user_text: str) -> str | None:
    system = _last(messages, "system")
    if system is None:
        return None
    response_format = body.get("response_format")
    as_json = isinstance(response_format, Mapping) and response_format.get("type") in (
        "json_object",
        "json_schema",
    )
    return answer_fields(message_text(system.get("content")), user_text, as_json=as_json)


def complete(body: Mapping[str, Any], model: ModelInfo) -> Completion:
    """Answer a validated chat-completions request body."""
    messages: list[Any] = list(body.get("messages") or [])
    user = _last(messages, "user")
    user_text = message_text(user.get("content")) if user else ""
    limit = body.get("max_completion_tokens", body.get("max_tokens"))
    limit = limit if isinstance(limit, int) and not isinstance(limit, bool) else None
    n = body.get("n", 1)
    n = n if isinstance(n, int) and not isinstance(n, bool) and n >= 1 else 1

    chosen = _choose_tools(body, messages)
    result = _tool_result(messages)
    reasoning = None
    if model.supports("reasoning"):
        reasoning = f"The user wrote {_word_count(user_text)} words; I will answer directly."

    choice: Choice
    if chosen:
        calls = [
            ToolCall(
                id=_stable_id("call_", messages, f["name"], i),
                name=str(f["name"]),
                arguments=json.dumps(
                    generate(
                        f.get("parameters") or {"type": "object"},
                        result[1] if result is not None else user_text,
                    ),
                    ensure_ascii=False,
                ),
            )
            for i, f in enumerate(chosen)
        ]
        choice = Choice(content=None, tool_calls=calls, finish_reason="tool_calls")
        completion_tokens = sum(max(1, len(c.arguments) // 4) for c in calls)
    else:
        structured = _fields(body, messages, user_text) or _structured(body, user_text)
        if structured is not None:
            text, finish = structured, "stop"
            completion_tokens = max(1, len(text) // 4)
        else:
            if result is not None:
                raw = f"{result[0]} returned: {result[1]}"
            else:
                raw = user_text or _EMPTY_PROMPT_ANSWER
            text, finish = _truncate(raw, limit, body.get("stop"))
            completion_tokens = max(1, _word_count(text))
        choice = Choice(content=text, finish_reason=finish)
    choice.reasoning = reasoning
    reasoning_tokens = _word_count(reasoning) if reasoning else 0
    choices = [
        Choice(
            content=choice.content,
            tool_calls=list(choice.tool_calls),
            reasoning=choice.reasoning,
            finish_reason=choice.finish_reason,
        )
        for _ in range(n)
    ]
    return Completion(
        choices=choices,
        prompt_tokens=estimate_prompt_tokens(messages, body.get("tools")),
        completion_tokens=(completion_tokens + reasoning_tokens) * n,
        reasoning_tokens=reasoning_tokens * n,
    )
