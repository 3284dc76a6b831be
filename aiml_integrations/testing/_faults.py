"""``Fault``: one scripted misbehaviour of the mock server, and the rules for when it fires.

Why a plain dataclass: tests build faults inline (``Fault(status=500, body="oops")``) and the
presets are just pre-filled instances. ``MockAIMLAPI.inject`` stores a *copy* with its own
counter, so a preset constant is never consumed by one test and missing in the next.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Fault", "FaultBody"]

FaultBody = dict[str, Any] | list[Any] | str | bytes | None
_STREAM_ENDS = ("done", "close", "drop")


@dataclass(eq=False)
class Fault:
    """What the mock does instead of (or before) answering normally.

    Kinds, which combine:

    - **error response**: ``status`` and/or ``body``. ``body=None`` means the standard AI/ML API
      envelope built from ``status`` + ``message`` (+ ``meta``); a ``dict``/``list`` is sent as
      JSON, ``str`` as text (``content_type`` overrides), ``bytes`` verbatim. In ``message`` and
      in string values of a dict body, ``{path}``, ``{method}``, ``{request_id}``,
      ``{timestamp}`` and ``{model}`` are replaced per request.
    - **latency**: ``delay`` seconds before answering; with no status/body/stream fault the
      normal answer follows.
    - **connection reset**: ``reset=True`` aborts the TCP connection with RST, before any byte.
    - **async job failure**: ``job_error`` (``{"name", "message"}``, or a plain string) on a
      video or speech-to-text *create* request: the job is accepted as usual, and the poll
      where it would have completed answers ``200`` with ``status: "error"`` and this error.
    - **stream faults** (only for ``"stream": true`` chat requests that pass validation):
      ``stream_cut_after=K`` sends K chunks then drops the connection without ``[DONE]``;
      ``stream_error_after=K`` sends K chunks then ``data: {"error": stream_error}`` and ends;
      ``stream_end="close"`` sends the whole answer (finish reason and usage included) and ends
      the body without ``data: [DONE]``; ``stream_end="drop"`` does the same, then drops the
      connection instead of ending the body.

    Matching: ``model`` (requested id, or its canonical catalog id), ``path`` (exact, prefix, or
    the same after dropping a leading ``/v1``/``/v2``) and ``key`` (the bearer token) must all
    match; ``None`` matches anything. ``times=None`` means forever; ``remaining`` counts down.
    """

    status: int | None = None
    body: FaultBody = None
    message: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    times: int | None = None
    model: str | None = None
    path: str | None = None
    key: str | None = None
    stream_cut_after: int | None = None
    stream_error_after: int | None = None
    stream_error: dict[str, Any] | None = None
    stream_end: str = "done"
    reset: bool = False
    name: str | None = None
    meta: Any = None
    content_type: str | None = None
    job_error: dict[str, Any] | str | None = None
    remaining: int | None = field(default=None, init=False, compare=False)
    hits: int = field(default=0, init=False, compare=False)

    def __post_init__(self) -> None:
        if self.status is not None and not 100 <= self.status <= 599:
            raise ValueError(f"status must be an HTTP status code, got {self.status}")
        if self.times is not None and self.times < 0:
            raise ValueError("times must be >= 0 or None (forever)")
        if self.delay < 0:
            raise ValueError("delay must be >= 0")
        if self.stream_end not in _STREAM_ENDS:
            raise ValueError(f"stream_end must be one of {_STREAM_ENDS}, got {self.stream_end!r}")
        self.remaining = self.times

    # -- classification ---------------------------------------------------------------------

    @property
    def is_stream_fault(self) -> bool:
        """Applies while streaming a successful answer, not before routing."""
        return (
            self.stream_cut_after is not None
            or self.stream_error_after is not None
            or self.stream_end != "done"
        )

    @property
    def is_error(self) -> bool:
        """Answers with an error response instead of the real one."""
        return self.status is not None or self.body is not None

    @property
    def label(self) -> str:
        """The name recorded on requests it was applied to."""
        if self.name:
            return self.name
        if self.reset:
            return "reset"
        if self.is_stream_fault:
            return "stream"
        if self.job_error is not None:
            return "job-error"
        if self.is_error:
            return f"status-{self.status or 500}"
        return "delay"

    @property
    def exhausted(self) -> bool:
        return self.remaining is not None and self.remaining <= 0

    # -- matching ---------------------------------------------------------------------------

    def matches(
        self,
        *,
        path: str,
        model: str | None,
        canonical_model: str | None,
        key: str | None,
        stream: bool,
    ) -> bool:
        """Whether this fault applies to a request (ignores ``remaining``)."""
        if self.model is not None and self.model not in (model, canonical_model):
            return False
        if self.key is not None and self.key != key:
            return False
        if self.path is not None and not _path_matches(self.path, path):
            return False
        return not (self.is_stream_fault and not stream)

    def copy_for_injection(
        self,
        *,
        times: int | None,
        model: str | None = None,
        path: str | None = None,
        key: str | None = None,
    ) -> Fault:
        """A fresh instance with its own counter; filters given here override the fault's."""
        return dataclasses.replace(
            self,
            headers=dict(self.headers),
            times=times,
            model=model if model is not None else self.model,
            path=path if path is not None else self.path,
            key=key if key is not None else self.key,
        )


def _path_matches(pattern: str, path: str) -> bool:
    candidates = [path]
    for prefix in ("/v1/", "/v2/"):
        if path.startswith(prefix):
            candidates.append(path[len(prefix) - 1 :])
    return any(c == pattern or c.startswith(pattern) for c in candidates)


def substitute(value: Any, tokens: Mapping[str, str]) -> Any:
    """Replace ``{path}``-style tokens in strings, recursively through dicts and lists."""
    if isinstance(value, str):
        for token, replacement in tokens.items():
            value = value.replace("{" + token + "}", replacement)
        return value
    if isinstance(value, dict):
        return {k: substitute(v, tokens) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, tokens) for v in value]
    return value
