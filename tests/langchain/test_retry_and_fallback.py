"""End-to-end behaviour with real LangChain runnables and agents against the mock server.

What matters is what the *framework* does with our exceptions: which failures ``with_retry``,
``ModelRetryMiddleware`` and our own ``max_retries`` retry (counted as requests the mock
received), and that ``with_fallbacks`` / ``ModelFallbackMiddleware`` reach the backup.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain.agents.middleware import ModelFallbackMiddleware, ModelRetryMiddleware
from langchain.agents.middleware._retry import default_retry_on
from langchain_core.exceptions import (
    ContextOverflowError,
    ModelAPIError,
    ModelConnectionError,
    ModelRateLimitError,
    ModelTimeoutError,
)
from langchain_core.messages import AIMessage, HumanMessage

from aiml_integrations.errors import ErrorCategory, ErrorInfo
from aiml_integrations.langchain import (
    AIMLAPIAuthenticationError,
    AIMLAPIInvalidRequestError,
    AIMLAPIOutOfCreditsError,
    AIMLAPIRateLimitError,
    AIMLAPIServerError,
    _retry,
)
from aiml_integrations.testing import Fault, MockAIMLAPI, presets

from ._support import BACKUP_MODEL, CHAT_MODEL, make_chat

RETRYABLE_TYPES = (ModelRateLimitError, ModelAPIError, ModelConnectionError, ModelTimeoutError)

RETRIED = [presets.RATE_LIMITED, presets.INTERNAL_ERROR, presets.SERVICE_UNAVAILABLE]
NOT_RETRIED = [
    presets.BODY_VALIDATION,
    presets.INVALID_API_KEY,
    presets.OUT_OF_CREDITS,
    presets.PERMISSION_DENIED,
    presets.CONTEXT_OVERFLOW,
]


def _hits(mock: MockAIMLAPI, model: str = CHAT_MODEL) -> int:
    return sum(1 for r in mock.requests if r.model == model)


# -- Runnable.with_retry ------------------------------------------------------------------------


@pytest.mark.parametrize("fault", RETRIED + NOT_RETRIED, ids=lambda f: f.label)
def test_with_retry_by_type_retries_only_retryable(aimlapi_mock: MockAIMLAPI, fault: Fault) -> None:
    aimlapi_mock.inject(fault)
    model = make_chat(aimlapi_mock, max_retries=0)
    runnable = model.with_retry(
        retry_if_exception_type=RETRYABLE_TYPES,
        wait_exponential_jitter=False,
        stop_after_attempt=3,
    )
    with pytest.raises(Exception) as info:
        runnable.invoke("hi")
    expected = 3 if fault in RETRIED else 1
    assert _hits(aimlapi_mock) == expected, type(info.value).__name__


def test_with_retry_predicate_respects_instance_is_retryable(aimlapi_mock: MockAIMLAPI) -> None:
    """A 429 "free-tier limit for the hour" is a ModelRateLimitError with is_retryable=False."""
    aimlapi_mock.inject(presets.FREE_TIER_LIMIT)
    model = make_chat(aimlapi_mock, max_retries=0)
    runnable = model.with_retry(
        retry_if_exception_type=default_retry_on, wait_exponential_jitter=False
    )
    with pytest.raises(AIMLAPIRateLimitError) as info:
        runnable.invoke("hi")
    assert info.value.is_retryable is False
    assert _hits(aimlapi_mock) == 1


def test_with_retry_recovers(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.RATE_LIMITED, times=2)
    model = make_chat(aimlapi_mock, max_retries=0)
    result = model.with_retry(
        retry_if_exception_type=RETRYABLE_TYPES, wait_exponential_jitter=False
    ).invoke("hello")
    assert result.content == "hello"
    assert [r.status for r in aimlapi_mock.requests] == [429, 429, 200]


# -- Runnable.with_fallbacks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault", [presets.OUT_OF_CREDITS, presets.RATE_LIMITED, presets.INVALID_API_KEY], ids=str
)
def test_with_fallbacks_reaches_backup(aimlapi_mock: MockAIMLAPI, fault: Fault) -> None:
    aimlapi_mock.inject(fault, model=CHAT_MODEL)
    primary = make_chat(aimlapi_mock, max_retries=0)
    backup = make_chat(aimlapi_mock, model=BACKUP_MODEL, max_retries=0)
    result = primary.with_fallbacks([backup]).invoke("hello")
    assert result.content == "hello"
    assert result.response_metadata["model_name"] == BACKUP_MODEL
    assert _hits(aimlapi_mock, CHAT_MODEL) == 1
    assert _hits(aimlapi_mock, BACKUP_MODEL) == 1


def test_with_fallbacks_stream_before_first_chunk(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.SERVICE_UNAVAILABLE, model=CHAT_MODEL)
    primary = make_chat(aimlapi_mock, max_retries=0)
    backup = make_chat(aimlapi_mock, model=BACKUP_MODEL, max_retries=0)
    text = "".join(str(c.content) for c in primary.with_fallbacks([backup]).stream("hello"))
    assert text == "hello"
    assert _hits(aimlapi_mock, BACKUP_MODEL) == 1


def test_with_fallbacks_limited_to_retryable_types(aimlapi_mock: MockAIMLAPI) -> None:
    """Config errors are not hidden by a fallback restricted to transient failures."""
    aimlapi_mock.inject(presets.BODY_VALIDATION, model=CHAT_MODEL)
    primary = make_chat(aimlapi_mock, max_retries=0)
    backup = make_chat(aimlapi_mock, model=BACKUP_MODEL, max_retries=0)
    chain = primary.with_fallbacks([backup], exceptions_to_handle=RETRYABLE_TYPES)
    with pytest.raises(AIMLAPIInvalidRequestError):
        chain.invoke("hello")
    assert _hits(aimlapi_mock, BACKUP_MODEL) == 0


# -- langchain.agents middleware -----------------------------------------------------------------


def _retry_middleware(on_failure: Any = "error") -> ModelRetryMiddleware:
    return ModelRetryMiddleware(
        max_retries=2, initial_delay=0.001, max_delay=0.002, jitter=False, on_failure=on_failure
    )


def _agent_input() -> dict[str, Any]:
    return {"messages": [HumanMessage("hello agent")]}


@pytest.mark.parametrize("fault", RETRIED, ids=lambda f: f.label)
def test_agent_retry_middleware_retries_transient(aimlapi_mock: MockAIMLAPI, fault: Fault) -> None:
    aimlapi_mock.inject(fault, times=2)
    agent = create_agent(make_chat(aimlapi_mock, max_retries=0), middleware=[_retry_middleware()])
    result = agent.invoke(_agent_input())
    assert result["messages"][-1].content == "hello agent"
    assert _hits(aimlapi_mock) == 3


@pytest.mark.parametrize(
    ("fault", "cls"),
    [
        (presets.BODY_VALIDATION, AIMLAPIInvalidRequestError),
        (presets.INVALID_API_KEY, AIMLAPIAuthenticationError),
        (presets.OUT_OF_CREDITS, AIMLAPIOutOfCreditsError),
        (presets.FREE_TIER_LIMIT, AIMLAPIRateLimitError),
    ],
    ids=["400", "401", "403-credits", "429-quota"],
)
def test_agent_retry_middleware_does_not_retry_permanent(
    aimlapi_mock: MockAIMLAPI, fault: Fault, cls: type[Exception]
) -> None:
    aimlapi_mock.inject(fault)
    agent = create_agent(
        make_chat(aimlapi_mock, max_retries=0), middleware=[_retry_middleware("continue")]
    )
    with pytest.raises(cls):
        agent.invoke(_agent_input())
    assert _hits(aimlapi_mock) == 1


async def test_agent_retry_middleware_async(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.INTERNAL_ERROR, times=2)
    agent = create_agent(make_chat(aimlapi_mock, max_retries=0), middleware=[_retry_middleware()])
    result = await agent.ainvoke(_agent_input())
    assert result["messages"][-1].content == "hello agent"
    assert _hits(aimlapi_mock) == 3


def test_agent_retry_exhausted_raises_typed(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.INTERNAL_ERROR)
    agent = create_agent(make_chat(aimlapi_mock, max_retries=0), middleware=[_retry_middleware()])
    with pytest.raises(AIMLAPIServerError):
        agent.invoke(_agent_input())
    assert _hits(aimlapi_mock) == 3


def test_agent_fallback_middleware_switches_model(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.OUT_OF_CREDITS, model=CHAT_MODEL)
    backup = make_chat(aimlapi_mock, model=BACKUP_MODEL, max_retries=0)
    agent = create_agent(
        make_chat(aimlapi_mock, max_retries=0), middleware=[ModelFallbackMiddleware(backup)]
    )
    result = agent.invoke(_agent_input())
    last = result["messages"][-1]
    assert isinstance(last, AIMessage) and last.response_metadata["model_name"] == BACKUP_MODEL
    assert _hits(aimlapi_mock, CHAT_MODEL) == 1
    assert _hits(aimlapi_mock, BACKUP_MODEL) == 1


def test_agent_fallback_after_retries(aimlapi_mock: MockAIMLAPI) -> None:
    """Documented composition: fallback outermost, retry with on_failure="error" inside."""
    aimlapi_mock.inject(presets.RATE_LIMITED, model=CHAT_MODEL)
    backup = make_chat(aimlapi_mock, model=BACKUP_MODEL, max_retries=0)
    agent = create_agent(
        make_chat(aimlapi_mock, max_retries=0),
        middleware=[ModelFallbackMiddleware(backup), _retry_middleware("error")],
    )
    result = agent.invoke(_agent_input())
    assert result["messages"][-1].response_metadata["model_name"] == BACKUP_MODEL
    assert _hits(aimlapi_mock, CHAT_MODEL) == 3
    assert _hits(aimlapi_mock, BACKUP_MODEL) == 1


# -- ContextOverflowError ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        presets.CONTEXT_OVERFLOW,
        presets.CONTEXT_OVERFLOW_ANTHROPIC,
        presets.CONTEXT_OVERFLOW_UNDER_500,
    ],
    ids=lambda f: f.label,
)
def test_context_overflow_is_catchable(aimlapi_mock: MockAIMLAPI, fault: Fault) -> None:
    aimlapi_mock.inject(fault)
    model = make_chat(aimlapi_mock)  # default max_retries=2: must not retry
    caught = None
    try:
        model.invoke("a very long prompt")
    except ContextOverflowError as exc:
        caught = exc
    assert caught is not None and caught.is_retryable is False
    assert _hits(aimlapi_mock) == 1


def test_real_context_overflow_from_mock_limits(aimlapi_mock: MockAIMLAPI) -> None:
    """The mock enforces the catalog's context window; the prompt really is too long."""
    model = make_chat(aimlapi_mock, model="gpt-3.5-turbo")
    with pytest.raises(ContextOverflowError):
        model.invoke("word " * 70_000)


