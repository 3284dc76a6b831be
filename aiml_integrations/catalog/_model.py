"""One catalog entry (:class:`ModelInfo`) and the closed vocabularies it uses.

Why its own module: every reader (LiteLLM registration, LangChain profiles, preflight, the
mock server, the CLI) depends on this shape, not on how the catalog is loaded or cached.
Standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

__all__ = ["CAPABILITY_NAMES", "KINDS", "Capability", "ModelInfo"]

#: The kinds of model AI/ML API serves (the model table's sections).
KINDS = (
    "chat",
    "embedding",
    "image",
    "video",
    "speech-to-text",
    "text-to-speech",
    "music",
    "moderation",
    "ocr",
    "3d",
)

Capability = Literal[
    "tools",
    "vision",
    "structured_output",
    "reasoning",
    "streaming",
    "system_role",
    "parallel_tool_calls",
]
"""The capability vocabulary: the one definition every reader's table is keyed by.

Why a ``Literal``: each translation (LiteLLM's ``supports_*`` flags, LangChain profile keys,
preflight's governed parameters, the ``/v1/models`` listing words, the mock's legacy
``features``) is typed ``Mapping[Capability, ...]``, so a misspelt or retired name is a type
error, and adding one here makes every table that must cover it show up in ``mypy``.
"""

#: The same vocabulary as a tuple, in its documented order (CLI choices, table columns).
CAPABILITY_NAMES: tuple[Capability, ...] = get_args(Capability)
_TOKENS_PER_PRICE_UNIT = 1_000_000


@dataclass(frozen=True)
class ModelInfo:
    """One model as AI/ML API lists it.

    ``capabilities`` maps a capability name (``tools``, ``vision``, ``structured_output``,
    ``reasoning``, ``streaming``, ``system_role``, ``parallel_tool_calls``) to ``True`` /
    ``False``; a missing name means unknown. ``pricing`` is the ``/v1/models`` pricing block
    as AI/ML API shapes it (``{"kind": "fixed", "currency": "USD", "units": [...]}``);
    :attr:`input_price_per_mtok` / :attr:`output_price_per_mtok` read the token rates out of
    it. ``source`` says where the values came from.

    ``deprecated`` marks an id the documentation lists as no longer served (``replacement``
    names its successor when the docs do). ``roles`` / ``params`` are the message roles and
    request parameters the model's published request schema accepts (``None``: no schema).
    """

    id: str
    kind: str
    aliases: tuple[str, ...] = ()
    type: str | None = None
    developer: str | None = None
    context_length: int | None = None
    max_output: int | None = None
    dimensions: int | None = None
    capabilities: Mapping[str, bool] = field(default_factory=dict)
    pricing: Mapping[str, Any] | None = None
    source: str | None = None
    deprecated: bool = False
    replacement: str | None = None
    roles: tuple[str, ...] | None = None
    params: frozenset[str] | None = None

    def supports(self, capability: Capability) -> bool | None:
        """``True``/``False`` when the catalog knows, ``None`` when it does not."""
        return self.capabilities.get(capability)

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical id followed by every alias."""
        return (self.id, *self.aliases)

    @property
    def input_price_per_mtok(self) -> float | None:
        """USD per 1M input tokens, when the pricing block states a fixed token rate."""
        return _token_rate(self.pricing, "input")

    @property
    def output_price_per_mtok(self) -> float | None:
        """USD per 1M output tokens, when the pricing block states a fixed token rate."""
        return _token_rate(self.pricing, "output")

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ModelInfo:
        caps = raw.get("capabilities") or {}
        pricing = raw.get("pricing")
        return cls(
            id=str(raw["id"]),
            kind=str(raw.get("kind") or "unknown"),
            aliases=tuple(str(a) for a in raw.get("aliases") or ()),
            type=raw.get("type"),
            developer=raw.get("developer"),
            context_length=_opt_int(raw.get("context_length")),
            max_output=_opt_int(raw.get("max_output")),
            dimensions=_opt_int(raw.get("dimensions")),
            capabilities={k: bool(v) for k, v in caps.items() if v is not None},
            pricing=pricing if isinstance(pricing, Mapping) else None,
            source=raw.get("source"),
            deprecated=bool(raw.get("deprecated")),
            replacement=raw.get("replacement") or None,
            roles=_opt_strings(raw.get("roles")),
            params=frozenset(p) if (p := _opt_strings(raw.get("params"))) is not None else None,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "aliases": list(self.aliases),
            "kind": self.kind,
            "type": self.type,
            "developer": self.developer,
            "context_length": self.context_length,
            "max_output": self.max_output,
            "dimensions": self.dimensions,
            "capabilities": dict(self.capabilities),
            "roles": list(self.roles) if self.roles is not None else None,
            "params": sorted(self.params) if self.params is not None else None,
            "pricing": dict(self.pricing) if self.pricing is not None else None,
            "deprecated": self.deprecated,
            "replacement": self.replacement,
            "source": self.source,
        }

    def overlaid_with(self, newer: ModelInfo) -> ModelInfo:
        """``newer``'s known values over ours: a listing that omits a field keeps ours."""
        return ModelInfo(
            id=newer.id,
            kind=newer.kind if newer.kind != "unknown" else self.kind,
            aliases=tuple(dict.fromkeys((*newer.aliases, *self.aliases))),
            type=newer.type or self.type,
            developer=newer.developer or self.developer,
            context_length=_first(newer.context_length, self.context_length),
            max_output=_first(newer.max_output, self.max_output),
            dimensions=_first(newer.dimensions, self.dimensions),
            capabilities={**self.capabilities, **newer.capabilities},
            pricing=newer.pricing if newer.pricing is not None else self.pricing,
            source=newer.source or self.source,
            # A live listing that names the model is proof that it is served again.
            deprecated=newer.deprecated,
            replacement=newer.replacement if newer.deprecated else None,
            roles=newer.roles if newer.roles is not None else self.roles,
            params=newer.params if newer.params is not None else self.params,
        )


def _first(a: int | None, b: int | None) -> int | None:
    return a if a is not None else b


def _opt_strings(value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, list | tuple):
        return None
    return tuple(str(v) for v in value)


def _opt_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _token_rate(pricing: Mapping[str, Any] | None, measure: str) -> float | None:
    if not pricing or pricing.get("kind", "fixed") != "fixed":
        return None
    if str(pricing.get("currency", "USD")).upper() != "USD":
        return None
    for unit in pricing.get("units") or ():
        if not isinstance(unit, Mapping) or unit.get("measure") != measure:
            continue
        if unit.get("name", "token") != "token":
            continue
        try:
            price, per = float(unit["price"]), float(unit.get("per") or 1)
        except (KeyError, TypeError, ValueError):
            return None
        return round(price * _TOKENS_PER_PRICE_UNIT / per, 9) if per > 0 else None
    return None
