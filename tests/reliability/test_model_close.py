"""``ChatAIMLAPI.close()`` / ``aclose()`` and ``AIMLAPIEmbeddings.close()`` give connections back.

Why: a process that creates and drops models (per tenant, per request) must be able to release
their keep-alive connections without waiting for garbage collection; and closing must not
break the model — the next call simply reconnects.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from aiml_integrations.langchain import AIMLAPIEmbeddings, ChatAIMLAPI
from aiml_integrations.testing import MockAIMLAPI

from ._support import settle, tcp_states


@pytest.fixture
def own_mock() -> Iterator[MockAIMLAPI]:
    """A server of this test's own: the session-wide one may hold other tests' connections."""
    with MockAIMLAPI() as mock:
        yield mock


def _port(mock: MockAIMLAPI) -> int:
    port = urlsplit(mock.url).port
    assert port is not None
    return port


def _established(mock: MockAIMLAPI) -> int:
    return tcp_states(_port(mock))["ESTABLISHED"]


def test_chat_model_close_releases_its_connections_and_stays_usable(
    own_mock: MockAIMLAPI,
) -> None:
    model = ChatAIMLAPI(model="gpt-4o-mini", base_url=own_mock.base_url, api_key=own_mock.api_key)
    assert settle(lambda: _established(own_mock) == 0)
    model.invoke("hello")
    assert _established(own_mock) > 0  # keep-alive: client and server ends
    model.close()
    assert settle(lambda: _established(own_mock) == 0), tcp_states(_port(own_mock))
    assert model.invoke("again").content == "again"


async def test_chat_model_aclose_releases_async_connections(own_mock: MockAIMLAPI) -> None:
    model = ChatAIMLAPI(model="gpt-4o-mini", base_url=own_mock.base_url, api_key=own_mock.api_key)
    assert settle(lambda: _established(own_mock) == 0)
    await model.ainvoke("hello")
    assert _established(own_mock) > 0
    await model.aclose()
    assert settle(lambda: _established(own_mock) == 0), tcp_states(_port(own_mock))
    assert (await model.ainvoke("again")).content == "again"


def test_embeddings_close_releases_its_connections(own_mock: MockAIMLAPI) -> None:
    embeddings = AIMLAPIEmbeddings(
        model="text-embedding-3-small",
        base_url=own_mock.base_url,
        api_key=own_mock.api_key,
    )
    assert settle(lambda: _established(own_mock) == 0)
    embeddings.embed_documents(["a", "b"])
    assert _established(own_mock) > 0
    embeddings.close()
    assert settle(lambda: _established(own_mock) == 0), tcp_states(_port(own_mock))
    assert len(embeddings.embed_query("c")) > 0
