"""Soak: thousands of requests with ~20% random faults from every preset, through a LiteLLM
Router and through a LangChain agent with retry + fallback middleware.

Faults are dosed while the load runs: before each request, with probability ``FAULT_RATE``,
one randomly chosen fault (every preset, ``rate_limited(...)`` and ``slow(...)`` beyond the
timeout) is injected for exactly one matching request. Which request consumes it is up to the
concurrency; the checks therefore read the mock's request log, where every attempt carries the
request's tag (in the prompt), the key (= the deployment) or model, and the fault it got.

Per request the contract is checked from that log: nothing lost (an answer or a typed framework
exception), the exception's category is a fault the request actually met, non-retryable errors
are never retried on the same deployment/model, retries stay within ``num_retries``, context and
content-policy errors go to the fallback, a success after a failure came from the attempt the log
says answered, and mid-stream faults surface typed without a retry. After the run, sockets of
the process and asyncio tasks are back to their baseline once clients are closed.

Counts: ``AIMLAPI_SOAK_FULL=1`` runs 10,000 Router + 2,000 agent requests; otherwise the reduced
count below runs in the default test suite. ``AIMLAPI_SOAK_SEED`` replays a run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import litellm
import pytest
from langchain.agents import create_agent
from langchain.agents.middleware import ModelFallbackMiddleware, ModelRetryMiddleware
from langchain_core.exceptions import ModelError
from langchain_core.messages import AIMessage, HumanMessage
from litellm.types.router import RouterRateLimitError

from aiml_integrations.errors import AIMLAPIError, ErrorCategory
from aiml_integrations.langchain import ChatAIMLAPI
from aiml_integrations.litellm import aclear_clients
from aiml_integrations.testing import Fault, MockAIMLAPI, RecordedRequest, presets

from ._support import (
    ASYNC_JOB_FAULTS,
    COMPLETE_STREAM_ENDINGS,
    MID_STREAM,
    NOT_RETRYABLE_FOR_LANGCHAIN,
    PRESET_CATEGORY,
    RETRYABLE,
    SOCKET_TOLERANCE,
    category_of,
    category_of_label,
    describe_sockets,
    open_sockets,
    settle,
    tcp_states,
)

pytestmark = [pytest.mark.soak, pytest.mark.timeout(3600)]

FULL = os.environ.get("AIMLAPI_SOAK_FULL") == "1"
ROUTER_REQUESTS = 10_000 if FULL else 600
AGENT_REQUESTS = 2_000 if FULL else 150
SEED = int(os.environ.get("AIMLAPI_SOAK_SEED", "20250611"))
FAULT_RATE = 0.2
CONCURRENCY = 12
TIMEOUT = 2.0  # client timeout (s); ``slow`` faults answer after TIMEOUT + 1
NUM_RETRIES = 2
CHAT_PATH = "/v1/chat/completions"

KEY_A, KEY_B, KEY_C = "soak-key-primary-a", "soak-key-primary-b", "soak-key-backup-c"
PRIMARY, BACKUP = "openai/gpt-4o", "gpt-4o-mini"


def fault_pool() -> list[Fault]:
    """Every preset, a 429 with a tiny Retry-After, and a response slower than the timeout."""
    known = set(PRESET_CATEGORY) | COMPLETE_STREAM_ENDINGS | ASYNC_JOB_FAULTS
    assert set(presets.PRESETS) == known, "update _support.PRESET_CATEGORY"
    return [
        *(f for name, f in presets.PRESETS.items() if name not in ASYNC_JOB_FAULTS),
        presets.rate_limited(retry_after=0.01),
        presets.slow(TIMEOUT + 1.0),
    ]


def tag_of(request: RecordedRequest) -> str | None:
    """The ``soak-N`` tag in the last user message of a recorded chat request."""
    body = request.json if isinstance(request.json, dict) else {}
    for message in reversed(body.get("messages") or []):
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str) and content.startswith("soak-"):
            return content.split()[0]
    return None


@dataclass
class Attempt:
    where: str  # deployment key or model
    label: str | None  # fault label, None for a clean answer
    status: int

    @property
    def category(self) -> ErrorCategory | None:
        return category_of_label(self.label)


@dataclass
class Outcome:
    ok: bool
    error: BaseException | None = None
    answered_by: str | None = None
    attempts: list[Attempt] = field(default_factory=list)
    text: str | None = None  # what a streaming caller received (also when it then failed)


def attach_attempts(
    mock: MockAIMLAPI, outcomes: dict[str, Outcome], where: Any
) -> list[RecordedRequest]:
    """Group the mock's log by tag onto each outcome; returns untagged requests."""
    stray = []
    for request in mock.requests:
        tag = tag_of(request)
        if tag is None or tag not in outcomes:
            stray.append(request)
            continue
        outcomes[tag].attempts.append(Attempt(where(request), request.fault, request.status))
    return stray


