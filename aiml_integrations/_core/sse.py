"""A small incremental Server-Sent Events decoder for AI/ML API streams.

Why our own: httpx has no SSE support, and pulling in a dependency for ~40 lines is not worth
its import time. It handles ``data:`` lines (multi-line data joined with ``\\n``), ``event:``
names (``event: error`` marks an error payload), comments, ``\\r\\n`` line ends, and events cut
across network chunks. It knows nothing about JSON or ``[DONE]``; the transport does.
"""

from __future__ import annotations

__all__ = ["SSEDecoder", "SSEEvent"]


class SSEEvent:
    """One dispatched event: its ``event`` name (``None`` for the default) and ``data`` bytes."""

    __slots__ = ("data", "event")

    def __init__(self, data: bytes, event: str | None) -> None:
        self.data = data
        self.event = event


class SSEDecoder:
    """Feed bytes in network-sized pieces; get back the events completed so far."""

    __slots__ = ("_buffer", "_data", "_event")

    def __init__(self) -> None:
        self._buffer = b""
        self._data: list[bytes] = []
        self._event: str | None = None

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        buffer = self._buffer + chunk if self._buffer else chunk
        events: list[SSEEvent] = []
        start = 0
        while True:
            end = buffer.find(b"\n", start)
            if end < 0:
                break
            line = buffer[start:end]
            start = end + 1
            if line.endswith(b"\r"):
                line = line[:-1]
            event = self._line(line)
            if event is not None:
                events.append(event)
        self._buffer = buffer[start:]
        return events

    def flush(self) -> list[SSEEvent]:
        """Events left when the stream ended without a final blank line."""
        events: list[SSEEvent] = []
        if self._buffer:
            event = self._line(self._buffer.rstrip(b"\r"))
            self._buffer = b""
            if event is not None:
                events.append(event)
        event = self._line(b"")
        if event is not None:
            events.append(event)
        return events

    def _line(self, line: bytes) -> SSEEvent | None:
        if not line:
            if not self._data:
                self._event = None
                return None
            event = SSEEvent(b"\n".join(self._data), self._event)
            self._data = []
            self._event = None
            return event
        if line.startswith(b"data:"):
            value = line[5:]
            self._data.append(value[1:] if value.startswith(b" ") else value)
        elif line.startswith(b"event:"):
            self._event = line[6:].strip().decode("utf-8", errors="replace") or None
        # comments (":...") and unknown fields ("id:", "retry:") are ignored
        return None
