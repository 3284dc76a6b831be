"""What arrives and the scripted answers to it: parsing a request into a ``Call``, and the
reply an error ``Fault`` sends instead of the route's.

Why apart from ``_server``: both are pure functions of their inputs (no server state), and
the request side knows every body the mock accepts — JSON, ``multipart/form-data`` (uploads)
and urlencoded forms, whose fields then stand in for the JSON body (so ``model`` is recorded
and faults filtered by model match uploads too).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from aiml_integrations.testing._errors import (
    DEFAULT_MESSAGES,
    envelope,
    new_request_id,
    timestamp,
)
from aiml_integrations.testing._faults import Fault, substitute
from aiml_integrations.testing._multipart import is_multipart, parse_form
from aiml_integrations.testing._types import Call, Reply, UploadedFile

__all__ = ["fault_reply", "parse_call"]


def fault_reply(fault: Fault, call: Call) -> Reply:
    status = fault.status or 500
    tokens = {
        "path": call.path,
        "method": call.method,
        "request_id": call.request_id,
        "timestamp": timestamp(),
        "model": call.model or "",
    }
    body = fault.body
    reply: Reply
    if body is None:
        message = substitute(fault.message or DEFAULT_MESSAGES.get(status, "Error"), tokens)
        body_json = envelope(status, message, call.path, call.request_id, fault.meta)
        reply = Reply.json(status, body_json)
    elif isinstance(body, dict | list):
        reply = Reply.json(status, substitute(body, tokens))
        if fault.content_type:
            reply.content_type = fault.content_type
    elif isinstance(body, str):
        content_type = fault.content_type or "text/plain; charset=utf-8"
        reply = Reply(status, body.encode("utf-8"), {}, content_type)
    else:
        reply = Reply(status, bytes(body), {}, fault.content_type)
    reply.headers.update(fault.headers)
    return reply


def _bearer(headers: dict[str, str]) -> str | None:
    value = headers.get("authorization", "").strip()
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def parse_call(method: str, target: str, headers: dict[str, str], raw: bytes) -> Call:
    parts = urlsplit(target)
    json_body: Any = None
    json_error = False
    files: tuple[UploadedFile, ...] = ()
    content_type = headers.get("content-type", "")
    if is_multipart(content_type):
        form = parse_form(content_type, raw)
        if form is None:
            json_error = True
        else:
            json_body, files = form
    elif content_type.lower().startswith("application/x-www-form-urlencoded"):
        json_body = dict(parse_qsl(raw.decode("utf-8", errors="replace"), keep_blank_values=True))
    elif raw.strip():
        try:
            json_body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            json_error = True
    return Call(
        method=method.upper(),
        path=parts.path or "/",
        query=dict(parse_qsl(parts.query, keep_blank_values=True)),
        headers=headers,
        raw=raw,
        json=json_body,
        json_error=json_error,
        api_key=_bearer(headers),
        request_id=new_request_id(),
        files=files,
    )
