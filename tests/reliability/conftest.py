"""Setup for the reliability tests: offline LiteLLM cost map, the ``aimlapi`` provider
registered, no ambient AI/ML API settings, fresh LiteLLM client caches per test."""

from __future__ import annotations

import os

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

from collections.abc import Iterator

import litellm
import pytest

from aiml_integrations.litellm import clear_clients, register

litellm.suppress_debug_info = True
register()


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AIMLAPI_API_KEY", "AIML_API_KEY", "AIMLAPI_BASE_URL", "AIML_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    clear_clients()
    yield
    clear_clients()