# -- the model's own max_retries -----------------------------------------------------------------


def test_max_retries_honours_retry_after(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.rate_limited(retry_after=1), times=1)
    model = make_chat(aimlapi_mock, max_retries=2)
    start = time.monotonic()
    assert model.invoke("hello").content == "hello"
    elapsed = time.monotonic() - start
    assert 0.9 <= elapsed < 5, elapsed
    assert [r.status for r in aimlapi_mock.requests] == [429, 200]


def test_max_retries_zero_disables(aimlapi_mock: MockAIMLAPI, fast_retries: None) -> None:
    aimlapi_mock.inject(presets.INTERNAL_ERROR, times=1)
    with pytest.raises(AIMLAPIServerError):
        make_chat(aimlapi_mock, max_retries=0).invoke("hello")
    assert _hits(aimlapi_mock) == 1


@pytest.mark.parametrize("fault", [*RETRIED, presets.CONNECTION_RESET], ids=lambda f: f.label)
def test_max_retries_bounded(aimlapi_mock: MockAIMLAPI, fault: Fault, fast_retries: None) -> None:
    aimlapi_mock.inject(fault)
    with pytest.raises(RETRYABLE_TYPES):
        make_chat(aimlapi_mock, max_retries=2).invoke("hello")
    assert _hits(aimlapi_mock) == 3


