"""Sockets and bytes: read HTTP/1.1 requests, write replies, SSE streams and resets.

Why isolated: everything that can go wrong on the wire (keep-alive framing, chunked SSE,
abrupt closes, RST) lives here, so the application logic in ``_server`` stays pure. Uses only
``http.server``; one thread per connection; connections are kept alive between requests.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import struct
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiml_integrations.testing._types import Abort, Reply, StreamReply

__all__ = ["App", "MockHTTPServer"]

logger = logging.getLogger("aiml_integrations.testing")

App = Callable[[str, str, dict[str, str], bytes], "Reply | StreamReply | Abort"]
_NO_BODY_STATUSES = {204, 304}


class MockHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that remembers open connections so ``stop`` can close them."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: App) -> None:
        self.app = app
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake keep-alive handler threads so no connection outlives the server."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: MockHTTPServer
    server_version = "aimlapi-mock"
    sys_version = ""
    # Headers and body are separate writes; with Nagle on, the body waits for the client's
    # delayed ACK (~40 ms per request), which would make every benchmark meaningless.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Silence ``http.server``'s stderr logging; ``_server`` logs each request itself."""

    # -- reading ----------------------------------------------------------------------------

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts: list[bytes] = []
            while True:
                size_line = self.rfile.readline(65537)
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline(65537)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        try:
            raw = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            lowered = name.lower()
            headers[lowered] = f"{headers[lowered]}, {value}" if lowered in headers else value
        outcome = self.server.app(self.command, self.path, headers, raw)
        try:
            if isinstance(outcome, Abort):
                self._abort()
            elif isinstance(outcome, StreamReply):
                self._write_stream(outcome)
            else:
                self._write_reply(outcome)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True

    # -- writing ----------------------------------------------------------------------------

    def _write_reply(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.status in _NO_BODY_STATUSES:
            self.end_headers()
            return
        if reply.content_type is not None:
            self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if reply.body and self.command != "HEAD":
            self.wfile.write(reply.body)

    def _write_stream(self, stream: StreamReply) -> None:
        self.send_response(200)
        for name, value in stream.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for index, event in enumerate(stream.events):
            if stream.cut_after is not None and index >= stream.cut_after:
                self._drop()
                return
            if stream.error_after is not None and index >= stream.error_after:
                self._finish_with_error(stream)
                return
            self._send_event(event)
            if stream.interval:
                time.sleep(stream.interval)
        if stream.cut_after is not None:
            self._drop()
        elif stream.error_after is not None:
            self._finish_with_error(stream)
        elif stream.end == "drop":
            self._drop()
        elif stream.end == "close":
            self.wfile.write(b"0\r\n\r\n")
            self.close_connection = True
        else:
            self._send_event("[DONE]")
            self.wfile.write(b"0\r\n\r\n")

    def _send_event(self, data: str) -> None:
        payload = f"data: {data}\n\n".encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(payload), payload))
        self.wfile.flush()

    def _finish_with_error(self, stream: StreamReply) -> None:
        self._send_event(json.dumps({"error": stream.error_payload or {}}))
        self.wfile.write(b"0\r\n\r\n")
        self.close_connection = True

    def _drop(self) -> None:
        """End mid-body: no terminating chunk, so the client sees an incomplete stream."""
        self.close_connection = True

    def _abort(self) -> None:
        """RST: ``SO_LINGER`` 0, then close the descriptor before any response byte."""
        self.close_connection = True
        connection = self.connection
        with contextlib.suppress(OSError):
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            os.close(connection.detach())
