"""``ChatAIMLAPI`` / ``AIMLAPIEmbeddings`` copy and pickle after their first call, each copy with
its own pool; bad ``timeout`` / ``max_retries`` are rejected when the model is built.

Why: LangGraph checkpoints and multiprocessing copy or pickle models that have already
served calls; a copy that shared (or tried to copy) the original's pool would either fail
(``cannot pickle '_thread.lock'``) or close the original's connections with its own.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from typing import Any

import pydantic
import pytest

from aiml_integrations.langchain import AIMLAPIEmbeddings, ChatAIMLAPI
from aiml_integrations.testing import MockAIMLAPI

COPIES: dict[str, Callable[[Any], Any]] = {
    "deepcopy": copy.deepcopy,
    "copy": copy.copy,
    "pickle": lambda m: pickle.loads(pickle.dumps(m)),
    "model_copy": lambda m: m.model_copy(),
    "model_copy_deep": lambda m: m.model_copy(deep=True),
}


@pytest.mark.parametrize("how", list(COPIES))
def test_chat_model_copies_after_first_call_with_its_own_pool(
    aimlapi_mock: MockAIMLAPI, how: str
) -> None:
    model = ChatAIMLAPI(
        model="gpt-4o-mini", base_url=aimlapi_mock.base_url, api_key=aimlapi_mock.api_key
    )
    assert model.invoke("first").content == "first"
    original_pool = model._client
    clone = COPIES[how](model)
    assert clone._client is None  # built on its first call, from its own settings
    assert clone.invoke("clone").content == "clone"
    assert clone._client is not None and clone._client is not original_pool
    clone.close()
    assert model._client is original_pool  # closing the copy left the original alone
    assert model.invoke("again").content == "again"
    assert [r.api_key for r in aimlapi_mock.requests] == [aimlapi_mock.api_key] * 3
    model.close()


@pytest.mark.parametrize("how", list(COPIES))
def test_embeddings_copy_after_first_call_with_their_own_pool(
    aimlapi_mock: MockAIMLAPI, how: str
) -> None:
    embeddings = AIMLAPIEmbeddings(
        model="text-embedding-3-small",
        base_url=aimlapi_mock.base_url,
        api_key=aimlapi_mock.api_key,
    )
    assert embeddings.embed_query("a")
    clone = COPIES[how](embeddings)
    assert clone.embed_query("b") == embeddings.embed_query("b")
    assert clone._client is not embeddings._client
    assert len(aimlapi_mock.requests_for(path="/v1/embeddings")) == 3
    embeddings.close()
    clone.close()


def test_model_copy_with_another_key_uses_that_key(aimlapi_mock_factory: Any) -> None:
    mock: MockAIMLAPI = aimlapi_mock_factory(keys=["key-one-aaaaaaaa", "key-two-bbbbbbbb"])
    model = ChatAIMLAPI(model="gpt-4o-mini", base_url=mock.base_url, api_key="key-one-aaaaaaaa")
    model.invoke("one")
    other = model.model_copy(update={"api_key": pydantic.SecretStr("key-two-bbbbbbbb")})
    other.invoke("two")
    assert [r.api_key for r in mock.requests] == ["key-one-aaaaaaaa", "key-two-bbbbbbbb"]
    model.close()
    other.close()


@pytest.mark.parametrize(
    ("field", "value"),
    [("timeout", 0), ("timeout", -1), ("timeout", -0.5), ("max_retries", -1)],
)
@pytest.mark.parametrize("cls", [ChatAIMLAPI, AIMLAPIEmbeddings])
def test_bad_timeout_and_max_retries_are_rejected_at_construction(
    cls: type, field: str, value: float
) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        cls(model="gpt-4o-mini", api_key="k" * 16, **{field: value})
    errors = caught.value.errors()
    assert [e["type"] for e in errors] == [
        "greater_than" if field == "timeout" else "greater_than_equal"
    ]
    assert field in str(caught.value) or "request_timeout" in str(caught.value)


@pytest.mark.parametrize("cls", [ChatAIMLAPI, AIMLAPIEmbeddings])
def test_valid_limits_are_accepted(cls: type) -> None:
    model = cls(model="gpt-4o-mini", api_key="k" * 16, timeout=0.5, max_retries=0)
    assert (model.timeout, model.max_retries) == (0.5, 0)
