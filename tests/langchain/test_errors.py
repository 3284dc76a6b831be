"""The LangChain column of the error contract, over real HTTP to the mock server.

Every documented failure (mock presets) must surface as a class that is both the right
``langchain_core.exceptions`` type and the right ``aiml_integrations.errors`` type, with the
right ``is_retryable`` and attributes, raised ``from`` the core error — for invoke, ainvoke,
stream/astream (before the first chunk and after it) and embeddings.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from langchain_core import exceptions as lc

from aiml_integrations import errors as core
from aiml_integrations.langchain import (
    AIMLAPIAPIConnectionError,
    AIMLAPIAuthenticationError,
    AIMLAPIBadGatewayError,
    AIMLAPIContentPolicyError,
    AIMLAPIContextOverflowError,
    AIMLAPIInvalidRequestError,
    AIMLAPINotFoundError,
    AIMLAPIOutOfCreditsError,
    AIMLAPIPermissionDeniedError,
    AIMLAPIRateLimitError,
    AIMLAPIRequestTimeoutError,
    AIMLAPIServerError,
    AIMLAPIServiceUnavailableError,
    AIMLAPIUnknownModelError,
    ChatAIMLAPI,
)
from aiml_integrations.langchain._errors import _BY_CATEGORY
from aiml_integrations.testing import Fault, MockAIMLAPI, presets

from ._support import make_chat, make_embeddings

LONG_PROMPT = "one two three four five six seven eight nine ten eleven twelve"


@dataclass(frozen=True)
class Case:
    fault: Fault
    cls: type[Exception]
    lc_type: type[Exception]
    core_type: type[Exception]
    retryable: bool
    status: int | None
    timeout: float | None = None

    def __str__(self) -> str:
        return self.fault.label


CASES = [
    Case(
        presets.INVALID_API_KEY,
        AIMLAPIAuthenticationError,
        lc.ModelAuthenticationError,
        core.AuthenticationError,
        False,
        401,
    ),
    Case(
        presets.OUT_OF_CREDITS,
        AIMLAPIOutOfCreditsError,
        lc.ModelPermissionDeniedError,
        core.OutOfCreditsError,
        False,
        403,
    ),
    Case(
        presets.OUT_OF_CREDITS_LEGACY,
        AIMLAPIOutOfCreditsError,
        lc.ModelPermissionDeniedError,
        core.OutOfCreditsError,
        False,
        403,
    ),
    Case(
        Fault(status=402, message="Payment Required", name="HTTP_402"),
        AIMLAPIOutOfCreditsError,
        lc.ModelPermissionDeniedError,
        core.OutOfCreditsError,
        False,
        402,
    ),
    Case(
        presets.PERMISSION_DENIED,
        AIMLAPIPermissionDeniedError,
        lc.ModelPermissionDeniedError,
        core.PermissionDeniedError,
        False,
        403,
    ),
    Case(
        presets.BODY_VALIDATION,
        AIMLAPIInvalidRequestError,
        lc.ModelInvalidRequestError,
        core.InvalidRequestError,
        False,
        400,
    ),
    Case(
        presets.OPENAI_SHAPED_ERROR,
        AIMLAPIInvalidRequestError,
        lc.ModelInvalidRequestError,
        core.InvalidRequestError,
        False,
        400,
    ),
    Case(
        Fault(status=422, message="Unprocessable Entity", name="HTTP_422"),
        AIMLAPIInvalidRequestError,
        lc.ModelInvalidRequestError,
        core.InvalidRequestError,
        False,
        422,
    ),
    Case(
        presets.UNKNOWN_MODEL,
        AIMLAPIUnknownModelError,
        lc.ModelNotFoundError,
        core.UnknownModelError,
        False,
        400,
    ),
    Case(
        presets.MODEL_DEPRECATED,
        AIMLAPIUnknownModelError,
        lc.ModelNotFoundError,
        core.UnknownModelError,
        False,
        404,
    ),
    Case(
        presets.NOT_FOUND,
        AIMLAPINotFoundError,
        lc.ModelNotFoundError,
        core.NotFoundError,
        False,
        404,
    ),
    Case(
        presets.CONTEXT_OVERFLOW,
        AIMLAPIContextOverflowError,
        lc.ContextOverflowError,
        core.ContextOverflowError,
        False,
        400,
    ),
    Case(
        presets.CONTEXT_OVERFLOW_UNDER_500,
        AIMLAPIContextOverflowError,
        lc.ContextOverflowError,
        core.ContextOverflowError,
        False,
        500,
    ),
    Case(
        presets.CONTEXT_OVERFLOW_ANTHROPIC,
        AIMLAPIContextOverflowError,
        lc.ContextOverflowError,
        core.ContextOverflowError,
        False,
        400,
    ),
    Case(
        Fault(status=413, message="Payload Too Large", name="HTTP_413"),
        AIMLAPIContextOverflowError,
        lc.ContextOverflowError,
        core.ContextOverflowError,
        False,
        413,
    ),
    Case(
        presets.CONTENT_POLICY,
        AIMLAPIContentPolicyError,
        lc.ModelInvalidRequestError,
        core.ContentPolicyError,
        False,
        400,
    ),
    Case(
        presets.RATE_LIMITED,
        AIMLAPIRateLimitError,
        lc.ModelRateLimitError,
        core.RateLimitError,
        True,
        429,
    ),
    Case(
        presets.STATUS_CODE_AS_STRING,
        AIMLAPIRateLimitError,
        lc.ModelRateLimitError,
        core.RateLimitError,
        True,
        429,
    ),
    Case(
        presets.FREE_TIER_LIMIT,
        AIMLAPIRateLimitError,
        lc.ModelRateLimitError,
        core.RateLimitError,
        False,
        429,
    ),
    Case(presets.INTERNAL_ERROR, AIMLAPIServerError, lc.ModelAPIError, core.ServerError, True, 500),
    Case(presets.EMPTY_BODY_500, AIMLAPIServerError, lc.ModelAPIError, core.ServerError, True, 500),
    Case(
        presets.BAD_GATEWAY,
        AIMLAPIBadGatewayError,
        lc.ModelAPIError,
        core.BadGatewayError,
        True,
        502,
    ),
    Case(
        presets.HTML_GATEWAY_ERROR,
        AIMLAPIBadGatewayError,
        lc.ModelAPIError,
        core.BadGatewayError,
        True,
        502,
    ),
    Case(
        presets.SERVICE_UNAVAILABLE,
        AIMLAPIServiceUnavailableError,
        lc.ModelAPIError,
        core.ServiceUnavailableError,
        True,
        503,
    ),
    Case(
        presets.MODEL_MAINTENANCE,
        AIMLAPIServiceUnavailableError,
        lc.ModelAPIError,
        core.ServiceUnavailableError,
        True,
        500,
    ),
    Case(
        presets.GENERATION_TIMEOUT,
        AIMLAPIRequestTimeoutError,
        lc.ModelTimeoutError,
        core.RequestTimeoutError,
        True,
        504,
    ),
    Case(
        Fault(status=408, message="Request Timeout", name="HTTP_408"),
        AIMLAPIRequestTimeoutError,
        lc.ModelTimeoutError,
        core.RequestTimeoutError,
        True,
        408,
    ),
    Case(
        presets.slow(2),
        AIMLAPIRequestTimeoutError,
        lc.ModelTimeoutError,
        core.RequestTimeoutError,
        True,
        None,
        timeout=0.3,
    ),
    Case(
        presets.CONNECTION_RESET,
        AIMLAPIAPIConnectionError,
        lc.ModelConnectionError,
        core.APIConnectionError,
        True,
        None,
    ),
]

Call = Callable[[ChatAIMLAPI], Any]
ACall = Callable[[ChatAIMLAPI], Awaitable[Any]]


def _invoke(model: ChatAIMLAPI) -> Any:
    return model.invoke(LONG_PROMPT)


def _stream(model: ChatAIMLAPI) -> Any:
    return list(model.stream(LONG_PROMPT))


async def _ainvoke(model: ChatAIMLAPI) -> Any:
    return await model.ainvoke(LONG_PROMPT)


async def _astream(model: ChatAIMLAPI) -> Any:
    return [chunk async for chunk in model.astream(LONG_PROMPT)]


def _check(exc: BaseException, case: Case, mock: MockAIMLAPI) -> None:
    assert type(exc) is case.cls, f"{case}: got {type(exc).__name__}"
    assert isinstance(exc, case.lc_type)
    assert isinstance(exc, case.core_type)
    assert isinstance(exc, lc.ModelError)
    assert exc.is_retryable is case.retryable
    assert exc.status_code == case.status  # type: ignore[attr-defined]
    cause = exc.__cause__
    assert isinstance(cause, core.AIMLAPIError) and not isinstance(cause, lc.ModelError)
    assert cause.info is exc.info  # type: ignore[attr-defined]
    if case.status is not None:
        assert exc.request_id  # type: ignore[attr-defined]
    assert "mock-key" not in str(exc) and "mock-key" not in repr(exc)
    assert len(mock.requests) == 1, "max_retries=0 must send exactly one request"


def _model(mock: MockAIMLAPI, case: Case) -> ChatAIMLAPI:
    return make_chat(mock, max_retries=0, timeout=case.timeout)


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("call", [_invoke, _stream], ids=["invoke", "stream"])
def test_sync_chat_errors(aimlapi_mock: MockAIMLAPI, case: Case, call: Call) -> None:
    aimlapi_mock.inject(case.fault)
    with pytest.raises(case.cls) as info:
        call(_model(aimlapi_mock, case))
    _check(info.value, case, aimlapi_mock)


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("call", [_ainvoke, _astream], ids=["ainvoke", "astream"])
async def test_async_chat_errors(aimlapi_mock: MockAIMLAPI, case: Case, call: ACall) -> None:
    aimlapi_mock.inject(case.fault)
    with pytest.raises(case.cls) as info:
        await call(_model(aimlapi_mock, case))
    _check(info.value, case, aimlapi_mock)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_embeddings_errors(aimlapi_mock: MockAIMLAPI, case: Case) -> None:
    aimlapi_mock.inject(case.fault)
    embeddings = make_embeddings(aimlapi_mock, max_retries=0, timeout=case.timeout)
    with pytest.raises(case.cls) as info:
        embeddings.embed_documents(["a", "b"])
    _check(info.value, case, aimlapi_mock)


@pytest.mark.parametrize("case", [CASES[0], CASES[16], CASES[-1]], ids=str)
async def test_async_embeddings_errors(aimlapi_mock: MockAIMLAPI, case: Case) -> None:
    aimlapi_mock.inject(case.fault)
    embeddings = make_embeddings(aimlapi_mock, max_retries=0, timeout=case.timeout)
    with pytest.raises(case.cls) as info:
        await embeddings.aembed_query("a")
    _check(info.value, case, aimlapi_mock)


def test_every_category_has_a_dual_class() -> None:
    lc_for = {
        core.ErrorCategory.INVALID_REQUEST: lc.ModelInvalidRequestError,
        core.ErrorCategory.UNKNOWN_MODEL: lc.ModelNotFoundError,
        core.ErrorCategory.CONTEXT_OVERFLOW: lc.ContextOverflowError,
        core.ErrorCategory.CONTENT_POLICY: lc.ModelInvalidRequestError,
        core.ErrorCategory.AUTHENTICATION: lc.ModelAuthenticationError,
        core.ErrorCategory.OUT_OF_CREDITS: lc.ModelPermissionDeniedError,
        core.ErrorCategory.PERMISSION_DENIED: lc.ModelPermissionDeniedError,
        core.ErrorCategory.NOT_FOUND: lc.ModelNotFoundError,
        core.ErrorCategory.RATE_LIMITED: lc.ModelRateLimitError,
        core.ErrorCategory.SERVER_ERROR: lc.ModelAPIError,
        core.ErrorCategory.BAD_GATEWAY: lc.ModelAPIError,
        core.ErrorCategory.UNAVAILABLE: lc.ModelAPIError,
        core.ErrorCategory.TIMEOUT: lc.ModelTimeoutError,
        core.ErrorCategory.CONNECTION: lc.ModelConnectionError,
        core.ErrorCategory.INTERNAL: lc.ModelError,
    }
    assert set(_BY_CATEGORY) == set(core.ErrorCategory)
    for category, cls in _BY_CATEGORY.items():
        assert issubclass(cls, lc_for[category]), category
        assert issubclass(cls, core.error_class_for(category)), category
        assert cls.category is category
    assert not issubclass(AIMLAPIContextOverflowError, lc.ModelInvalidRequestError)


def test_rate_limit_exposes_retry_after(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.rate_limited(retry_after=2))
    with pytest.raises(AIMLAPIRateLimitError) as info:
        make_chat(aimlapi_mock, max_retries=0).invoke("hi")
    assert info.value.retry_after == 2.0
    assert info.value.is_retryable is True


def test_validation_details_are_readable(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.BODY_VALIDATION)
    with pytest.raises(AIMLAPIInvalidRequestError) as info:
        make_chat(aimlapi_mock, max_retries=0).invoke("hi")
    assert info.value.details and "messages" in info.value.details[0]
    assert info.value.message == "Body validation error!"
    assert info.value.details[0] in str(info.value)


@pytest.mark.parametrize(
    ("fault", "cls"),
    [
        (presets.STREAM_CUT, AIMLAPIAPIConnectionError),
        (presets.STREAM_ERROR_EVENT, AIMLAPIServerError),
    ],
    ids=["cut", "error_event"],
)
def test_stream_error_after_first_chunk(
    aimlapi_mock: MockAIMLAPI, fault: Fault, cls: type[Exception]
) -> None:
    """Raised typed, and not retried: chunks were already handed to the caller."""
    aimlapi_mock.inject(fault)
    model = make_chat(aimlapi_mock, max_retries=2)
    received = []
    with pytest.raises(cls) as info:
        for chunk in model.stream(LONG_PROMPT):
            received.append(chunk)
    assert received and received[0].content
    assert isinstance(info.value, lc.ModelError) and info.value.is_retryable
    assert isinstance(info.value.__cause__, core.AIMLAPIError)
    assert len(aimlapi_mock.requests) == 1


@pytest.mark.parametrize(
    ("fault", "cls"),
    [
        (presets.STREAM_CUT, AIMLAPIAPIConnectionError),
        (presets.STREAM_ERROR_EVENT, AIMLAPIServerError),
    ],
    ids=["cut", "error_event"],
)
async def test_astream_error_after_first_chunk(
    aimlapi_mock: MockAIMLAPI, fault: Fault, cls: type[Exception]
) -> None:
    aimlapi_mock.inject(fault)
    model = make_chat(aimlapi_mock, max_retries=2)
    received = []
    with pytest.raises(cls):
        async for chunk in model.astream(LONG_PROMPT):
            received.append(chunk)
    assert received and received[0].content
    assert len(aimlapi_mock.requests) == 1


def test_stream_cut_before_first_chunk_is_typed(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(Fault(stream_cut_after=0, name="cut0"))
    with pytest.raises(AIMLAPIAPIConnectionError):
        list(make_chat(aimlapi_mock, max_retries=0).stream(LONG_PROMPT))


def test_missing_key_raises_at_call_time(
    aimlapi_mock: MockAIMLAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AIMLAPI_API_KEY", "AIML_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    model = ChatAIMLAPI(model="openai/gpt-4o", base_url=aimlapi_mock.base_url)
    assert model.api_key is None
    for call in (model.invoke, lambda p: list(model.stream(p))):
        with pytest.raises(AIMLAPIAuthenticationError) as info:
            call("hi")
        assert isinstance(info.value, lc.ModelAuthenticationError)
        assert isinstance(info.value, core.AuthenticationError)
        assert info.value.is_retryable is False
        assert "AIMLAPI_API_KEY" in str(info.value) and "AIML_API_KEY" in str(info.value)
    embeddings = make_embeddings(aimlapi_mock, api_key=None)
    with pytest.raises(AIMLAPIAuthenticationError):
        embeddings.embed_query("hi")
    assert aimlapi_mock.requests == [], "nothing may be sent without a key"


def test_errors_pickle() -> None:
    import pickle

    info = core.ErrorInfo(
        category=core.ErrorCategory.RATE_LIMITED, message="x", status_code=429, retryable=False
    )
    exc = AIMLAPIRateLimitError(info)
    again = pickle.loads(pickle.dumps(exc))
    assert type(again) is AIMLAPIRateLimitError
    assert again.is_retryable is False and again.status_code == 429
