"""The mock's internal vocabulary: a parsed request (``Call``) and what to send back.

Why separate: route handlers are pure functions ``(Call, RouteEnv) -> Reply | StreamReply`` so
they can be read and tested without sockets; only ``_http`` touches the wire.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from aiml_integrations.catalog import Catalog

__all__ = ["Abort", "Call", "RecordedRequest", "Reply", "RouteEnv", "StreamReply", "VideoJob"]


@dataclass(frozen=True)
class Call:
    """One HTTP request as the routes see it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    raw: bytes
    json: Any
    json_error: bool
    api_key: str | None
    request_id: str

    @property
    def model(self) -> str | None:
        if isinstance(self.json, dict) and isinstance(self.json.get("model"), str):
            return str(self.json["model"])
        return None

    @property
    def stream(self) -> bool:
        return isinstance(self.json, dict) and self.json.get("stream") is True


@dataclass
class Reply:
    """A complete response with a body (``Content-Length`` framing)."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "application/json; charset=utf-8"

    @classmethod
    def json(cls, status: int, payload: Any, headers: dict[str, str] | None = None) -> Reply:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return cls(status=status, body=data, headers=dict(headers or {}))


@dataclass
class StreamReply:
    """An SSE response: ``events`` are the JSON texts of the ``data:`` lines, in order.

    ``[DONE]`` is not in ``events``; the writer appends it unless a stream fault says otherwise
    (``end``: ``"done"``, ``"close"`` = end the body without ``[DONE]``, ``"drop"`` = drop the
    connection after the last event).
    """

    events: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    cut_after: int | None = None
    error_after: int | None = None
    error_payload: dict[str, Any] | None = None
    interval: float = 0.0
    end: str = "done"


@dataclass
class Abort:
    """Reset the TCP connection without answering."""


@dataclass
class VideoJob:
    """An async video generation; each poll advances it one step."""

    id: str
    model: str
    polls: int = 0


@dataclass
class RouteEnv:
    """Server-wide settings and state the routes need."""

    catalog: Catalog
    success_status: int = 200
    models_shape: str = "current"
    video_polls_to_complete: int = 2
    stream_interval: float = 0.0
    videos: dict[str, VideoJob] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class RecordedRequest:
    """What the mock received, and how it answered. Snapshots are shared, do not mutate.

    ``status`` is the HTTP status sent (``0`` when the connection was reset); ``fault`` is the
    name of the fault applied, if any. ``headers`` have lower-cased names.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    raw: bytes
    model: str | None
    api_key: str | None
    stream: bool
    request_id: str
    status: int = 0
    fault: str | None = None

    @property
    def key(self) -> str | None:
        """Alias of ``api_key``."""
        return self.api_key
