"""LiteLLM response objects from AI/ML API answers, with usage, billing and the request id.

Why build real LiteLLM objects here (rather than delegating to a nested ``litellm.completion``):
a nested call is logged twice and costed under the wrong model. The non-stream bodies are
OpenAI-shaped plus ``meta.usage``, so LiteLLM's own converter does the heavy lifting; this
module adds what only AI/ML API knows:

- ``_hidden_params["response_cost"]``: what AI/ML API *billed* (``meta.usage.usd_spent`` or
  ``x-aimlapi-usd-spent``). LiteLLM's logging uses a stamped cost as is; without one it
  computes a cost from the prices registered for the model. The same amount is ``usage.cost``
  on chat and embedding responses, which ``litellm.completion_cost(response)`` reads.
- ``_hidden_params["aimlapi_request_id"]`` (``x-inference-id``, quote it to support),
  ``aimlapi_credits_used``, ``aimlapi_usd_spent``, and every response header under
  ``additional_headers`` as ``llm_provider-<name>`` (LiteLLM's convention).

Streams: content, ``reasoning_content`` and tool-call deltas go out as ``ModelResponseStream``
chunks, each with ``_hidden_params["aimlapi_request_id"]`` (the stream's ``x-inference-id``;
LiteLLM returns a custom provider's chunks as they are, and its stream builder copies the first
chunk's hidden params into the assembled response). The finish reason and usage go out once, at
the end, as a ``GenericStreamingChunk`` — the only chunk form whose ``usage`` LiteLLM's stream
wrapper keeps (a usage-only ``ModelResponseStream`` after the finish reason is dropped and
LiteLLM re-counts tokens). Its ``usage["cost"]`` is the billed ``meta.usage.usd_spent``, which
LiteLLM's cost calculator uses as a provider-reported charge.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, TypeVar

import httpx
from litellm.litellm_core_utils.llm_response_utils.convert_dict_to_response import (
    convert_to_model_response_object,
)
from litellm.types.utils import (
    Delta,
    EmbeddingResponse,
    ImageObject,
    ImageResponse,
    ModelResponse,
    ModelResponseStream,
    StreamingChoices,
)

from aiml_integrations._core.answer_errors import UnreadableAnswer, internal_error, malformed_answer
from aiml_integrations._core.embedding_codec import decode_vector, encode_vector
from aiml_integrations._core.images import image_items
from aiml_integrations._core.transport import APIResponse, billing_of

__all__ = [
    "StreamTranslator",
    "chat_response",
    "embedding_response",
    "image_response",
]


def _hidden(api: APIResponse) -> dict[str, Any]:
    hidden: dict[str, Any] = {
        "aimlapi_request_id": api.request_id,
        "aimlapi_credits_used": api.credits_used,
        "aimlapi_usd_spent": api.usd_spent,
        "aimlapi_status_code": api.status_code,
    }
    if api.usd_spent is not None:
        hidden["response_cost"] = api.usd_spent
    return hidden


def _stamp(obj: Any, api: APIResponse) -> Any:
    """Put billing and the request id on a LiteLLM response object."""
    hidden = getattr(obj, "_hidden_params", None)
    if not isinstance(hidden, dict):
        hidden = {}
        obj._hidden_params = hidden
    hidden.update(_hidden(api))
    headers = dict(api.headers)
    additional = hidden.setdefault("additional_headers", {})
    if isinstance(additional, dict):
        for name, value in headers.items():
            additional.setdefault(f"llm_provider-{name}", value)
    obj._response_headers = headers
    return obj


def _normalise_message(message: Any) -> None:
    """Some upstreams say ``reasoning`` where OpenAI-style clients read ``reasoning_content``."""
    if isinstance(message, dict) and "reasoning_content" not in message:
        reasoning = message.get("reasoning")
        if isinstance(reasoning, str):
            message["reasoning_content"] = reasoning


_R = TypeVar("_R")
_P = ParamSpec("_P")


def _reads(kind: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Turn a failure to read a 2xx answer into a typed error *with its request id*.

    A body of the wrong shape (:class:`UnreadableAnswer`, raised by the readers' checks) is the
    retryable server error; anything else the reading raises is our code (or LiteLLM's)
    failing: the non-retryable internal error, logged once, the cause chained. Only here is
    the response (status, ``x-inference-id``) still at hand — the id to quote to support. The
    decorated reader takes the ``APIResponse`` first.
    """

    def wrap(read: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(read)
        def reading(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return read(*args, **kwargs)
            except UnreadableAnswer as exc:
                api = args[0]
                raise malformed_answer(
                    f"a {kind} answer this client cannot read ({exc})",
                    status_code=getattr(api, "status_code", None),
                    request_id=getattr(api, "request_id", None),
                ) from exc
            except Exception as exc:
                api = args[0]
                raise internal_error(
                    f"reading a {kind} answer",
                    exc,
                    status_code=getattr(api, "status_code", None),
                    request_id=getattr(api, "request_id", None),
                ) from exc

        return reading

    return wrap


@_reads("chat")
def chat_response(api: APIResponse, model_response: ModelResponse) -> ModelResponse:
    """A ``ModelResponse`` (content, tool calls, reasoning, usage) from a chat answer."""
    data = api.data
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
        raise UnreadableAnswer("no 'choices' list")
    data = {k: v for k, v in data.items() if k != "meta"}
    for choice in data["choices"]:
        if not isinstance(choice, dict) or not isinstance(choice.get("message") or {}, dict):
            raise UnreadableAnswer("a choice that is not an object with a 'message' object")
        _normalise_message(choice.get("message"))
    _bill_usage(data, api)
    result = convert_to_model_response_object(
        response_object=data,
        model_response_object=model_response,
        response_type="completion",
        _response_headers=dict(api.headers),
    )
    return _stamp(result, api)  # type: ignore[no-any-return]


def _bill_usage(data: dict[str, Any], api: APIResponse) -> None:
    """What AI/ML API billed as ``usage.cost``, the field ``litellm.completion_cost`` reads as a
    provider-reported charge (without it, it prices the tokens from LiteLLM's cost map)."""
    usage = data.get("usage")
    if api.usd_spent is not None and isinstance(usage, dict):
        data["usage"] = {**usage, "cost": api.usd_spent}


def _vectors(items: list[Any], requested: str | None) -> list[Any]:
    """Each item's vector in the form the caller asked for.

    No choice (``requested`` is ``None``): the handler asked for base64, which is decoded here
    to floats. ``"base64"``: base64 strings, also when a model answered floats anyway (what an
    openai SDK behind the Proxy expects). ``"float"``: floats.
    """
    out: list[Any] = []
    for item in items:
        if not isinstance(item, dict):
            raise UnreadableAnswer("an embedding that is not an object")
        vector = decode_vector(item.get("embedding"))
        if vector is None:
            raise UnreadableAnswer("an embedding that is neither floats nor base64 float32")
        if requested == "base64":
            raw = item.get("embedding")
            embedding: Any = raw if isinstance(raw, str) else encode_vector(vector)
        else:
            embedding = vector
        out.append({**item, "embedding": embedding})
    return out


@_reads("embeddings")
def embedding_response(
    api: APIResponse, model_response: EmbeddingResponse, *, requested: str | None = None
) -> EmbeddingResponse:
    """An ``EmbeddingResponse`` (vectors in input order, in the caller's encoding; usage)."""
    data = api.data
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise UnreadableAnswer("no 'data' list")
    if not all(isinstance(item, dict) for item in data["data"]):
        raise UnreadableAnswer("an embedding that is not an object")
    data = {k: v for k, v in data.items() if k != "meta"}
    items = sorted(
        data["data"], key=lambda item: item.get("index", 0) if isinstance(item, dict) else 0
    )
    data["data"] = _vectors(items, requested)
    usage = data.get("usage")
    if not isinstance(usage, dict):
        data["usage"] = {"prompt_tokens": 0, "total_tokens": 0}
    result = convert_to_model_response_object(
        response_object=data,
        model_response_object=model_response,
        response_type="embedding",
        _response_headers=dict(api.headers),
    )
    if api.usd_spent is not None and result.usage is not None:
        result.usage.cost = api.usd_spent  # rebuilt by LiteLLM from the token counts only
    return _stamp(result, api)  # type: ignore[no-any-return]


def _image_objects(data: Mapping[str, Any]) -> list[Any]:
    """``data[]`` (OpenAI schema) or ``images[]`` (flux/fal schema) as ``ImageObject``s."""
    for name in ("data", "images"):
        if not isinstance(data.get(name) or [], list):
            raise UnreadableAnswer(f"'{name}' is not a list")
    objects: list[Any] = []
    for item in image_items(data):
        obj = ImageObject(
            url=item.get("url"),
            b64_json=item.get("b64_json"),
            revised_prompt=item.get("revised_prompt"),
        )
        extra = {k: item[k] for k in ("width", "height", "content_type") if k in item}
        if extra:
            obj.provider_specific_fields = extra
        objects.append(obj)
    return objects


@_reads("image")
def image_response(api: APIResponse, model_response: ImageResponse) -> ImageResponse:
    """An ``ImageResponse`` from either image schema (the OpenAI one and AI/ML API's own)."""
    data = api.data
    if not isinstance(data, dict):
        raise UnreadableAnswer("not a JSON object")
    objects = _image_objects(data)
    if not objects:
        raise UnreadableAnswer("neither 'data' nor 'images'")
    model_response.data = objects
    created = data.get("created")
    if isinstance(created, int):
        model_response.created = created
    nsfw = data.get("has_nsfw_concepts")
    result = _stamp(model_response, api)
    if nsfw is not None:
        result._hidden_params["aimlapi_has_nsfw_concepts"] = nsfw
    return result  # type: ignore[no-any-return]


def _usage_block(usage: Any) -> dict[str, Any] | None:
    if not isinstance(usage, dict):
        return None
    block: dict[str, Any] = {
        "prompt_tokens": int(usage.get("prompt_tokens") or 0),
        "completion_tokens": int(usage.get("completion_tokens") or 0),
        "total_tokens": int(usage.get("total_tokens") or 0),
    }
    for name in ("prompt_tokens_details", "completion_tokens_details"):
        if isinstance(usage.get(name), dict):
            block[name] = usage[name]
    return block


class StreamTranslator:
    """Turns AI/ML API chat SSE events into LiteLLM stream chunks.

    Tolerates AI/ML API's stream quirks: ``id`` becoming ``""`` after the
    first chunk, usage on the finish chunk or on a trailing ``choices: []`` chunk, a trailing
    chunk with a finish reason but no delta, ``reasoning`` instead of ``reasoning_content``.
    """

    def __init__(self, model: str) -> None:
        self.model = model
        self.id: str | None = None
        self.created: int | None = None
        self.finish_reason: str | None = None
        self.usage: dict[str, Any] | None = None
        self.usd_spent: float | None = None
        self.credits_used: float | None = None
        self.request_id: str | None = None

    def feed(self, event: Mapping[str, Any]) -> list[ModelResponseStream]:
        """The chunks for one SSE event (often one, none for a usage/finish-only event)."""
        if event.get("id"):
            self.id = self.id or str(event["id"])
        if isinstance(event.get("created"), int):
            self.created = self.created or event["created"]
        usage = _usage_block(event.get("usage"))
        if usage is not None:
            self.usage = usage
        credits, usd = billing_of(dict(event))
        self.credits_used = credits if credits is not None else self.credits_used
        self.usd_spent = usd if usd is not None else self.usd_spent
        choices: list[Any] = []
        for raw in event.get("choices") or ():
            if not isinstance(raw, dict):
                continue
            if raw.get("finish_reason"):
                self.finish_reason = str(raw["finish_reason"])
            delta = raw.get("delta")
            if not isinstance(delta, dict):
                continue
            fields: dict[str, Any] = {}
            for name in ("role", "content", "tool_calls"):
                if delta.get(name) is not None:
                    fields[name] = delta[name]
            reasoning = delta.get("reasoning_content", delta.get("reasoning"))
            if isinstance(reasoning, str) and reasoning:
                fields["reasoning_content"] = reasoning
            if not any(fields.get(n) for n in ("content", "tool_calls", "reasoning_content")):
                continue
            choices.append(
                StreamingChoices(
                    index=int(raw.get("index") or 0), delta=Delta(**fields), finish_reason=None
                )
            )
        if not choices:
            return []
        chunk = ModelResponseStream(id=self.id or "", model=self.model, choices=choices)
        if self.created is not None:
            chunk.created = self.created
        if self.request_id is not None:
            # A fresh dict per chunk: each chunk reaches the caller on its own.
            chunk._hidden_params = {"aimlapi_request_id": self.request_id}
        return [chunk]

    def final_chunk(self) -> dict[str, Any]:
        """The closing ``GenericStreamingChunk``: finish reason and usage.

        What AI/ML API billed rides in ``usage["cost"]``, the OpenAI-compatible field for a
        provider-reported charge (OpenRouter's): LiteLLM keeps it when assembling the stream
        and its cost calculator bills it instead of pricing the tokens from its cost map.

        No ``provider_specific_fields`` here: LiteLLM turns them into an extra empty chunk and
        then re-counts usage instead of keeping AI/ML API's numbers.
        """
        usage = self.usage
        if usage is not None and self.usd_spent is not None:
            usage = {**usage, "cost": self.usd_spent}
        return {
            "text": "",
            "tool_use": None,
            "is_finished": True,
            "finish_reason": self.finish_reason or "stop",
            "usage": usage,
            "index": 0,
        }

    def note_headers(self, headers: httpx.Headers) -> None:
        """Remember the request id once the stream's headers arrived."""
        self.request_id = headers.get("x-inference-id") or self.request_id
