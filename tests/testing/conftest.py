"""Shared fixtures for the mock-server tests: a raw httpx client bound to the mock."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from aiml_integrations.testing import MockAIMLAPI


@pytest.fixture
def client(aimlapi_mock: MockAIMLAPI) -> Iterator[httpx.Client]:
    """Authenticated client on the mock's root URL (paths include ``/v1``)."""
    with httpx.Client(
        base_url=aimlapi_mock.url,
        headers={"Authorization": f"Bearer {aimlapi_mock.api_key}"},
        timeout=10,
    ) as http:
        yield http


@pytest.fixture
def anon() -> Iterator[httpx.Client]:
    """Client without credentials (base URL set per request)."""
    with httpx.Client(timeout=10) as http:
        yield http
