"""pytest fixtures for the AI/ML API mock (auto-loaded through the ``pytest11`` entry point).

Why session-scoped underneath: starting a server per test costs a bind and a thread; one server
for the session, ``reset()`` before and after each test, gives every test a clean mock (no
faults, no recorded requests, default keys and settings) at no cost. Tests that need their own
server (a second key set, legacy ``/models``, parallel servers) use ``aimlapi_mock_factory``.

This module is imported by every pytest run in an environment where the package is installed,
so it imports nothing heavy at module level.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from aiml_integrations.testing import MockAIMLAPI

__all__ = ["aimlapi_mock", "aimlapi_mock_factory", "aimlapi_mock_session"]


@pytest.fixture(scope="session")
def aimlapi_mock_session() -> Iterator[MockAIMLAPI]:
    """The one mock server shared by the session; prefer ``aimlapi_mock`` in tests."""
    from aiml_integrations.testing import MockAIMLAPI

    mock = MockAIMLAPI().start()
    try:
        yield mock
    finally:
        mock.stop()


@pytest.fixture
def aimlapi_mock(aimlapi_mock_session: MockAIMLAPI) -> Iterator[MockAIMLAPI]:
    """A running ``MockAIMLAPI``, clean for this test (``reset()`` before and after)."""
    aimlapi_mock_session.reset()
    try:
        yield aimlapi_mock_session
    finally:
        aimlapi_mock_session.reset()


@pytest.fixture
def aimlapi_mock_factory() -> Iterator[Callable[..., MockAIMLAPI]]:
    """Start extra, independent mocks: ``aimlapi_mock_factory(keys=["k1"], ...)``.

    Each is started immediately and stopped when the test ends.
    """
    from aiml_integrations.testing import MockAIMLAPI

    started: list[MockAIMLAPI] = []

    def make(**kwargs: Any) -> MockAIMLAPI:
        mock = MockAIMLAPI(**kwargs).start()
        started.append(mock)
        return mock

    try:
        yield make
    finally:
        for mock in started:
            mock.stop()
