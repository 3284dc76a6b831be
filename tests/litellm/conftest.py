"""Shared setup for the LiteLLM adapter tests: offline cost map, registration, helpers.

``LITELLM_LOCAL_MODEL_COST_MAP`` must be set before litellm is imported, or the import tries
to fetch the cost map from GitHub (pytest-socket would fail it).
"""

from __future__ import annotations

import os

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

from collections.abc import Iterator
from typing import Any

import litellm
import pytest

from aiml_integrations.litellm import clear_clients, register
from aiml_integrations.testing import MockAIMLAPI

litellm.suppress_debug_info = True
register()

MESSAGES = [{"role": "user", "content": "hi"}]
KEYS = ("key-primary-a-0001", "key-primary-b-0002", "key-backup-c-0003")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No ambient AI/ML API settings leak into a test (each passes key and base itself)."""
    for name in ("AIMLAPI_API_KEY", "AIML_API_KEY", "AIMLAPI_BASE_URL", "AIML_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    yield
    clear_clients()


@pytest.fixture
def mock(aimlapi_mock: MockAIMLAPI) -> MockAIMLAPI:
    """The session mock, clean, accepting the three keys the Router tests use."""
    for key in KEYS:
        aimlapi_mock.add_key(key)
    return aimlapi_mock


@pytest.fixture
def creds(mock: MockAIMLAPI) -> dict[str, Any]:
    """``api_key``/``api_base`` kwargs pointing litellm at the mock."""
    return {"api_key": mock.api_key, "api_base": mock.base_url}
