"""Deterministic credit accounting: the ``meta.usage`` block and the cost headers.

Why: clients read cost from ``meta.usage`` and ``x-aimlapi-*`` headers; the mock must produce
numbers that are stable (tests can assert them) and consistent with the documented rate
``usd_spent = credits_used / 2,000,000`` (AI/ML API's billing rate).
"""

from __future__ import annotations

from typing import Any

__all__ = ["CREDITS_PER_USD", "cost_headers", "credits_for", "meta_usage", "usd_for"]

CREDITS_PER_USD = 2_000_000


def credits_for(prompt_tokens: int, completion_tokens: int) -> int:
    """2 credits per prompt token and 8 per completion token, at least 1."""
    return max(1, 2 * prompt_tokens + 8 * completion_tokens)


def usd_for(credits: int) -> float:
    return round(credits / CREDITS_PER_USD, 9)


def meta_usage(credits: int, *, with_usd: bool = True) -> dict[str, Any]:
    usage: dict[str, Any] = {"credits_used": credits}
    if with_usd:
        usage["usd_spent"] = usd_for(credits)
    return {"usage": usage}


def cost_headers(credits: int) -> dict[str, str]:
    """``x-aimlapi-credits-used`` (integer) and ``x-aimlapi-usd-spent`` (``0.001240000``)."""
    return {
        "x-aimlapi-credits-used": str(credits),
        "x-aimlapi-usd-spent": f"{credits / CREDITS_PER_USD:.9f}",
    }
