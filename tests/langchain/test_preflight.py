"""Preflight through ``ChatAIMLAPI`` against the mock: what is sent, what fails before sending.

The model and the helpers are in ``tests/_support.py``; the same checks through LiteLLM are in
``tests/litellm/test_preflight.py``, those that run both adapters side by side in
``tests/test_preflight_in_both_adapters.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from langchain_core.exceptions import ModelInvalidRequestError, ModelNotFoundError

from aiml_integrations import errors as core
from aiml_integrations.langchain import AIMLAPIInvalidRequestError, AIMLAPIUnknownModelError
from aiml_integrations.testing import MockAIMLAPI
from tests._support import (
    SYSTEM_LC,
    TOOL,
    assert_folded,
    chat_requests,
    lc_model,
    sync_fresh_catalog,
)

pytestmark = pytest.mark.usefixtures("cache_dir")


@pytest.fixture
def mock() -> Iterator[MockAIMLAPI]:
    """A mock of this test's own (``sync_fresh_catalog`` reads its ``/v1/models``)."""
    with MockAIMLAPI() as server:
        yield server


# -- system messages folded ------------------------------------------------------------------


def test_langchain_folds_system_messages_for_a_model_without_system_role(
    mock: MockAIMLAPI,
) -> None:
    answer = lc_model(mock).invoke(SYSTEM_LC)
    assert isinstance(answer.content, str)
    (sent,) = chat_requests(mock)
    assert sent.status == 200
    assert_folded(sent)


def test_langchain_stream_is_preflighted_too(mock: MockAIMLAPI) -> None:
    chunks = list(lc_model(mock).stream(SYSTEM_LC))
    assert chunks
    (sent,) = chat_requests(mock)
    assert sent.status == 200 and sent.stream
    assert_folded(sent)


# -- unknown model on a fresh catalog ---------------------------------------------------------


def test_langchain_unknown_model_fails_fast_on_a_fresh_catalog(mock: MockAIMLAPI) -> None:
    sync_fresh_catalog(mock)
    with pytest.raises(AIMLAPIUnknownModelError) as caught:
        lc_model(mock, model="openai/gpt-4o-mimi").invoke("hi")
    exc = caught.value
    assert isinstance(exc, ModelNotFoundError) and isinstance(exc, core.UnknownModelError)
    assert isinstance(exc.__cause__, core.UnknownModelError)
    assert exc.status_code is None and not exc.is_retryable
    assert "did you mean" in str(exc) and "gpt-4o-mini" in str(exc)
    assert chat_requests(mock) == []


# -- unsupported parameters: rejected, or dropped with drop_params -----------------------------


def test_langchain_rejects_unsupported_params_before_sending(mock: MockAIMLAPI) -> None:
    with pytest.raises(AIMLAPIInvalidRequestError) as caught:
        lc_model(mock).bind_tools([TOOL]).invoke("hi")
    assert isinstance(caught.value, ModelInvalidRequestError)
    assert isinstance(caught.value.__cause__, core.InvalidRequestError)
    assert "tools" in str(caught.value) and "drop_params" in str(caught.value)
    with pytest.raises(AIMLAPIInvalidRequestError):
        lc_model(mock, reasoning_effort="high").invoke("hi")
    assert chat_requests(mock) == []


def test_langchain_drop_params_drops_them(mock: MockAIMLAPI) -> None:
    model = lc_model(mock, drop_params=True, reasoning_effort="high")
    model.bind_tools([TOOL], tool_choice="auto").invoke(SYSTEM_LC)
    (sent,) = chat_requests(mock)
    assert sent.status == 200
    for name in ("tools", "tool_choice", "reasoning_effort"):
        assert name not in sent.json
    assert_folded(sent)


# -- switched off ------------------------------------------------------------------------------


def test_langchain_preflight_false_sends_the_payload_untouched(mock: MockAIMLAPI) -> None:
    with pytest.raises(AIMLAPIInvalidRequestError):  # the mock's 400 for the system role
        lc_model(mock, preflight=False).invoke(SYSTEM_LC)
    (sent,) = chat_requests(mock)
    assert sent.status == 400
    assert [m["role"] for m in sent.json["messages"]] == ["system", "user"]


def test_langchain_profile_follows_a_synced_catalog(mock: MockAIMLAPI) -> None:
    sync_fresh_catalog(mock)
    profile = lc_model(mock, model="gpt-4o-mini").profile
    assert profile is not None and profile.get("tool_calling") is True


# -- deprecated ids: "deprecated", nothing is sent ---------------------------------------------


def test_langchain_says_deprecated_not_unknown(mock: MockAIMLAPI) -> None:
    with pytest.raises(AIMLAPIUnknownModelError, match="deprecated") as caught:
        lc_model(mock, model="o1-mini").invoke("hi")
    assert isinstance(caught.value, ModelNotFoundError)
    assert "not in the AI/ML API model list" not in str(caught.value)
    assert chat_requests(mock) == []
