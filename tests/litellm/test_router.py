"""The contract's end-to-end Router section, against the mock, for every call mode.

Layout: group ``primary`` = two deployments of ``openai/gpt-4o`` on keys A (``order=1``, tried
first) and B; ``backup`` = ``gpt-4o-mini`` (generic ``fallbacks``); ``long`` =
``openai/gpt-4.1-2025-04-14`` (``context_window_fallbacks``); ``safe`` = ``claude-haiku-4.5``
(``content_policy_fallbacks``); all on key C. Who was called, how often and with which key is
read from the mock's request log, never from timing.

Observed LiteLLM 1.110.2 semantics this relies on: a non-retryable error is tried once per
deployment of the group (the Router moves to the next healthy deployment, then falls back);
"retried" means the *same* deployment is called again (``num_retries`` + 1 calls each).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import litellm
import pytest
from litellm.exceptions import MidStreamFallbackError

from aiml_integrations.litellm import AIMLAPIInternalServerError, AIMLAPIRateLimitError
from aiml_integrations.testing import Fault, MockAIMLAPI, presets

KEY_A, KEY_B, KEY_C = "key-primary-a-0001", "key-primary-b-0002", "key-backup-c-0003"
PRIMARY, BACKUP, LONG, SAFE = (
    "openai/gpt-4o",
    "gpt-4o-mini",
    "openai/gpt-4.1-2025-04-14",
    "anthropic/claude-haiku-4.5",
)
MESSAGES = [{"role": "user", "content": "hi"}]
MODES = ["sync", "async", "stream", "astream"]
NUM_RETRIES = 2


def _deployment(
    mock: MockAIMLAPI, group: str, model: str, key: str, order: int | None = None
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "model": f"aimlapi/{model}",
        "api_key": key,
        "api_base": mock.base_url,
    }
    if order is not None:
        params["order"] = order
    return {"model_name": group, "litellm_params": params}


def make_router(mock: MockAIMLAPI, **overrides: Any) -> litellm.Router:
    settings: dict[str, Any] = {
        "fallbacks": [{"primary": ["backup"]}],
        "context_window_fallbacks": [{"primary": ["long"]}],
        "content_policy_fallbacks": [{"primary": ["safe"]}],
        "num_retries": NUM_RETRIES,
        "cooldown_time": 30,
    }
    settings.update(overrides)
    return litellm.Router(
        model_list=[
            _deployment(mock, "primary", PRIMARY, KEY_A, order=1),
            _deployment(mock, "primary", PRIMARY, KEY_B, order=2),
            _deployment(mock, "backup", BACKUP, KEY_C),
            _deployment(mock, "long", LONG, KEY_C),
            _deployment(mock, "safe", SAFE, KEY_C),
        ],
        **settings,
    )


async def call(router: litellm.Router, mode: str, group: str = "primary") -> str:
    """One request in ``mode``; returns the answering model's text (streams fully read)."""
    if mode == "sync":
        return str(router.completion(model=group, messages=MESSAGES).choices[0].message.content)
    if mode == "async":
        response = await router.acompletion(model=group, messages=MESSAGES)
        return str(response.choices[0].message.content)
    if mode == "stream":
        chunks = list(router.completion(model=group, messages=MESSAGES, stream=True))
    else:
        stream = await router.acompletion(model=group, messages=MESSAGES, stream=True)
        chunks = [chunk async for chunk in stream]
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


def log(mock: MockAIMLAPI) -> list[tuple[str | None, str | None, int]]:
    return [(r.model, r.api_key, r.status) for r in mock.requests]


def hits(mock: MockAIMLAPI) -> Counter[tuple[str | None, str | None]]:
    return Counter((r.model, r.api_key) for r in mock.requests)


def answered_by(mock: MockAIMLAPI) -> tuple[str | None, str | None]:
    ok = [r for r in mock.requests if r.status == 200]
    assert len(ok) == 1, log(mock)
    return ok[0].model, ok[0].api_key


@pytest.mark.parametrize("mode", MODES)
async def test_429_tries_each_deployment_then_falls_back(mock: MockAIMLAPI, mode: str) -> None:
    mock.inject(presets.rate_limited(retry_after=1), model=PRIMARY)
    router = make_router(mock)
    assert await call(router, mode)
    assert answered_by(mock) == (BACKUP, KEY_C)
    # Each key is cooled on its first 429; in async modes the cooldown is recorded by a
    # callback, so one extra attempt on A can slip in before it lands.
    primary = hits(mock)[(PRIMARY, KEY_A)] + hits(mock)[(PRIMARY, KEY_B)]
    assert hits(mock)[(PRIMARY, KEY_B)] >= 1 and 2 <= primary <= NUM_RETRIES + 1, log(mock)


