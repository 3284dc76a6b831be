"""``GET /v1/models`` and ``GET /model/{id}``, in the current and the legacy shape.

Why both shapes: clients (and our own catalog refresher) must cope with the 2026-08 format
(``aliases``, ``type``, ``info.contextLength``/``outputMax``, opt-in ``include=`` sections) and
the older one (``features``, ``endpoints``, ``info.maxTokens``, ``type: "chat-completion"``) that
older clients still parse.
"""

from __future__ import annotations

import hashlib
from typing import Any

from aiml_integrations.catalog import Capability, ModelInfo
from aiml_integrations.testing._errors import ApiError
from aiml_integrations.testing._types import Call, Reply, RouteEnv

__all__ = ["handle_model", "handle_models", "model_item"]

_SECTIONS = ("pricing", "capabilities", "modalities")
_LEGACY_TYPES = {"chat": "chat-completion", "embedding": "embedding", "image": "image"}
_ENDPOINTS = {
    "chat": ["/v1/chat/completions"],
    "embedding": ["/v1/embeddings"],
    "image": ["/v1/images/generations"],
    "video": ["/v2/video/generations"],
}
_LEGACY_FEATURES: dict[Capability, str] = {
    "streaming": "openai/chat-completion.stream",
    "system_role": "openai/chat-completion.message.system",
    "reasoning": "openai/chat-completion.reasoning",
    "tools": "openai/chat-completion.function",
    "vision": "openai/chat-completion.vision",
    "structured_output": "openai/chat-completion.response-format",
}


def _display_name(model: ModelInfo) -> str:
    return model.id.rsplit("/", 1)[-1] if "/" in model.id else model.id


def _modalities(model: ModelInfo) -> dict[str, list[str]]:
    inputs = ["text"]
    if model.supports("vision"):
        inputs.append("image")
    output = {
        "chat": ["text"],
        "embedding": ["embedding"],
        "image": ["image"],
        "video": ["video"],
        "text-to-speech": ["audio"],
        "music": ["audio"],
        "3d": ["3d"],
    }
    return {"input": inputs, "output": output.get(model.kind, ["text"])}


def model_item(model: ModelInfo, sections: set[str], legacy: bool) -> dict[str, Any]:
    """One ``data[]`` entry."""
    if legacy:
        return _legacy_item(model)
    info: dict[str, Any] = {"name": _display_name(model), "developer": model.developer or "Unknown"}
    if model.kind == "chat":
        info["contextLength"] = model.context_length
        info["outputMax"] = model.max_output
    item: dict[str, Any] = {
        "id": model.id,
        "aliases": list(model.aliases),
        "type": model.type,
        "tags": [f"playground:{model.kind}"],
        "info": info,
    }
    if "modalities" in sections:
        item["modalities"] = _modalities(model)
    if "capabilities" in sections:
        item["capabilities"] = [name for name, ok in model.capabilities.items() if ok]
    if "pricing" in sections:
        item["pricing"] = dict(model.pricing) if model.pricing is not None else None
    return item


def _legacy_item(model: ModelInfo) -> dict[str, Any]:
    features: list[str] = []
    if model.kind == "chat":
        features.append("openai/chat-completion")
        features += [f for cap, f in _LEGACY_FEATURES.items() if model.supports(cap)]
    info: dict[str, Any] = {
        "name": _display_name(model),
        "developer": model.developer or "Unknown",
        "description": "",
        "contextLength": model.context_length,
        "maxTokens": model.max_output,
        "url": "https://aimlapi.com/models",
        "docs_url": "https://docs.aimlapi.com",
    }
    return {
        "id": model.id,
        "type": _LEGACY_TYPES.get(model.kind, model.kind),
        "info": info,
        "features": features,
        "endpoints": _ENDPOINTS.get(model.kind, []),
    }


def _sections(call: Call) -> set[str]:
    if call.query.get("details", "").lower() in ("1", "true"):
        return set(_SECTIONS)
    wanted = {s.strip().lower() for s in call.query.get("include", "").split(",") if s.strip()}
    return set(_SECTIONS) if "all" in wanted else wanted & set(_SECTIONS)


def _values(call: Call, name: str) -> set[str]:
    return {v.strip().lower() for v in call.query.get(name, "").split(",") if v.strip()}


def _selected(call: Call, env: RouteEnv) -> list[ModelInfo]:
    ids, types, caps = _values(call, "id"), _values(call, "type"), _values(call, "capabilities")
    chosen = []
    for model in env.catalog:
        if model.deprecated:
            continue
        if ids and not ids & {n.lower() for n in model.names}:
            continue
        if types and (model.type or "").lower() not in types:
            continue
        if caps and not caps & {c.lower() for c, ok in model.capabilities.items() if ok}:
            continue
        chosen.append(model)
    return chosen


def _legacy(call: Call, env: RouteEnv) -> bool:
    flag = call.query.get("legacy", "").lower()
    if flag in ("1", "true"):
        return True
    if flag in ("0", "false"):
        return False
    return env.models_shape == "legacy"


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in tags or etag in tags


def handle_models(call: Call, env: RouteEnv) -> Reply:
    """The listing; ``ETag`` on every answer, ``304`` when ``If-None-Match`` matches."""
    sections, legacy = _sections(call), _legacy(call, env)
    data = [model_item(m, sections, legacy) for m in _selected(call, env)]
    reply = Reply.json(200, {"object": "list", "data": data})
    etag = '"' + hashlib.sha256(reply.body).hexdigest()[:32] + '"'
    reply.headers.update({"ETag": etag, "Cache-Control": "public, max-age=300"})
    if _etag_matches(call.headers.get("if-none-match"), etag):
        return Reply(304, b"", {"ETag": etag, "Cache-Control": "public, max-age=300"}, None)
    return reply


def handle_model(call: Call, env: RouteEnv) -> Reply:
    """``/model/{id}``: one model with every section, found by id or alias."""
    name = call.path.removeprefix("/model/")
    model = env.catalog.get(name)
    if model is None or model.deprecated:
        raise ApiError(404, f"Model '{name}' not found")
    item = model_item(model, set(_SECTIONS), legacy=False)
    return Reply.json(200, {"object": "model", "data": item})
