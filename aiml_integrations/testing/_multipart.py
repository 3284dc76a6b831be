"""Reading ``multipart/form-data`` bodies (speech-to-text uploads, image edits).

Why here and not in each route: the request is parsed once, in ``_server``, so a form's text
fields become the call's JSON-like body (``model`` is then recorded, and faults filtered by
model match uploads too) and its files travel on the call. Standard library only
(``email.parser``), tolerant of what real clients send (httpx, requests, curl).
"""

from __future__ import annotations

from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP

from aiml_integrations.testing._types import UploadedFile

__all__ = ["is_multipart", "parse_form"]


def is_multipart(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == "multipart/form-data"


def parse_form(
    content_type: str, raw: bytes
) -> tuple[dict[str, str | list[str]], tuple[UploadedFile, ...]] | None:
    """``(fields, files)`` of a form body, or ``None`` when it cannot be read.

    A field sent several times (``image[]``-style arrays) becomes a list of its values.
    """
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    try:
        message = BytesParser(policy=HTTP).parsebytes(head + raw)
    except (ValueError, TypeError, IndexError):
        return None
    if not message.is_multipart():
        return None
    fields: dict[str, str | list[str]] = {}
    files: list[UploadedFile] = []
    for part in message.iter_parts():
        name = _param(part, "name")
        if name is None:
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = _param(part, "filename")
        if filename is not None:
            files.append(UploadedFile(name, filename, part.get_content_type(), data))
            continue
        value = data.decode("utf-8", errors="replace")
        previous = fields.get(name)
        if previous is None:
            fields[name] = value
        elif isinstance(previous, list):
            previous.append(value)
        else:
            fields[name] = [previous, value]
    return fields, tuple(files)


def _param(part: Message, name: str) -> str | None:
    value = part.get_param(name, header="content-disposition")
    if value is None:
        return None
    return str(value) if not isinstance(value, tuple) else str(value[2])
