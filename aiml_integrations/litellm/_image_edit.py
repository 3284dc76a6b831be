"""The multipart body of ``litellm.image_edit`` for AI/ML API's ``POST /v1/images/edits``.

Why a module of its own: edits are the one upload in the LiteLLM adapter. AI/ML API takes the
OpenAI form — ``model``, ``prompt``, one ``image`` (or several as ``image[]``, as the openai SDK
sends them), optional ``mask`` and the OpenAI edit options as text fields. LiteLLM hands a
custom provider the images as given (bytes, open files, paths, ``(name, content[, type])``
tuples) and every other keyword it received in one dict (credentials and plumbing included),
so only the documented options are copied into the form.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from aiml_integrations._core.transport import EncodedBody
from aiml_integrations.errors import ErrorCategory, ErrorInfo, InvalidRequestError

__all__ = ["IMAGE_EDITS_PATH", "IMAGE_EDIT_PARAMS", "ImageEditForm", "image_edit_form"]

IMAGE_EDITS_PATH = "/v1/images/edits"
IMAGE_EDIT_PARAMS = (
    "n",
    "size",
    "quality",
    "response_format",
    "background",
    "output_format",
    "output_compression",
    "input_fidelity",
)


@dataclass(frozen=True)
class ImageEditForm(EncodedBody):
    """The encoded form plus its text fields (what pre-call logging shows; no file bytes)."""

    fields: Mapping[str, str] = field(default_factory=dict)


def _file(value: Any, default_name: str) -> Any:
    """One upload as httpx takes it: ``(filename, bytes or file, content type?)``."""
    if isinstance(value, tuple):
        name, content, *rest = value
        return (name or default_name, _content(content), *rest[:1])
    if isinstance(value, os.PathLike):
        path = Path(value)
        return (path.name, path.read_bytes())
    name = getattr(value, "name", None)
    filename = Path(name).name if isinstance(name, str) else default_name
    return (filename, _content(value))


def _content(value: Any) -> Any:
    if isinstance(value, os.PathLike):
        return Path(value).read_bytes()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if hasattr(value, "read"):
        return value
    raise _invalid(f"an image must be bytes, a file or a path, not {type(value).__name__}")


def _invalid(message: str) -> InvalidRequestError:
    """Bad input is the caller's 400 (raised before sending), never a retryable 500."""
    return InvalidRequestError(
        ErrorInfo(category=ErrorCategory.INVALID_REQUEST, message=message, path=IMAGE_EDITS_PATH)
    )


def image_edit_form(
    model: str, images: Sequence[Any], prompt: str | None, optional_params: Mapping[str, Any]
) -> ImageEditForm:
    """The multipart body: text fields, then ``image`` (``image[]`` when several) and ``mask``."""
    images = list(images)
    if not images:
        raise _invalid("image_edit needs at least one image (nothing was sent)")
    fields: dict[str, str] = {"model": model}
    if prompt is not None:
        fields["prompt"] = str(prompt)
    for name in IMAGE_EDIT_PARAMS:
        value = optional_params.get(name)
        if value is not None:
            fields[name] = str(getattr(value, "value", value))
    key = "image" if len(images) == 1 else "image[]"
    files: list[tuple[str, Any]] = [
        (key, _file(image, f"image-{i}.png")) for i, image in enumerate(images)
    ]
    mask = optional_params.get("mask")
    if mask is not None:
        files.append(("mask", _file(mask, "mask.png")))
    request = httpx.Request("POST", "http://form.invalid/", data=fields, files=files)
    content = request.read()
    return ImageEditForm(
        content=content, content_type=request.headers["content-type"], fields=fields
    )
