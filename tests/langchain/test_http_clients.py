"""``ChatAIMLAPI`` / ``AIMLAPIEmbeddings`` with caller-owned httpx clients (``http_client`` /
``http_async_client``): every call and stream goes through them, ``close()`` / ``aclose()``
leave them open, several models share one pool, and errors keep the LangChain types and the
model's own retries. Counted at both ends: the caller's event hook and the mock's log."""

from __future__ import annotations

import httpx
import pytest
from langchain_core.exceptions import ModelAuthenticationError, ModelRateLimitError
from langchain_core.load import dumpd

from aiml_integrations.langchain import AIMLAPIRateLimitError, ChatAIMLAPI
from aiml_integrations.testing import MockAIMLAPI, presets

from ._support import make_chat, make_embeddings


def _hooked(sent: list[str]) -> httpx.Client:
    return httpx.Client(event_hooks={"request": [lambda r: sent.append(r.url.path)]})


def _ahooked(sent: list[str]) -> httpx.AsyncClient:
    async def hook(request: httpx.Request) -> None:
        sent.append(request.url.path)

    return httpx.AsyncClient(event_hooks={"request": [hook]})


def test_sync_chat_and_embeddings_use_the_callers_client(aimlapi_mock: MockAIMLAPI) -> None:
    sent: list[str] = []
    with _hooked(sent) as http:
        chat = make_chat(aimlapi_mock, http_client=http)
        assert chat.invoke("hello").content == "hello"
        assert "".join(str(c.content) for c in chat.stream("hello")) == "hello"
        embeddings = make_embeddings(aimlapi_mock, http_client=http)
        assert len(embeddings.embed_documents(["a", "b"])) == 2
        chat.close()
        embeddings.close()
        assert not http.is_closed
        assert chat.invoke("again").content == "again"
    assert sent == ["/v1/chat/completions"] * 2 + ["/v1/embeddings"] + ["/v1/chat/completions"]
    assert len(aimlapi_mock.requests) == 4


async def test_async_chat_and_embeddings_use_the_callers_client(aimlapi_mock: MockAIMLAPI) -> None:
    sent: list[str] = []
    async with _ahooked(sent) as http:
        chat = make_chat(aimlapi_mock, http_async_client=http)
        assert (await chat.ainvoke("hello")).content == "hello"
        assert "".join([str(c.content) async for c in chat.astream("hello")]) == "hello"
        embeddings = make_embeddings(aimlapi_mock, http_async_client=http)
        assert len(await embeddings.aembed_documents(["a"])) == 1
        await chat.aclose()
        await embeddings.aclose()
        assert not http.is_closed
    assert sent == ["/v1/chat/completions"] * 2 + ["/v1/embeddings"]
    assert len(aimlapi_mock.requests) == 3


def test_one_pool_shared_by_models_with_different_keys(aimlapi_mock_factory: object) -> None:
    mock: MockAIMLAPI = aimlapi_mock_factory(keys=["key-a", "key-b"])  # type: ignore[operator]
    sent: list[str] = []
    with _hooked(sent) as http:
        models = [make_chat(mock, api_key=key, http_client=http) for key in ("key-a", "key-b")]
        for model in models:
            model.invoke("hi")
        with pytest.raises(ModelAuthenticationError):
            make_chat(mock, api_key="wrong", http_client=http).invoke("hi")
    assert [r.api_key for r in mock.requests] == ["key-a", "key-b", "wrong"]
    assert [r.status for r in mock.requests] == [200, 200, 401]
    assert len(sent) == 3


@pytest.mark.parametrize("mode", ["invoke", "stream"])
def test_errors_through_the_callers_client_are_typed_and_retried(
    aimlapi_mock: MockAIMLAPI, fast_retries: None, mode: str
) -> None:
    aimlapi_mock.inject(presets.RATE_LIMITED, times=3)
    sent: list[str] = []
    with _hooked(sent) as http:
        model = make_chat(aimlapi_mock, http_client=http, max_retries=2)
        with pytest.raises(AIMLAPIRateLimitError) as caught:
            model.invoke("hi") if mode == "invoke" else list(model.stream("hi"))
        assert isinstance(caught.value, ModelRateLimitError) and caught.value.is_retryable
        aimlapi_mock.inject(presets.RATE_LIMITED, times=1)
        assert model.invoke("recovered").content == "recovered"
    assert [r.status for r in aimlapi_mock.requests] == [429, 429, 429, 429, 200]
    assert len(sent) == 5


async def test_clients_are_not_serialized() -> None:
    with httpx.Client() as http:
        async with httpx.AsyncClient() as ahttp:
            chat = ChatAIMLAPI(model="openai/gpt-4o", http_client=http, http_async_client=ahttp)
            kwargs = dumpd(chat)["kwargs"]
    assert "http_client" not in kwargs and "http_async_client" not in kwargs
    assert kwargs["model"] == "openai/gpt-4o"
