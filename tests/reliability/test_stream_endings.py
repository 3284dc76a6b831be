"""How a stream ends, through both frameworks: complete at the finish, a cut only before it.

A stream that delivered its finish reason (and usage) and then ended without ``data: [DONE]``
— cleanly or by a dropped connection — is a whole, billed answer: returned, not retried. A
stream cut before the finish is a typed connection error. A JSON error body where events were
expected is the error it says, not "the stream ended early". Counts come from the mock's log.
"""

from __future__ import annotations

from typing import Any

import litellm
import pytest
from langchain_core.exceptions import ModelAPIError, ModelConnectionError

from aiml_integrations.errors import AIMLAPIError, ErrorCategory
from aiml_integrations.langchain import ChatAIMLAPI
from aiml_integrations.testing import Fault, MockAIMLAPI, presets

CHAT = "/v1/chat/completions"
PROMPT = "stream endings one two three"
COMPLETE = [presets.STREAM_NO_DONE, presets.STREAM_DROPPED_AFTER_FINISH]


def _model(mock: MockAIMLAPI) -> ChatAIMLAPI:
    return ChatAIMLAPI(
        model="gpt-4o-mini", base_url=mock.base_url, api_key=mock.api_key, max_retries=2
    )


def _litellm_kwargs(mock: MockAIMLAPI) -> dict[str, Any]:
    return {
        "model": "aimlapi/gpt-4o-mini",
        "messages": [{"role": "user", "content": PROMPT}],
        "api_base": mock.base_url,
        "api_key": mock.api_key,
        "stream": True,
        "stream_options": {"include_usage": True},
    }


@pytest.mark.parametrize("ending", COMPLETE, ids=lambda f: f.name)
def test_langchain_stream_complete_without_done(aimlapi_mock: MockAIMLAPI, ending: Fault) -> None:
    aimlapi_mock.inject(ending, times=1)
    chunks = list(_model(aimlapi_mock).stream(PROMPT))
    assert "".join(str(c.content) for c in chunks) == PROMPT
    last = chunks[-1]
    assert last.usage_metadata is not None and last.usage_metadata["output_tokens"] > 0
    assert last.response_metadata["finish_reason"] == "stop"
    log = aimlapi_mock.requests_for(path=CHAT)
    assert [r.fault for r in log] == [ending.name]  # one request: not retried


@pytest.mark.parametrize("ending", COMPLETE, ids=lambda f: f.name)
async def test_langchain_astream_complete_without_done(
    aimlapi_mock: MockAIMLAPI, ending: Fault
) -> None:
    aimlapi_mock.inject(ending, times=1)
    chunks = [c async for c in _model(aimlapi_mock).astream(PROMPT)]
    assert "".join(str(c.content) for c in chunks) == PROMPT
    assert chunks[-1].usage_metadata is not None
    assert len(aimlapi_mock.requests_for(path=CHAT)) == 1


@pytest.mark.parametrize("ending", COMPLETE, ids=lambda f: f.name)
def test_litellm_stream_complete_without_done(aimlapi_mock: MockAIMLAPI, ending: Fault) -> None:
    aimlapi_mock.inject(ending, times=1)
    chunks = list(litellm.completion(**_litellm_kwargs(aimlapi_mock)))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == PROMPT
    built = litellm.stream_chunk_builder(chunks)
    assert built is not None and built.usage.completion_tokens > 0
    assert len(aimlapi_mock.requests_for(path=CHAT)) == 1


@pytest.mark.parametrize("ending", COMPLETE, ids=lambda f: f.name)
async def test_litellm_astream_complete_without_done(
    aimlapi_mock: MockAIMLAPI, ending: Fault
) -> None:
    aimlapi_mock.inject(ending, times=1)
    stream = await litellm.acompletion(**_litellm_kwargs(aimlapi_mock))
    chunks = [c async for c in stream]
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == PROMPT
    assert len(aimlapi_mock.requests_for(path=CHAT)) == 1


def test_a_cut_before_the_finish_is_still_a_connection_error(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.STREAM_CUT, times=1)
    model = _model(aimlapi_mock).model_copy(update={"max_retries": 0})
    with pytest.raises(ModelConnectionError) as caught:
        list(model.stream(PROMPT))
    assert isinstance(caught.value, AIMLAPIError)
    assert caught.value.info.category is ErrorCategory.CONNECTION


def test_json_error_body_to_a_stream_request_langchain(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.STREAM_JSON_ERROR, times=1)
    model = _model(aimlapi_mock).model_copy(update={"max_retries": 0})
    with pytest.raises(ModelAPIError) as caught:
        list(model.stream(PROMPT))
    exc = caught.value
    assert isinstance(exc, AIMLAPIError) and exc.info.category is ErrorCategory.SERVER_ERROR
    assert "Internal server error" in str(exc) and "[DONE]" not in str(exc)
    assert exc.request_id == aimlapi_mock.requests[-1].request_id


@pytest.mark.parametrize("status", [200, 429, 503])
def test_json_error_body_to_a_stream_request_litellm(
    aimlapi_mock: MockAIMLAPI, status: int
) -> None:
    """Any status: the JSON body is classified through the table (statusCode 500 at a 200;
    the HTTP status otherwise)."""
    fault = presets.STREAM_JSON_ERROR if status == 200 else Fault(status=status, message="busy")
    aimlapi_mock.inject(fault, times=1)
    with pytest.raises(Exception) as caught:
        list(litellm.completion(**_litellm_kwargs(aimlapi_mock), num_retries=0))
    inner = getattr(caught.value, "original_exception", None) or caught.value
    assert isinstance(inner, AIMLAPIError), repr(caught.value)
    expected = {200: ErrorCategory.SERVER_ERROR, 429: ErrorCategory.RATE_LIMITED}
    assert inner.info.category is expected.get(status, ErrorCategory.UNAVAILABLE)
    assert "[DONE]" not in str(inner)
