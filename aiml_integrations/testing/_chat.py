"""``POST /v1/chat/completions``: validation, model rules, and the (streamed) answer.

Why here and not in the fake model: the checks and the wire shapes are AI/ML API's (Zod issues,
per-model role rules, upstream context-overflow texts, ``meta.usage``, the always-present usage
chunk); the fake model only decides *what* to say.
"""

from __future__ import annotations

import json
import secrets
import string
import time
from collections.abc import Mapping
from typing import Any

from aiml_integrations.catalog import ModelInfo
from aiml_integrations.testing import _fake_model
from aiml_integrations.testing._billing import cost_headers, credits_for, meta_usage
from aiml_integrations.testing._errors import (
    INVALID_INPUT,
    ApiError,
    anthropic_error_json,
    zod_enum,
    zod_format_tree,
    zod_invalid_type,
    zod_required,
    zod_too_small,
)
from aiml_integrations.testing._prompt_cache import CacheUse
from aiml_integrations.testing._types import Call, Reply, RouteEnv, StreamReply
from aiml_integrations.testing._validation import (
    Issues,
    check_model,
    check_number,
    raise_if,
    require_object,
)

__all__ = ["handle_chat"]

_ROLES = ["system", "developer", "user", "assistant", "tool"]
_RESTRICTED_ROLES = ["user", "assistant"]
_MAX_CONTENT_CHUNKS = 8
_ALNUM = string.ascii_letters + string.digits


def handle_chat(call: Call, env: RouteEnv) -> Reply | StreamReply:
    body = require_object(call)
    issues: Issues = []
    model = check_model(body, env.catalog, "chat", issues)
    _check_messages(body, issues)
    check_number(body, "max_tokens", issues, integer=True, minimum=1)
    check_number(body, "max_completion_tokens", issues, integer=True, minimum=1)
    check_number(body, "n", issues, integer=True, minimum=1, maximum=128)
    check_number(body, "temperature", issues, minimum=0, maximum=2)
    check_number(body, "top_p", issues, minimum=0, maximum=1)
    if "stream" in body and not isinstance(body["stream"], bool | None):
        issues.append(zod_invalid_type(["stream"], "boolean", body["stream"]))
    if "tools" in body and body["tools"] is not None and not isinstance(body["tools"], list):
        issues.append(zod_invalid_type(["tools"], "array", body["tools"]))
    raise_if(issues)
    assert model is not None  # no issues means the model resolved
    _check_roles(model, body["messages"])
    _check_context(model, body)

    completion = _fake_model.complete(body, model)
    cache = env.prompt_cache.use(call.api_key, model.id, body["messages"])
    credits = credits_for(completion.prompt_tokens, completion.completion_tokens)
    requested = str(body["model"])
    usage = _usage(completion, cache)
    if body.get("stream") is True:
        return StreamReply(
            events=_stream_events(requested, completion, credits, usage),
            interval=env.stream_interval,
        )
    return Reply.json(
        env.success_status,
        _completion_body(requested, completion, credits, usage),
        cost_headers(credits),
    )


# --- validation ---------------------------------------------------------------------------


def _check_messages(body: Mapping[str, Any], issues: Issues) -> None:
    if "messages" not in body:
        issues.append(zod_required(["messages"], "array"))
        return
    messages = body["messages"]
    if not isinstance(messages, list):
        issues.append(zod_invalid_type(["messages"], "array", messages))
        return
    if not messages:
        issues.append(zod_too_small(["messages"], 1, "array"))
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            issues.append(zod_invalid_type(["messages", i], "object", message))
            continue
        role = message.get("role")
        if "role" not in message:
            issues.append(zod_required(["messages", i, "role"]))
        elif role not in _ROLES:
            issues.append(zod_enum(["messages", i, "role"], _ROLES, role))
        content = message.get("content")
        if content is not None and not isinstance(content, str | list):
            issues.append(zod_invalid_type(["messages", i, "content"], "string", content))
        elif content is None and role in ("system", "developer", "user", "tool"):
            issues.append(zod_required(["messages", i, "content"]))


def _check_roles(model: ModelInfo, messages: list[Any]) -> None:
    """Roles the model's schema does not accept fail: Zod-tree style, or OpenAI's wording.

    A model without a system role rejects system and developer messages; one whose spec
    lists its roles rejects a system-ish role it does not list (``developer`` for many).
    """
    if model.supports("system_role") is False:
        refused: tuple[str, ...] = ("system", "developer")
    elif model.roles is not None and model.kind == "chat":
        refused = tuple(r for r in ("system", "developer") if r not in model.roles)
    else:
        return
    offending = [(i, m["role"]) for i, m in enumerate(messages) if m.get("role") in refused]
    if not offending:
        return
    accepted = model.roles or _RESTRICTED_ROLES
    allowed = [r for r in _ROLES if r in accepted and r not in refused]
    if model.id.startswith("openai/") or model.developer in ("OpenAI", "Open AI"):
        i, role = offending[0]
        raise ApiError(
            400,
            f"Unsupported value: 'messages[{i}].role' does not support '{role}' with this model.",
        )
    issues = [zod_enum(["messages", i, "role"], allowed, role) for i, role in offending]
    raise ApiError(400, INVALID_INPUT, meta=zod_format_tree(issues))


