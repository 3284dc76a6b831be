"""The :class:`Catalog`: models looked up by id or alias, with freshness and overlays.

Standard library only.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from aiml_integrations.catalog._model import ModelInfo

__all__ = ["DEFAULT_MAX_AGE", "Catalog"]

#: How long after a sync the catalog may be trusted to say "this model does not exist".
DEFAULT_MAX_AGE = _dt.timedelta(hours=24)


def _parse_time(value: Any) -> _dt.datetime | None:
    """ISO 8601 (``2026-11-24T10:00:00Z``) or a date (``2026-11-24``) → aware UTC datetime."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_dt.timezone.utc)
    return parsed


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


class Catalog:
    """A set of models, looked up by canonical id or alias (case-sensitive, as the API is).

    ``fetched_at`` is when the listing was read from AI/ML API (``None`` for the bundled
    snapshot); ``etag`` and ``base_url`` say which listing it was, for conditional re-syncs.
    """

    def __init__(
        self,
        models: Iterable[ModelInfo],
        *,
        snapshot: str | None = None,
        fetched_at: _dt.datetime | None = None,
        etag: str | None = None,
        base_url: str | None = None,
    ) -> None:
        self._models = list(models)
        self.snapshot = snapshot
        self.fetched_at = fetched_at
        self.etag = etag
        self.base_url = base_url
        self._index: dict[str, ModelInfo] = {}
        for model in self._models:
            for name in model.names:
                self._index.setdefault(name, model)
        # Per-model preflight plans, filled lazily by ``aiml_integrations.catalog._preflight``.
        self._plans: dict[str, Any] = {}

    def __iter__(self) -> Iterator[ModelInfo]:
        return iter(self._models)

    def __len__(self) -> int:
        return len(self._models)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._index

    def __repr__(self) -> str:
        when = self.fetched_at.isoformat() if self.fetched_at else f"snapshot {self.snapshot}"
        return f"Catalog({len(self)} models, {when})"

    def get(self, name: str) -> ModelInfo | None:
        """The model whose id or alias is ``name``, or ``None``."""
        return self._index.get(name)

    def of_kind(self, kind: str, *, deprecated: bool = False) -> list[ModelInfo]:
        """Models of ``kind``; deprecated ones only when ``deprecated`` is true."""
        return [m for m in self._models if m.kind == kind and (deprecated or not m.deprecated)]

    def counts(self) -> dict[str, int]:
        """``{kind: number of served models}`` plus ``deprecated`` (for docs and the CLI)."""
        found: dict[str, int] = {}
        for model in self._models:
            key = "deprecated" if model.deprecated else model.kind
            found[key] = found.get(key, 0) + 1
        return found

    def close_matches(self, name: str, n: int = 3) -> list[str]:
        """Known names that look like ``name``, for "did you mean ...?" messages.

        Canonical ids are preferred over aliases, and a bare name (``gpt-4o``) is also
        compared against the part after the vendor prefix (``openai/gpt-4o``).
        """
        by_tail: dict[str, str] = {}
        for model in self._models:
            for known in model.names:
                by_tail.setdefault(known, model.id)
                by_tail.setdefault(known.rsplit("/", 1)[-1], model.id)
        found: list[str] = []
        for hit in difflib.get_close_matches(name, list(by_tail), n=n * 3, cutoff=0.6):
            canonical = by_tail[hit]
            if canonical not in found:
                found.append(canonical)
        return found[:n]

    def is_fresh(
        self, max_age: _dt.timedelta | float = DEFAULT_MAX_AGE, *, now: _dt.datetime | None = None
    ) -> bool:
        """Whether this catalog was read from AI/ML API less than ``max_age`` ago.

        Why it matters: only a fresh listing may say "this model id does not exist" — the
        bundled snapshot (no ``fetched_at``) never is, since models are added every week.
        ``max_age`` is a ``timedelta`` or seconds.
        """
        if self.fetched_at is None:
            return False
        age = max_age if isinstance(max_age, _dt.timedelta) else _dt.timedelta(seconds=max_age)
        return _dt.timedelta(0) <= (now or _now()) - self.fetched_at <= age

    def overlaid_with(self, newer: Catalog) -> Catalog:
        """This catalog with ``newer`` on top: its models win field by field; ours stay."""
        merged: dict[str, ModelInfo] = {m.id: m for m in self._models}
        for model in newer:
            base = merged.get(model.id) or next(
                (self._index[n] for n in model.names if n in self._index), None
            )
            if base is not None:
                merged.pop(base.id, None)
                merged[model.id] = base.overlaid_with(model)
            else:
                merged[model.id] = model
        return Catalog(
            merged.values(),
            snapshot=self.snapshot,
            fetched_at=newer.fetched_at,
            etag=newer.etag,
            base_url=newer.base_url,
        )

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Catalog:
        models = [ModelInfo.from_dict(m) for m in doc.get("models") or () if m.get("id")]
        return cls(
            models,
            snapshot=doc.get("snapshot"),
            fetched_at=_parse_time(doc.get("fetched_at")),
            etag=doc.get("etag"),
            base_url=doc.get("base_url"),
        )

    def to_document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"schema": 1, "snapshot": self.snapshot}
        if self.fetched_at is not None:
            doc["fetched_at"] = self.fetched_at.isoformat().replace("+00:00", "Z")
        if self.etag is not None:
            doc["etag"] = self.etag
        if self.base_url is not None:
            doc["base_url"] = self.base_url
        doc["models"] = [m.to_dict() for m in self]
        return doc

    @classmethod
    def load(cls, directory: str | os.PathLike[str] | None = None) -> Catalog:
        """The bundled snapshot with the per-user cache overlaid, when the cache is usable.

        The cache is ignored when it is missing, unreadable, or older than the snapshot
        (a package upgrade brings newer facts than an old sync).
        """
        from aiml_integrations.catalog._cache import default_catalog, load_cache

        bundled = default_catalog()
        cached = load_cache(directory)
        if cached is None or cached.fetched_at is None:
            return bundled
        built = _parse_time(bundled.snapshot)
        if built is not None and cached.fetched_at < built:
            return bundled
        return bundled.overlaid_with(cached)
