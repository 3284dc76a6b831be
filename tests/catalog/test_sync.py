"""``sync_catalog`` against the mock: first sync writes the cache, the second is a 304."""

from __future__ import annotations

import json
from pathlib import Path

from aiml_integrations import AIMLAPIConfig
from aiml_integrations.catalog import Catalog, ModelInfo, current_catalog, default_catalog
from aiml_integrations.catalog._sync import sync_catalog
from aiml_integrations.testing import MockAIMLAPI

_LISTED = ("tools", "vision", "structured_output", "streaming", "parallel_tool_calls")


def _served(catalog: Catalog) -> list[ModelInfo]:
    """The mock lists what AI/ML API serves: the bundled catalog minus deprecated ids."""
    return [m for m in catalog if not m.deprecated]


def test_first_sync_writes_cache_second_is_conditional(
    mock: MockAIMLAPI, config: AIMLAPIConfig, cache_dir: Path
) -> None:
    messages: list[str] = []
    first = sync_catalog(config, progress=messages.append)
    assert not first.not_modified
    assert first.total == len(_served(default_catalog()))
    # A listing's capabilities[] is complete: where the docs leave a listed capability
    # unknown (Anthropic-shaped specs), the served listing's "absent" reads as "no".
    partial = [
        m
        for m in _served(default_catalog())
        if m.kind == "chat" and not set(_LISTED) <= set(m.capabilities)
    ]
    assert (first.added, first.changed, first.removed) == (0, len(partial), 0)
    assert first.unchanged == first.total - len(partial)
    assert first.path == cache_dir / "models.json"
    doc = json.loads(first.path.read_text("utf-8"))
    assert doc["etag"] == first.etag and doc["fetched_at"] and len(doc["models"]) == first.total
    assert not list(cache_dir.glob("*.tmp"))  # written via a renamed temporary file
    assert any("received" in m for m in messages)

    second = sync_catalog(config)
    assert second.not_modified and second.total == first.total
    sent = [r for r in mock.requests if r.path == "/v1/models"]
    assert len(sent) == 2
    assert "if-none-match" not in sent[0].headers
    assert sent[1].headers["if-none-match"] == first.etag
    assert sent[0].query["include"] == "pricing,capabilities"
    assert sent[1].status == 304

    catalog = current_catalog()
    assert catalog.is_fresh() and catalog.fetched_at == second.fetched_at


def test_sync_reports_changes_and_ignores_foreign_etag(cache_dir: Path) -> None:
    bundled = default_catalog()
    smaller = type(bundled)([m for m in bundled if m.kind != "video"])
    with MockAIMLAPI(catalog=smaller) as first_server:
        cfg = AIMLAPIConfig.resolve(base_url=first_server.base_url, env={})
        sync_catalog(cfg)
    with MockAIMLAPI() as second_server:  # another base URL: its ETag must not be reused
        cfg = AIMLAPIConfig.resolve(base_url=second_server.base_url, env={})
        result = sync_catalog(cfg)
        assert "if-none-match" not in second_server.requests[0].headers
    assert result.added == len(bundled.of_kind("video"))
    assert result.total == len(_served(bundled))


def test_sync_reads_the_legacy_shape(cache_dir: Path) -> None:
    with MockAIMLAPI(models_shape="legacy") as server:
        result = sync_catalog(AIMLAPIConfig.resolve(base_url=server.base_url, env={}))
    assert result.total == len(_served(default_catalog()))
    o1 = current_catalog().get("google/gemma-3n-e4b-it")
    assert o1 is not None and o1.supports("system_role") is False
