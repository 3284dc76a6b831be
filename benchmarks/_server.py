"""A minimal HTTP/1.1 server for the benchmark: fixed answers, keep-alive, nothing else.

Why not the mock server: ``MockAIMLAPI`` validates every request against the catalog and runs
on ``ThreadingHTTPServer``; it costs about 1 ms per request, which would drown the client
overhead we want to measure. This server parses just enough HTTP (request line, headers,
``Content-Length`` body) and answers from pre-built bytes:

- ``POST .../chat/completions`` without ``"stream": true`` → a fixed chat completion (JSON);
- with ``"stream": true`` → a fixed stream of ``--chunks`` SSE deltas, usage, ``[DONE]``
  (chunked transfer encoding, one HTTP chunk per event, all written at once);
- ``POST .../embeddings`` → one vector per input, ``dimensions`` long (default 1,536), as
  JSON floats or, when the body asks ``"encoding_format": "base64"``, base64 float32 (the
  OpenAI wire formats); built once per shape and format, then answered from bytes.

Run it in its own process (it prints ``PORT <n>`` on stdout once listening) so it does not
share the GIL with the client being measured.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import random
import sys
from array import array

_COMPLETION = {
    "id": "chatcmpl-bench",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "gpt-4o-mini",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hello! How can I help you today?"},
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 12, "completion_tokens": 9, "total_tokens": 21},
    "meta": {"usage": {"credits_used": 42, "usd_spent": 0.000021}},
}


def _json_reply(body: bytes) -> bytes:
    head = (
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "x-inference-id: bench-1\r\n"
        "Connection: keep-alive\r\n\r\n"
    ).encode()
    return head + body


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _stream_reply(chunks: int) -> bytes:
    head = (
        b"HTTP/1.1 200 OK\r\n"
        b"Content-Type: text/event-stream\r\n"
        b"Transfer-Encoding: chunked\r\n"
        b"x-inference-id: bench-1\r\n"
        b"Connection: keep-alive\r\n\r\n"
    )
    base = {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-4o-mini",
    }
    parts = [head]
    for i in range(chunks):
        delta: dict[str, str] = {"content": f"tok{i} "}
        if i == 0:
            delta["role"] = "assistant"
        event = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
        parts.append(
            _chunk(b"data: " + json.dumps(event, separators=(",", ":")).encode() + b"\n\n")
        )
    last = {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    parts.append(_chunk(b"data: " + json.dumps(last, separators=(",", ":")).encode() + b"\n\n"))
    usage = {
        **base,
        "choices": [],
        "usage": {"prompt_tokens": 12, "completion_tokens": chunks, "total_tokens": 12 + chunks},
    }
    parts.append(_chunk(b"data: " + json.dumps(usage, separators=(",", ":")).encode() + b"\n\n"))
    parts.append(_chunk(b"data: [DONE]\n\n"))
    parts.append(b"0\r\n\r\n")
    return b"".join(parts)


_EMBEDDING_REPLIES: dict[tuple[int, int, bool], bytes] = {}


def _embedding_reply(body: bytes) -> bytes:
    request = json.loads(body)
    texts = request.get("input")
    count = len(texts) if isinstance(texts, list) else 1
    dims = int(request.get("dimensions") or 1536)
    as_base64 = request.get("encoding_format") == "base64"
    key = (count, dims, as_base64)
    if key not in _EMBEDDING_REPLIES:
        rng = random.Random(0)
        data = []
        for index in range(count):
            vector = array("f", [rng.uniform(-0.1, 0.1) for _ in range(dims)])
            value: object = (
                base64.b64encode(vector.tobytes()).decode() if as_base64 else vector.tolist()
            )
            data.append({"object": "embedding", "index": index, "embedding": value})
        payload = {
            "object": "list",
            "data": data,
            "model": "text-embedding-3-small",
            "usage": {"prompt_tokens": count, "total_tokens": count},
        }
        _EMBEDDING_REPLIES[key] = _json_reply(json.dumps(payload).encode())
    return _EMBEDDING_REPLIES[key]


class _Protocol(asyncio.Protocol):
    def __init__(self, json_reply: bytes, stream_reply: bytes) -> None:
        self._json = json_reply
        self._stream = stream_reply
        self._buf = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            import socket

            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self._buf += data
        while True:
            end = self._buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self._buf[:end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            total = end + 4 + length
            if len(self._buf) < total:
                return
            body = self._buf[end + 4 : total]
            self._buf = self._buf[total:]
            assert self._transport is not None
            if "/embeddings" in head.split("\r\n", 1)[0]:
                self._transport.write(_embedding_reply(body))
                continue
            streaming = b'"stream":true' in body or b'"stream": true' in body
            self._transport.write(self._stream if streaming else self._json)


async def _serve(port: int, chunks: int) -> None:
    json_reply = _json_reply(json.dumps(_COMPLETION, separators=(",", ":")).encode())
    stream_reply = _stream_reply(chunks)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: _Protocol(json_reply, stream_reply), "127.0.0.1", port, backlog=1024
    )
    bound = server.sockets[0].getsockname()[1]
    print(f"PORT {bound}", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--chunks", type=int, default=500)
    args = parser.parse_args()
    try:
        asyncio.run(_serve(args.port, args.chunks))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
