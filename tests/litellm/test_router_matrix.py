"""The Router contract across the configurations users write, through the real ``Router``.

Axes: group shape (one key; two keys without ``order``; two keys with ``order``; two keys plus
``fallbacks``) x where the fault is (the first key only, or every key of the group) x error
category (out of credits, 401, 429 with Retry-After, 5xx, context overflow, content policy) x
routing strategy x call mode (sync, async, stream, async stream). Every mode runs with
``simple-shuffle``; each other strategy runs once per case in a mode that rotates with the
category (``cost-based-routing`` in async modes only: LiteLLM's sync Router cannot route with it
at all, for any provider — see ``test_cost_based_routing_sync_is_litellms_limit``).

Nothing is hard-coded per case: ``expect()`` states the contract as rules over the mock's request
log (which key was hit, how often, who answered) and the call's outcome, for whatever deployment
the strategy picked first. A fresh Router per case, so no cooldown leaks between cases.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import litellm
import pytest

from aiml_integrations.errors import OutOfCreditsError
from aiml_integrations.litellm import AIMLAPILiteLLMError
from aiml_integrations.testing import Fault, MockAIMLAPI, presets

KEY_A, KEY_B, KEY_C = "key-primary-a-0001", "key-primary-b-0002", "key-backup-c-0003"
PRIMARY, BACKUP = "openai/gpt-4o", "gpt-4o-mini"
MESSAGES = [{"role": "user", "content": "matrix"}]
NUM_RETRIES = 1  # enough to reach the second key; keeps one-key retry waits short
MODES = ("sync", "async", "stream", "astream")
STRATEGIES = (
    "least-busy",
    "usage-based-routing-v2",
    "latency-based-routing",
    "cost-based-routing",
)


@dataclass(frozen=True)
class Category:
    fault: Fault
    status: int  # what AI/ML API answers
    kind: str  # "key" (permanent, one key), "transient" (retried), "request" (never retried)
    raised: type[Exception]  # the LiteLLM class the caller gets
    caller_status: int  # ``status_code`` as the caller reads it


CATEGORIES = {
    "out_of_credits": Category(
        presets.OUT_OF_CREDITS, 403, "key", litellm.PaymentRequiredError, 402
    ),
    "401": Category(presets.INVALID_API_KEY, 401, "key", litellm.AuthenticationError, 401),
    "429": Category(
        presets.rate_limited(retry_after=1), 429, "transient", litellm.RateLimitError, 429
    ),
    "5xx": Category(presets.INTERNAL_ERROR, 500, "transient", litellm.InternalServerError, 500),
    "context_overflow": Category(
        presets.CONTEXT_OVERFLOW, 400, "request", litellm.ContextWindowExceededError, 400
    ),
    "content_policy": Category(
        presets.CONTENT_POLICY, 400, "request", litellm.ContentPolicyViolationError, 400
    ),
}


@dataclass(frozen=True)
class Shape:
    keys: tuple[str, ...]
    order: bool = False
    fallbacks: bool = False


SHAPES = {
    "one-key": Shape((KEY_A,)),
    "two-keys": Shape((KEY_A, KEY_B)),
    "order": Shape((KEY_A, KEY_B), order=True),
    "fallbacks": Shape((KEY_A, KEY_B), fallbacks=True),
}


def _cases() -> list[Any]:
    cases = []
    for (shape_name, shape), (cat_index, cat_name) in itertools.product(
        SHAPES.items(), enumerate(CATEGORIES)
    ):
        placements = ("all",) if len(shape.keys) == 1 else ("first", "all")
        for placement in placements:
            runs = [("simple-shuffle", mode) for mode in MODES]
            # Strategies choose between deployments of one tier: where a key fails and another
            # must answer, or where every key fails and the fallback must.
            if not shape.order and (placement == "first" or shape.fallbacks):
                for index, strategy in enumerate(STRATEGIES):
                    mode = MODES[(index + cat_index) % len(MODES)]
                    if strategy == "cost-based-routing" and not mode.startswith("a"):
                        mode = "a" + mode
                    runs.append((strategy, mode))
            for strategy, mode in runs:
                case_id = f"{shape_name}-{placement}-{cat_name}-{strategy}-{mode}"
                cases.append(
                    pytest.param(shape_name, placement, cat_name, strategy, mode, id=case_id)
                )
    return cases


def make_router(mock: MockAIMLAPI, shape: Shape, strategy: str) -> litellm.Router:
    model_list: list[dict[str, Any]] = []
    for position, key in enumerate(shape.keys, start=1):
        params: dict[str, Any] = {
            "model": f"aimlapi/{PRIMARY}",
            "api_key": key,
            "api_base": mock.base_url,
        }
        if shape.order:
            params["order"] = position
        model_list.append(
            {
                "model_name": "primary",
                "litellm_params": params,
                "model_info": {"id": f"primary-{position}"},
            }
        )
    settings: dict[str, Any] = {}
    if shape.fallbacks:
        model_list.append(
            {
                "model_name": "backup",
                "litellm_params": {
                    "model": f"aimlapi/{BACKUP}",
                    "api_key": KEY_C,
                    "api_base": mock.base_url,
                },
                "model_info": {"id": "backup"},
            }
        )
        settings["fallbacks"] = [{"primary": ["backup"]}]
    return litellm.Router(
        model_list=model_list,
        routing_strategy=strategy,
        num_retries=NUM_RETRIES,
        cooldown_time=30,
        **settings,
    )


async def call(router: litellm.Router, mode: str) -> str:
    """One request in ``mode``; the answer's text (a stream is read to its end)."""
    if mode == "sync":
        return str(router.completion(model="primary", messages=MESSAGES).choices[0].message.content)
    if mode == "async":
        response = await router.acompletion(model="primary", messages=MESSAGES)
        return str(response.choices[0].message.content)
    if mode == "stream":
        chunks = list(router.completion(model="primary", messages=MESSAGES, stream=True))
    else:
        stream = await router.acompletion(model="primary", messages=MESSAGES, stream=True)
        chunks = [chunk async for chunk in stream]
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


