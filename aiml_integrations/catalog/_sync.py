"""``aimlapi models sync``: refresh the per-user catalog cache from ``GET /v1/models``.

Why a separate module: it needs the HTTP transport (httpx, pydantic), while
``aiml_integrations.catalog`` must stay stdlib-only and cheap to import on every request.

The request is conditional: the cached ``ETag`` goes out as ``If-None-Match`` (only when the
cache came from the same base URL), and a ``304`` just re-stamps the cache as fresh. The cache
is written to a temporary file in the same directory and renamed over the old one, so a
reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiml_integrations._core.config import AIMLAPIConfig
from aiml_integrations._core.transport import AIMLAPIClient
from aiml_integrations.catalog import (
    Catalog,
    ModelInfo,
    cache_path,
    catalog_from_models_response,
    default_catalog,
    load_cache,
    with_fetched_at,
)
from aiml_integrations.errors import ErrorCategory, ErrorInfo, ServerError

__all__ = ["MODELS_PATH", "MODELS_QUERY", "SyncResult", "sync_catalog"]

MODELS_PATH = "/v1/models"
MODELS_QUERY = {"include": "pricing,capabilities"}

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SyncResult:
    """What a sync did. ``not_modified`` is a ``304``: the cached listing was still current."""

    not_modified: bool
    total: int
    added: int
    changed: int
    unchanged: int
    removed: int
    etag: str | None
    path: Path
    fetched_at: _dt.datetime

    def summary(self) -> str:
        if self.not_modified:
            return f"catalog unchanged (304 Not Modified): {self.total} models, cache {self.path}"
        return (
            f"{self.total} models: {self.added} added, {self.changed} changed, "
            f"{self.unchanged} unchanged, {self.removed} no longer listed; cache {self.path}"
        )


def _diff(previous: Catalog | None, new: Catalog) -> tuple[int, int, int, int]:
    """(added, changed, unchanged, removed) of ``new`` relative to ``previous``.

    "Added" means not in the previous listing (or, on a first sync, not in the snapshot).

    Compared as users see them: each listing overlaid on the bundled snapshot, so a listing
    that merely omits what the snapshot knows (``system_role``) does not count as a change.
    """
    bundled = default_catalog()
    before = bundled.overlaid_with(previous) if previous is not None else bundled
    after = bundled.overlaid_with(new)
    listed_before = previous if previous is not None else bundled
    added = changed = unchanged = 0
    for listed in new:
        old: ModelInfo | None = before.get(listed.id)
        current = after.get(listed.id)
        if old is None or not any(n in listed_before for n in listed.names):
            added += 1
        elif current is not None and _comparable(old) == _comparable(current):
            unchanged += 1
        else:
            changed += 1
    gone = previous if previous is not None else ()
    removed = sum(1 for m in gone if not any(n in new for n in m.names))
    return added, changed, unchanged, removed


def _comparable(model: ModelInfo) -> dict[str, object]:
    data = model.to_dict()
    data.pop("source", None)
    return data


def write_cache_atomically(catalog: Catalog, path: Path) -> None:
    """Write ``catalog`` to ``path`` via a temporary sibling and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".models-", suffix=".json.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(catalog.to_document(), handle, indent=1, ensure_ascii=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def sync_catalog(
    client_or_config: AIMLAPIClient | AIMLAPIConfig | None = None,
    *,
    progress: Progress | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    now: Callable[[], _dt.datetime] | None = None,
) -> SyncResult:
    """Fetch ``GET /v1/models?include=pricing,capabilities`` and update the cache.

    ``client_or_config``: a client to reuse, a config to build one from (closed afterwards),
    or ``None`` for :meth:`AIMLAPIConfig.resolve` (environment). No API key is needed: the
    listing is public. Raises the core ``AIMLAPIError`` subclasses on HTTP failures.
    """
    say = progress or (lambda _message: None)
    clock = now or (lambda: _dt.datetime.now(_dt.timezone.utc))
    if isinstance(client_or_config, AIMLAPIClient):
        client, owned = client_or_config, False
    else:
        client, owned = AIMLAPIClient(client_or_config or AIMLAPIConfig.resolve()), True
    base_url = client.config.base_url
    path = cache_path(cache_dir)
    previous = load_cache(cache_dir)
    headers: dict[str, str] = {}
    if previous is not None and previous.etag and previous.base_url == base_url:
        headers["If-None-Match"] = previous.etag
    try:
        say(f"GET {base_url}{MODELS_PATH}?include={MODELS_QUERY['include']}")
        response = client.get(MODELS_PATH, params=MODELS_QUERY, headers=headers)
    finally:
        if owned:
            client.close()
    fetched_at = clock()
    if response.status_code == 304 and previous is not None:
        say("304 Not Modified: the cached listing is current")
        write_cache_atomically(with_fetched_at(previous, fetched_at), path)
        return SyncResult(
            True, len(previous), 0, 0, len(previous), 0, previous.etag, path, fetched_at
        )
    try:
        payload = response.json()
        fresh = catalog_from_models_response(
            payload,
            fetched_at=fetched_at,
            etag=response.headers.get("etag"),
            base_url=base_url,
        )
    except ValueError as exc:
        raise ServerError(
            ErrorInfo(
                category=ErrorCategory.SERVER_ERROR,
                message=f"GET {MODELS_PATH} answered {response.status_code} with an "
                f"unreadable listing: {exc}",
                status_code=response.status_code,
                path=MODELS_PATH,
            )
        ) from exc
    say(f"received {len(fresh)} models")
    added, changed, unchanged, removed = _diff(previous, fresh)
    write_cache_atomically(fresh, path)
    say(f"wrote {path}")
    return SyncResult(
        False, len(fresh), added, changed, unchanged, removed, fresh.etag, path, fetched_at
    )
