"""The AI/ML API model catalog: what each model id is, and what it can take.

Why it exists: AI/ML API serves hundreds of models behind one endpoint, and neither LiteLLM nor
LangChain knows their context windows or capabilities. Both adapters (and the offline mock
server) read the same catalog, so a model's limits are stated once.

Two layers:

* the bundled snapshot, ``aiml_integrations/data/models.json`` — built from the public
  documentation; values it does not state are ``None`` (unknown), never a guess. It has no
  ``fetched_at``, so it is never *fresh*: it cannot prove that a model does not exist.
* the per-user cache written by ``aimlapi models sync`` (``GET /v1/models``), in the platform's
  cache directory (:func:`cache_dir`). :func:`current_catalog` overlays it on the snapshot
  field by field (the cache wins where it knows a value), and it is fresh for
  :data:`DEFAULT_MAX_AGE` after the sync.

This module imports only the standard library: it is cheap to import from anywhere.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = [
    "CACHE_DIR_ENV",
    "DEFAULT_MAX_AGE",
    "Catalog",
    "ModelInfo",
    "cache_dir",
    "cache_path",
    "catalog_from_models_response",
    "current_catalog",
    "default_catalog",
    "load_cache",
    "with_fetched_at",
]

CACHE_DIR_ENV = "AIMLAPI_CACHE_DIR"
CACHE_FILE = "models.json"
#: How long after a sync the catalog may be trusted to say "this model does not exist".
DEFAULT_MAX_AGE = _dt.timedelta(hours=24)
_APP = "aiml-integrations"

_CAPABILITY_NAMES = (
    "tools",
    "vision",
    "structured_output",
    "reasoning",
    "streaming",
    "system_role",
    "parallel_tool_calls",
)
#: Capabilities the current ``/v1/models`` vocabulary lists; for a chat model whose listing
#: carries ``capabilities[]``, a missing one of these means "no". ``reasoning`` and
#: ``system_role`` are not in the documented vocabulary, so their absence means "unknown".
_LISTED_CAPABILITIES = ("tools", "vision", "structured_output", "streaming", "parallel_tool_calls")
#: Legacy ``features`` suffixes (``openai/chat-completion.<suffix>``) and what they mean.
_LEGACY_FEATURES = {
    "stream": "streaming",
    "message.system": "system_role",
    "reasoning": "reasoning",
    "function": "tools",
    "vision": "vision",
    "response-format": "structured_output",
}
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

    def supports(self, capability: str) -> bool | None:
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
        )


def _first(a: int | None, b: int | None) -> int | None:
    return a if a is not None else b


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
        # Per-model preflight plans, filled lazily by ``aiml_integrations.preflight``.
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

    def of_kind(self, kind: str) -> list[ModelInfo]:
        return [m for m in self._models if m.kind == kind]

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
        bundled = default_catalog()
        cached = load_cache(directory)
        if cached is None or cached.fetched_at is None:
            return bundled
        built = _parse_time(bundled.snapshot)
        if built is not None and cached.fetched_at < built:
            return bundled
        return bundled.overlaid_with(cached)


# -- /v1/models parsing ---------------------------------------------------------------------

_KIND_BY_TYPE = (
    ("chat", "chat"),
    ("responses", "chat"),
    ("messages", "chat"),
    ("embedding", "embedding"),
    ("image", "image"),
    ("video", "video"),
    ("text-to-speech", "tts"),
    ("tts", "tts"),
    ("speech-to-text", "stt"),
    ("stt", "stt"),
    ("music", "audio"),
    ("audio", "audio"),
    ("ocr", "ocr"),
    ("moderation", "moderation"),
)


def _kind_of(item: Mapping[str, Any]) -> str:
    """``openai/chat-completions`` / ``chat-completion`` / tag ``playground:chat`` → chat."""
    for tag in item.get("tags") or ():
        if isinstance(tag, str) and tag.startswith("playground:"):
            return tag.split(":", 1)[1] or "unknown"
    text = str(item.get("type") or "").lower()
    for needle, kind in _KIND_BY_TYPE:
        if needle in text:
            return kind
    return "unknown"


def _current_capabilities(listed: Iterable[Any], kind: str) -> dict[str, bool]:
    names = {str(c).strip().lower() for c in listed}
    caps = {name: True for name in _CAPABILITY_NAMES if name in names}
    if kind == "chat":
        for name in _LISTED_CAPABILITIES:
            caps.setdefault(name, False)
    return caps


def _legacy_capabilities(features: Iterable[Any], kind: str) -> dict[str, bool]:
    suffixes = set()
    for feature in features:
        text = str(feature)
        if "." in text:
            suffixes.add(text.split(".", 1)[1])
    if kind != "chat":
        return {}
    return {cap: suffix in suffixes for suffix, cap in _LEGACY_FEATURES.items()}


def _model_from_item(item: Mapping[str, Any], source: str) -> ModelInfo | None:
    model_id = item.get("id")
    if not isinstance(model_id, str) or not model_id:
        return None
    raw_info = item.get("info")
    info: Mapping[str, Any] = raw_info if isinstance(raw_info, Mapping) else {}
    legacy = "features" in item or "endpoints" in item
    kind = _kind_of(item)
    if legacy:
        caps = _legacy_capabilities(item.get("features") or (), kind)
    elif isinstance(item.get("capabilities"), list):
        caps = _current_capabilities(item["capabilities"], kind)
    else:
        caps = {}
    pricing = item.get("pricing")
    aliases = tuple(str(a) for a in item.get("aliases") or () if a and a != model_id)
    return ModelInfo(
        id=model_id,
        kind=kind,
        aliases=aliases,
        type=item.get("type") if isinstance(item.get("type"), str) else None,
        developer=info.get("developer") or None,
        context_length=_opt_int(info.get("contextLength")),
        max_output=_opt_int(info.get("outputMax", info.get("maxTokens"))),
        capabilities=caps,
        pricing=pricing if isinstance(pricing, Mapping) else None,
        source=source,
    )


def catalog_from_models_response(
    payload: Any,
    *,
    fetched_at: _dt.datetime | None = None,
    etag: str | None = None,
    base_url: str | None = None,
) -> Catalog:
    """A :class:`Catalog` from a ``GET /v1/models`` body, in either shape AI/ML API used.

    Current (2026-08+): ``{"object": "list", "data": [{id, aliases, type, tags, info{...,
    contextLength, outputMax}, capabilities[], pricing{...}}]}``. Legacy: items with
    ``features`` / ``endpoints`` / ``info.maxTokens`` and ``type: "chat-completion"``, the
    list either top-level or under ``data`` / ``models``. Items without an ``id`` are
    skipped rather than failing the whole listing.
    """
    if isinstance(payload, Mapping):
        items = payload.get("data", payload.get("models", ()))
    else:
        items = payload
    if not isinstance(items, list):
        raise ValueError("a /v1/models response must hold a list of models")
    source = "GET /v1/models" + (f" ({base_url})" if base_url else "")
    models = [
        m for m in (_model_from_item(i, source) for i in items if isinstance(i, Mapping)) if m
    ]
    return Catalog(
        models,
        snapshot=None,
        fetched_at=fetched_at,
        etag=etag,
        base_url=base_url,
    )


# -- where the cache lives -------------------------------------------------------------------


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$AIMLAPI_CACHE_DIR``, else the platform's user cache directory + ``aiml-integrations``.

    Linux/BSD: ``$XDG_CACHE_HOME`` or ``~/.cache``; macOS: ``~/Library/Caches``; Windows:
    ``%LOCALAPPDATA%\\aiml-integrations\\Cache``. Stdlib only: no ``platformdirs`` dependency.
    """
    env = os.environ if env is None else env
    explicit = env.get(CACHE_DIR_ENV)
    if explicit:
        return Path(explicit).expanduser()
    if sys.platform == "win32":
        base = env.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / _APP / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / _APP
    xdg = env.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache") / _APP


