"""models.dev price files (``providers/aimlapi/models/**/*.toml``): AI/ML API's token rates.

Why its own module: prices come from a second source with its own format (TOML, USD per 1M
tokens); only fixed token rates become the catalog's pricing block, nothing is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import tomllib

from catalog_build import positive_int


@dataclass
class Price:
    file: str
    input: float | None
    output: float | None
    context: int | None
    max_output: int | None


def parse_price(text: str, file: str) -> Price:
    """``[cost] input/output`` (USD per 1M tokens) and ``[limit] context/output``."""
    data = tomllib.loads(text)
    cost = data.get("cost") or {}
    limit = data.get("limit") or {}

    def rate(value: Any) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            return None
        return float(value)

    return Price(
        file=file,
        input=rate(cost.get("input")),
        output=rate(cost.get("output")),
        context=positive_int(limit.get("context")),
        max_output=positive_int(limit.get("output")),
    )


def pricing_block(price: Price) -> dict[str, Any] | None:
    """The ``/v1/models`` pricing shape the catalog keeps (``None`` without both rates)."""
    if price.input is None or price.output is None:
        return None
    return {
        "kind": "fixed",
        "currency": "USD",
        "units": [
            {"name": "token", "measure": "input", "price": price.input, "per": 1_000_000},
            {"name": "token", "measure": "output", "price": price.output, "per": 1_000_000},
        ],
    }
