"""Reading a ``GET /v1/models`` answer, in the current and the legacy shape, into a Catalog.

Why separate: ``aimlapi models sync`` overlays this live listing on the bundled snapshot; the
parsing rules (kinds from ``type`` / ``playground:`` tags, capabilities from ``capabilities[]``
or legacy ``features``) are independent of how either is stored.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from typing import Any

from aiml_integrations.catalog._catalog import Catalog
from aiml_integrations.catalog._model import CAPABILITY_NAMES, Capability, ModelInfo, _opt_int

__all__ = ["catalog_from_models_response"]

#: Capabilities the current ``/v1/models`` vocabulary lists; for a chat model whose listing
#: carries ``capabilities[]``, a missing one of these means "no". ``reasoning`` and
#: ``system_role`` are not in the documented vocabulary, so their absence means "unknown".
_LISTED_CAPABILITIES: tuple[Capability, ...] = (
    "tools",
    "vision",
    "structured_output",
    "streaming",
    "parallel_tool_calls",
)
#: Legacy ``features`` suffixes (``openai/chat-completion.<suffix>``) and what they mean.
_LEGACY_FEATURES: Mapping[str, Capability] = {
    "stream": "streaming",
    "message.system": "system_role",
    "reasoning": "reasoning",
    "function": "tools",
    "vision": "vision",
    "response-format": "structured_output",
}
_KIND_BY_TYPE = (
    ("chat", "chat"),
    ("responses", "chat"),
    ("messages", "chat"),
    ("embedding", "embedding"),
    ("image", "image"),
    ("video", "video"),
    ("text-to-speech", "text-to-speech"),
    ("tts", "text-to-speech"),
    ("speech-to-text", "speech-to-text"),
    ("stt", "speech-to-text"),
    ("music", "music"),
    ("audio", "music"),
    ("ocr", "ocr"),
    ("moderation", "moderation"),
    ("3d", "3d"),
)


def _kind_of(item: Mapping[str, Any]) -> str:
    """``openai/chat-completions`` / ``chat-completion`` / tag ``playground:chat`` → chat."""
    for tag in item.get("tags") or ():
        if isinstance(tag, str) and tag.startswith("playground:"):
            return tag.split(":", 1)[1] or "unknown"
    text = str(item.get("type") or "").lower()
    for needle, kind in _KIND_BY_TYPE:
        if needle in text:
            return kind
    return "unknown"


def _current_capabilities(listed: Iterable[Any], kind: str) -> dict[str, bool]:
    names = {str(c).strip().lower() for c in listed}
    caps: dict[str, bool] = {name: True for name in CAPABILITY_NAMES if name in names}
    if kind == "chat":
        for name in _LISTED_CAPABILITIES:
            caps.setdefault(name, False)
    return caps


def _legacy_capabilities(features: Iterable[Any], kind: str) -> dict[str, bool]:
    suffixes = set()
    for feature in features:
        text = str(feature)
        if "." in text:
            suffixes.add(text.split(".", 1)[1])
    if kind != "chat":
        return {}
    caps: dict[str, bool] = {cap: suffix in suffixes for suffix, cap in _LEGACY_FEATURES.items()}
    return caps


def _model_from_item(item: Mapping[str, Any], source: str) -> ModelInfo | None:
    model_id = item.get("id")
    if not isinstance(model_id, str) or not model_id:
        return None
    raw_info = item.get("info")
    info: Mapping[str, Any] = raw_info if isinstance(raw_info, Mapping) else {}
    legacy = "features" in item or "endpoints" in item
    kind = _kind_of(item)
    if legacy:
        caps = _legacy_capabilities(item.get("features") or (), kind)
    elif isinstance(item.get("capabilities"), list):
        caps = _current_capabilities(item["capabilities"], kind)
    else:
        caps = {}
    pricing = item.get("pricing")
    aliases = tuple(str(a) for a in item.get("aliases") or () if a and a != model_id)
    return ModelInfo(
        id=model_id,
        kind=kind,
        aliases=aliases,
        type=item.get("type") if isinstance(item.get("type"), str) else None,
        developer=info.get("developer") or None,
        context_length=_opt_int(info.get("contextLength")),
        max_output=_opt_int(info.get("outputMax", info.get("maxTokens"))),
        capabilities=caps,
        pricing=pricing if isinstance(pricing, Mapping) else None,
        source=source,
    )


def catalog_from_models_response(
    payload: Any,
    *,
    fetched_at: _dt.datetime | None = None,
    etag: str | None = None,
    base_url: str | None = None,
) -> Catalog:
    """A :class:`Catalog` from a ``GET /v1/models`` body, in either shape AI/ML API used.

    Current (2026-08+): ``{"object": "list", "data": [{id, aliases, type, tags, info{...,
    contextLength, outputMax}, capabilities[], pricing{...}}]}``. Legacy: items with
    ``features`` / ``endpoints`` / ``info.maxTokens`` and ``type: "chat-completion"``, the
    list either top-level or under ``data`` / ``models``. Items without an ``id`` are
    skipped rather than failing the whole listing.
    """
    if isinstance(payload, Mapping):
        items = payload.get("data", payload.get("models", ()))
    else:
        items = payload
    if not isinstance(items, list):
        raise ValueError("a /v1/models response must hold a list of models")
    source = "GET /v1/models" + (f" ({base_url})" if base_url else "")
    models = [
        m for m in (_model_from_item(i, source) for i in items if isinstance(i, Mapping)) if m
    ]
    return Catalog(
        models,
        snapshot=None,
        fetched_at=fetched_at,
        etag=etag,
        base_url=base_url,
    )