def expect(
    log: list[tuple[str | None, str | None, int]],
    shape: Shape,
    faulty: set[str],
    category: Category,
    mode: str,
    outcome: str | BaseException,
) -> None:
    """The contract, as rules over the request log ``(model, key, status)`` and the outcome.

    With ``order`` each order is its own tier, walked in turn (LiteLLM's order fallback);
    without, the group is one tier.
    """
    primary = [(key, status) for model, key, status in log if model == PRIMARY]
    backup = [(key, status) for model, key, status in log if model == BACKUP]
    assert primary, "the call never reached the group"
    # The mock did what was scripted, and the call stopped at its first success.
    for key, status in primary:
        assert status == (category.status if key in faulty else 200)
    statuses = [status for _, _, status in log]
    assert statuses.count(200) <= 1 and (200 not in statuses or statuses[-1] == 200)
    tiers = [[key] for key in shape.keys] if shape.order else [list(shape.keys)]
    order_of = {key: index for index, tier in enumerate(tiers) for key in tier}
    assert [order_of[k] for k, _ in primary] == sorted(order_of[k] for k, _ in primary)
    answered = primary[-1][1] == 200
    for tier in tiers:
        hits = [key for key, _ in primary if key in tier]
        if not hits:  # an earlier tier answered
            assert answered and order_of[primary[-1][0]] < order_of[tier[0]]
            continue
        healthy = [key for key in tier if key not in faulty]
        tier_answered = answered and primary[-1][0] in tier
        # A key the Router cools down at once (dead key; a 429 in a multi-deployment group) is
        # not tried again. In async modes LiteLLM records the cooldown in a failure callback, so
        # under load a retry can pick the key again before it lands (the same for its own 401):
        # there only num_retries bounds it.
        once = len(set(hits)) == len(hits)
        racy = mode.startswith("a") and not once
        if category.kind == "key":  # a dead key: hit once; a healthy one answers this call
            assert len(hits) <= NUM_RETRIES + 1 if mode.startswith("a") else once
            if not racy:
                assert tier_answered if healthy else set(hits) == set(tier)
        elif category.kind == "transient":  # retried in the tier (a 429 cools its key at once)
            assert len(hits) <= NUM_RETRIES + 1
            if category.status == 429 and len(shape.keys) > 1:
                assert once or mode.startswith("a")
            elif not tier_answered:
                assert len(hits) == NUM_RETRIES + 1
        else:  # the request itself is at fault: not retried on another key of the tier
            assert len(hits) == 1
            if category.raised is litellm.ContentPolicyViolationError:
                break  # LiteLLM's order walk moves on for context overflow only

    if answered:
        assert outcome == "matrix" and backup == []
    elif shape.fallbacks:
        assert backup == [(KEY_C, 200)] and outcome == "matrix"
    else:
        assert backup == []
        if shape.order and category.kind != "request" and category.status != 500:
            # LiteLLM's order walk ends in "no deployments available" once every order's key
            # is cooled down (the same for its own 401 and 429 handling) - unless the async
            # cooldown race above let a retry reach a key again first.
            raced = len({key for key, _ in primary}) < len(primary)
            if type(outcome).__name__ == "RouterRateLimitError":
                return
            assert raced and mode.startswith("a"), repr(outcome)
        assert isinstance(outcome, category.raised), repr(outcome)
        assert isinstance(outcome, AIMLAPILiteLLMError)
        assert outcome.status_code == category.caller_status
        if category is CATEGORIES["out_of_credits"]:
            assert isinstance(outcome, OutOfCreditsError) and not outcome.is_retryable


@pytest.mark.parametrize(("shape_name", "placement", "cat_name", "strategy", "mode"), _cases())
async def test_router_configuration_space(
    mock: MockAIMLAPI, shape_name: str, placement: str, cat_name: str, strategy: str, mode: str
) -> None:
    shape, category = SHAPES[shape_name], CATEGORIES[cat_name]
    faulty = {KEY_A} if placement == "first" else set(shape.keys)
    for key in faulty:
        mock.inject(category.fault, model=PRIMARY, key=key)
    router = make_router(mock, shape, strategy)
    outcome: str | BaseException
    try:
        outcome = await call(router, mode)
    except Exception as error:  # the contract says which error, checked in expect()
        outcome = error
    log = [(r.model, r.api_key, r.status) for r in mock.requests]
    expect(log, shape, faulty, category, mode, outcome)


async def test_cost_based_routing_sync_is_litellms_limit(mock: MockAIMLAPI) -> None:
    """The sync Router cannot route with ``cost-based-routing`` for any provider: the same
    "No deployments available" with LiteLLM's own ``openai/`` provider on the same mock, and no
    request sent. Why the matrix runs that strategy in async modes only."""
    for model in (f"aimlapi/{PRIMARY}", f"openai/{PRIMARY}"):
        router = litellm.Router(
            model_list=[
                {
                    "model_name": "primary",
                    "litellm_params": {"model": model, "api_key": KEY_A, "api_base": mock.base_url},
                }
            ],
            routing_strategy="cost-based-routing",
        )
        with pytest.raises(Exception, match="No deployments available"):
            router.completion(model="primary", messages=MESSAGES)
        assert await router.acompletion(model="primary", messages=MESSAGES)
    assert [r.status for r in mock.requests] == [200, 200]  # only the async calls were sent
