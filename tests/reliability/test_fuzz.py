"""Fuzz: hypothesis over status codes x bodies x headers, through both adapters' public entry
points, against the mock server (``Fault`` sends any bytes, status and headers).

Bodies: random JSON (also inside AI/ML API's envelope), upstream errors nested in
``"<status> <json>"`` wrappers up to three deep, non-UTF-8 bytes, very large bodies (beyond the
transport's 256 KiB error-body cap) and truncated JSON. Headers: malformed ``Retry-After`` /
``retry-after-ms``. The property: the caller always gets its framework's typed exception of the
family the contract gives for the status (or for the wrapped upstream error), with retryability
to match, and never anything else -- for 2xx bodies, an answer or a typed server error.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import litellm
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.exceptions import ModelError
from litellm.exceptions import MidStreamFallbackError

from aiml_integrations.errors import AIMLAPIError, ErrorCategory
from aiml_integrations.langchain import AIMLAPIEmbeddings, ChatAIMLAPI
from aiml_integrations.testing import Fault, MockAIMLAPI

from ._support import RETRYABLE, category_of

C = ErrorCategory

# -- the contract, per status --------------------------------------------------------------------


def family(status: int) -> set[ErrorCategory]:
    """The categories the contract allows for an error status with a body saying nothing
    specific (no overflow/policy/model wording)."""
    fixed = {
        401: {C.AUTHENTICATION},
        402: {C.OUT_OF_CREDITS},
        403: {C.PERMISSION_DENIED},
        404: {C.NOT_FOUND},
        408: {C.TIMEOUT},
        413: {C.CONTEXT_OVERFLOW},
        429: {C.RATE_LIMITED},
        502: {C.BAD_GATEWAY},
        503: {C.UNAVAILABLE},
        529: {C.UNAVAILABLE},
        504: {C.TIMEOUT},
        524: {C.TIMEOUT},
    }
    if status in fixed:
        return fixed[status]
    if 400 <= status <= 499:
        return {C.INVALID_REQUEST}
    return {C.SERVER_ERROR}  # other 5xx; also 3xx (not followed) and malformed 2xx answers


LITELLM_CLASS: dict[ErrorCategory, tuple[type[BaseException], ...]] = {
    C.INVALID_REQUEST: (litellm.BadRequestError, litellm.UnprocessableEntityError),
    C.UNKNOWN_MODEL: (litellm.NotFoundError,),
    C.CONTEXT_OVERFLOW: (litellm.ContextWindowExceededError,),
    C.CONTENT_POLICY: (litellm.ContentPolicyViolationError,),
    C.AUTHENTICATION: (litellm.AuthenticationError,),
    C.OUT_OF_CREDITS: (litellm.exceptions.PaymentRequiredError,),
    C.PERMISSION_DENIED: (litellm.PermissionDeniedError,),
    C.NOT_FOUND: (litellm.NotFoundError,),
    C.RATE_LIMITED: (litellm.RateLimitError,),
    C.SERVER_ERROR: (litellm.InternalServerError,),
    C.BAD_GATEWAY: (litellm.BadGatewayError,),
    C.UNAVAILABLE: (litellm.ServiceUnavailableError,),
    C.TIMEOUT: (litellm.Timeout,),
    C.CONNECTION: (litellm.APIConnectionError,),
}

# Upstream messages to wrap, with the category their wording calls for ("" = none).
UPSTREAM_MESSAGES: list[tuple[str, ErrorCategory | None]] = [
    ("Something went wrong upstream", None),
    ("messages: text content blocks must be non-empty", None),
    ("This model's maximum context length is 8192 tokens", C.CONTEXT_OVERFLOW),
    ("prompt is too long: 300000 tokens > 200000 maximum", C.CONTEXT_OVERFLOW),
    ("Your request was rejected as a result of our safety system", C.CONTENT_POLICY),
    ("Unable to access model gpt-4o-mini.", C.UNKNOWN_MODEL),
]

# -- strategies --------------------------------------------------------------------------------

ERROR_STATUSES = st.one_of(
    st.sampled_from([400, 401, 402, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504, 529]),
    st.integers(400, 599),
)
STATUSES = st.one_of(ERROR_STATUSES, ERROR_STATUSES, st.sampled_from([200, 201, 301, 302, 307]))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)

BAD_RETRY_AFTER = st.sampled_from(
    [
        "-1",
        "abc",
        "1e999",
        "NaN",
        "inf",
        "-inf",
        "99999999999999999999999",
        "",
        " 5 ",
        "0x10",
        "1.5",
        "-0",
        "Wed, 21 Oct 2015 07:28:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Mon, 99 Foo 2024 99:99:99 GMT",
        "5, 6",
    ]
)


@st.composite
def envelopes(draw: st.DrawFn, status: int) -> tuple[bytes, set[ErrorCategory]]:
    """AI/ML API's envelope with random (often wrong-typed) fields."""
    body: dict[str, Any] = {
        "requestId": draw(json_values),
        "statusCode": draw(st.sampled_from([status, str(status), None, "x", -1])),
        "path": draw(json_values),
        "message": draw(json_values),
    }
    if draw(st.booleans()):
        body["meta"] = draw(json_values)
    return json.dumps(body).encode(), set()


