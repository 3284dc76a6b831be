"""Fixtures for the LangChain adapter tests.

The mock server is the pytest plugin's session mock (``aimlapi_mock`` resets it per test).
``fast_retries`` shrinks the adapter's backoff so retry tests take milliseconds, while
``Retry-After`` handling stays real.
"""

from __future__ import annotations

import pytest

from aiml_integrations.langchain import _retry


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_retry, "INITIAL_DELAY", 0.001)
    monkeypatch.setattr(_retry, "MAX_DELAY", 0.002)