@pytest.mark.parametrize("fault", [*NOT_RETRIED, presets.FREE_TIER_LIMIT], ids=lambda f: f.label)
def test_max_retries_skips_permanent(
    aimlapi_mock: MockAIMLAPI, fault: Fault, fast_retries: None
) -> None:
    aimlapi_mock.inject(fault)
    with pytest.raises(Exception):  # noqa: B017 - the type is covered by test_errors.py
        make_chat(aimlapi_mock, max_retries=2).invoke("hello")
    assert _hits(aimlapi_mock) == 1


async def test_max_retries_async(aimlapi_mock: MockAIMLAPI, fast_retries: None) -> None:
    aimlapi_mock.inject(presets.BAD_GATEWAY, times=2)
    result = await make_chat(aimlapi_mock, max_retries=2).ainvoke("hello")
    assert result.content == "hello"
    assert _hits(aimlapi_mock) == 3


def test_stream_retried_before_first_chunk(aimlapi_mock: MockAIMLAPI, fast_retries: None) -> None:
    aimlapi_mock.inject(presets.RATE_LIMITED, times=1)
    aimlapi_mock.inject(Fault(stream_cut_after=0, name="cut0"), times=1)
    chunks = list(make_chat(aimlapi_mock, max_retries=2).stream("hello"))
    assert "".join(str(c.content) for c in chunks) == "hello"
    assert _hits(aimlapi_mock) == 3


async def test_astream_retried_before_first_chunk(
    aimlapi_mock: MockAIMLAPI, fast_retries: None
) -> None:
    aimlapi_mock.inject(presets.INTERNAL_ERROR, times=1)
    chunks = [c async for c in make_chat(aimlapi_mock, max_retries=1).astream("hello")]
    assert "".join(str(c.content) for c in chunks) == "hello"
    assert _hits(aimlapi_mock) == 2


def test_retry_after_is_capped() -> None:
    exc = AIMLAPIRateLimitError(
        ErrorInfo(category=ErrorCategory.RATE_LIMITED, message="x", retry_after=3600)
    )
    assert _retry.retry_delay(exc, 0) == _retry.MAX_RETRY_AFTER == 60.0


def test_backoff_grows_with_jitter() -> None:
    exc = AIMLAPIServerError(ErrorInfo(category=ErrorCategory.SERVER_ERROR, message="x"))
    delays = [_retry.retry_delay(exc, attempt) for attempt in range(6)]
    for attempt, delay in enumerate(delays):
        base = min(_retry.INITIAL_DELAY * 2**attempt, _retry.MAX_DELAY)
        assert 0.75 * base <= delay <= 1.25 * base
