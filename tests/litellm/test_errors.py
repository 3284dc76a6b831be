"""Every error category, through real ``litellm.completion``/``acompletion`` calls to the mock.

Each case checks the LiteLLM class *and* the core class, the status the Router acts on, the
real status AI/ML API sent, provider/model, the request id and headers on the attached
``httpx.Response`` — and that the API key appears nowhere.
"""

from __future__ import annotations

import time
from typing import Any

import litellm
import pytest
from litellm.router_rust.core import failure_kind, retry_after_seconds

import aiml_integrations.errors as core
from aiml_integrations.litellm import (
    AIMLAPIInternalError,
    AIMLAPILiteLLMError,
    AIMLAPIUnsupportedParamsError,
)
from aiml_integrations.testing import Fault, MockAIMLAPI, presets

MESSAGES = [{"role": "user", "content": "hi"}]

MODEL = "aimlapi/openai/gpt-4o"

# (fault, LiteLLM class, core class, status_code for the Router, real status on the wire)
CASES: list[tuple[str, Fault, type[Exception], type[Exception], int, int | None]] = [
    (
        "validation",
        presets.BODY_VALIDATION,
        litellm.BadRequestError,
        core.InvalidRequestError,
        400,
        400,
    ),
    (
        "invalid_input",
        presets.INVALID_INPUT_ROLE,
        litellm.BadRequestError,
        core.InvalidRequestError,
        400,
        400,
    ),
    (
        "422",
        Fault(status=422, message="Unprocessable"),
        litellm.UnprocessableEntityError,
        core.InvalidRequestError,
        422,
        422,
    ),
    (
        "409",
        Fault(status=409, message="Conflict"),
        litellm.BadRequestError,
        core.InvalidRequestError,
        400,
        409,
    ),
    (
        "unknown_model",
        presets.UNKNOWN_MODEL,
        litellm.NotFoundError,
        core.UnknownModelError,
        404,
        400,
    ),
    (
        "unknown_model_under_500",
        presets.UPSTREAM_400_UNDER_500,
        litellm.NotFoundError,
        core.UnknownModelError,
        404,
        500,
    ),
    (
        "deprecated",
        presets.MODEL_DEPRECATED,
        litellm.NotFoundError,
        core.UnknownModelError,
        404,
        404,
    ),
    ("not_found", presets.NOT_FOUND, litellm.NotFoundError, core.NotFoundError, 404, 404),
    (
        "context",
        presets.CONTEXT_OVERFLOW,
        litellm.ContextWindowExceededError,
        core.ContextOverflowError,
        400,
        400,
    ),
    (
        "context_anthropic",
        presets.CONTEXT_OVERFLOW_ANTHROPIC,
        litellm.ContextWindowExceededError,
        core.ContextOverflowError,
        400,
        400,
    ),
    (
        "context_under_500",
        presets.CONTEXT_OVERFLOW_UNDER_500,
        litellm.ContextWindowExceededError,
        core.ContextOverflowError,
        400,
        500,
    ),
    (
        "content_policy",
        presets.CONTENT_POLICY,
        litellm.ContentPolicyViolationError,
        core.ContentPolicyError,
        400,
        400,
    ),
    (
        "auth",
        presets.INVALID_API_KEY,
        litellm.AuthenticationError,
        core.AuthenticationError,
        401,
        401,
    ),
    (
        "credits",
        presets.OUT_OF_CREDITS,
        litellm.PaymentRequiredError,
        core.OutOfCreditsError,
        402,
        403,
    ),
    (
        "credits_legacy",
        presets.OUT_OF_CREDITS_LEGACY,
        litellm.PaymentRequiredError,
        core.OutOfCreditsError,
        402,
        403,
    ),
    (
        "forbidden",
        presets.PERMISSION_DENIED,
        litellm.PermissionDeniedError,
        core.PermissionDeniedError,
        403,
        403,
    ),
    (
        "rate_limited",
        presets.rate_limited(retry_after=1),
        litellm.RateLimitError,
        core.RateLimitError,
        429,
        429,
    ),
    (
        "rate_limited_str",
        presets.STATUS_CODE_AS_STRING,
        litellm.RateLimitError,
        core.RateLimitError,
        429,
        429,
    ),
    ("free_tier", presets.FREE_TIER_LIMIT, litellm.RateLimitError, core.RateLimitError, 429, 429),
    ("internal", presets.INTERNAL_ERROR, litellm.InternalServerError, core.ServerError, 500, 500),
    ("empty_500", presets.EMPTY_BODY_500, litellm.InternalServerError, core.ServerError, 500, 500),
    ("text_500", presets.PLAIN_TEXT_500, litellm.InternalServerError, core.ServerError, 500, 500),
    (
        "html_502",
        presets.HTML_GATEWAY_ERROR,
        litellm.BadGatewayError,
        core.BadGatewayError,
        502,
        502,
    ),
    ("bad_gateway", presets.BAD_GATEWAY, litellm.BadGatewayError, core.BadGatewayError, 502, 502),
    (
        "unavailable",
        presets.SERVICE_UNAVAILABLE,
        litellm.ServiceUnavailableError,
        core.ServiceUnavailableError,
        503,
        503,
    ),
    (
        "maintenance",
        presets.MODEL_MAINTENANCE,
        litellm.ServiceUnavailableError,
        core.ServiceUnavailableError,
        503,
        500,
    ),
    (
        "gen_timeout",
        presets.GENERATION_TIMEOUT,
        litellm.Timeout,
        core.RequestTimeoutError,
        504,
        504,
    ),
    (
        "reset",
        presets.CONNECTION_RESET,
        litellm.APIConnectionError,
        core.APIConnectionError,
        500,
        None,
    ),
]


