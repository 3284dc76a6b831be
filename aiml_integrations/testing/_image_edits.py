"""``POST /v1/images/edits``: AI/ML API's image edit route, a multipart form as OpenAI's.

Why its own module: it is the mock's only multipart route, so it carries its own small form
parser (standard library ``email``), and both adapters' image-edit tools use it. The form is
validated like AI/ML API's schema (``model`` among the image models, ``prompt`` and at least one
``image`` / ``image[]`` file required) and answered in the OpenAI image schema with billing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from aiml_integrations._core.images import is_openai_image_model
from aiml_integrations.testing._billing import cost_headers, meta_usage
from aiml_integrations.testing._errors import BODY_VALIDATION, ApiError, zod_required
from aiml_integrations.testing._media import _PNG_1X1, _digest
from aiml_integrations.testing._types import Call, Reply, RouteEnv
from aiml_integrations.testing._validation import Issues, check_model, check_number, raise_if

__all__ = ["Form", "handle_image_edits", "parse_form"]

_CDN = "https://cdn.aimlapi.com/mock"
_CREDITS_PER_IMAGE = 100_000


@dataclass
class Form:
    """A parsed multipart form: text ``fields`` and ``files`` as ``(field, filename, bytes)``."""

    fields: dict[str, str] = field(default_factory=dict)
    files: list[tuple[str, str | None, bytes]] = field(default_factory=list)


def parse_form(call: Call) -> Form:
    """The request's ``multipart/form-data`` body; a 400 if it is not one."""
    content_type = call.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise ApiError(400, "Expected a multipart/form-data body")
    raw = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1") + call.raw
    message = BytesParser(policy=HTTP).parsebytes(raw)
    if not message.is_multipart():
        raise ApiError(400, "Malformed multipart/form-data body")
    form = Form()
    for part in message.iter_parts():
        assert isinstance(part, Message)
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            form.files.append((name, filename, data))
        else:
            form.fields[name] = data.decode("utf-8", errors="replace")
    return form


def handle_image_edits(call: Call, env: RouteEnv) -> Reply:
    form = parse_form(call)
    body: dict[str, Any] = dict(form.fields)
    issues: Issues = []
    model = check_model(body, env.catalog, "image", issues)
    if not body.get("prompt"):
        issues.append(zod_required(["prompt"]))
    images = [f for f in form.files if f[0] in ("image", "image[]")]
    if not images:
        issues.append(zod_required(["image"]))
    if "n" in body:
        try:
            body["n"] = int(body["n"])
        except ValueError:
            raise ApiError(400, BODY_VALIDATION) from None
        check_number(body, "n", issues, integer=True, minimum=1, maximum=10)
    raise_if(issues)
    assert model is not None
    count = int(body.get("n") or 1)
    key = _digest("image-edit", model.id, body["prompt"], *(f[2] for f in images))[:20]
    b64 = body.get("response_format") == "b64_json"
    data = [
        {"b64_json": _PNG_1X1, "revised_prompt": body["prompt"]}
        if b64
        else {"url": f"{_CDN}/edits/{key}-{i}.png", "revised_prompt": body["prompt"]}
        for i in range(count)
    ]
    credits = _CREDITS_PER_IMAGE * count
    payload: dict[str, Any] = {
        "created": int(time.time()),
        "data": data,
        "meta": meta_usage(credits),
    }
    if not is_openai_image_model(model.id):
        # Flux/fal-style models answer in their own family's shape, as for generations.
        payload = {
            "images": [{"url": item.get("url"), "content_type": "image/png"} for item in data],
            "prompt": body["prompt"],
            "meta": meta_usage(credits),
        }
    return Reply.json(env.success_status, payload, cost_headers(credits))