def failed(attempt: Attempt, is_last: bool) -> ErrorCategory | None:
    """The category an attempt failed with from the client's point of view, or None if it
    answered. A clean answer that is not the request's last attempt can only have been
    abandoned by the client on its timeout (the event loop was busy): a TIMEOUT."""
    if attempt.category is not None:
        return attempt.category
    return None if is_last else ErrorCategory.TIMEOUT


# -- LiteLLM Router ---------------------------------------------------------------------------


def _deployment(mock: MockAIMLAPI, group: str, model: str, key: str) -> dict[str, Any]:
    return {
        "model_name": group,
        "litellm_params": {
            "model": f"aimlapi/{model}",
            "api_key": key,
            "api_base": mock.base_url,
            "timeout": TIMEOUT,
            "stream_timeout": TIMEOUT,
        },
    }


def make_router(mock: MockAIMLAPI) -> litellm.Router:
    to_backup = [{"primary": ["backup"]}]
    return litellm.Router(
        model_list=[
            _deployment(mock, "primary", PRIMARY, KEY_A),
            _deployment(mock, "primary", PRIMARY, KEY_B),
            _deployment(mock, "backup", BACKUP, KEY_C),
        ],
        fallbacks=to_backup,
        context_window_fallbacks=to_backup,
        content_policy_fallbacks=to_backup,
        num_retries=NUM_RETRIES,
        cooldown_time=0.02,
    )


def litellm_typed(exc: BaseException) -> bool:
    """A LiteLLM exception that is also ours, or the Router's own "no deployments available"
    (raised by LiteLLM itself when every deployment of a group is cooling down)."""
    if isinstance(exc, RouterRateLimitError):
        return True
    return isinstance(exc, tuple(litellm.LITELLM_EXCEPTION_TYPES)) and isinstance(exc, AIMLAPIError)


async def _router_call(router: litellm.Router, tag: str, stream: bool) -> Outcome:
    messages = [{"role": "user", "content": f"{tag} hello"}]
    parts: list[str] | None = [] if stream else None
    try:
        if stream:
            response = await router.acompletion(model="primary", messages=messages, stream=True)
            model = None
            async for chunk in response:
                model = model or getattr(chunk, "model", None)
                if chunk.choices and chunk.choices[0].delta.content and parts is not None:
                    parts.append(chunk.choices[0].delta.content)
        else:
            answer = await router.acompletion(model="primary", messages=messages)
            model = answer.model
    except Exception as exc:
        return Outcome(ok=False, error=exc, text=None if parts is None else "".join(parts))
    return Outcome(ok=True, answered_by=model, text=None if parts is None else "".join(parts))


async def _drive(
    mock: MockAIMLAPI,
    count: int,
    call: Any,
    rng: random.Random,
    pool: list[Fault],
    first: int = 0,
) -> dict[str, Outcome]:
    semaphore = asyncio.Semaphore(CONCURRENCY)
    outcomes: dict[str, Outcome] = {}

    async def one(n: int) -> None:
        tag = f"soak-{n}"
        async with semaphore:
            if rng.random() < FAULT_RATE:
                mock.inject(rng.choice(pool), times=1, path=CHAT_PATH)
            stream = n % 3 == 0
            # A hung request is left out of ``outcomes``: reported as lost.
            with contextlib.suppress(asyncio.TimeoutError):
                outcomes[tag] = await asyncio.wait_for(call(tag, stream), 120)

    await asyncio.gather(*(one(n) for n in range(first, first + count)))
    return outcomes


