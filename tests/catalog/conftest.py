"""Fixtures: an isolated cache directory and a running mock for the catalog tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aiml_integrations import AIMLAPIConfig
from aiml_integrations.testing import MockAIMLAPI


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own ``$AIMLAPI_CACHE_DIR``: no test reads the user's real cache."""
    path = tmp_path / "cache"
    monkeypatch.setenv("AIMLAPI_CACHE_DIR", str(path))
    monkeypatch.delenv("AIMLAPI_PREFLIGHT", raising=False)
    return path


@pytest.fixture
def mock() -> Iterator[MockAIMLAPI]:
    with MockAIMLAPI() as server:
        yield server


@pytest.fixture
def config(mock: MockAIMLAPI) -> AIMLAPIConfig:
    return AIMLAPIConfig.resolve(api_key=mock.api_key, base_url=mock.base_url, env={})
