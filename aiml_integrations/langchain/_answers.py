"""Reading AI/ML API chat answers into LangChain outputs: one ``ChatResult``, stream chunks.

Why apart from the model class: the answer shape (``choices[]``, ``delta``, ``usage``,
AI/ML API's ``meta`` billing) is protocol, not configuration. ``ChatAIMLAPI`` decides *what*
to send and *how* to retry; this module only turns what came back into LangChain objects, and
says which failures are whose:

* a body of the wrong shape (``UnreadableAnswer``) is AI/ML API's fault: the retryable server
  error (:func:`~aiml_integrations._core.answer_errors.malformed_answer`);
* an exception while reading a body of the checked shape is ours: the non-retryable internal
  error (:func:`~aiml_integrations._core.answer_errors.internal_error`), cause kept.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessageChunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from aiml_integrations._core.answer_errors import UnreadableAnswer, internal_error, malformed_answer
from aiml_integrations._core.api import CHAT_PATH
from aiml_integrations._core.transport import APIResponse, billing_of
from aiml_integrations.langchain._errors import raise_native
from aiml_integrations.langchain._messages import ai_message, ai_message_chunk
from aiml_integrations.langchain._usage import usage_metadata

__all__ = ["PROVIDER", "StreamState", "chat_result", "drop_none", "event_chunk"]

#: ``model_provider`` / ``ls_provider``: the name LangChain tooling groups these runs under.
PROVIDER = "aimlapi"


def drop_none(d: dict[str, Any]) -> dict[str, Any]:
    """The entries that carry a value (metadata and request fields omit unknowns)."""
    return {k: v for k, v in d.items() if v is not None}


class StreamState:
    """What a stream accumulates for its single closing chunk (usage, billing, metadata).

    Why one closing chunk: ``merge_dicts`` concatenates strings and refuses differing floats,
    and standard tests require exactly one chunk with ``input_tokens`` — so ``model_name``,
    ``finish_reason``, usage and cost are emitted once, after the last delta.
    """

    __slots__ = ("credits", "finish_reason", "id", "model", "system_fingerprint", "usage", "usd")

    def __init__(self) -> None:
        self.model: str | None = None
        self.id: str | None = None
        self.finish_reason: str | None = None
        self.system_fingerprint: str | None = None
        self.usage: Any = None
        self.credits: float | None = None
        self.usd: float | None = None

    def closing_chunk(
        self, request_id: str | None, include_usage: bool, requested_model: str
    ) -> ChatGenerationChunk:
        metadata = drop_none(
            {
                "model_provider": PROVIDER,
                "model_name": self.model or requested_model,
                "finish_reason": self.finish_reason,
                "id": self.id,
                "request_id": request_id,
                "system_fingerprint": self.system_fingerprint,
                "credits_used": self.credits,
                "usd_spent": self.usd,
            }
        )
        usage = usage_metadata(self.usage) if include_usage else None
        message = AIMessageChunk(
            content="", response_metadata=metadata, usage_metadata=usage, chunk_position="last"
        )
        return ChatGenerationChunk(message=message)


def chat_result(response: APIResponse, requested_model: str) -> ChatResult:
    """A chat completion as LangChain's ``ChatResult`` (all ``n`` choices), errors typed."""
    try:
        return _read_chat_result(response, requested_model)
    except UnreadableAnswer as exc:
        raise_native(
            malformed_answer(
                f"a chat completion this client cannot read ({exc})",
                status_code=response.status_code,
                request_id=response.request_id,
                path=CHAT_PATH,
            )
        )
    except Exception as exc:
        error = internal_error(
            "reading a chat completion",
            exc,
            status_code=response.status_code,
            request_id=response.request_id,
            path=CHAT_PATH,
        )
        error.__cause__ = exc
        raise_native(error)


def _read_chat_result(response: APIResponse, requested_model: str) -> ChatResult:
    data = response.data
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
        raise UnreadableAnswer("no 'choices' list")
    if not data["choices"]:
        raise UnreadableAnswer("an empty 'choices' list")
    for choice in data["choices"]:
        if not isinstance(choice, dict) or not isinstance(choice.get("message") or {}, dict):
            raise UnreadableAnswer("a choice that is not an object with a 'message' object")
    usage = usage_metadata(data.get("usage"))
    shared = drop_none(
        {
            "model_provider": PROVIDER,
            "model_name": data.get("model") or requested_model,
            "id": data.get("id"),
            "request_id": response.request_id,
            "system_fingerprint": data.get("system_fingerprint"),
            "service_tier": data.get("service_tier"),
            "credits_used": response.credits_used,
            "usd_spent": response.usd_spent,
        }
    )
    generations = []
    for choice in data["choices"]:
        metadata = dict(shared)
        if choice.get("finish_reason") is not None:
            metadata["finish_reason"] = choice["finish_reason"]
        if choice.get("logprobs") is not None:
            metadata["logprobs"] = choice["logprobs"]
        message = ai_message(choice.get("message") or {}, metadata, usage)
        generations.append(ChatGeneration(message=message))
    llm_output = {"token_usage": data.get("usage"), "model_name": shared["model_name"]}
    return ChatResult(generations=generations, llm_output=llm_output)


def event_chunk(event: dict[str, Any], state: StreamState) -> ChatGenerationChunk | None:
    """One SSE event → a chunk to yield (``None`` when it only carries metadata).

    An event of the wrong shape raises the core server error, which the stream loops treat
    like any other AI/ML API failure (typed, retried before the first chunk); our own
    failure on an event of the checked shape is the non-retryable internal error.
    """
    try:
        return _read_event_chunk(event, state)
    except UnreadableAnswer as exc:
        raise malformed_answer(
            f"a stream event this client cannot read ({exc})", path=CHAT_PATH
        ) from exc
    except Exception as exc:
        raise internal_error("reading a stream event", exc, path=CHAT_PATH) from exc


def _read_event_chunk(event: dict[str, Any], state: StreamState) -> ChatGenerationChunk | None:
    if state.model is None and event.get("model"):
        state.model = event["model"]
    if state.id is None and event.get("id"):
        state.id = event["id"]
    if event.get("system_fingerprint"):
        state.system_fingerprint = event["system_fingerprint"]
    if event.get("usage"):
        state.usage = event["usage"]
    if event.get("meta"):
        credits, usd = billing_of(event)
        state.credits = credits if credits is not None else state.credits
        state.usd = usd if usd is not None else state.usd
    # With n > 1 the events interleave the choices; a stream is one message, so it
    # follows the first choice (``invoke`` / ``generate`` return all n).
    choices = event.get("choices")
    if not choices:
        return None
    if not isinstance(choices, list):
        raise UnreadableAnswer("'choices' that is not a list")
    choice = next((c for c in choices if not isinstance(c, dict) or c.get("index", 0) == 0), None)
    if choice is None:
        return None
    if not isinstance(choice, dict) or not isinstance(choice.get("delta") or {}, dict):
        raise UnreadableAnswer("a choice that is not an object with a 'delta' object")
    if choice.get("finish_reason"):
        state.finish_reason = choice["finish_reason"]
    delta = choice.get("delta")
    if not delta:
        return None
    message = ai_message_chunk(delta, {"model_provider": PROVIDER})
    if not (message.content or message.tool_call_chunks or message.additional_kwargs):
        return None
    return ChatGenerationChunk(message=message)
