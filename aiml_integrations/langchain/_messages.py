"""LangChain messages ↔ AI/ML API chat-completions JSON.

Why hand-written and not ``convert_to_openai_messages``: this runs on every call, so it is a
single pass with no pydantic round trips, and it encodes AI/ML API's quirks that peers had to
learn the hard way (``normalizeAimlApiToolPayload`` in openclaw-aimlapi):

- an assistant message carrying ``tool_calls`` must have ``content: ""``, not ``null``;
- a ``tool`` message's ``content`` must be a string, not an array;
- system/assistant content is flattened to text (several upstreams reject arrays there).

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
        return {"type": "text", "text": block.get("text", "")}
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


def _parts(content: str | list[Any]) -> str | list[dict[str, Any]]:
    if isinstance(content, str):
        return content
    parts = [p for p in map(_part, content) if p is not None]
    if all(p.get("type") == "text" for p in parts):
        return "".join(p["text"] for p in parts)
    return parts


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
        out = {"role": "assistant", "content": _text(message.content)}
        calls = [_tool_call(c) for c in message.tool_calls]
        calls += [_invalid_tool_call(c) for c in message.invalid_tool_calls]
        if calls:
            out["tool_calls"] = calls
        elif "function_call" in message.additional_kwargs:
            out["function_call"] = message.additional_kwargs["function_call"]
    elif isinstance(message, SystemMessage):
        role = message.additional_kwargs.get("__openai_role__", "system")
        out = {"role": role, "content": _text(message.content)}
    elif isinstance(message, ToolMessage):
        out = {
            "role": "tool",
            "tool_call_id": message.tool_call_id,
            "content": _text(message.content),
        }
    elif isinstance(message, ChatMessage):
        out = {"role": message.role, "content": _parts(message.content)}
    elif isinstance(message, FunctionMessage):
        out = {"role": "function", "name": message.name, "content": _text(message.content)}
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