@pytest.mark.parametrize("mode", MODES)
async def test_429_retried_on_single_deployment_honouring_retry_after(
    mock: MockAIMLAPI, mode: str
) -> None:
    router = litellm.Router(
        model_list=[_deployment(mock, "solo", PRIMARY, KEY_A)], num_retries=1, cooldown_time=30
    )
    mock.inject(presets.rate_limited(retry_after=1), times=1)
    started = time.monotonic()
    assert await call(router, mode, group="solo")
    elapsed = time.monotonic() - started
    assert log(mock) == [(PRIMARY, KEY_A, 429), (PRIMARY, KEY_A, 200)]
    assert elapsed >= 0.9  # waited for Retry-After (a lower bound only: machines are noisy)


async def test_429_cooldown_lasts_retry_after_not_cooldown_time(mock: MockAIMLAPI) -> None:
    router = make_router(mock, cooldown_time=30)
    mock.inject(presets.rate_limited(retry_after=1), times=1, key=KEY_A)
    await call(router, "sync")
    assert log(mock) == [(PRIMARY, KEY_A, 429), (PRIMARY, KEY_B, 200)]
    mock.clear_requests()
    await call(router, "sync")
    assert log(mock) == [(PRIMARY, KEY_B, 200)]  # A is cooling down
    await asyncio.sleep(1.6)
    mock.clear_requests()
    await call(router, "sync")
    assert log(mock) == [(PRIMARY, KEY_A, 200)]  # back after Retry-After, long before 30 s


@pytest.mark.parametrize("mode", MODES)
async def test_out_of_credits_not_retried_falls_back_and_cools_down(
    mock: MockAIMLAPI, mode: str
) -> None:
    mock.inject(presets.OUT_OF_CREDITS, model=PRIMARY)
    router = make_router(mock)
    assert await call(router, mode)
    assert answered_by(mock) == (BACKUP, KEY_C)
    a, b = hits(mock)[(PRIMARY, KEY_A)], hits(mock)[(PRIMARY, KEY_B)]
    if mode in ("sync", "stream"):
        assert a == 1 and b == 1, log(mock)
    else:
        # An async Router records a cooldown from LiteLLM's failure callback, which runs in its
        # logging thread pool; on a loaded machine the retry can pick the key that just failed
        # before its cooldown lands (LiteLLM's behaviour for any provider, as for the 429
        # above). Each key is still tried, and never beyond the retry budget.
        assert a >= 1 and b >= 1 and a + b <= NUM_RETRIES + 1, log(mock)
    mock.clear_requests()
    assert await call(router, mode)
    assert log(mock) == [(BACKUP, KEY_C, 200)]  # both primary keys cooled down


@pytest.mark.parametrize("mode", MODES)
async def test_out_of_credits_key_is_skipped_by_later_requests(
    mock: MockAIMLAPI, mode: str
) -> None:
    mock.inject(presets.OUT_OF_CREDITS, key=KEY_A)
    router = make_router(mock)
    assert await call(router, mode)
    assert log(mock) == [(PRIMARY, KEY_A, 403), (PRIMARY, KEY_B, 200)]
    mock.clear_requests()
    assert await call(router, mode)
    assert log(mock) == [(PRIMARY, KEY_B, 200)]


async def test_control_plain_403_is_not_cooled_down(mock: MockAIMLAPI) -> None:
    """The same scenario with a non-credit 403 keeps hitting key A: the cooldown above is
    due to the out-of-credits mapping, not to the test's setup."""
    mock.inject(presets.PERMISSION_DENIED, key=KEY_A)
    router = make_router(mock)
    await call(router, "sync")
    mock.clear_requests()
    await call(router, "sync")
    assert hits(mock)[(PRIMARY, KEY_A)] >= 1, log(mock)


@pytest.mark.parametrize("mode", MODES)
async def test_401_falls_back(mock: MockAIMLAPI, mode: str) -> None:
    mock.inject(presets.INVALID_API_KEY, model=PRIMARY)
    router = make_router(mock)
    assert await call(router, mode)
    assert answered_by(mock) == (BACKUP, KEY_C)


