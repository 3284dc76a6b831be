"""A 2xx answer this client cannot read is a typed, retryable server error — never a stray
``AttributeError`` / ``TypeError``, and never an empty message that hides the failure.

Why: such errors bypass every retry and fallback layer (``ModelRetryMiddleware`` would treat
a bare ``TypeError`` as retryable, ``with_retry(ModelAPIError)`` would not see it at all), and
an empty ``AIMessage`` for an answer without choices silently loses the failure.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from langchain_core.exceptions import ModelAPIError

from aiml_integrations.errors import ServerError
from aiml_integrations.langchain import AIMLAPIEmbeddings, ChatAIMLAPI
from aiml_integrations.testing import Fault, MockAIMLAPI

CHAT_BODIES = [{}, {"choices": []}, {"choices": "x"}, {"choices": [None]}, [], "text"]
EMBEDDING_BODIES = [{}, {"data": "x"}, {"data": [{"embedding": None}]}, {"data": [{"index": 0}]}]


def _chat(mock: MockAIMLAPI) -> ChatAIMLAPI:
    return ChatAIMLAPI(
        model="openai/gpt-4o", base_url=mock.base_url, api_key=mock.api_key, max_retries=0
    )


def _assert_typed(exc: BaseException, mock: MockAIMLAPI) -> None:
    assert isinstance(exc, ModelAPIError) and isinstance(exc, ServerError)
    assert exc.is_retryable is True
    assert exc.request_id == mock.requests[-1].request_id  # quotable to support
    assert "AI/ML API answered" in str(exc)  # says what went wrong, not a Python traceback


@pytest.mark.parametrize("body", CHAT_BODIES, ids=repr)
def test_unreadable_chat_completion_is_a_typed_server_error(
    aimlapi_mock: MockAIMLAPI, body: Any
) -> None:
    aimlapi_mock.inject(Fault(status=200, body=body), times=1)
    with pytest.raises(ModelAPIError) as caught:
        _chat(aimlapi_mock).invoke("hi")
    _assert_typed(caught.value, aimlapi_mock)


@pytest.mark.parametrize("body", CHAT_BODIES, ids=repr)
async def test_unreadable_chat_completion_async(aimlapi_mock: MockAIMLAPI, body: Any) -> None:
    aimlapi_mock.inject(Fault(status=200, body=body), times=1)
    with pytest.raises(ModelAPIError) as caught:
        await _chat(aimlapi_mock).ainvoke("hi")
    _assert_typed(caught.value, aimlapi_mock)


def test_unreadable_answer_is_left_to_outer_retry_layers(aimlapi_mock: MockAIMLAPI) -> None:
    """The model's own ``max_retries`` wraps the HTTP call, not the reading of a 2xx answer:
    one request, then a retryable ``ModelAPIError`` for ``with_retry`` / middleware to act on."""
    aimlapi_mock.inject(Fault(status=200, body={"choices": "x"}), times=1)
    model = ChatAIMLAPI(
        model="openai/gpt-4o",
        base_url=aimlapi_mock.base_url,
        api_key=aimlapi_mock.api_key,
        max_retries=2,
    )
    with pytest.raises(ModelAPIError) as caught:
        model.invoke("hi")
    assert caught.value.is_retryable is True
    assert len(aimlapi_mock.requests_for(path="/v1/chat/completions")) == 1
    aimlapi_mock.inject(Fault(status=200, body={"choices": "x"}), times=1)
    retrying = model.with_retry(
        retry_if_exception_type=(ModelAPIError,),
        stop_after_attempt=2,
        wait_exponential_jitter=False,
    )
    assert retrying.invoke("again").content == "again"
    assert len(aimlapi_mock.requests_for(path="/v1/chat/completions")) == 3


@pytest.mark.parametrize("body", EMBEDDING_BODIES, ids=repr)
def test_unreadable_embeddings_are_a_typed_server_error(
    aimlapi_mock: MockAIMLAPI, body: Any
) -> None:
    aimlapi_mock.inject(Fault(status=200, body=body), times=1)
    embeddings = AIMLAPIEmbeddings(
        model="text-embedding-3-small",
        base_url=aimlapi_mock.base_url,
        api_key=aimlapi_mock.api_key,
        max_retries=0,
    )
    with pytest.raises(ModelAPIError) as caught:
        embeddings.embed_documents(["a"])
    _assert_typed(caught.value, aimlapi_mock)


class _BadStream(BaseHTTPRequestHandler):
    """Answers every POST with an SSE stream whose only event has an unreadable shape."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("x-inference-id", "bad-stream-1")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b"data: " + json.dumps({"choices": ["x"]}).encode() + b"\n\n")
        self.wfile.write(b"data: [DONE]\n\n")


@pytest.fixture
def bad_stream_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BadStream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()
    server.server_close()


def test_unreadable_stream_event_is_a_typed_server_error(bad_stream_url: str) -> None:
    model = ChatAIMLAPI(
        model="openai/gpt-4o", base_url=bad_stream_url, api_key="k" * 16, max_retries=0
    )
    with pytest.raises(ModelAPIError) as caught:
        list(model.stream("hi"))
    assert isinstance(caught.value, ServerError)
    assert "stream event" in str(caught.value)