def _trace(outcome: Outcome) -> str:
    steps = " -> ".join(f"{a.where[-1]}:{a.label or a.status}" for a in outcome.attempts)
    end = "ok" if outcome.ok else f"{type(outcome.error).__name__}: {outcome.error}"[:300]
    return f"[{steps} => {end}]"


def _summary(outcomes: dict[str, Outcome]) -> str:
    errors = Counter(type(o.error).__name__ for o in outcomes.values() if o.error)
    faults = Counter(a.label for o in outcomes.values() for a in o.attempts if a.label)
    return f"ok={sum(o.ok for o in outcomes.values())} errors={dict(errors)} faults={dict(faults)}"


def _one_clean_answer(tag: str, outcome: Outcome) -> bool:
    """The caller saw (a prefix of) exactly one echo of its prompt: nothing from two attempts."""
    return outcome.text is not None and f"{tag} hello".startswith(outcome.text)


def check_router_request(tag: str, outcome: Outcome) -> list[str]:
    """The contract for one Router request; returns what was violated."""
    problems: list[str] = []
    attempts = outcome.attempts
    if not attempts and not isinstance(outcome.error, RouterRateLimitError):
        return [f"{tag}: never reached the server ({outcome.error!r})"]
    fails = [failed(a, i == len(attempts) - 1) for i, a in enumerate(attempts)]
    primary = [a for a in attempts if a.where in (KEY_A, KEY_B)]
    backup = [a for a in attempts if a.where == KEY_C]
    # Retries within a group: num_retries + 1 calls, plus one per other deployment for errors
    # the Router moves past instead of retrying.
    if len(primary) > NUM_RETRIES + 2 or len(backup) > NUM_RETRIES + 1:
        problems.append(f"{tag}: too many attempts")
    for i, (attempt, category) in enumerate(zip(attempts, fails, strict=True)):
        nxt = attempts[i + 1] if i + 1 < len(attempts) else None
        if category is None:
            if nxt is not None:
                problems.append(f"{tag}: retried after a clean answer")
            continue
        if attempt.label in MID_STREAM and nxt is not None and not _one_clean_answer(tag, outcome):
            # LiteLLM's stream wrapper swallows empty leading deltas, so the Router can meet
            # the cut before it has handed the caller any chunk: that is an error "before the
            # first chunk", and retrying it is the contract. What must never happen is a retry
            # the caller can see: text from two attempts run together.
            problems.append(f"{tag}: retried/fell back after a mid-stream fault the caller saw")
        if nxt is None:
            continue
        if category not in RETRYABLE and attempt.where == KEY_C:
            # Not retried on the fallback. (In the primary group the Router "moves to another
            # deployment", which can be the same key again once a cooldown expired; the
            # per-group attempt bound above still holds.)
            problems.append(f"{tag}: {category.value} retried on the fallback")
        if (
            category in (ErrorCategory.CONTEXT_OVERFLOW, ErrorCategory.CONTENT_POLICY)
            and attempt.where != KEY_C
            and nxt.where != KEY_C
        ):
            problems.append(f"{tag}: {category.value} did not go to the fallback")
        if attempt.where == KEY_C and nxt.where != KEY_C:
            problems.append(f"{tag}: went back from the fallback to the primary group")
    if outcome.ok:
        if outcome.error is not None or fails[-1] is not None:
            problems.append(f"{tag}: succeeded but its last attempt failed ({attempts[-1]})")
        expected_model = BACKUP if attempts[-1].where == KEY_C else PRIMARY
        if outcome.answered_by and expected_model not in outcome.answered_by:
            problems.append(f"{tag}: answered by {outcome.answered_by}, log says {expected_model}")
        return problems
    exc = outcome.error
    assert exc is not None
    if not litellm_typed(exc):
        problems.append(f"{tag}: untyped {type(exc).__module__}.{type(exc).__name__}: {exc}")
        return problems
    if isinstance(exc, RouterRateLimitError):
        return problems
    seen = {c for c in fails if c is not None}
    if category_of(exc) not in seen:
        problems.append(f"{tag}: raised {category_of(exc)} but met only {seen}")
    if getattr(exc, "llm_provider", None) != "aimlapi":
        problems.append(f"{tag}: llm_provider={getattr(exc, 'llm_provider', None)!r}")
    return problems


