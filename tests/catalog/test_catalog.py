"""Bundled data sanity, lookups, /v1/models parsing (both shapes), cache and freshness."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path

import httpx
import pytest

from aiml_integrations.catalog import (
    Catalog,
    ModelInfo,
    cache_dir,
    catalog_from_models_response,
    current_catalog,
    default_catalog,
)
from aiml_integrations.testing import MockAIMLAPI

UTC = dt.timezone.utc


def _bundled_doc() -> dict[str, object]:
    text = resources.files("aiml_integrations").joinpath("data/models.json").read_text("utf-8")
    doc = json.loads(text)
    assert isinstance(doc, dict)
    return doc


# -- bundled data ---------------------------------------------------------------------------


def test_bundled_models_are_well_formed() -> None:
    doc = _bundled_doc()
    models = doc["models"]
    assert isinstance(models, list) and len(models) >= 60
    names: list[str] = []
    for raw in models:
        assert raw["id"] and raw["kind"], raw
        assert raw.get("source"), f"{raw['id']} has no source"
        names += [raw["id"], *raw["aliases"]]
        for key in ("context_length", "max_output", "dimensions"):
            assert raw.get(key) is None or (isinstance(raw[key], int) and raw[key] > 0), raw
        for value in (raw.get("capabilities") or {}).values():
            assert isinstance(value, bool)
        info = ModelInfo.from_dict(raw)
        for price in (info.input_price_per_mtok, info.output_price_per_mtok):
            assert price is None or price > 0
    assert len(names) == len(set(names)), "an id or alias names two models"


def test_bundled_kinds_and_families() -> None:
    catalog = default_catalog()
    kinds = {m.kind for m in catalog}
    assert {"chat", "embedding", "image", "video"} <= kinds
    developers = {m.developer for m in catalog.of_kind("chat")}
    assert {"OpenAI", "Anthropic", "Google", "DeepSeek", "Meta", "Mistral AI", "xAI"} <= developers
    assert catalog.is_fresh() is False  # the snapshot can never prove a model does not exist


def test_lookup_by_alias_and_close_matches() -> None:
    catalog = default_catalog()
    assert catalog.get("gpt-4o") is catalog.get("openai/gpt-4o")
    assert catalog.get("claude-sonnet-4-5") is catalog.get("anthropic/claude-sonnet-4.5")
    assert "GPT-4O" not in catalog  # case-sensitive, like the API
    assert catalog.close_matches("gpt-4-o")[0] == "openai/gpt-4o"
    assert catalog.close_matches("openai/gpt4o")[0] == "openai/gpt-4o"


def test_price_fields_are_per_million_tokens() -> None:
    info = ModelInfo.from_dict(
        {
            "id": "x/y",
            "kind": "chat",
            "pricing": {
                "kind": "fixed",
                "currency": "USD",
                "units": [
                    {"name": "token", "measure": "input", "price": 0.5, "per": 1000},
                    {"name": "token", "measure": "output", "price": 2, "per": 1000000},
                ],
            },
        }
    )
    assert info.input_price_per_mtok == 500.0
    assert info.output_price_per_mtok == 2.0
    variants = ModelInfo.from_dict({"id": "v", "kind": "video", "pricing": {"kind": "variants"}})
    assert variants.input_price_per_mtok is None
    assert default_catalog().get("o3-mini").input_price_per_mtok == 1.43  # type: ignore[union-attr]


# -- /v1/models parsing ----------------------------------------------------------------------


def _listing(mock: MockAIMLAPI, **params: str) -> object:
    response = httpx.get(f"{mock.url}/v1/models", params=params, timeout=10)
    response.raise_for_status()
    return response.json()


def test_parse_current_shape_from_the_mock(mock: MockAIMLAPI) -> None:
    parsed = catalog_from_models_response(_listing(mock, include="pricing,capabilities"))
    bundled = default_catalog()
    assert len(parsed) == sum(1 for m in bundled if not m.deprecated)  # only served models
    gpt = parsed.get("gpt-4o")
    assert gpt is not None and gpt.id == "openai/gpt-4o"
    assert (gpt.kind, gpt.context_length, gpt.max_output) == ("chat", 128000, None)
    assert gpt.supports("tools") is True
    mistral = parsed.get("google/gemma-3-4b-it")
    assert mistral is not None and mistral.supports("tools") is False
    assert mistral.supports("system_role") is None  # not in the documented vocabulary
    assert parsed.get("o3-mini").pricing == bundled.get("o3-mini").pricing  # type: ignore[union-attr]
    assert parsed.get("text-embedding-3-small").kind == "embedding"  # type: ignore[union-attr]
    assert parsed.get("google/veo-3.1-t2v").kind == "video"  # type: ignore[union-attr]


def test_parse_legacy_shape_from_the_mock(mock: MockAIMLAPI) -> None:
    payload = _listing(mock, legacy="1")
    assert isinstance(payload, dict) and "features" in payload["data"][0]
    parsed = catalog_from_models_response(payload)
    gemma = parsed.get("google/gemma-3n-e4b-it")
    assert gemma is not None and gemma.kind == "chat" and gemma.context_length == 8192
    assert gemma.supports("system_role") is False
    assert parsed.get("o3-mini").supports("reasoning") is True  # type: ignore[union-attr]
    assert parsed.get("openai/gpt-4o").supports("system_role") is True  # type: ignore[union-attr]
    # a top-level array (the 2025 doc's shape) works too
    assert len(catalog_from_models_response(payload["data"])) == len(parsed)


def test_parse_skips_items_without_id_and_rejects_non_lists() -> None:
    parsed = catalog_from_models_response({"data": [{"type": "x"}, {"id": "a/b", "type": "chat"}]})
    assert [m.id for m in parsed] == ["a/b"]
    with pytest.raises(ValueError):
        catalog_from_models_response({"data": "nope"})


# -- cache location, overlay, freshness ----------------------------------------------------------


def test_cache_dir_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    assert cache_dir({"AIMLAPI_CACHE_DIR": "/x/y"}) == Path("/x/y")
    monkeypatch.setattr("sys.platform", "linux")
    assert cache_dir({"XDG_CACHE_HOME": "/xdg"}) == Path("/xdg/aiml-integrations")
    assert cache_dir({}) == Path.home() / ".cache" / "aiml-integrations"
    monkeypatch.setattr("sys.platform", "darwin")
    assert cache_dir({}) == Path.home() / "Library" / "Caches" / "aiml-integrations"
    monkeypatch.setattr("sys.platform", "win32")
    assert cache_dir({"LOCALAPPDATA": "C:/L"}) == Path("C:/L") / "aiml-integrations" / "Cache"


def _write_cache(directory: Path, catalog: Catalog) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "models.json").write_text(json.dumps(catalog.to_document()), "utf-8")


def test_current_catalog_overlays_a_fresh_cache(cache_dir: Path) -> None:
    assert current_catalog() is default_catalog()
    now = dt.datetime.now(UTC)
    synced = Catalog(
        [
            ModelInfo(id="openai/gpt-4o", kind="chat", context_length=999, source="api"),
            ModelInfo(id="new/model", kind="chat", aliases=("new-model",)),
        ],
        fetched_at=now,
        etag='"abc"',
    )
    _write_cache(cache_dir, synced)
    merged = current_catalog()
    assert merged.is_fresh() and merged.fetched_at == now
    gpt = merged.get("gpt-4o")
    assert gpt is not None and gpt.context_length == 999  # the cache wins ...
    assert gpt.developer == "OpenAI" and gpt.supports("tools") is True  # ... where it knows
    assert merged.get("new-model") is not None
    assert merged.get("google/gemma-3-4b-it") is not None  # bundled stays
    assert current_catalog() is merged  # cached until the file changes


def test_stale_or_old_cache(cache_dir: Path) -> None:
    old = dt.datetime(2020, 1, 1, tzinfo=UTC)  # before the bundled snapshot: ignored
    _write_cache(cache_dir, Catalog([ModelInfo(id="z/z", kind="chat")], fetched_at=old))
    assert current_catalog().get("z/z") is None
    day_ago = dt.datetime.now(UTC) - dt.timedelta(hours=30)
    recent = Catalog([ModelInfo(id="z/z", kind="chat")], fetched_at=day_ago)
    assert recent.is_fresh() is False
    assert recent.is_fresh(max_age=dt.timedelta(days=2)) is True
    assert recent.is_fresh(max_age=3600) is False


def test_unreadable_cache_is_ignored(cache_dir: Path) -> None:
    cache_dir.mkdir(parents=True)
    (cache_dir / "models.json").write_text("{not json", "utf-8")
    assert current_catalog() is default_catalog()
