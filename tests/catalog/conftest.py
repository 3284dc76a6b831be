"""Fixtures: an isolated cache directory (every test) and a running mock for the catalog tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aiml_integrations import AIMLAPIConfig
from aiml_integrations.testing import MockAIMLAPI


@pytest.fixture(autouse=True)
def _own_cache(cache_dir: Path) -> Path:
    """Every test gets its own ``$AIMLAPI_CACHE_DIR`` (``tests/conftest.py``): no test reads the
    user's real cache."""
    return cache_dir


@pytest.fixture
def mock() -> Iterator[MockAIMLAPI]:
    with MockAIMLAPI() as server:
        yield server


@pytest.fixture
def config(mock: MockAIMLAPI) -> AIMLAPIConfig:
    return AIMLAPIConfig.resolve(api_key=mock.api_key, base_url=mock.base_url, env={})
