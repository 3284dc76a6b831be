"""LangChain messages ↔ AI/ML API chat-completions JSON.

Why hand-written and not ``convert_to_openai_messages``: this runs on every call, so it is a
single pass with no pydantic round trips, and it encodes AI/ML API's message-schema quirks
(the quirks table in ``docs/architecture.md``):

- an assistant message carrying ``tool_calls`` must have ``content: ""``, not ``null``;
- a ``tool`` message's ``content`` must be a string, not an array;
- system/assistant content is flattened to text (several upstreams reject arrays there),
  *unless* a block carries provider keys: a text block with ``cache_control`` (Anthropic
  prompt caching, which AI/ML API passes to Claude models) or any other key beyond ``type``
  and ``text`` keeps the content a list of parts for every role, since flattening it would
  silently drop the key (and with it the caching).

User content keeps its parts: OpenAI-format parts (``image_url``, ``input_audio``, ``file``)
pass through untouched; LangChain v1 standard blocks (``image`` / ``audio`` / ``file`` with
``url`` / ``base64``) are converted to the OpenAI format; blocks a request cannot carry
(``reasoning``, ``tool_call`` in v1 assistant content) are dropped — tool calls are sent from
``AIMessage.tool_calls``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    InvalidToolCall,
    SystemMessage,
    ToolCall,
    ToolMessage,
)
from langchain_core.messages.block_translators.openai import convert_to_openai_data_block
from langchain_core.messages.tool import tool_call_chunk
from langchain_core.output_parsers.openai_tools import make_invalid_tool_call, parse_tool_call

__all__ = ["ai_message", "ai_message_chunk", "message_to_dict", "messages_to_dicts"]

_DATA_BLOCKS = frozenset({"image", "audio", "file"})
# LangChain's own bookkeeping on text blocks, never sent: ``id``/``index`` come from streaming
# and the v1 format, ``annotations`` are citations of an earlier answer.
_TEXT_BOOKKEEPING = frozenset({"type", "text", "id", "index", "annotations", "extras"})
_DROPPED_BLOCKS = frozenset(
    {
        "reasoning",
        "tool_call",
        "tool_call_chunk",
        "invalid_tool_call",
        "server_tool_call",
        "server_tool_call_chunk",
        "server_tool_result",
    }
)


def _part(block: Any) -> dict[str, Any] | None:
    """One content part in chat-completions form, or ``None`` to drop it."""
    if isinstance(block, str):
        return {"type": "text", "text": block}
    if not isinstance(block, dict):
        return {"type": "text", "text": str(block)}
    kind = block.get("type")
    if kind == "text":
        return _text_part(block)
    if kind == "image_url":
        image_url = block.get("image_url")
        if isinstance(image_url, str):
            return {"type": "image_url", "image_url": {"url": image_url}}
        return block
    if kind in _DATA_BLOCKS and (
        "url" in block or "base64" in block or "file_id" in block or "source_type" in block
    ):
        return convert_to_openai_data_block(block)
    if kind == "text-plain":
        return {"type": "text", "text": block.get("text", "")}
    if kind == "non_standard":
        value = block.get("value")
        return value if isinstance(value, dict) else None
    if kind in _DROPPED_BLOCKS:
        return None
    return block


def _text_part(block: dict[str, Any]) -> dict[str, Any]:
    """A text part with its provider keys (``cache_control`` ...), top level or v1 ``extras``."""
    part: dict[str, Any] = {"type": "text", "text": block.get("text", "")}
    extras = block.get("extras")
    if isinstance(extras, dict):
        part.update((k, v) for k, v in extras.items() if k not in ("type", "text"))
    part.update((k, v) for k, v in block.items() if k not in _TEXT_BOOKKEEPING)
    return part


def _is_plain_text(part: dict[str, Any]) -> bool:
    return part.get("type") == "text" and len(part) == 2


def _parts(content: str | list[Any]) -> str | list[dict[str, Any]]:
    """Parts as a list, or one string when every part is plain text (type and text only)."""
    if isinstance(content, str):
        return content
    parts = [p for p in map(_part, content) if p is not None]
    if all(_is_plain_text(p) for p in parts):
        return "".join(p["text"] for p in parts)
    return parts


def _has_provider_keys(content: str | list[Any]) -> bool:
    """Whether a text block carries something flattening to a string would lose."""
    if isinstance(content, str):
        return False
    return any(
        isinstance(block, dict)
        and block.get("type") == "text"
        and not _is_plain_text(_text_part(block))
        for block in content
    )


def _text_or_parts(content: str | list[Any]) -> str | list[dict[str, Any]]:
    """For roles sent as a string: a string, unless a text block carries provider keys."""
    return _parts(content) if _has_provider_keys(content) else _text(content)


def _text(content: str | list[Any]) -> str:
    """Text only: for roles whose content must be a string."""
    if isinstance(content, str):
        return content
    out: list[str] = []
    for block in content:
        if isinstance(block, str):
            out.append(block)
        elif isinstance(block, dict):
            kind = block.get("type")
            if kind in ("text", "text-plain"):
                out.append(str(block.get("text", "")))
            elif kind in _DROPPED_BLOCKS:
                continue
            else:
                out.append(json.dumps(block, ensure_ascii=False))
    return "".join(out)


def _tool_call(call: ToolCall) -> dict[str, Any]:
    return {
        "id": call.get("id") or "",
        "type": "function",
        "function": {
            "name": call["name"],
            "arguments": json.dumps(call["args"], ensure_ascii=False),
        },
    }


def _invalid_tool_call(call: InvalidToolCall) -> dict[str, Any]:
    return {
        "id": call.get("id") or "",
        "type": "function",
        "function": {"name": call.get("name") or "", "arguments": call.get("args") or ""},
    }


def message_to_dict(message: BaseMessage) -> dict[str, Any]:
    """One LangChain message as an AI/ML API ``messages[]`` item."""
    if isinstance(message, HumanMessage):
        out: dict[str, Any] = {"role": "user", "content": _parts(message.content)}
    elif isinstance(message, AIMessage):
        out = {"role": "assistant", "content": _text_or_parts(message.content)}
        calls = [_tool_call(c) for c in message.tool_calls]
        calls += [_invalid_tool_call(c) for c in message.invalid_tool_calls]
        if calls:
            out["tool_calls"] = calls
        elif "function_call" in message.additional_kwargs:
            out["function_call"] = message.additional_kwargs["function_call"]
    elif isinstance(message, SystemMessage):
        role = message.additional_kwargs.get("__openai_role__", "system")
        out = {"role": role, "content": _text_or_parts(message.content)}
    elif isinstance(message, ToolMessage):
        out = {
            "role": "tool",
            "tool_call_id": message.tool_call_id,
            "content": _text_or_parts(message.content),
        }
    elif isinstance(message, ChatMessage):
        out = {"role": message.role, "content": _parts(message.content)}
    elif isinstance(message, FunctionMessage):
        out = {
            "role": "function",
            "name": message.name,
            "content": _text_or_parts(message.content),
        }
    else:
        raise TypeError(f"AI/ML API cannot take a message of type {type(message).__name__}")
    if message.name and "name" not in out and not isinstance(message, ToolMessage):
        out["name"] = message.name
    return out


def messages_to_dicts(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    return [message_to_dict(m) for m in messages]


def _extras(source: dict[str, Any], additional_kwargs: dict[str, Any]) -> None:
    reasoning = source.get("reasoning_content")
    if reasoning is None:
        reasoning = source.get("reasoning")
    if isinstance(reasoning, str) and reasoning:
        additional_kwargs["reasoning_content"] = reasoning
    refusal = source.get("refusal")
    if refusal:
        additional_kwargs["refusal"] = refusal
    audio = source.get("audio")
    if audio:
        additional_kwargs["audio"] = audio


def ai_message(
    raw: dict[str, Any], response_metadata: dict[str, Any], usage: Any = None
) -> AIMessage:
    """``choices[i].message`` → ``AIMessage`` (``reasoning_content`` kept in kwargs)."""
    additional_kwargs: dict[str, Any] = {}
    _extras(raw, additional_kwargs)
    tool_calls: list[ToolCall] = []
    invalid: list[InvalidToolCall] = []
    raw_calls = raw.get("tool_calls")
    if raw_calls:
        additional_kwargs["tool_calls"] = raw_calls
        for raw_call in raw_calls:
            try:
                parsed = parse_tool_call(raw_call, return_id=True)
            except Exception as exc:
                invalid.append(make_invalid_tool_call(raw_call, str(exc)))
            else:
                if parsed is not None:
                    tool_calls.append(parsed)  # type: ignore[arg-type]
    content = raw.get("content")
    return AIMessage(
        content=content if isinstance(content, (str, list)) else "",
        additional_kwargs=additional_kwargs,
        tool_calls=tool_calls,
        invalid_tool_calls=invalid,
        response_metadata=response_metadata,
        usage_metadata=usage,
        id=None,
    )


def ai_message_chunk(delta: dict[str, Any], response_metadata: dict[str, Any]) -> AIMessageChunk:
    """``choices[0].delta`` → ``AIMessageChunk`` with tool-call chunks."""
    additional_kwargs: dict[str, Any] = {}
    _extras(delta, additional_kwargs)
    chunks = []
    for raw_call in delta.get("tool_calls") or ():
        function = raw_call.get("function") or {}
        chunks.append(
            tool_call_chunk(
                name=function.get("name") or None,
                args=function.get("arguments") or None,
                id=raw_call.get("id") or None,
                index=raw_call.get("index"),
            )
        )
    content = delta.get("content")
    return AIMessageChunk(
        content=content if isinstance(content, (str, list)) else "",
        additional_kwargs=additional_kwargs,
        tool_call_chunks=chunks,
        response_metadata=response_metadata,
    )
