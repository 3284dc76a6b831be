"""AI/ML API ``usage`` objects → LangChain ``UsageMetadata``.

Why our own: aggregators report OpenAI's keys plus provider-specific ones (Anthropic-style
``cache_read_input_tokens`` / ``cache_creation_input_tokens``, DeepSeek's
``prompt_cache_hit_tokens``); langchain-openai's mapper drops those. Missing numbers are
derived (``total = input + output``) rather than invented.
"""

from __future__ import annotations

from typing import Any, cast

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


#: Where each token detail may be reported: keys of the nested ``*_tokens_details`` object,
#: then keys of ``usage`` itself (provider-specific names); the first number found wins.
_Sources = tuple[tuple[str, ...], tuple[str, ...]]
_INPUT_DETAILS: dict[str, _Sources] = {
    "cache_read": (("cached_tokens",), ("cache_read_input_tokens", "prompt_cache_hit_tokens")),
    "cache_creation": (
        ("cache_write_tokens", "cache_creation_tokens"),
        ("cache_creation_input_tokens",),
    ),
    "audio": (("audio_tokens",), ()),
}
_OUTPUT_DETAILS: dict[str, _Sources] = {
    "reasoning": (("reasoning_tokens",), ("reasoning_tokens",)),
    "audio": (("audio_tokens",), ()),
}


def _details(
    usage: dict[str, Any], table: dict[str, _Sources], *nested_keys: str
) -> dict[str, int]:
    """The details of ``table`` that ``usage`` reports; its nested object is the first of
    ``nested_keys`` that is set (OpenAI's ``prompt_*`` or the Responses API's ``input_*``)."""
    nested = next((usage[k] for k in nested_keys if usage.get(k)), None)
    nested = nested if isinstance(nested, dict) else {}
    found: dict[str, int] = {}
    for name, (inner, outer) in table.items():
        number = _first(*(nested.get(k) for k in inner), *(usage.get(k) for k in outer))
        if number is not None:
            found[name] = number
    return found


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

    input_details = _details(usage, _INPUT_DETAILS, "prompt_tokens_details", "input_tokens_details")
    if input_details:
        result["input_token_details"] = cast(InputTokenDetails, input_details)
    output_details = _details(
        usage, _OUTPUT_DETAILS, "completion_tokens_details", "output_tokens_details"
    )
    if output_details:
        result["output_token_details"] = cast(OutputTokenDetails, output_details)
    return result