@st.composite
def wrapped(draw: st.DrawFn, status: int) -> tuple[bytes, set[ErrorCategory]]:
    """An upstream error nested 1-3 times in ``"<status> <json>"`` strings."""
    text, wording = draw(st.sampled_from(UPSTREAM_MESSAGES))
    inner_status = draw(st.sampled_from([400, 401, 403, 404, 413, 422, 429, 500, 503]))
    allowed = family(inner_status) | ({wording} if wording else set())
    if inner_status == 403:
        allowed.add(C.SERVER_ERROR)  # an upstream 403 under a 5xx concerns AI/ML API's creds
    message: str = text
    for _ in range(draw(st.integers(1, 3))):
        shape = draw(st.sampled_from(["anthropic", "openai", "plain"]))
        if shape == "anthropic":
            error = {"type": "invalid_request_error", "message": message}
            inner = {"type": "error", "error": error}
            message = f"{inner_status} {json.dumps(inner)}"
        elif shape == "openai":
            message = f"{inner_status} {json.dumps({'error': {'message': message}})}"
        else:
            message = f"{inner_status} {message}"
    body = {"requestId": "r", "statusCode": status, "path": "/v1/chat/completions"}
    body["message"] = message
    return json.dumps(body).encode(), allowed


@st.composite
def bodies(draw: st.DrawFn, status: int) -> tuple[bytes, set[ErrorCategory]]:
    """``(raw body, extra categories its wording allows)``."""
    kind = draw(st.sampled_from(["json", "envelope", "wrapped", "binary", "large", "truncated"]))
    if kind == "json":
        return json.dumps(draw(json_values)).encode(), set()
    if kind == "envelope":
        return draw(envelopes(status))
    if kind == "wrapped":
        return draw(wrapped(status))
    if kind == "binary":
        raw = draw(st.binary(min_size=1, max_size=200))
        return b"\xff\xfe\x80" + raw, set()
    if kind == "large":
        size = draw(st.sampled_from([300_000, 1_500_000]))
        filler = draw(st.sampled_from(["x", "\u00e9", "\U0001f600"]))
        as_json = draw(st.booleans())
        text = filler * (size // len(filler.encode()))
        raw = json.dumps({"statusCode": status, "message": text}) if as_json else text
        return raw.encode(), set()
    complete = json.dumps({"statusCode": status, "message": draw(st.text(max_size=50))})
    return complete[: draw(st.integers(0, len(complete) - 1))].encode(), set()


@st.composite
def cases(draw: st.DrawFn) -> tuple[int, bytes, dict[str, str], set[ErrorCategory]]:
    status = draw(STATUSES)
    body, extra = draw(bodies(status))
    headers: dict[str, str] = {}
    if draw(st.booleans()):
        headers["Retry-After"] = draw(BAD_RETRY_AFTER)
    if draw(st.booleans()):
        headers["retry-after-ms"] = draw(BAD_RETRY_AFTER)
    if draw(st.booleans()):
        headers["Location"] = "http://127.0.0.1:9/elsewhere"
    content_type = draw(st.sampled_from(["application/json", "text/plain", "text/html", None]))
    if content_type:
        headers["Content-Type"] = content_type
    return status, body, headers, family(status) | extra


# -- entry points ----------------------------------------------------------------------------

MESSAGES = [{"role": "user", "content": "hi"}]


def _litellm_kwargs(mock: MockAIMLAPI) -> dict[str, Any]:
    return {
        "model": "aimlapi/openai/gpt-4o",
        "messages": MESSAGES,
        "api_base": mock.base_url,
        "api_key": mock.api_key,
        "num_retries": 0,
    }


def litellm_completion(mock: MockAIMLAPI) -> None:
    litellm.completion(**_litellm_kwargs(mock))


def litellm_stream(mock: MockAIMLAPI) -> None:
    for _ in litellm.completion(stream=True, **_litellm_kwargs(mock)):
        pass


def _chat(mock: MockAIMLAPI) -> ChatAIMLAPI:
    return ChatAIMLAPI(
        model="openai/gpt-4o", base_url=mock.base_url, api_key=mock.api_key, max_retries=0
    )


def langchain_invoke(mock: MockAIMLAPI) -> None:
    _chat(mock).invoke("hi")


def langchain_stream(mock: MockAIMLAPI) -> None:
    for _ in _chat(mock).stream("hi"):
        pass


def langchain_embed(mock: MockAIMLAPI) -> None:
    AIMLAPIEmbeddings(
        model="text-embedding-3-small", base_url=mock.base_url, api_key=mock.api_key, max_retries=0
    ).embed_documents(["a", "b"])


LITELLM_ENTRIES = [litellm_completion, litellm_stream]
LANGCHAIN_ENTRIES = [langchain_invoke, langchain_stream, langchain_embed]
STREAM_ENTRIES = [litellm_stream, langchain_stream]


def check(
    entry: Callable[[MockAIMLAPI], None],
    mock: MockAIMLAPI,
    case: tuple[int, bytes, dict[str, str], set[ErrorCategory]],
) -> None:
    status, body, headers, allowed = case
    if 200 <= status <= 299 and entry in STREAM_ENTRIES:
        allowed = allowed | {C.CONNECTION}  # a 2xx that is no SSE stream ends before [DONE]
    mock.clear_faults()
    mock.clear_requests()
    mock.inject(Fault(status=status, body=body, headers=headers), times=1)
    try:
        entry(mock)
    except Exception as exc:
        framework = "litellm" if entry in LITELLM_ENTRIES else "langchain"
        check_exception(exc, framework, status, allowed)
    else:
        assert 200 <= status <= 299, f"{entry.__name__}: {status} answered as a success"
    assert len(mock.requests) == 1, "the fault must be met exactly once (no hidden retries)"


def check_exception(
    exc: Exception, framework: str, status: int, allowed: set[ErrorCategory]
) -> None:
    where = f"{framework} {status} -> {type(exc).__module__}.{type(exc).__name__}: {exc!s:.300}"
    if isinstance(exc, MidStreamFallbackError):
        # LiteLLM's own wrapper for a *retryable* error while iterating a stream without a
        # Router (the Router unwraps it): ours must be inside, before the first chunk.
        assert exc.is_pre_first_chunk, where
        original = exc.original_exception
        assert original is not None and category_of(original) in RETRYABLE, where
        exc = original
        where += f" wrapping {type(exc).__name__}"
    assert isinstance(exc, AIMLAPIError), f"untyped: {where}"
    category = exc.info.category
    assert category in allowed, f"{category} not in {allowed}: {where}"
    retry_after = exc.info.retry_after
    assert retry_after is None or (math.isfinite(retry_after) and retry_after >= 0), where
    if framework == "litellm":
        assert isinstance(exc, LITELLM_CLASS[category]), where
        assert exc.llm_provider == "aimlapi", where
        assert getattr(exc, "response", None) is not None, where
    else:
        assert isinstance(exc, ModelError), where
        expected_retry = category in RETRYABLE
        if category is C.RATE_LIMITED and exc.is_retryable is False:
            expected_retry = False  # a quota wording is allowed to say "not retryable"
        assert exc.is_retryable is expected_retry, where


FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


@pytest.mark.parametrize("entry", LITELLM_ENTRIES, ids=lambda f: f.__name__)
@FUZZ
@given(case=cases())
def test_litellm_entry_points_raise_typed_family(
    aimlapi_mock: MockAIMLAPI, entry: Callable[[MockAIMLAPI], None], case: Any
) -> None:
    check(entry, aimlapi_mock, case)


@pytest.mark.parametrize("entry", LANGCHAIN_ENTRIES, ids=lambda f: f.__name__)
@FUZZ
@given(case=cases())
def test_langchain_entry_points_raise_typed_family(
    aimlapi_mock: MockAIMLAPI, entry: Callable[[MockAIMLAPI], None], case: Any
) -> None:
    check(entry, aimlapi_mock, case)
