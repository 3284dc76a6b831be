"""Embeddings, image generation and async video generation.

Why together: each is a thin, deterministic generator around the same validation helpers; none
needs the fake chat model. Outputs are derived from hashes of the input so repeated calls agree
(embeddings of the same text are identical; different texts differ).
"""

from __future__ import annotations

import base64
import hashlib
import math
import random
import time
import uuid
from typing import Any

from aiml_integrations._core.embedding_codec import encode_vector
from aiml_integrations._core.images import FAL_IMAGE_SIZES, is_openai_image_model
from aiml_integrations.catalog import ModelInfo
from aiml_integrations.testing._billing import cost_headers, meta_usage
from aiml_integrations.testing._errors import (
    QUERY_VALIDATION,
    ApiError,
    zod_invalid_type,
    zod_required,
    zod_too_big,
)
from aiml_integrations.testing._types import Call, Reply, RouteEnv, VideoJob
from aiml_integrations.testing._validation import (
    Issues,
    check_model,
    check_number,
    raise_if,
    require_object,
)

__all__ = [
    "check_prompt",
    "handle_embeddings",
    "handle_images",
    "handle_video_create",
    "handle_video_poll",
    "image_reply",
    "job_poll_payload",
    "poll_job",
]

# A 1x1 transparent PNG, for ``response_format: "b64_json"``.
_PNG_1X1 = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
    )
).decode()
_IMAGE_SIZES = FAL_IMAGE_SIZES
_CDN = "https://cdn.aimlapi.com/mock"


