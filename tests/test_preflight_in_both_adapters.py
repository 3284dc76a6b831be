"""Preflight checks that run both adapters in one test: the async paths, a catalog that is not
fresh, and the ``AIMLAPI_PREFLIGHT`` switch.

Each adapter's own preflight tests are in ``tests/langchain/test_preflight.py`` and
``tests/litellm/test_preflight.py``; the helpers in ``tests/_support.py``.
"""

from __future__ import annotations

import os

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

from collections.abc import Callable, Iterator
from typing import Any

import litellm
import pytest

from aiml_integrations import errors as core
from aiml_integrations.langchain import AIMLAPIUnknownModelError
from aiml_integrations.litellm import clear_clients, register
from aiml_integrations.testing import MockAIMLAPI
from tests._support import (
    MISTRAL,
    SYSTEM_LC,
    SYSTEM_LL,
    assert_folded,
    chat_requests,
    lc_model,
    ll_call,
)

litellm.suppress_debug_info = True
register()

pytestmark = pytest.mark.usefixtures("cache_dir")


@pytest.fixture
def mock() -> Iterator[MockAIMLAPI]:
    """A mock of this test's own."""
    with MockAIMLAPI() as server:
        yield server


@pytest.fixture(autouse=True)
def _no_cached_clients() -> Any:
    yield
    clear_clients()


async def test_async_paths_are_preflighted(mock: MockAIMLAPI) -> None:
    await lc_model(mock).ainvoke(SYSTEM_LC)
    await litellm.acompletion(
        model=f"aimlapi/{MISTRAL}",
        messages=SYSTEM_LL,
        api_key=mock.api_key,
        api_base=mock.base_url,
        num_retries=0,
    )
    sent = chat_requests(mock)
    assert len(sent) == 2
    for request in sent:
        assert request.status == 200
        assert_folded(request)


def test_unknown_model_is_sent_when_the_catalog_is_not_fresh(mock: MockAIMLAPI) -> None:
    """Without a sync only the bundled snapshot is known: it cannot prove a model is absent."""
    with pytest.raises(AIMLAPIUnknownModelError):
        lc_model(mock, model="openai/gpt-4o-mimi").invoke("hi")
    with pytest.raises(litellm.NotFoundError):
        ll_call(mock, model="openai/gpt-4o-mimi")
    assert len(chat_requests(mock)) == 2  # the mock (the API) said no, not preflight


@pytest.mark.parametrize(
    "call",
    [
        lambda mock: lc_model(mock).invoke(SYSTEM_LC),
        lambda mock: ll_call(mock, messages=SYSTEM_LL),
    ],
    ids=["langchain", "litellm"],
)
def test_env_switch_turns_preflight_off_in_both_adapters(
    mock: MockAIMLAPI,
    monkeypatch: pytest.MonkeyPatch,
    call: Callable[[MockAIMLAPI], Any],
) -> None:
    monkeypatch.setenv("AIMLAPI_PREFLIGHT", "0")
    with pytest.raises(core.InvalidRequestError):
        call(mock)
    (sent,) = chat_requests(mock)
    assert [m["role"] for m in sent.json["messages"]] == ["system", "user"]
