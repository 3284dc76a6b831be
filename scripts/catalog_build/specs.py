"""Each model's OpenAPI spec: the ids its ``model`` enum accepts, its roles and parameters.

Why its own module: the capability flags the catalog states (tools, vision, structured output,
reasoning, system role) are read here from what each spec lists, and from nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from catalog_build import positive_int

ENDPOINTS = (
    # (path suffix, kind, /v1/models type)
    ("/chat/completions", "chat", "openai/chat-completions"),
    ("/responses", "chat", "openai/responses"),
    ("/messages", "chat", "anthropic/messages"),
    ("/embeddings", "embedding", "openai/embeddings"),
    ("/images/generations", "image", "openai/image-generations"),
    ("/images/generations/with-url", "image", "openai/image-generations"),
    ("/images/edits", "image", "openai/image-edits"),
    ("/video/generations", "video", "internal/video-generations/submit"),
    ("/generation", "video", "internal/video-generations/submit"),
    ("/tts", "text-to-speech", None),
    ("/stt/create", "speech-to-text", None),
    ("/stt", "speech-to-text", None),
    ("/generate/audio", "music", None),
    ("/generate", "music", None),
    ("/ocr", "ocr", None),
)
_DIR_KINDS = {"moderation-safety-models": "moderation", "3d-generating-models": "3d"}
_SYSTEM_ROLES = ("system", "developer")
TEXT_KINDS = ("chat", "moderation", "embedding")


@dataclass
class Spec:
    """What one OpenAPI operation says about the models in its ``model`` enum."""

    file: str
    path: str
    kind: str
    type: str | None
    ids: list[str]
    params: list[str]
    roles: list[str] | None
    vision: bool | None
    structured_output: bool
    dimensions: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _request_schema(operation: Mapping[str, Any]) -> Mapping[str, Any]:
    content = (operation.get("requestBody") or {}).get("content") or {}
    for media in ("application/json", "multipart/form-data"):
        schema = (content.get(media) or {}).get("schema")
        if isinstance(schema, Mapping):
            return schema
    return {}


def _alternatives(schema: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    for key in ("oneOf", "anyOf"):
        if isinstance(schema.get(key), list):
            return [s for s in schema[key] if isinstance(s, Mapping)]
    return [schema]


def _enum(schema: Mapping[str, Any]) -> list[str]:
    if isinstance(schema.get("enum"), list):
        return [str(v) for v in schema["enum"]]
    if "const" in schema:
        return [str(schema["const"])]
    return []


def message_roles(messages: Mapping[str, Any]) -> list[str] | None:
    """The roles a ``messages`` array schema enumerates, or ``None`` when it does not say."""
    items = messages.get("items")
    if not isinstance(items, Mapping):
        return None
    roles: list[str] = []
    for alt in _alternatives(items):
        role = (alt.get("properties") or {}).get("role")
        if not isinstance(role, Mapping):
            return None
        values = _enum(role)
        if not values:
            return None
        roles.extend(v for v in values if v not in roles)
    return sorted(roles) or None


def _user_content_types(messages: Mapping[str, Any]) -> set[str] | None:
    items = messages.get("items")
    if not isinstance(items, Mapping):
        return None
    kinds: set[str] = set()
    for alt in _alternatives(items):
        props = alt.get("properties") or {}
        if "user" not in _enum(props.get("role") or {}):
            continue
        for content in _alternatives(props.get("content") or {}):
            parts = content.get("items")
            if content.get("type") != "array" or not isinstance(parts, Mapping):
                continue
            for part in _alternatives(parts):
                kinds.update(_enum((part.get("properties") or {}).get("type") or {}))
    return kinds


def _endpoint(path: str) -> tuple[str, str | None] | None:
    for suffix, kind, type_ in ENDPOINTS:
        if path.endswith(suffix):
            return kind, type_
    return None


def parse_spec(document: Mapping[str, Any], file: str) -> list[Spec]:
    """One :class:`Spec` per operation with a ``model`` enum (``GET`` status polls have none)."""
    found: list[Spec] = []
    top = file.split("/", 1)[0]
    for path, operations in sorted((document.get("paths") or {}).items()):
        if not isinstance(operations, Mapping):
            continue
        for method in sorted(operations):
            operation = operations[method]
            schema = _request_schema(operation) if isinstance(operation, Mapping) else {}
            props = schema.get("properties") or {}
            ids = _enum(props.get("model") or {})
            endpoint = _endpoint(path)
            if not ids or endpoint is None:
                continue
            kind, type_ = endpoint
            kind = _DIR_KINDS.get(top, kind)
            messages = props.get("messages")
            roles = message_roles(messages) if isinstance(messages, Mapping) else None
            parts = _user_content_types(messages) if isinstance(messages, Mapping) else None
            response_format = props.get("response_format")
            dims = props.get("dimensions")
            found.append(
                Spec(
                    file=file,
                    path=path,
                    kind=kind,
                    type=type_,
                    ids=ids,
                    params=sorted(k for k in props if k not in ("model", "messages")),
                    roles=roles,
                    vision=None if parts is None else bool({"image_url", "image"} & parts),
                    structured_output="json_schema" in json.dumps(response_format)
                    if response_format is not None
                    else False,
                    dimensions=positive_int(dims.get("default"))
                    if isinstance(dims, Mapping)
                    else None,
                )
            )
    return found


def anthropic_shaped(spec: Spec) -> bool:
    """A spec written in Anthropic's Messages vocabulary (top-level ``system``,
    ``stop_sequences``): it does not say which OpenAI-only parameters the gateway maps."""
    return bool({"system", "stop_sequences"} & set(spec.params))


def chat_roles(spec: Spec | None) -> list[str] | None:
    """The message roles ``/v1/chat/completions`` takes for the model, ``None`` when unknown.

    An Anthropic-shaped spec carries the system prompt as a top-level ``system`` field; on the
    OpenAI-compatible route the gateway takes it as a ``system`` message, so that role is added
    (the same reading that makes ``system_role`` true for these models).
    """
    if spec is None or spec.roles is None:
        return None
    if anthropic_shaped(spec) and "system" not in spec.roles:
        return sorted([*spec.roles, "system"])
    return spec.roles


def chat_capabilities(spec: Spec) -> dict[str, bool]:
    """Capability flags a chat spec states: a parameter it does not list is not accepted.

    For an Anthropic-shaped spec only what its own vocabulary can say is stated (tools,
    ``thinking``, a system prompt, image parts); structured output and parallel tool calls
    stay unknown rather than being read as "no".
    """
    params = set(spec.params)
    anthropic = anthropic_shaped(spec)
    caps = {
        "tools": "tools" in params,
        "reasoning": bool(params & {"reasoning_effort", "reasoning", "thinking"}),
        "streaming": "stream" in params,
    }
    if not anthropic:
        caps["parallel_tool_calls"] = "parallel_tool_calls" in params
        caps["structured_output"] = spec.structured_output
    if anthropic:
        caps["system_role"] = True
    elif spec.roles is not None:
        caps["system_role"] = any(r in spec.roles for r in _SYSTEM_ROLES)
    if spec.vision is not None:
        caps["vision"] = spec.vision
    return caps