def _digest(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


# --- embeddings -----------------------------------------------------------------------------


def _inputs(value: Any) -> list[str] | None:
    """Texts to embed: a string, a list of strings, or token arrays (hashed as their ids)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value:
        if all(isinstance(v, str) for v in value):
            return list(value)
        if all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            return [" ".join(map(str, value))]
        if all(isinstance(v, list) and all(isinstance(t, int) for t in v) for v in value):
            return [" ".join(map(str, v)) for v in value]
    return None


def _vector(text: str, dimensions: int) -> list[float]:
    rng = random.Random(int(_digest("embedding", text)[:16], 16))
    raw = [rng.gauss(0.0, 1.0) for _ in range(dimensions)]
    norm = math.sqrt(sum(x * x for x in raw)) or 1.0
    return [x / norm for x in raw]


def handle_embeddings(call: Call, env: RouteEnv) -> Reply:
    body = require_object(call)
    issues: Issues = []
    model = check_model(body, env.catalog, "embedding", issues)
    texts: list[str] | None = None
    if "input" not in body:
        issues.append(zod_required(["input"]))
    else:
        texts = _inputs(body["input"])
        if texts is None:
            issues.append(zod_invalid_type(["input"], "string", body["input"]))
    check_number(body, "dimensions", issues, integer=True, minimum=1)
    dims = body.get("dimensions")
    if model is not None and model.dimensions and isinstance(dims, int) and dims > model.dimensions:
        issues.append(zod_too_big(["dimensions"], model.dimensions))
    raise_if(issues)
    assert model is not None and texts is not None
    dimensions = body.get("dimensions") or model.dimensions or 1536
    base64_format = body.get("encoding_format") == "base64"
    data = []
    for index, text in enumerate(texts):
        vector = _vector(text, int(dimensions))
        embedding: Any = vector
        if base64_format:
            embedding = encode_vector(vector)
        data.append({"object": "embedding", "index": index, "embedding": embedding})
    tokens = sum(max(1, len(t) // 4) for t in texts)
    credits = max(1, tokens)
    payload = {
        "object": "list",
        "data": data,
        "model": str(body["model"]),
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        "meta": meta_usage(credits, with_usd=False),
    }
    return Reply.json(env.success_status, payload, cost_headers(credits))


# --- images ---------------------------------------------------------------------------------


def handle_images(call: Call, env: RouteEnv) -> Reply:
    body = require_object(call)
    issues: Issues = []
    model = check_model(body, env.catalog, "image", issues)
    prompt = check_prompt(body, issues)
    check_number(body, "n", issues, integer=True, minimum=1, maximum=10)
    check_number(body, "num_images", issues, integer=True, minimum=1, maximum=10)
    raise_if(issues)
    assert model is not None and isinstance(prompt, str)
    count = int(body.get("num_images") or body.get("n") or 1)
    return image_reply(env, model, body, prompt, count, "image")


def check_prompt(body: dict[str, Any], issues: Issues) -> str | None:
    """``body["prompt"]`` when it is a string; otherwise a Zod issue is added."""
    prompt = body.get("prompt")
    if "prompt" not in body:
        issues.append(zod_required(["prompt"]))
    elif not isinstance(prompt, str):
        issues.append(zod_invalid_type(["prompt"], "string", prompt))
    return prompt if isinstance(prompt, str) else None


def image_reply(
    env: RouteEnv, model: ModelInfo, body: dict[str, Any], prompt: str, count: int, salt: str
) -> Reply:
    """The images answer in the model family's shape (``data[]`` or ``images[]``); also used
    by the image-edit route. ``salt`` keeps URLs of edits apart from generations."""
    key = _digest(salt, model.id, prompt)[:20]
    credits = 100_000 * count
    if is_openai_image_model(model.id):
        b64 = body.get("response_format") == "b64_json"
        data = [
            {"b64_json": _PNG_1X1, "revised_prompt": prompt}
            if b64
            else {"url": f"{_CDN}/images/{key}-{i}.png", "revised_prompt": prompt}
            for i in range(count)
        ]
        payload: dict[str, Any] = {
            "created": int(time.time()),
            "data": data,
            "meta": meta_usage(credits),
        }
    else:
        width, height = _size(body.get("image_size"))
        fmt = "png" if body.get("output_format") == "png" else "jpeg"
        seed = body.get("seed") if isinstance(body.get("seed"), int) else int(key[:8], 16)
        payload = {
            "images": [
                {
                    "url": f"{_CDN}/images/{key}-{i}.{'png' if fmt == 'png' else 'jpg'}",
                    "width": width,
                    "height": height,
                    "content_type": f"image/{fmt}",
                }
                for i in range(count)
            ],
            "timings": {"inference": 0.5},
            "seed": seed,
            "has_nsfw_concepts": [False] * count,
            "prompt": prompt,
            "meta": meta_usage(credits),
        }
    return Reply.json(env.success_status, payload, cost_headers(credits))


def _size(value: Any) -> tuple[int, int]:
    if isinstance(value, dict):
        width, height = value.get("width"), value.get("height")
        if isinstance(width, int) and isinstance(height, int):
            return width, height
    if isinstance(value, str) and value in _IMAGE_SIZES:
        return _IMAGE_SIZES[value]
    return _IMAGE_SIZES["landscape_4_3"]


# --- video ----------------------------------------------------------------------------------


def handle_video_create(call: Call, env: RouteEnv) -> Reply:
    body = require_object(call)
    issues: Issues = []
    model = check_model(body, env.catalog, "video", issues)
    if not isinstance(body.get("prompt"), str) and not isinstance(body.get("image_url"), str):
        issues.append(zod_required(["prompt"]))
    raise_if(issues)
    assert model is not None
    job = VideoJob(
        id=f"{uuid.uuid4()}:{body['model']}", model=str(body["model"]), error=call.job_error
    )
    with env.lock:
        env.videos[job.id] = job
    credits = 400_000
    payload = {"id": job.id, "status": "queued", "meta": meta_usage(credits)}
    return Reply.json(env.success_status, payload, cost_headers(credits))


def handle_video_poll(call: Call, env: RouteEnv) -> Reply:
    """Each poll advances the job: ``queued``, ``generating`` ... then ``completed`` with
    ``video.url`` — or, for a job created under a ``Fault(job_error=...)``, a 200 with
    ``status: "error"``, ``video: null`` and the ``error`` object (how a failed generation
    looks on the wire; it is not an HTTP error)."""
    generation_id = call.query.get("generation_id")
    if not generation_id:
        raise ApiError(400, QUERY_VALIDATION, meta=[zod_required(["generation_id"])])
    job, payload = poll_job(env, env.videos, generation_id)
    done = payload["status"] == "completed"
    payload["video"] = (
        {"url": f"{_CDN}/videos/{_digest('video', job.id)[:20]}.mp4"} if done else None
    )
    payload["error"] = job.error if payload["status"] == "error" else None
    payload["meta"] = meta_usage(400_000 if done else 0, with_usd=False)
    return Reply.json(200, payload, {"x-inference-id": job.id})


def poll_job(
    env: RouteEnv, jobs: dict[str, VideoJob], generation_id: str
) -> tuple[VideoJob, dict[str, Any]]:
    """Advance job ``generation_id`` of ``jobs`` by one poll: the job and its ``{id, status}``;
    404 for an unknown id."""
    with env.lock:
        job = jobs.get(generation_id)
        if job is not None:
            job.polls += 1
            polls = job.polls
    if job is None:
        raise ApiError(404, f"Generation '{generation_id}' not found")
    return job, job_poll_payload(job, polls, env.video_polls_to_complete)


def job_poll_payload(job: VideoJob, polls: int, polls_to_complete: int) -> dict[str, Any]:
    """``{"id", "status"}`` of an async job at its ``polls``-th poll: ``queued`` first (when
    the job takes more than two polls), then ``generating``, then ``completed`` or ``error``."""
    if polls >= polls_to_complete:
        status = "error" if job.error is not None else "completed"
    elif polls == 1 and polls_to_complete > 2:
        status = "queued"
    else:
        status = "generating"
    return {"id": job.id, "status": status}