def _our_tasks() -> set[asyncio.Task[object]]:
    """Tasks on this loop that are not LiteLLM's own long-lived workers.

    Every ``Router`` LiteLLM builds starts a spend-sync task that lives as long as the loop, and
    its logging worker keeps one too; earlier tests' Routers leave theirs behind. Those are
    LiteLLM's, not ours, so the leak check counts everything else."""

    def litellm_owned(task: asyncio.Task[object]) -> bool:
        code = getattr(task.get_coro(), "cr_code", None)
        return code is not None and "/litellm/" in code.co_filename.replace("\\", "/")

    return {t for t in asyncio.all_tasks() if not litellm_owned(t)}


async def test_router_soak(aimlapi_mock_factory: Any) -> None:
    rng = random.Random(SEED)
    mock: MockAIMLAPI = aimlapi_mock_factory(keys=[KEY_A, KEY_B, KEY_C])
    router = make_router(mock)
    # Warm-up: LiteLLM starts its logging worker task on the first async call, once per loop.
    await _router_call(router, "warm-up", stream=False)
    await aclear_clients()
    mock.clear_requests()
    tasks_before = len(_our_tasks())
    sockets_before = open_sockets()

    async def call(tag: str, stream: bool) -> Outcome:
        return await _router_call(router, tag, stream)

    outcomes = await _drive(mock, ROUTER_REQUESTS, call, rng, fault_pool())
    stray = attach_attempts(mock, outcomes, lambda r: r.api_key)

    lost = ROUTER_REQUESTS - len(outcomes)
    assert lost == 0, f"{lost} requests neither answered nor raised (seed {SEED})"
    assert not stray, stray[:3]
    problems = [
        f"{p} {_trace(o)}" for tag, o in outcomes.items() for p in check_router_request(tag, o)
    ]
    assert not problems, f"seed {SEED}: {problems[:20]} ({len(problems)} total)"

    # The run really exercised the contract: faults of (nearly) every kind were met, requests
    # failed over to the backup, and some failures reached the caller typed.
    met = {a.label for o in outcomes.values() for a in o.attempts if a.label}
    fault_attempts = sum(1 for o in outcomes.values() for a in o.attempts if a.label)
    total_attempts = sum(len(o.attempts) for o in outcomes.values())
    assert 0.08 < fault_attempts / total_attempts < 0.3, _summary(outcomes)
    assert len(met) >= (30 if FULL else 20), _summary(outcomes)
    assert any(o.ok and o.attempts[-1].where == KEY_C for o in outcomes.values())
    assert sum(o.ok for o in outcomes.values()) > 0.8 * ROUTER_REQUESTS, _summary(outcomes)

    # Nothing leaks: the Router's clients and ours closed, sockets and tasks back to baseline.
    await aclear_clients()
    assert settle(lambda: open_sockets() <= sockets_before + SOCKET_TOLERANCE), (
        f"sockets: {sockets_before} before, {open_sockets()} after; "
        f"to the mock: {dict(tcp_states(mock.port))}; {describe_sockets()}"
    )
    assert settle(lambda: len(_our_tasks()) <= tasks_before), (
        f"tasks: {tasks_before} before, {_our_tasks()} after"
    )


# -- LangChain agent --------------------------------------------------------------------------

AGENT_RETRIES = 2


def make_models(mock: MockAIMLAPI) -> tuple[ChatAIMLAPI, ChatAIMLAPI]:
    common: dict[str, Any] = {
        "base_url": mock.base_url,
        "api_key": mock.api_key,
        "max_retries": 0,  # the middleware retries; one retry layer
        "timeout": TIMEOUT,
    }
    return ChatAIMLAPI(model=PRIMARY, **common), ChatAIMLAPI(model=BACKUP, **common)


def make_agent(primary: ChatAIMLAPI, backup: ChatAIMLAPI) -> Any:
    """The documented composition: fallback outermost, retry (on_failure="error") inside."""
    retry = ModelRetryMiddleware(
        max_retries=AGENT_RETRIES,
        initial_delay=0.001,
        max_delay=0.002,
        jitter=False,
        on_failure="error",
    )
    return create_agent(primary, middleware=[ModelFallbackMiddleware(backup), retry])


