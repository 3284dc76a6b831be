"""AI/ML API request bodies from what LiteLLM hands a custom provider.

Why a whitelist: for a custom provider LiteLLM's ``optional_params`` holds every non-default
OpenAI parameter *and* every unknown keyword — including Router-injected ``max_retries`` /
``stream`` and any extra key a deployment's ``litellm_params`` carries. Sending
those to AI/ML API's per-model Zod schemas invites "Body validation error!" for things the
user never asked for. So each endpoint forwards only fields AI/ML API documents for chat,
embeddings and images plus ``extra_body`` verbatim (the explicit escape hatch).

What happens to the rest:

- LiteLLM/Router plumbing and metadata-only OpenAI fields (``max_retries``, ``user``,
  ``metadata`` ...): dropped silently — they do not change the answer.
- OpenAI parameters AI/ML API does not take (``functions``, ``function_call``): a LiteLLM
  ``UnsupportedParamsError`` (400, raised before sending), unless ``drop_params`` is set on
  the call or ``litellm.drop_params`` — the behaviour LiteLLM users know from other providers.
- Any other unknown keyword: dropped (it cannot be told apart from a deployment's extra
  ``litellm_params``); put provider-specific fields in ``extra_body`` instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from aiml_integrations._core.api import CHAT_PATH
from aiml_integrations._core.images import image_body, is_openai_image_model

__all__ = [
    "CHAT_PATH",
    "EMBEDDINGS_PATH",
    "IMAGES_PATH",
    "chat_payload",
    "embedding_payload",
    "forward_headers",
    "image_payload",
    "is_openai_image_model",
    "timeout_seconds",
]

EMBEDDINGS_PATH = "/v1/embeddings"
IMAGES_PATH = "/v1/images/generations"

CHAT_PARAMS = frozenset(
    {
        # OpenAI fields AI/ML API's chat schema lists
        "max_tokens",
        "max_completion_tokens",
        "temperature",
        "top_p",
        "n",
        "stop",
        "presence_penalty",
        "frequency_penalty",
        "logit_bias",
        "logprobs",
        "top_logprobs",
        "seed",
        "response_format",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "prediction",
        "reasoning_effort",
        "modalities",
        "audio",
        "web_search_options",
        # AI/ML API / per-model extras
        "provider",
        "thinking",
        "enable_thinking",
        "top_k",
        "min_p",
        "repetition_penalty",
    }
)
UNSUPPORTED_CHAT_PARAMS = frozenset({"functions", "function_call"})
# Never forwarded, never an error: plumbing, or metadata that does not change the answer.
_IGNORED = frozenset(
    {
        "stream",
        "stream_options",
        "max_retries",
        "num_retries",
        "user",
        "metadata",
        "store",
        "service_tier",
        "safety_identifier",
        "prompt_cache_key",
        "extra_headers",
        "extra_body",
        "drop_params",
        "additional_drop_params",
        "api_version",
        "timeout",
    }
)

EMBEDDING_PARAMS = frozenset({"encoding_format", "dimensions"})

_HOP_BY_HOP = frozenset({"authorization", "content-type", "content-length", "host", "accept"})


def _extra_body(optional_params: Mapping[str, Any]) -> dict[str, Any]:
    extra = optional_params.get("extra_body")
    return dict(extra) if isinstance(extra, Mapping) else {}


def _plain_message(message: Any) -> dict[str, Any]:
    """A message as a JSON object, with AI/ML API's known strictness smoothed over.

    An assistant message with ``tool_calls`` must carry ``content: ""`` rather than ``null``:
    AI/ML API's message schema rejects a null content (see the quirks table in
    ``docs/architecture.md``).
    """
    if hasattr(message, "model_dump"):
        message = message.model_dump(exclude_none=True)
    out = dict(message) if isinstance(message, Mapping) else {"role": "user", "content": message}
    if out.get("role") == "assistant" and out.get("tool_calls") and out.get("content") is None:
        out["content"] = ""
    return out


def chat_payload(
    model: str,
    messages: Sequence[Any],
    optional_params: Mapping[str, Any],
    *,
    stream: bool,
    drop_params: bool,
) -> tuple[dict[str, Any], list[str]]:
    """``(body, unsupported)``: the chat body, and the unsupported parameters that were set.

    The caller raises for ``unsupported`` when ``drop_params`` is false; with ``drop_params``
    they are already left out.
    """
    body: dict[str, Any] = {"model": model, "messages": [_plain_message(m) for m in messages]}
    unsupported: list[str] = []
    for name, value in optional_params.items():
        if name in CHAT_PARAMS:
            if value is not None:
                body[name] = value
        elif name in UNSUPPORTED_CHAT_PARAMS and value is not None and not drop_params:
            unsupported.append(name)
    if stream:
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
    body.update(_extra_body(optional_params))
    body["model"] = model
    return body, unsupported


def embedding_payload(
    model: str, inputs: Sequence[Any] | str, optional_params: Mapping[str, Any]
) -> dict[str, Any]:
    """The embeddings body: ``input`` always a list (one batch request).

    Without an ``encoding_format`` from the caller it asks for base64: a quarter of the bytes of
    JSON floats and several times faster to decode (the answer is decoded back to floats).
    """
    items = [inputs] if isinstance(inputs, str) else list(inputs)
    body: dict[str, Any] = {"model": model, "input": items}
    for name in EMBEDDING_PARAMS:
        if optional_params.get(name) is not None:
            body[name] = optional_params[name]
    body.update(_extra_body(optional_params))
    body.setdefault("encoding_format", "base64")
    body["model"] = model
    return body


def image_payload(model: str, prompt: str, optional_params: Mapping[str, Any]) -> dict[str, Any]:
    """The images body in the schema of the model's family (:func:`~aiml_integrations._core.images.
    image_body`), plus ``extra_body``."""
    body = image_body(model, prompt, optional_params)
    body.update(_extra_body(optional_params))
    body["model"] = model
    return body


def timeout_seconds(timeout: float | httpx.Timeout | None) -> float | None:
    """LiteLLM's ``timeout`` (a float, or an ``httpx.Timeout``) as seconds, ``None`` = none."""
    if timeout is None:
        return None
    if isinstance(timeout, httpx.Timeout):
        phases = [t for t in (timeout.connect, timeout.read, timeout.write) if t is not None]
        return max(phases) if phases else None
    try:
        seconds = float(timeout)
    except (TypeError, ValueError):
        return None
    return seconds if seconds > 0 else None


def forward_headers(headers: Mapping[str, Any] | None) -> dict[str, str] | None:
    """``extra_headers`` to send, minus the ones the transport owns (auth, content type)."""
    if not headers:
        return None
    out = {str(k): str(v) for k, v in headers.items() if str(k).lower() not in _HOP_BY_HOP}
    return out or None
