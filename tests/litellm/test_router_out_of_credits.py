"""Out of credits in a Router: how long the key stays out, and what the Router and the caller
each read on the error. Observed through the real ``Router`` and the mock's request log."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import litellm
import pytest

from aiml_integrations.errors import OutOfCreditsError
from aiml_integrations.litellm import AIMLAPIPaymentRequiredError, set_out_of_credits_cooldown
from aiml_integrations.testing import MockAIMLAPI, presets

KEY_A, KEY_B = "key-primary-a-0001", "key-primary-b-0002"
MESSAGES = [{"role": "user", "content": "hi"}]


@pytest.fixture(autouse=True)
def _default_cooldown(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("AIMLAPI_OUT_OF_CREDITS_COOLDOWN", raising=False)
    set_out_of_credits_cooldown(None)
    yield
    set_out_of_credits_cooldown(None)


def make_router(mock: MockAIMLAPI, keys: tuple[str, ...], **deployment: Any) -> litellm.Router:
    return litellm.Router(
        model_list=[
            {
                "model_name": "primary",
                "litellm_params": {
                    "model": "aimlapi/openai/gpt-4o",
                    "api_key": key,
                    "api_base": mock.base_url,
                    **deployment,
                },
            }
            for key in keys
        ],
        num_retries=2,
        cooldown_time=30,  # the Router's own cooldown: out of credits must not use it
    )


def hits(mock: MockAIMLAPI) -> list[tuple[str | None, int]]:
    return [(r.api_key, r.status) for r in mock.requests]


def both_keys_dead(mock: MockAIMLAPI) -> AIMLAPIPaymentRequiredError:
    """Both keys out of credits: the first call tries each once and raises our 402."""
    mock.inject(presets.OUT_OF_CREDITS)
    router = make_router(mock, (KEY_A, KEY_B))
    with pytest.raises(AIMLAPIPaymentRequiredError) as caught:
        router.completion(model="primary", messages=MESSAGES)
    assert sorted(hits(mock)) == [(KEY_A, 403), (KEY_B, 403)]
    return caught.value


def test_caller_reads_402_the_router_reads_a_failover_status(mock: MockAIMLAPI) -> None:
    error = both_keys_dead(mock)
    assert error.status_code == 402 and error.aimlapi_status_code == 403
    assert isinstance(error, litellm.PaymentRequiredError) and isinstance(error, OutOfCreditsError)
    assert not error.is_retryable
    # LiteLLM's own retry decision: fail over to another healthy deployment of the group...
    router = make_router(mock, (KEY_A, KEY_B))
    assert router.should_retry_this_error(error, healthy_deployments=[{}], all_deployments=[{}, {}])
    # ...but never retry a one-deployment group on the same key.
    with pytest.raises(AIMLAPIPaymentRequiredError):
        router.should_retry_this_error(error, healthy_deployments=[{}], all_deployments=[{}])


def test_one_deployment_group_is_not_cooled_and_keeps_answering_402(mock: MockAIMLAPI) -> None:
    """LiteLLM's rule for 402 in a one-deployment group holds: each call tries the key once
    and the caller sees the 402, never "no deployments available"."""
    mock.inject(presets.OUT_OF_CREDITS)
    router = make_router(mock, (KEY_A,))
    for _ in range(2):
        with pytest.raises(AIMLAPIPaymentRequiredError) as caught:
            router.completion(model="primary", messages=MESSAGES)
        assert caught.value.status_code == 402
    assert hits(mock) == [(KEY_A, 403), (KEY_A, 403)]


def _cooled_for(mock: MockAIMLAPI, router: litellm.Router) -> str:
    """The Router's "try again in" message for a group whose keys are all cooled down."""
    with pytest.raises(Exception, match="No deployments available") as caught:
        router.completion(model="primary", messages=MESSAGES)
    return str(caught.value)


def test_default_cooldown_is_one_hour_not_the_routers(mock: MockAIMLAPI) -> None:
    mock.inject(presets.OUT_OF_CREDITS)
    router = make_router(mock, (KEY_A, KEY_B))
    with pytest.raises(AIMLAPIPaymentRequiredError) as caught:
        router.completion(model="primary", messages=MESSAGES)
    assert caught.value.response.headers["retry-after"] == "3600"
    mock.clear_requests()
    assert "Try again in 3600 seconds" in _cooled_for(mock, router)
    assert hits(mock) == []  # neither key is tried again


def test_environment_variable_sets_the_cooldown(
    mock: MockAIMLAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIMLAPI_OUT_OF_CREDITS_COOLDOWN", "120")
    mock.inject(presets.OUT_OF_CREDITS)
    router = make_router(mock, (KEY_A, KEY_B))
    with pytest.raises(AIMLAPIPaymentRequiredError):
        router.completion(model="primary", messages=MESSAGES)
    assert "Try again in 120 seconds" in _cooled_for(mock, router)


async def test_key_returns_after_the_configured_cooldown(mock: MockAIMLAPI) -> None:
    set_out_of_credits_cooldown(1)
    fault = mock.inject(presets.OUT_OF_CREDITS, key=KEY_A)
    router = make_router(mock, (KEY_A, KEY_B))
    while not fault.hits:  # until the shuffle picks key A once
        await router.acompletion(model="primary", messages=MESSAGES)
    mock.clear_requests()
    for _ in range(3):
        await router.acompletion(model="primary", messages=MESSAGES)
    assert hits(mock) == [(KEY_B, 200)] * 3  # A is out
    mock.clear_faults()  # topped up
    await asyncio.sleep(1.6)
    mock.clear_requests()
    for _ in range(20):
        await router.acompletion(model="primary", messages=MESSAGES)
    assert (KEY_A, 200) in hits(mock)  # back in rotation after one second, not an hour


def test_deployment_cooldown_time_wins(mock: MockAIMLAPI) -> None:
    """LiteLLM's order: the deployment's ``cooldown_time``, then the error's retry-after."""
    mock.inject(presets.OUT_OF_CREDITS)
    router = make_router(mock, (KEY_A, KEY_B), cooldown_time=45)
    with pytest.raises(AIMLAPIPaymentRequiredError):
        router.completion(model="primary", messages=MESSAGES)
    assert "Try again in 45 seconds" in _cooled_for(mock, router)


def test_zero_leaves_the_length_to_the_router(mock: MockAIMLAPI) -> None:
    set_out_of_credits_cooldown(0)
    mock.inject(presets.OUT_OF_CREDITS)
    router = make_router(mock, (KEY_A, KEY_B))
    with pytest.raises(AIMLAPIPaymentRequiredError) as caught:
        router.completion(model="primary", messages=MESSAGES)
    assert "retry-after" not in caught.value.response.headers
    assert "Try again in 30 seconds" in _cooled_for(mock, router)


def test_negative_cooldown_is_rejected() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        set_out_of_credits_cooldown(-1)