def langchain_retryable(attempt: Attempt, category: ErrorCategory) -> bool:
    return category in RETRYABLE and attempt.label not in NOT_RETRYABLE_FOR_LANGCHAIN


async def _agent_call(agent: Any, tag: str, stream: bool) -> Outcome:
    state = {"messages": [HumanMessage(f"{tag} hello")]}
    try:
        if stream:
            model = None
            async for message, _meta in agent.astream(state, stream_mode="messages"):
                model = message.response_metadata.get("model_name") or model
        else:
            result = await agent.ainvoke(state)
            last = result["messages"][-1]
            assert isinstance(last, AIMessage)
            model = last.response_metadata.get("model_name")
    except Exception as exc:
        return Outcome(ok=False, error=exc)
    return Outcome(ok=True, answered_by=model)


def check_agent_request(tag: str, outcome: Outcome) -> list[str]:
    """The contract for one agent request (retry middleware inside fallback middleware)."""
    problems: list[str] = []
    attempts = outcome.attempts
    if not attempts:
        return [f"{tag}: never reached the server ({outcome.error!r})"]
    fails = [failed(a, i == len(attempts) - 1) for i, a in enumerate(attempts)]
    if attempts[0].where != PRIMARY:
        problems.append(f"{tag}: did not start on the primary model")
    run = 0  # consecutive attempts on the current model
    for i, (attempt, category) in enumerate(zip(attempts, fails, strict=True)):
        run = run + 1 if i and attempts[i - 1].where == attempt.where else 1
        if run > AGENT_RETRIES + 1:
            problems.append(f"{tag}: more than {AGENT_RETRIES} retries on {attempt.where}")
        nxt = attempts[i + 1] if i + 1 < len(attempts) else None
        if category is None:
            if nxt is not None:
                problems.append(f"{tag}: called again after a clean answer")
            continue
        retry = langchain_retryable(attempt, category) and run <= AGENT_RETRIES
        expected = attempt.where if retry else (BACKUP if attempt.where == PRIMARY else None)
        got = nxt.where if nxt is not None else None
        if got != expected:
            problems.append(
                f"{tag}: after {category.value} on {attempt.where} (try {run}) expected "
                f"{expected}, got {got}"
            )
    if outcome.ok:
        if fails[-1] is not None:
            problems.append(f"{tag}: succeeded but its last attempt failed")
        if outcome.answered_by != attempts[-1].where:
            problems.append(f"{tag}: answered by {outcome.answered_by}, log says the last call")
        return problems
    exc = outcome.error
    if not (isinstance(exc, ModelError) and isinstance(exc, AIMLAPIError)):
        problems.append(f"{tag}: untyped {type(exc).__module__}.{type(exc).__name__}: {exc}")
    elif category_of(exc) != fails[-1]:
        problems.append(f"{tag}: raised {category_of(exc)} but the last call met {fails[-1]}")
    return problems


async def _agent_run(mock: MockAIMLAPI, rng: random.Random) -> tuple[dict[str, Outcome], int]:
    """The agent soak proper; the models (and their connection pools) die when it returns.
    Returns the outcomes and the number of asyncio tasks after the warm-up call."""
    primary, backup = make_models(mock)
    agent = make_agent(primary, backup)
    await _agent_call(agent, "warm-up", stream=False)
    mock.clear_requests()
    tasks_before = len(asyncio.all_tasks())

    async def call(tag: str, stream: bool) -> Outcome:
        return await _agent_call(agent, tag, stream)

    try:
        return await _drive(mock, AGENT_REQUESTS, call, rng, fault_pool()), tasks_before
    finally:
        await close_chat_models(primary, backup)


async def close_chat_models(*models: ChatAIMLAPI) -> None:
    """Close the models' connection pools (dropping a model is not enough while its loop
    runs: idle keep-alive connections stay registered with the running loop)."""
    for model in models:
        await model.aclose()


