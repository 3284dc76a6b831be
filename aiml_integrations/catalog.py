"""The AI/ML API model catalog: what each model id is, and what it can take.

Why it exists: AI/ML API serves hundreds of models behind one endpoint, and neither LiteLLM nor
LangChain knows their context windows or capabilities. Both adapters (and the offline mock
server) read the same catalog, so a model's limits are stated once.

The bundled snapshot lives in ``aiml_integrations/data/models.json``. Values that the public
documentation does not state are ``None`` (unknown), never a guess.

This module imports only the standard library: it is cheap to import from anywhere.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["Catalog", "ModelInfo", "default_catalog"]

_CAPABILITY_NAMES = (
    "tools",
    "vision",
    "structured_output",
    "reasoning",
    "streaming",
    "system_role",
    "parallel_tool_calls",
)


@dataclass(frozen=True)
class ModelInfo:
    """One model as AI/ML API lists it.

    ``capabilities`` maps a capability name (``tools``, ``vision``, ``structured_output``,
    ``reasoning``, ``streaming``, ``system_role``, ``parallel_tool_calls``) to ``True`` /
    ``False``; a missing name means unknown.
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

    def supports(self, capability: str) -> bool | None:
        """``True``/``False`` when the catalog knows, ``None`` when it does not."""
        return self.capabilities.get(capability)

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical id followed by every alias."""
        return (self.id, *self.aliases)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ModelInfo:
        caps = raw.get("capabilities") or {}
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
            pricing=raw.get("pricing"),
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
            "pricing": dict(self.pricing) if self.pricing is not None else None,
        }


def _opt_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class Catalog:
    """A set of models, looked up by canonical id or alias (case-sensitive, as the API is)."""

    def __init__(self, models: list[ModelInfo], *, snapshot: str | None = None) -> None:
        self._models = list(models)
        self.snapshot = snapshot
        self._index: dict[str, ModelInfo] = {}
        for model in self._models:
            for name in model.names:
                self._index.setdefault(name, model)

    def __iter__(self) -> Iterator[ModelInfo]:
        return iter(self._models)

    def __len__(self) -> int:
        return len(self._models)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._index

    def get(self, name: str) -> ModelInfo | None:
        """The model whose id or alias is ``name``, or ``None``."""
        return self._index.get(name)

    def of_kind(self, kind: str) -> list[ModelInfo]:
        return [m for m in self._models if m.kind == kind]

    def close_matches(self, name: str, n: int = 3) -> list[str]:
        """Known names that look like ``name``, for "did you mean ...?" messages."""
        return difflib.get_close_matches(name, list(self._index), n=n, cutoff=0.6)

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Catalog:
        models = [ModelInfo.from_dict(m) for m in doc.get("models") or () if m.get("id")]
        return cls(models, snapshot=doc.get("snapshot"))

    def to_document(self) -> dict[str, Any]:
        return {"schema": 1, "snapshot": self.snapshot, "models": [m.to_dict() for m in self]}


@lru_cache(maxsize=1)
def _bundled() -> Catalog:
    text = resources.files("aiml_integrations").joinpath("data/models.json").read_text("utf-8")
    return Catalog.from_document(json.loads(text))


def default_catalog() -> Catalog:
    """The bundled snapshot (cached after the first call)."""
    return _bundled()
