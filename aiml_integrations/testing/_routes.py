"""The route table: which method + path goes to which handler, and whether it needs a key.

Why a table: it states in one screen what the mock serves (paths with and without ``/v1``, the
legacy video routes) and which routes are public (``/models``), instead of an if-chain.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from aiml_integrations.testing._chat import handle_chat
from aiml_integrations.testing._image_edits import handle_image_edits
from aiml_integrations.testing._media import (
    handle_embeddings,
    handle_images,
    handle_video_create,
    handle_video_poll,
)
from aiml_integrations.testing._models import handle_model, handle_models
from aiml_integrations.testing._types import Call, Reply, RouteEnv, StreamReply

__all__ = ["ROUTES", "Route", "find_route"]

Handler = Callable[[Call, RouteEnv], Reply | StreamReply]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    needs_key: bool = True


def _route(method: str, pattern: str, handler: Handler, needs_key: bool = True) -> Route:
    return Route(method, re.compile(pattern), handler, needs_key)


_LEGACY_VIDEO = r"/v2/generate/video/[^/]+/generation"

ROUTES: tuple[Route, ...] = (
    _route("GET", r"/(?:v1/|api/v1/)?models", handle_models, needs_key=False),
    _route("GET", r"/model/.+", handle_model, needs_key=False),
    _route("POST", r"/(?:v1/|v2/)?chat/completions", handle_chat),
    _route("POST", r"/(?:v1/)?embeddings", handle_embeddings),
    _route("POST", r"/(?:v1/)?images/generations", handle_images),
    _route("POST", r"/(?:v1/)?images/edits", handle_image_edits),
    _route("POST", r"/v2/video/generations", handle_video_create),
    _route("GET", r"/v2/video/generations", handle_video_poll),
    _route("POST", _LEGACY_VIDEO, handle_video_create),
    _route("GET", _LEGACY_VIDEO, handle_video_poll),
)


def find_route(method: str, path: str) -> Route | None:
    """The route for ``method path`` (trailing slash tolerated), or ``None`` (-> 404)."""
    normalized = path.rstrip("/") or "/"
    for route in ROUTES:
        if route.method == method and route.pattern.fullmatch(normalized):
            return route
    return None