async def _call(mode: str, creds: dict[str, Any], **kwargs: Any) -> Any:
    if mode == "sync":
        return litellm.completion(model=MODEL, messages=MESSAGES, **creds, **kwargs)
    return await litellm.acompletion(model=MODEL, messages=MESSAGES, **creds, **kwargs)


def _assert_no_key(exc: BaseException, key: str) -> None:
    request = exc.response.request  # type: ignore[attr-defined]
    assert "authorization" not in {k.lower() for k in request.headers}
    for text in (str(exc), repr(exc), str(getattr(exc, "litellm_debug_info", ""))):
        assert key not in text


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(
    ("fault", "litellm_cls", "core_cls", "status", "wire_status"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
async def test_each_category_raises_native_and_core_class(
    mock: MockAIMLAPI,
    creds: dict[str, Any],
    mode: str,
    fault: Fault,
    litellm_cls: type[Exception],
    core_cls: type[Exception],
    status: int,
    wire_status: int | None,
) -> None:
    mock.inject(fault, times=1)
    with pytest.raises(litellm_cls) as caught:
        await _call(mode, creds)
    exc = caught.value
    assert isinstance(exc, core_cls)
    assert isinstance(exc, AIMLAPILiteLLMError)
    assert exc.llm_provider == "aimlapi"
    assert exc.model == "openai/gpt-4o"
    assert exc.status_code == status
    assert exc.aimlapi_status_code == wire_status
    assert exc.info.status_code == wire_status
    assert exc.response.status_code in (status, wire_status)
    assert str(exc).startswith(f"litellm.{litellm_cls.__name__}: AI/ML API")
    recorded = mock.requests[-1]
    if wire_status is not None:
        assert exc.request_id == recorded.request_id
        assert exc.response.headers["x-inference-id"] == recorded.request_id
        assert recorded.request_id in str(exc)
    assert exc.response.request.url.path == "/v1/chat/completions"
    assert failure_kind(exc) in {litellm_cls.__name__, "BadRequestError", "APIError"}
    _assert_no_key(exc, creds["api_key"])


async def test_retry_after_reaches_the_router(mock: MockAIMLAPI, creds: dict[str, Any]) -> None:
    mock.inject(presets.rate_limited(retry_after=2), times=1)
    with pytest.raises(litellm.RateLimitError) as caught:
        litellm.completion(model=MODEL, messages=MESSAGES, **creds)
    assert caught.value.response.headers["retry-after"] == "2"
    assert caught.value.retry_after == 2.0
    assert retry_after_seconds(caught.value) == 2.0


async def test_retry_after_ms_only_is_restated_in_whole_seconds(
    mock: MockAIMLAPI, creds: dict[str, Any]
) -> None:
    mock.inject(Fault(status=429, message="slow down", headers={"retry-after-ms": "1500"}), times=1)
    with pytest.raises(litellm.RateLimitError) as caught:
        litellm.completion(model=MODEL, messages=MESSAGES, **creds)
    assert retry_after_seconds(caught.value) == 2.0


async def test_no_retry_after_means_none_for_the_router(
    mock: MockAIMLAPI, creds: dict[str, Any]
) -> None:
    mock.inject(presets.RATE_LIMITED, times=1)
    with pytest.raises(litellm.RateLimitError) as caught:
        litellm.completion(model=MODEL, messages=MESSAGES, **creds)
    assert retry_after_seconds(caught.value) is None


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_missing_key_is_local_auth_error_never_other_vendors_key(
    mock: MockAIMLAPI, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-must-not-be-used")
    monkeypatch.setattr(litellm, "api_key", "sk-litellm-global-must-not-be-used")
    with pytest.raises(litellm.AuthenticationError) as caught:
        await _call(mode, {"api_base": mock.base_url})
    assert isinstance(caught.value, core.AuthenticationError)
    assert "AIMLAPI_API_KEY" in str(caught.value) and "AIML_API_KEY" in str(caught.value)
    assert caught.value.aimlapi_status_code is None
    assert mock.requests == []


async def test_key_from_environment(mock: MockAIMLAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIML_API_KEY", mock.api_key)
    monkeypatch.setenv("AIMLAPI_BASE_URL", mock.base_url)
    response = litellm.completion(model=MODEL, messages=MESSAGES)
    assert response.choices[0].message.content
    assert mock.requests[-1].api_key == mock.api_key


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_timeout_is_enforced(mock: MockAIMLAPI, creds: dict[str, Any], mode: str) -> None:
    mock.inject(presets.slow(2), times=1)
    started = time.monotonic()
    with pytest.raises(litellm.Timeout) as caught:
        await _call(mode, creds, timeout=0.5)
    assert time.monotonic() - started < 1.9  # coarse: well before the 2 s answer
    assert isinstance(caught.value, core.RequestTimeoutError)
    assert caught.value.status_code == 408
    assert caught.value.llm_provider == "aimlapi"


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_bug_in_response_building_is_typed_not_connection_error(
    mock: MockAIMLAPI, creds: dict[str, Any], monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise KeyError(f"choices {creds['api_key']}")

    monkeypatch.setattr("aiml_integrations.litellm._handler.chat_response", broken)
    with pytest.raises(AIMLAPIInternalError) as caught:
        await _call(mode, creds)
    exc = caught.value
    assert not isinstance(exc, litellm.APIConnectionError)
    assert "KeyError" in str(exc) and "bug in aiml-integrations" in str(exc)
    assert isinstance(exc.__cause__, KeyError)
    _assert_no_key(exc, creds["api_key"])


async def test_unsupported_param_raises_unless_drop_params(
    mock: MockAIMLAPI, creds: dict[str, Any]
) -> None:
    functions = [{"name": "f", "parameters": {"type": "object", "properties": {}}}]
    with pytest.raises(litellm.UnsupportedParamsError) as caught:
        litellm.completion(model=MODEL, messages=MESSAGES, functions=functions, **creds)
    assert isinstance(caught.value, AIMLAPIUnsupportedParamsError)
    assert isinstance(caught.value, core.InvalidRequestError)
    assert "functions" in str(caught.value) and "drop_params" in str(caught.value)
    assert mock.requests == []

    litellm.completion(
        model=MODEL, messages=MESSAGES, functions=functions, drop_params=True, **creds
    )
    assert "functions" not in mock.requests[-1].json


async def test_only_known_params_are_forwarded(mock: MockAIMLAPI, creds: dict[str, Any]) -> None:
    litellm.completion(
        model=MODEL,
        messages=MESSAGES,
        temperature=0.3,
        max_tokens=20,
        top_k=5,
        made_up_flag=True,
        max_retries=0,
        extra_body={"provider": "openai"},
        extra_headers={"X-Client-Tag": "t1"},
        **creds,
    )
    sent = mock.requests[-1]
    assert sent.json == {
        "model": "openai/gpt-4o",
        "messages": MESSAGES,
        "temperature": 0.3,
        "max_tokens": 20,
        "top_k": 5,
        "provider": "openai",
    }
    assert sent.headers["x-client-tag"] == "t1"
    assert sent.headers["authorization"] == f"Bearer {creds['api_key']}"