async def test_agent_soak(aimlapi_mock_factory: Any) -> None:
    mock: MockAIMLAPI = aimlapi_mock_factory()
    outcomes, tasks_before = await _agent_run(mock, random.Random(SEED + 1))
    stray = attach_attempts(mock, outcomes, lambda r: r.model)

    lost = AGENT_REQUESTS - len(outcomes)
    assert lost == 0, f"{lost} requests neither answered nor raised (seed {SEED})"
    assert not stray, stray[:3]
    problems = [
        f"{p} {_trace(o)}" for tag, o in outcomes.items() for p in check_agent_request(tag, o)
    ]
    assert not problems, f"seed {SEED}: {problems[:20]} ({len(problems)} total)"

    met = {a.label for o in outcomes.values() for a in o.attempts if a.label}
    assert len(met) >= (30 if FULL else 12), _summary(outcomes)
    fell_back = [o for o in outcomes.values() if o.ok and o.attempts[-1].where == BACKUP]
    retried = [o for o in outcomes.values() if o.ok and len(o.attempts) > 1]
    assert fell_back and len(retried) > len(fell_back), _summary(outcomes)

    # No leaks: once the models' pools are closed, every connection to the mock is gone.
    assert settle(lambda: not tcp_states(mock.port)), (
        f"to the mock: {dict(tcp_states(mock.port))}; {describe_sockets()}"
    )
    assert settle(lambda: len(asyncio.all_tasks()) <= tasks_before), asyncio.all_tasks()


# -- short-lived event loops -------------------------------------------------------------------

SHORT_LOOPS = 20 if FULL else 8
PER_LOOP = 40 if FULL else 15


def test_soak_with_short_lived_event_loops(aimlapi_mock_factory: Any) -> None:
    """The same contracts when every batch runs in its own ``asyncio.run`` (a Celery task, a
    script per job), with one Router and one pair of LangChain models shared by all batches;
    afterwards no connection of a finished loop is left open."""
    router_mock: MockAIMLAPI = aimlapi_mock_factory(keys=[KEY_A, KEY_B, KEY_C])
    agent_mock: MockAIMLAPI = aimlapi_mock_factory()
    rng = random.Random(SEED + 2)
    router = make_router(router_mock)
    agent = make_agent(*make_models(agent_mock))
    asyncio.run(_router_call(router, "warm-up", stream=False))
    asyncio.run(_agent_call(agent, "warm-up", stream=False))
    router_mock.clear_requests()
    agent_mock.clear_requests()
    sockets_before = open_sockets()
    routed: dict[str, Outcome] = {}
    answered: dict[str, Outcome] = {}

    async def router_call(tag: str, stream: bool) -> Outcome:
        return await _router_call(router, tag, stream)

    async def agent_call(tag: str, stream: bool) -> Outcome:
        return await _agent_call(agent, tag, stream)

    for batch in range(SHORT_LOOPS):
        first = batch * PER_LOOP
        routed.update(
            asyncio.run(_drive(router_mock, PER_LOOP, router_call, rng, fault_pool(), first))
        )
        answered.update(
            asyncio.run(_drive(agent_mock, PER_LOOP, agent_call, rng, fault_pool(), first))
        )
    total = SHORT_LOOPS * PER_LOOP
    assert len(routed) == len(answered) == total, "requests neither answered nor raised"
    assert not attach_attempts(router_mock, routed, lambda r: r.api_key)
    assert not attach_attempts(agent_mock, answered, lambda r: r.model)
    problems = [p for t, o in routed.items() for p in check_router_request(t, o)]
    problems += [p for t, o in answered.items() for p in check_agent_request(t, o)]
    assert not problems, f"seed {SEED}: {problems[:10]} ({len(problems)} total)"
    assert sum(o.ok for o in routed.values()) > 0.8 * total, _summary(routed)
    # Each loop's pools closed with it: nothing piled up across the batches.
    ports = (router_mock.port, agent_mock.port)
    assert settle(lambda: open_sockets() <= sockets_before + SOCKET_TOLERANCE), (
        f"sockets: {sockets_before} before, {open_sockets()} after; "
        f"to the mocks: {[dict(tcp_states(p)) for p in ports]}; {describe_sockets()}"
    )
