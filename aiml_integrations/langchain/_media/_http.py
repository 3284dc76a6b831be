"""Media requests the JSON transport does not make: multipart uploads and binary answers.

Why on top of :class:`~aiml_integrations._core.transport.AIMLAPIClient` and not beside it: the
tools must share the chat model's pool, key handling, timeouts and — above all — its error
path, so a 429 from ``/v1/tts`` is classified by the same table as one from chat. Only two
things differ: the body may be ``multipart/form-data`` (speech-to-text uploads, image edits)
and a 2xx answer may be audio bytes rather than JSON (``/v1/tts`` can answer ``audio/wav``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from aiml_integrations._core.answer_errors import malformed_answer
from aiml_integrations._core.transport import AIMLAPIClient, APIResponse, billing_of

__all__ = [
    "Binary",
    "FilePart",
    "Form",
    "aget_json",
    "apost_media",
    "get_json",
    "multipart",
    "post_media",
]


@dataclass(frozen=True)
class FilePart:
    """One file of a multipart body."""

    field: str
    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Form:
    """A multipart body: text fields and files."""

    fields: Mapping[str, str]
    files: Sequence[FilePart]


@dataclass(frozen=True)
class Binary:
    """A 2xx answer that is not JSON (audio bytes), with AI/ML API's headers."""

    status_code: int
    content: bytes
    content_type: str
    request_id: str | None


def multipart(form: Form) -> tuple[bytes, str]:
    """``(body, content_type)`` of a ``multipart/form-data`` request."""
    boundary = uuid.uuid4().hex
    out = bytearray()
    for name, value in form.fields.items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"'.encode()
        out += b"\r\n\r\n" + value.encode() + b"\r\n"
    for part in form.files:
        out += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote(part.field)}"; '
            f'filename="{_quote(part.filename)}"\r\nContent-Type: {part.content_type}\r\n\r\n'
        ).encode()
        out += part.data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\r", " ").replace("\n", " ")


def _encode(body: Mapping[str, Any] | Form) -> tuple[bytes, dict[str, str]]:
    """The body's bytes and headers (its ``Content-Type``, and an ``Accept`` for audio)."""
    if isinstance(body, Form):
        content, content_type = multipart(body)
    else:
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
        content, content_type = text.encode("utf-8"), "application/json"
    return content, {"Content-Type": content_type, "Accept": "application/json, */*"}


def _answer(client: AIMLAPIClient, response: httpx.Response, path: str) -> APIResponse | Binary:
    if not 200 <= response.status_code < 300:
        raise client._error(response.status_code, response.content, response.headers, path)
    content_type = response.headers.get("content-type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type.startswith(("audio/", "video/", "image/")) or media_type in (
        "application/octet-stream",
    ):
        return Binary(
            response.status_code,
            response.content,
            media_type,
            response.headers.get("x-inference-id"),
        )
    return client._success(response, path)


def post_media(
    client: AIMLAPIClient,
    path: str,
    body: Mapping[str, Any] | Form,
    *,
    timeout: float | None = None,
) -> APIResponse | Binary:
    """POST JSON or a form; the JSON answer as :class:`APIResponse`, audio as :class:`Binary`.

    Every failure is the core's typed :class:`~aiml_integrations.errors.AIMLAPIError`.
    """
    client._check_key()
    content, headers = _encode(body)
    response = client._send("POST", path, timeout, content=content, headers=headers)
    return _answer(client, response, path)


async def apost_media(
    client: AIMLAPIClient,
    path: str,
    body: Mapping[str, Any] | Form,
    *,
    timeout: float | None = None,
) -> APIResponse | Binary:
    """Async :func:`post_media`."""
    client._check_key()
    content, headers = _encode(body)
    response = await client._asend("POST", path, timeout, content=content, headers=headers)
    return _answer(client, response, path)


def _json_answer(client: AIMLAPIClient, response: httpx.Response, path: str) -> APIResponse:
    """A poll's JSON as :class:`APIResponse`.

    Unlike :meth:`AIMLAPIClient.post`, a truthy ``error`` key is *not* an error here: a failed
    job is a 200 whose ``status`` says ``error`` (the job logic classifies it), while its
    ``error`` is ``null`` on every other poll.
    """
    request_id = response.headers.get("x-inference-id")
    try:
        data = json.loads(response.content) if response.status_code != 304 else None
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        raise malformed_answer(
            f"{response.status_code} with a job poll that is not a JSON object",
            status_code=response.status_code,
            request_id=request_id,
            path=path,
        )
    credits, usd = billing_of(data, response.headers)
    return APIResponse(response.status_code, data, response.headers, request_id, credits, usd)


def get_json(
    client: AIMLAPIClient,
    path: str,
    params: Mapping[str, str] | None = None,
    *,
    timeout: float | None = None,
) -> APIResponse:
    """GET a JSON answer (a job poll) as :class:`APIResponse`; typed errors otherwise."""
    client._check_key()
    return _json_answer(client, client.get(path, params=params, timeout=timeout), path)


async def aget_json(
    client: AIMLAPIClient,
    path: str,
    params: Mapping[str, str] | None = None,
    *,
    timeout: float | None = None,
) -> APIResponse:
    """Async :func:`get_json`."""
    client._check_key()
    return _json_answer(client, await client.aget(path, params=params, timeout=timeout), path)
