"""``POST /v1/images/edits``: a multipart form with ``model``, ``prompt`` and image file(s).

Why like this: AI/ML API's edit route takes the OpenAI form (``image`` — one file or several,
also sent as ``image[]`` — an optional ``mask``, ``size``, ``n``) and answers in the same
shape as generation for the model's family. Form fields arrive as text, so numbers are read
from their text as the real (coercing) schema does.
"""

from __future__ import annotations

from typing import Any

from aiml_integrations.testing._errors import zod_required
from aiml_integrations.testing._media import check_prompt, image_reply
from aiml_integrations.testing._types import Call, Reply, RouteEnv
from aiml_integrations.testing._validation import (
    Issues,
    check_model,
    check_number,
    raise_if,
    require_object,
)

__all__ = ["handle_image_edits"]

_IMAGE_FIELDS = ("image", "image[]")


def _coerced(body: dict[str, Any]) -> dict[str, Any]:
    out = dict(body)
    for name in ("n", "num_images"):
        value = out.get(name)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            out[name] = int(value)
    return out


def handle_image_edits(call: Call, env: RouteEnv) -> Reply:
    body = _coerced(require_object(call))
    issues: Issues = []
    model = check_model(body, env.catalog, "image", issues)
    prompt = check_prompt(body, issues)
    images = [f for f in call.files if f.field in _IMAGE_FIELDS]
    if not images and not isinstance(body.get("image_url"), str):
        issues.append(zod_required(["image"], "object"))
    check_number(body, "n", issues, integer=True, minimum=1, maximum=10)
    raise_if(issues)
    assert model is not None and isinstance(prompt, str)
    count = int(body.get("n") or body.get("num_images") or 1)
    salt = "edit:" + ",".join(str(len(f.data)) for f in images)
    return image_reply(env, model, body, prompt, count, salt)
