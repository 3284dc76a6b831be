"""Shared setup for the LiteLLM adapter tests: offline cost map, registration, helpers.

``LITELLM_LOCAL_MODEL_COST_MAP`` must be set before litellm is imported, or the import tries
to fetch the cost map from GitHub (pytest-socket would fail it).
"""

from __future__ import annotations

import os

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

import asyncio
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import litellm
import pytest
from litellm.integrations.custom_logger import CustomLogger

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


class CostSpy(CustomLogger):  # type: ignore[misc]
    """Records the ``response_cost`` LiteLLM's logging computed (what spend tracking uses), for
    the calls started since the last ``reset()``."""

    def __init__(self) -> None:
        super().__init__()
        self.costs: list[float] = []
        self.call_types: list[str] = []
        self.since = datetime.now()

    def reset(self) -> None:
        """Forget what was recorded, and ignore from now on the events of calls started before.

        Why: LiteLLM logs from a background worker, so an earlier test's event can land during
        this test (seen with pytest-randomly: another test's 0.05 read as this test's cost)."""
        self.costs.clear()
        self.call_types.clear()
        self.since = datetime.now()

    def _record(self, kwargs: Any, start_time: Any) -> None:
        if isinstance(start_time, datetime) and start_time < self.since:
            return
        logged = kwargs["standard_logging_object"]
        self.call_types.append(str(logged.get("call_type")))
        self.costs.append(logged["response_cost"])

    def log_success_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        self._record(kwargs, start_time)

    async def async_log_success_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        self._record(kwargs, start_time)

    async def last(self, call_type: str | None = None, seconds: float = 3.0) -> float:
        """The latest logged cost (of ``call_type``, e.g. ``"image_generation"``), waiting
        briefly: LiteLLM logs from a background worker, so an earlier test's event may land
        late."""
        for _ in range(int(seconds / 0.02)):
            for kind, cost in zip(reversed(self.call_types), reversed(self.costs), strict=True):
                if call_type is None or kind.lstrip("a") == call_type.lstrip("a"):
                    return cost
            await asyncio.sleep(0.02)
        raise AssertionError(f"LiteLLM logged no {call_type or 'success'} event")


_SPY = CostSpy()


@pytest.fixture
def cost_spy() -> Iterator[CostSpy]:
    """One spy instance for the session: LiteLLM copies ``litellm.callbacks`` into global lists
    and skips a second instance of the same class, so a fresh spy per test would be ignored."""
    if _SPY not in litellm.callbacks:
        litellm.callbacks.append(_SPY)
    _SPY.reset()
    yield _SPY
    for name in (
        "callbacks",
        "success_callback",
        "_async_success_callback",
        "input_callback",
        "failure_callback",
        "_async_failure_callback",
    ):
        registered = getattr(litellm, name)
        while _SPY in registered:
            registered.remove(_SPY)
