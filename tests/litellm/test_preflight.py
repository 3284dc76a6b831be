"""Preflight through ``litellm`` against the mock: what is sent, what fails before sending.

The model and the helpers are in ``tests/_support.py``; the same checks through LangChain are
in ``tests/langchain/test_preflight.py``, those that run both adapters side by side in
``tests/test_preflight_in_both_adapters.py``. (Registration and ``clear_clients()`` after each
test come from this folder's ``conftest.py``.)
"""

from __future__ import annotations

from collections.abc import Iterator

import litellm
import pytest

from aiml_integrations import errors as core
from aiml_integrations.litellm import AIMLAPIUnknownModelError, AIMLAPIUnsupportedParamsError
from aiml_integrations.testing import MockAIMLAPI
from tests._support import (
    SYSTEM_LL,
    TOOL,
    assert_folded,
    chat_requests,
    ll_call,
    sync_fresh_catalog,
)

pytestmark = pytest.mark.usefixtures("cache_dir")


@pytest.fixture
def mock() -> Iterator[MockAIMLAPI]:
    """A mock of this test's own (not this folder's session mock with the Router keys)."""
    with MockAIMLAPI() as server:
        yield server


# -- system messages folded ------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True])
def test_litellm_folds_system_messages_for_a_model_without_system_role(
    mock: MockAIMLAPI, stream: bool
) -> None:
    response = ll_call(mock, messages=SYSTEM_LL, stream=stream)
    if stream:
        assert list(response)
    else:
        assert response.choices[0].message.content
    (sent,) = chat_requests(mock)
    assert sent.status == 200
    assert_folded(sent)


# -- unknown model on a fresh catalog ---------------------------------------------------------


def test_litellm_unknown_model_fails_fast_on_a_fresh_catalog(mock: MockAIMLAPI) -> None:
    sync_fresh_catalog(mock)
    with pytest.raises(AIMLAPIUnknownModelError) as caught:
        ll_call(mock, model="openai/gpt-4o-mimi")
    assert isinstance(caught.value, litellm.NotFoundError)
    assert isinstance(caught.value, core.UnknownModelError)
    assert "did you mean" in str(caught.value)
    assert chat_requests(mock) == []


# -- unsupported parameters: rejected, or dropped with drop_params -----------------------------


def test_litellm_rejects_unsupported_params_before_sending(mock: MockAIMLAPI) -> None:
    with pytest.raises(AIMLAPIUnsupportedParamsError) as caught:
        ll_call(mock, tools=[TOOL])
    assert isinstance(caught.value, litellm.UnsupportedParamsError)
    assert isinstance(caught.value, core.InvalidRequestError)
    assert isinstance(caught.value.__cause__, core.InvalidRequestError)
    assert "tools" in str(caught.value)
    assert chat_requests(mock) == []


@pytest.mark.parametrize("how", ["call", "global"])
def test_litellm_drop_params_drops_them(
    mock: MockAIMLAPI, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "global":
        monkeypatch.setattr(litellm, "drop_params", True)
        ll_call(mock, tools=[TOOL], reasoning_effort="high")
    else:
        ll_call(mock, tools=[TOOL], reasoning_effort="high", drop_params=True)
    (sent,) = chat_requests(mock)
    assert sent.status == 200
    assert "tools" not in sent.json and "reasoning_effort" not in sent.json


# -- switched off ------------------------------------------------------------------------------


def test_litellm_aimlapi_preflight_false_sends_the_payload_untouched(mock: MockAIMLAPI) -> None:
    with pytest.raises(litellm.BadRequestError):
        ll_call(mock, messages=SYSTEM_LL, aimlapi_preflight=False)
    (sent,) = chat_requests(mock)
    assert sent.status == 400
    assert [m["role"] for m in sent.json["messages"]] == ["system", "user"]
    assert "aimlapi_preflight" not in sent.json


# -- deprecated ids: "deprecated", nothing is sent ---------------------------------------------


def test_litellm_says_deprecated_in_a_router_too(mock: MockAIMLAPI) -> None:
    router = litellm.Router(
        model_list=[
            {
                "model_name": "old",
                "litellm_params": {
                    "model": "aimlapi/gpt-4-turbo",
                    "api_key": mock.api_key,
                    "api_base": mock.base_url,
                },
            }
        ],
        num_retries=0,
    )
    with pytest.raises(AIMLAPIUnknownModelError, match="deprecated"):
        router.completion(model="old", messages=[{"role": "user", "content": "hi"}])
    assert chat_requests(mock) == []
