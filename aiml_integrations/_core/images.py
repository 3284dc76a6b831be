"""Image generation's two schemas, stated once for both adapters.

Why: AI/ML API's ``/v1/images/generations`` validates per model family. OpenAI models
(``openai/*``, DALL-E, gpt-image) take OpenAI's ``n`` / ``size="1024x768"`` and answer
``{"data": [{"url" | "b64_json"}]}``; Flux/fal-style models take ``num_images`` /
``image_size`` (an enum name such as ``landscape_4_3`` or ``{width, height}``) and answer
``{"images": [{"url", "width", "height", "content_type"}]}``. Callers speak OpenAI's words;
this module translates them for the model's family and reads either answer back.

Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "FAL_IMAGE_SIZES",
    "FLUX_IMAGE_PARAMS",
    "OPENAI_IMAGE_PARAMS",
    "image_body",
    "image_items",
    "is_openai_image_model",
]

OPENAI_IMAGE_PARAMS = frozenset(
    {"n", "size", "quality", "style", "response_format", "background", "output_format"}
)
FLUX_IMAGE_PARAMS = frozenset(
    {
        "image_size",
        "num_images",
        "seed",
        "guidance_scale",
        "num_inference_steps",
        "output_format",
        "enable_safety_checker",
        "safety_tolerance",
        "aspect_ratio",
        "negative_prompt",
        "sync_mode",
    }
)
#: fal's named sizes and the pixel sizes they stand for (used for OpenAI-schema models too).
FAL_IMAGE_SIZES: Mapping[str, tuple[int, int]] = {
    "square_hd": (1024, 1024),
    "square": (512, 512),
    "portrait_4_3": (768, 1024),
    "portrait_16_9": (576, 1024),
    "landscape_4_3": (1024, 768),
    "landscape_16_9": (1024, 576),
}
_DATA_KEYS = ("url", "b64_json", "revised_prompt")
_IMAGES_KEYS = ("url", "b64_json", "width", "height", "content_type")
_SIZE = re.compile(r"^\s*(\d+)\s*[xX*]\s*(\d+)\s*$")


def is_openai_image_model(model: str) -> bool:
    """OpenAI-schema image models (``openai/*``, DALL-E, gpt-image); the rest are flux-style."""
    lowered = model.lower()
    return lowered.startswith("openai/") or "dall-e" in lowered or "gpt-image" in lowered


def image_body(model: str, prompt: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The images body in the schema of ``model``'s family; ``None`` values are left out.

    For flux-style models ``n`` becomes ``num_images`` and ``size="WxH"`` becomes
    ``image_size={width, height}`` (a fal size name is passed as is); for OpenAI-schema models
    a fal size name becomes its ``"WxH"``.
    """
    body: dict[str, Any] = {"model": model, "prompt": prompt}
    if is_openai_image_model(model):
        for name in OPENAI_IMAGE_PARAMS:
            if params.get(name) is not None:
                body[name] = params[name]
        size = body.get("size")
        if isinstance(size, str) and size in FAL_IMAGE_SIZES:
            body["size"] = "{}x{}".format(*FAL_IMAGE_SIZES[size])
        return body
    for name in FLUX_IMAGE_PARAMS:
        if params.get(name) is not None:
            body[name] = params[name]
    n = params.get("n")
    if n is not None and "num_images" not in body:
        body["num_images"] = n
    size = params.get("size")
    if size is not None and "image_size" not in body:
        match = _SIZE.match(str(size))
        if match:
            body["image_size"] = {"width": int(match[1]), "height": int(match[2])}
        else:
            body["image_size"] = size
    return body


def image_items(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every image of an answer in either schema, as ``{"url", "b64_json", ...}`` dicts.

    ``data[]`` items keep ``revised_prompt``; ``images[]`` items keep ``width``, ``height``
    and ``content_type``. Keys the answer does not have are left out; a bare string in
    ``images[]`` is taken as a URL.
    """
    items: list[dict[str, Any]] = []
    for item in data.get("data") or ():
        if isinstance(item, Mapping):
            items.append({k: item[k] for k in _DATA_KEYS if item.get(k) is not None})
    for item in data.get("images") or ():
        if isinstance(item, Mapping):
            items.append({k: item[k] for k in _IMAGES_KEYS if item.get(k) is not None})
        elif isinstance(item, str):
            items.append({"url": item})
    return items