def _check_context(model: ModelInfo, body: Mapping[str, Any]) -> None:
    """Over-long prompts fail like the upstream does, its text wrapped as ``"400 ..."``."""
    window = model.context_length
    if not window:
        return
    prompt = _fake_model.estimate_prompt_tokens(body["messages"], body.get("tools"))
    requested = body.get("max_completion_tokens") or body.get("max_tokens") or 0
    if prompt + requested <= window:
        return
    if model.id.startswith("anthropic/") or model.developer == "Anthropic":
        total = prompt + requested
        text = anthropic_error_json(
            "invalid_request_error", f"prompt is too long: {total} tokens > {window} maximum"
        )
    elif model.id.startswith("google/"):
        text = (
            f"The input token count ({prompt}) exceeds the maximum number of tokens allowed "
            f"({window})."
        )
    elif requested:
        text = (
            f"This model's maximum context length is {window} tokens. However, you requested "
            f"{prompt + requested} tokens ({prompt} in the messages, {requested} in the "
            "completion). Please reduce the length of the messages or completion."
        )
    else:
        text = (
            f"This model's maximum context length is {window} tokens. However, your messages "
            f"resulted in {prompt} tokens. Please reduce the length of the messages."
        )
    raise ApiError(400, f"400 {text}")


# --- response shapes ----------------------------------------------------------------------


def _completion_id() -> str:
    return "chatcmpl-" + "".join(secrets.choice(_ALNUM) for _ in range(29))


def _usage(completion: _fake_model.Completion, cache: CacheUse) -> dict[str, Any]:
    """OpenAI's usage keys; with ``cache_control`` breakpoints also Anthropic's cache keys."""
    usage: dict[str, Any] = {
        "prompt_tokens": completion.prompt_tokens,
        "completion_tokens": completion.completion_tokens,
        "total_tokens": completion.prompt_tokens + completion.completion_tokens,
        "prompt_tokens_details": {"cached_tokens": cache.read, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": completion.reasoning_tokens,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }
    if cache.breakpoints:
        usage["cache_creation_input_tokens"] = cache.written
        usage["cache_read_input_tokens"] = cache.read
    return usage


def _completion_body(
    model: str, completion: _fake_model.Completion, credits: int, usage: dict[str, Any]
) -> dict[str, Any]:
    choices = []
    for index, choice in enumerate(completion.choices):
        message: dict[str, Any] = {"role": "assistant", "content": choice.content, "refusal": None}
        if choice.reasoning is not None:
            message["reasoning_content"] = choice.reasoning
        if choice.tool_calls:
            message["tool_calls"] = [
                {
                    "id": tc.id,
                    "type": "function",
                    "function": {"name": tc.name, "arguments": tc.arguments},
                }
                for tc in choice.tool_calls
            ]
        choices.append(
            {
                "index": index,
                "message": message,
                "logprobs": None,
                "finish_reason": choice.finish_reason,
            }
        )
    return {
        "id": _completion_id(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": choices,
        "usage": usage,
        "meta": meta_usage(credits),
    }


def _pieces(text: str) -> list[str]:
    words = _fake_model.split_words(text)
    if len(words) <= _MAX_CONTENT_CHUNKS:
        return words
    size = -(-len(words) // _MAX_CONTENT_CHUNKS)
    return ["".join(words[i : i + size]) for i in range(0, len(words), size)]


def _fragments(arguments: str, parts: int = 3) -> list[str]:
    if len(arguments) < parts:
        return [arguments]
    size = -(-len(arguments) // parts)
    return [arguments[i : i + size] for i in range(0, len(arguments), size)]


def _stream_events(
    model: str, completion: _fake_model.Completion, credits: int, usage: dict[str, Any]
) -> list[str]:
    chunk_id = _completion_id()
    created = int(time.time())

    def chunk(choices: list[dict[str, Any]], **extra: Any) -> str:
        payload: dict[str, Any] = {
            "id": chunk_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": choices,
            "usage": None,
        }
        payload.update(extra)
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))

    def delta(index: int, body: dict[str, Any], finish: str | None = None) -> str:
        return chunk([{"index": index, "delta": body, "logprobs": None, "finish_reason": finish}])

    events: list[str] = []
    for index, choice in enumerate(completion.choices):
        events.append(delta(index, {"role": "assistant", "content": ""}))
        for piece in _pieces(choice.reasoning or ""):
            events.append(delta(index, {"reasoning_content": piece}))
        for piece in _pieces(choice.content or ""):
            events.append(delta(index, {"content": piece}))
        for position, tool_call in enumerate(choice.tool_calls):
            opener = {
                "index": position,
                "id": tool_call.id,
                "type": "function",
                "function": {"name": tool_call.name, "arguments": ""},
            }
            events.append(delta(index, {"tool_calls": [opener]}))
            for fragment in _fragments(tool_call.arguments):
                part = {"index": position, "function": {"arguments": fragment}}
                events.append(delta(index, {"tool_calls": [part]}))
        events.append(delta(index, {}, choice.finish_reason))
    events.append(chunk([], usage=usage, meta=meta_usage(credits)))
    return events
