"""Preflight through both adapters against the mock: what is sent, what fails before sending.

``google/gemma-3-4b-it`` is the catalog's model with no system role and no
tools/structured output/reasoning; the mock enforces its role rule (a system message is a 400),
so a success proves the folded payload went out. A "fresh" catalog comes from a real
``sync_catalog`` against the mock into the test's ``$AIMLAPI_CACHE_DIR``.
"""

from __future__ import annotations

import os

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

from collections.abc import Callable
from typing import Any

import litellm
import pytest
from langchain_core.exceptions import ModelInvalidRequestError, ModelNotFoundError
from langchain_core.messages import HumanMessage, SystemMessage

from aiml_integrations import AIMLAPIConfig
from aiml_integrations import errors as core
from aiml_integrations.catalog._sync import sync_catalog
from aiml_integrations.langchain import (
    AIMLAPIInvalidRequestError,
    AIMLAPIUnknownModelError,
    ChatAIMLAPI,
)
from aiml_integrations.litellm import (
    AIMLAPIUnknownModelError as LiteLLMUnknownModelError,
)
from aiml_integrations.litellm import (
    AIMLAPIUnsupportedParamsError,
    clear_clients,
    register,
)
from aiml_integrations.testing import MockAIMLAPI

litellm.suppress_debug_info = True
register()

MISTRAL = "google/gemma-3-4b-it"
CHAT = "/v1/chat/completions"
TOOL = {
    "type": "function",
    "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {}}},
}


@pytest.fixture(autouse=True)
def _no_cached_clients() -> Any:
    yield
    clear_clients()


def chat_requests(mock: MockAIMLAPI) -> list[Any]:
    return [r for r in mock.requests if r.path == CHAT]


def lc_model(mock: MockAIMLAPI, model: str = MISTRAL, **kwargs: Any) -> ChatAIMLAPI:
    settings: dict[str, Any] = {
        "model": model,
        "api_key": mock.api_key,
        "base_url": mock.base_url,
        "max_retries": 0,
        **kwargs,
    }
    return ChatAIMLAPI(**settings)


def ll_call(mock: MockAIMLAPI, model: str = MISTRAL, **kwargs: Any) -> Any:
    messages = kwargs.pop("messages", [{"role": "user", "content": "hi"}])
    return litellm.completion(
        model=f"aimlapi/{model}",
        messages=messages,
        api_key=mock.api_key,
        api_base=mock.base_url,
        num_retries=0,
        **kwargs,
    )


def sync_fresh_catalog(mock: MockAIMLAPI) -> None:
    config = AIMLAPIConfig.resolve(api_key=mock.api_key, base_url=mock.base_url, env={})
    sync_catalog(config)
    mock.clear_requests()


SYSTEM_LC = [SystemMessage("Answer in French."), HumanMessage("hi")]
SYSTEM_LL = [{"role": "system", "content": "Answer in French."}, {"role": "user", "content": "hi"}]


def _assert_folded(sent: Any) -> None:
    messages = sent.json["messages"]
    assert [m["role"] for m in messages] == ["user"]
    assert messages[0]["content"] == "Answer in French.\n\nhi"


# -- system messages folded ------------------------------------------------------------------


def test_langchain_folds_system_messages_for_a_model_without_system_role(
    mock: MockAIMLAPI,
) -> None:
    answer = lc_model(mock).invoke(SYSTEM_LC)
    assert isinstance(answer.content, str)
    (sent,) = chat_requests(mock)
    assert sent.status == 200
    _assert_folded(sent)


def test_langchain_stream_is_preflighted_too(mock: MockAIMLAPI) -> None:
    chunks = list(lc_model(mock).stream(SYSTEM_LC))
    assert chunks
    (sent,) = chat_requests(mock)
    assert sent.status == 200 and sent.stream
    _assert_folded(sent)


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
    _assert_folded(sent)


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
        _assert_folded(request)


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


def test_litellm_unknown_model_fails_fast_on_a_fresh_catalog(mock: MockAIMLAPI) -> None:
    sync_fresh_catalog(mock)
    with pytest.raises(LiteLLMUnknownModelError) as caught:
        ll_call(mock, model="openai/gpt-4o-mimi")
    assert isinstance(caught.value, litellm.NotFoundError)
    assert isinstance(caught.value, core.UnknownModelError)
    assert "did you mean" in str(caught.value)
    assert chat_requests(mock) == []


def test_unknown_model_is_sent_when_the_catalog_is_not_fresh(mock: MockAIMLAPI) -> None:
    """Without a sync only the bundled snapshot is known: it cannot prove a model is absent."""
    with pytest.raises(AIMLAPIUnknownModelError):
        lc_model(mock, model="openai/gpt-4o-mimi").invoke("hi")
    with pytest.raises(litellm.NotFoundError):
        ll_call(mock, model="openai/gpt-4o-mimi")
    assert len(chat_requests(mock)) == 2  # the mock (the API) said no, not preflight


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
    _assert_folded(sent)


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


def test_langchain_preflight_false_sends_the_payload_untouched(mock: MockAIMLAPI) -> None:
    with pytest.raises(AIMLAPIInvalidRequestError):  # the mock's 400 for the system role
        lc_model(mock, preflight=False).invoke(SYSTEM_LC)
    (sent,) = chat_requests(mock)
    assert sent.status == 400
    assert [m["role"] for m in sent.json["messages"]] == ["system", "user"]


def test_litellm_aimlapi_preflight_false_sends_the_payload_untouched(mock: MockAIMLAPI) -> None:
    with pytest.raises(litellm.BadRequestError):
        ll_call(mock, messages=SYSTEM_LL, aimlapi_preflight=False)
    (sent,) = chat_requests(mock)
    assert sent.status == 400
    assert [m["role"] for m in sent.json["messages"]] == ["system", "user"]
    assert "aimlapi_preflight" not in sent.json


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


def test_langchain_profile_follows_a_synced_catalog(mock: MockAIMLAPI) -> None:
    sync_fresh_catalog(mock)
    profile = lc_model(mock, model="gpt-4o-mini").profile
    assert profile is not None and profile.get("tool_calling") is True


# -- deprecated ids: both adapters say "deprecated", nothing is sent ---------------------------


def test_langchain_says_deprecated_not_unknown(mock: MockAIMLAPI) -> None:
    with pytest.raises(AIMLAPIUnknownModelError, match="deprecated") as caught:
        lc_model(mock, model="o1-mini").invoke("hi")
    assert isinstance(caught.value, ModelNotFoundError)
    assert "not in the AI/ML API model list" not in str(caught.value)
    assert chat_requests(mock) == []


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
    with pytest.raises(LiteLLMUnknownModelError, match="deprecated"):
        router.completion(model="old", messages=[{"role": "user", "content": "hi"}])
    assert chat_requests(mock) == []
