"""AI/ML API ``usage`` objects → LangChain ``UsageMetadata``.

Why our own: aggregators report OpenAI's keys plus provider-specific ones (Anthropic-style
``cache_read_input_tokens`` / ``cache_creation_input_tokens``, DeepSeek's
``prompt_cache_hit_tokens``); langchain-openai's mapper drops those. Missing numbers are
derived (``total = input + output``) rather than invented.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages.ai import InputTokenDetails, OutputTokenDetails, UsageMetadata

__all__ = ["usage_metadata"]


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    return None


def _first(*values: Any) -> int | None:
    for value in values:
        number = _int(value)
        if number is not None:
            return number
    return None


def usage_metadata(usage: Any) -> UsageMetadata | None:
    """``None`` when the response carried no usable usage object."""
    if not isinstance(usage, dict):
        return None
    input_tokens = _first(usage.get("prompt_tokens"), usage.get("input_tokens"))
    output_tokens = _first(usage.get("completion_tokens"), usage.get("output_tokens"))
    if input_tokens is None and output_tokens is None:
        return None
    input_tokens = input_tokens or 0
    output_tokens = output_tokens or 0
    total = _first(usage.get("total_tokens"))
    result: UsageMetadata = {  # type: ignore[typeddict-item]
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "total_tokens": total if total is not None else input_tokens + output_tokens,
    }

    prompt_details = usage.get("prompt_tokens_details") or usage.get("input_tokens_details")
    prompt_details = prompt_details if isinstance(prompt_details, dict) else {}
    input_details: InputTokenDetails = {}
    cache_read = _first(
        prompt_details.get("cached_tokens"),
        usage.get("cache_read_input_tokens"),
        usage.get("prompt_cache_hit_tokens"),
    )
    if cache_read is not None:
        input_details["cache_read"] = cache_read
    cache_creation = _first(
        prompt_details.get("cache_write_tokens"),
        prompt_details.get("cache_creation_tokens"),
        usage.get("cache_creation_input_tokens"),
    )
    if cache_creation is not None:
        input_details["cache_creation"] = cache_creation
    audio_in = _first(prompt_details.get("audio_tokens"))
    if audio_in is not None:
        input_details["audio"] = audio_in
    if input_details:
        result["input_token_details"] = input_details

    completion_details = usage.get("completion_tokens_details") or usage.get(
        "output_tokens_details"
    )
    completion_details = completion_details if isinstance(completion_details, dict) else {}
    output_details: OutputTokenDetails = {}
    reasoning = _first(completion_details.get("reasoning_tokens"), usage.get("reasoning_tokens"))
    if reasoning is not None:
        output_details["reasoning"] = reasoning
    audio_out = _first(completion_details.get("audio_tokens"))
    if audio_out is not None:
        output_details["audio"] = audio_out
    if output_details:
        result["output_token_details"] = output_details
    return result