def cache_path(directory: str | os.PathLike[str] | None = None) -> Path:
    """The cache file (``models.json`` in :func:`cache_dir`, or in ``directory``)."""
    return Path(directory) / CACHE_FILE if directory is not None else cache_dir() / CACHE_FILE


def load_cache(directory: str | os.PathLike[str] | None = None) -> Catalog | None:
    """The synced listing alone, or ``None`` when there is no usable cache file."""
    path = cache_path(directory)
    try:
        stat = path.stat()
    except OSError:
        return None
    return _load_cache_file(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _load_cache_file(path: str, mtime_ns: int, size: int) -> Catalog | None:
    # Keyed by mtime and size so a re-sync (atomic rename) is picked up without a restart.
    try:
        doc = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, Mapping) or not isinstance(doc.get("models"), list):
        return None
    try:
        return Catalog.from_document(doc)
    except (KeyError, TypeError, ValueError):
        return None


@lru_cache(maxsize=1)
def _bundled() -> Catalog:
    text = resources.files("aiml_integrations").joinpath("data/models.json").read_text("utf-8")
    return Catalog.from_document(json.loads(text))


def default_catalog() -> Catalog:
    """The bundled snapshot (cached after the first call); never reads the user cache."""
    return _bundled()


_current: tuple[tuple[str, int, int], Catalog] | None = None
# The environment variables :func:`cache_dir` depends on (``Path.home()`` reads HOME /
# USERPROFILE), and the cache file path they gave last time.
_PATH_ENV = (CACHE_DIR_ENV, "XDG_CACHE_HOME", "HOME", "LOCALAPPDATA", "USERPROFILE")
_cache_file: tuple[tuple[str | None, ...], str] | None = None


def _current_cache_file() -> str:
    """:func:`cache_path` as a string, recomputed only when an env variable it reads changes
    (building it costs ~10 µs of ``pathlib`` work; this is one tuple compare)."""
    global _cache_file
    env = os.environ
    key = tuple(env.get(name) for name in _PATH_ENV)
    memo = _cache_file
    if memo is not None and memo[0] == key:
        return memo[1]
    path = str(cache_path())
    _cache_file = (key, path)
    return path


def current_catalog() -> Catalog:
    """The bundled snapshot with the per-user cache on top, rebuilt only when the cache changes.

    Cheap enough for a request's hot path: one ``stat`` of the cache file, then a cached
    object. ``$AIMLAPI_CACHE_DIR`` is read on every call so tests can redirect it.
    """
    global _current
    path = _current_cache_file()
    try:
        stat = os.stat(path)
        key = (path, stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = (path, 0, 0)
    cached = _current
    if cached is not None and cached[0] == key:
        return cached[1]
    catalog = Catalog.load(Path(path).parent) if key[1] else default_catalog()
    _current = (key, catalog)
    return catalog


def with_fetched_at(catalog: Catalog, when: _dt.datetime) -> Catalog:
    """A copy of ``catalog`` stamped as read at ``when`` (a 304 re-validates the listing)."""
    return Catalog(
        catalog,
        snapshot=catalog.snapshot,
        fetched_at=when,
        etag=catalog.etag,
        base_url=catalog.base_url,
    )
