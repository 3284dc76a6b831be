"""Shared helpers for the core tests: a tiny stdlib HTTP server on 127.0.0.1 (no mock-server
dependency), AI/ML API error envelopes and SSE bodies.

Each test scripts the answer with :meth:`LocalServer.respond` (one canned reply for every
request) or :meth:`LocalServer.queue` (replies in order), and reads back what the client sent
(``server.requests``) and how many TCP connections it opened (``server.connections``).
A :class:`Reply` can also stream its body in pieces, hang, or cut the connection.
"""

from __future__ import annotations

import collections
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

API_KEY = "sk-aiml-test-0123456789abcdef0123456789abcdef"


@dataclass
class Reply:
    """What the server answers. ``chunks`` streams the body piece by piece (no Content-Length,
    connection closed at the end); ``hang`` waits before answering; ``drop`` closes the socket
    without answering."""

    status: int = 200
    body: bytes | str | Any = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    chunks: list[bytes] | None = None
    hang: float = 0.0
    drop: bool = False

    def raw_body(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    connection: int


class LocalServer:
    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.connections = 0
        self._default = Reply()
        self._queue: collections.deque[Reply] = collections.deque()
        self._lock = threading.Lock()
        self.stop_event = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def setup(self) -> None:
                super().setup()
                with owner._lock:
                    owner.connections += 1
                    self.connection_no = owner.connections

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with owner._lock:
                    owner.requests.append(
                        Seen(
                            self.command,
                            self.path,
                            {k.lower(): v for k, v in self.headers.items()},
                            body,
                            self.connection_no,
                        )
                    )
                    reply = owner._queue.popleft() if owner._queue else owner._default
                if reply.hang:
                    owner.stop_event.wait(reply.hang)
                if reply.drop:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send_response_only(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.chunks is not None:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    for chunk in reply.chunks:
                        self.wfile.write(chunk)
                        self.wfile.flush()
                    self.close_connection = True
                    return
                raw = reply.raw_body()
                if not any(k.lower() == "content-type" for k in reply.headers):
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_POST = _handle
            do_GET = _handle

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def respond(self, reply: Reply | None = None, **kwargs: Any) -> None:
        with self._lock:
            self._default = reply if reply is not None else Reply(**kwargs)
            self._queue.clear()

    def queue(self, *replies: Reply) -> None:
        with self._lock:
            self._queue.extend(replies)

    def wait_for_requests(self, n: int, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.requests) < n and time.monotonic() < deadline:
            time.sleep(0.01)


def envelope(status: int | str, message: Any, **extra: Any) -> dict[str, Any]:
    """AI/ML API's NestJS error envelope, keys in the captured order."""
    body: dict[str, Any] = {
        "requestId": extra.pop("requestId", "req-0001"),
        "statusCode": status,
        "timestamp": "2025-03-11T07:13:27.813Z",
        "path": extra.pop("path", "/v1/chat/completions"),
    }
    if "meta" in extra:
        body["meta"] = extra.pop("meta")
    body["message"] = message
    body.update(extra)
    return body


def sse(*events: Any, done: bool = True) -> bytes:
    """An SSE body: one ``data:`` line per event (dicts are JSON-encoded)."""
    out = b""
    for event in events:
        data = event if isinstance(event, str) else json.dumps(event)
        out += b"data: " + data.encode("utf-8") + b"\n\n"
    if done:
        out += b"data: [DONE]\n\n"
    return out