@pytest.mark.parametrize("mode", MODES)
async def test_400_validation_not_retried(mock: MockAIMLAPI, mode: str) -> None:
    mock.inject(presets.BODY_VALIDATION, model=PRIMARY)
    router = make_router(mock)
    assert await call(router, mode)
    assert answered_by(mock) == (BACKUP, KEY_C)
    assert hits(mock)[(PRIMARY, KEY_A)] == 1 and hits(mock)[(PRIMARY, KEY_B)] <= 1, log(mock)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "fault", [presets.CONTEXT_OVERFLOW, presets.CONTEXT_OVERFLOW_UNDER_500], ids=["400", "500"]
)
async def test_context_overflow_goes_to_context_window_fallbacks(
    mock: MockAIMLAPI, mode: str, fault: Fault
) -> None:
    mock.inject(fault, model=PRIMARY)
    router = make_router(mock)
    assert await call(router, mode)
    assert answered_by(mock) == (LONG, KEY_C)
    assert hits(mock)[(PRIMARY, KEY_A)] == 1 and hits(mock)[(BACKUP, KEY_C)] == 0, log(mock)


@pytest.mark.parametrize("mode", MODES)
async def test_content_policy_goes_to_content_policy_fallbacks(
    mock: MockAIMLAPI, mode: str
) -> None:
    mock.inject(presets.CONTENT_POLICY, model=PRIMARY)
    router = make_router(mock)
    assert await call(router, mode)
    assert answered_by(mock) == (SAFE, KEY_C)
    assert hits(mock)[(PRIMARY, KEY_A)] == 1 and hits(mock)[(BACKUP, KEY_C)] == 0, log(mock)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "fault",
    [presets.INTERNAL_ERROR, presets.SERVICE_UNAVAILABLE, presets.BAD_GATEWAY],
    ids=["500", "503", "502"],
)
async def test_5xx_retried_then_falls_back(mock: MockAIMLAPI, mode: str, fault: Fault) -> None:
    mock.inject(fault, model=PRIMARY)
    router = make_router(mock)
    assert await call(router, mode)
    assert answered_by(mock) == (BACKUP, KEY_C)
    assert hits(mock)[(PRIMARY, KEY_A)] == NUM_RETRIES + 1, log(mock)


@pytest.mark.parametrize("mode", MODES)
async def test_transient_500_recovers_within_the_group(mock: MockAIMLAPI, mode: str) -> None:
    mock.inject(presets.INTERNAL_ERROR, times=1, model=PRIMARY)
    router = make_router(mock)
    assert await call(router, mode)
    assert answered_by(mock)[0] == PRIMARY
    assert hits(mock)[(BACKUP, KEY_C)] == 0


@pytest.mark.parametrize("mode", ["stream", "astream"])
async def test_error_event_before_first_chunk_is_retried_and_falls_back(
    mock: MockAIMLAPI, mode: str
) -> None:
    """A 200 stream whose first event is an error: handled like a failed plain call."""
    event = {"message": "Something wrong with the server.", "type": "server_error"}
    mock.inject(Fault(stream_error_after=0, stream_error=event), model=PRIMARY)
    router = make_router(mock)
    assert await call(router, mode)
    assert hits(mock)[(PRIMARY, KEY_A)] == NUM_RETRIES + 1, log(mock)
    assert [r.model for r in mock.requests][-1] == BACKUP


@pytest.mark.parametrize("mode", ["stream", "astream"])
async def test_error_after_first_chunk_surfaces_typed_without_fallback(
    mock: MockAIMLAPI, mode: str
) -> None:
    """After the first chunk there is no retry or fallback; the Router hands the caller our
    typed error (unwrapped from LiteLLM's ``MidStreamFallbackError``)."""
    mock.inject(presets.STREAM_ERROR_EVENT, model=PRIMARY)
    router = make_router(mock)
    with pytest.raises(litellm.InternalServerError) as caught:
        await call(router, mode)
    assert isinstance(caught.value, AIMLAPIInternalServerError)
    assert not isinstance(caught.value, MidStreamFallbackError)
    assert caught.value.llm_provider == "aimlapi"
    assert log(mock) == [(PRIMARY, KEY_A, 200)]


@pytest.mark.parametrize("mode", ["stream", "astream"])
async def test_rate_limit_event_before_first_chunk_keeps_type_and_retry_after(
    mock: MockAIMLAPI, mode: str
) -> None:
    """Without any fallback left, the caller gets our typed 429 (not a wrapper)."""
    event = {"message": "Too Many Requests", "type": "rate_limit_error"}
    mock.inject(Fault(stream_error_after=0, stream_error=event))
    router = litellm.Router(
        model_list=[_deployment(mock, "solo", PRIMARY, KEY_A)], num_retries=0, cooldown_time=30
    )
    with pytest.raises(litellm.RateLimitError) as caught:
        await call(router, mode, group="solo")
    assert isinstance(caught.value, AIMLAPIRateLimitError)
    assert log(mock) == [(PRIMARY, KEY_A, 200)]
