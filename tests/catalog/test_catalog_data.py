"""Invariants of the committed catalog (``aiml_integrations/data/models.json``).

It is the generator's output; these checks hold for any regeneration, so a bad source or a
generator bug fails here rather than in a user's LiteLLM Router.
"""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources
from typing import Any

import pytest

from aiml_integrations.catalog import KINDS, default_catalog


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    text = resources.files("aiml_integrations").joinpath("data/models.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def test_names_are_unique_and_every_alias_resolves_to_one_model(doc: dict[str, Any]) -> None:
    names = Counter(n for m in doc["models"] for n in (m["id"], *m["aliases"]))
    assert [n for n, c in names.items() if c > 1] == []
    catalog = default_catalog()
    for model in doc["models"]:
        for alias in model["aliases"]:
            found = catalog.get(alias)
            assert found is not None and found.id == model["id"]


def test_kinds_are_a_closed_set_and_counts_match(doc: dict[str, Any]) -> None:
    assert {m["kind"] for m in doc["models"]} <= set(KINDS)
    served = Counter(m["kind"] for m in doc["models"] if not m["deprecated"])
    assert {k: doc["counts"][k] for k in KINDS} == {k: served.get(k, 0) for k in KINDS}
    assert doc["counts"]["deprecated"] == sum(m["deprecated"] for m in doc["models"])
    assert served["chat"] > 200 and served["image"] > 50 and served["video"] > 100
    assert default_catalog().counts()["chat"] == served["chat"]


def test_numbers_are_positive_or_unknown(doc: dict[str, Any]) -> None:
    for model in doc["models"]:
        for field in ("context_length", "max_output", "dimensions"):
            assert model[field] is None or model[field] > 0, (model["id"], field)
        if model["pricing"] is not None:
            prices = [u["price"] for u in model["pricing"]["units"]]
            assert all(p > 0 for p in prices), model["id"]  # unknown is null, never 0
            assert "models.dev" not in model["source"] or ".toml" in model["source"]
            assert "providers/aimlapi/models/" in model["source"]


def test_deprecated_models_are_marked_and_sourced(doc: dict[str, Any]) -> None:
    deprecated = [m for m in doc["models"] if m["deprecated"]]
    assert len(deprecated) > 100
    assert all("Deprecated" in m["source"] for m in deprecated)
    assert all(
        m["replacement"] is None or default_catalog().get(m["replacement"]) for m in deprecated
    )
    assert default_catalog().get("o1-mini").deprecated  # type: ignore[union-attr]


def test_every_model_says_where_it_came_from(doc: dict[str, Any]) -> None:
    assert doc["sources"]["aimlapi/api-docs"]
    assert doc["sources"]["aimlapi/models.dev-aimlapi"]
    assert all(
        m["source"].startswith("docs/api-references/model-database.md") for m in doc["models"]
    )
    with_spec = [m for m in doc["models"] if m["params"] is not None]
    assert with_spec and all(".json" in m["source"] for m in with_spec)


def test_chat_capabilities_are_booleans_from_the_specs(doc: dict[str, Any]) -> None:
    for model in doc["models"]:
        assert all(isinstance(v, bool) for v in model["capabilities"].values())
        if model["kind"] not in ("chat", "moderation"):
            assert model["capabilities"] == {}
    gpt = default_catalog().get("gpt-4o")
    assert gpt is not None and gpt.supports("tools") and gpt.roles is not None
    assert "developer" in gpt.roles and gpt.params is not None and "tools" in gpt.params
