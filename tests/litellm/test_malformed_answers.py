"""A 2xx answer the provider cannot read is LiteLLM's ``InternalServerError`` *with the request
id* — the id a user quotes to AI/ML API support — never an untyped error.

Why: LiteLLM turns untyped handler errors into ``APIConnectionError`` (retried, never cooled
down), and a typed error without the ``x-inference-id`` leaves nothing to report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import litellm
import pytest

from aiml_integrations.errors import ServerError
from aiml_integrations.testing import Fault, MockAIMLAPI

CALLS: dict[str, tuple[str, Callable[[MockAIMLAPI], Any]]] = {
    "chat": (
        "/v1/chat/completions",
        lambda m: litellm.completion(
            model="aimlapi/openai/gpt-4o",
            messages=[{"role": "user", "content": "hi"}],
            api_base=m.base_url,
            api_key=m.api_key,
        ),
    ),
    "embeddings": (
        "/v1/embeddings",
        lambda m: litellm.embedding(
            model="aimlapi/text-embedding-3-small",
            input=["a"],
            api_base=m.base_url,
            api_key=m.api_key,
        ),
    ),
    "image": (
        "/v1/images/generations",
        lambda m: litellm.image_generation(
            model="aimlapi/flux/schnell", prompt="a cat", api_base=m.base_url, api_key=m.api_key
        ),
    ),
}


@pytest.mark.parametrize("body", [{}, {"choices": "x", "data": "x", "images": 5}, []], ids=repr)
@pytest.mark.parametrize("kind", list(CALLS))
def test_unreadable_answer_is_internal_server_error_with_request_id(
    aimlapi_mock: MockAIMLAPI, kind: str, body: Any
) -> None:
    path, call = CALLS[kind]
    aimlapi_mock.inject(Fault(status=200, body=body, path=path), times=1)
    with pytest.raises(litellm.InternalServerError) as caught:
        call(aimlapi_mock)
    exc = caught.value
    assert isinstance(exc, ServerError)
    assert exc.llm_provider == "aimlapi"
    assert exc.request_id is not None
    assert exc.request_id == aimlapi_mock.requests_for(path=path)[-1].request_id
    assert f"a {kind} answer this client cannot read" in str(exc)
