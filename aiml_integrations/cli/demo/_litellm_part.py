"""The LiteLLM half of the demo: a ``Router`` over two AI/ML API keys through a scripted incident.

Why a Router and not ``litellm.completion``: retries, fallbacks and cooldowns are the Router's
decisions, and they are only right if our handler raises LiteLLM's own exception types with the
right status and ``retry-after``. The table shows the Router's decisions as the mock saw them.

The router (the same shape as ``examples/proxy/config.yaml``): group ``chat`` = gpt-4o on key A
(``order: 1``) then key B; ``fallbacks`` chat -> ``chat-fallback`` (gpt-4o-mini);
``context_window_fallbacks`` chat -> ``chat-long`` (gpt-4.1).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Any

from aiml_integrations.cli.demo._env import DEFAULT_MODEL, Target
from aiml_integrations.cli.demo._incident import RATE_LIMIT_RETRY_AFTER, incident_step
from aiml_integrations.cli.demo._model import Attempt, Expect, Outcome, Step, framework_name

__all__ = ["LITELLM_TITLE", "live_steps", "mock_steps", "run_litellm"]

LITELLM_TITLE = (
    "LiteLLM Router: group 'chat' = gpt-4o on key A (order 1), then key B; num_retries=2\n"
    "  fallbacks: chat -> gpt-4o-mini; context_window_fallbacks: chat -> gpt-4.1"
)
COOLDOWN_SECONDS = 60.0  # longer than the demo: once cooled, key A stays out for the rest
_LITELLM_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy")


def _a(key: str, model: str, status: int) -> Attempt:
    return Attempt(key, model, status)


def mock_steps(target: Target) -> list[Step]:
    gpt4o, mini, long = DEFAULT_MODEL, "gpt-4o-mini", "openai/gpt-4.1-2025-04-14"
    return [
        incident_step(target, "normal call", Expect((_a("A", gpt4o, 200),), (), "chat/key-A")),
        incident_step(
            target,
            "rate limited",
            Expect(
                (_a("A", gpt4o, 429), _a("B", gpt4o, 200)),
                ("litellm.RateLimitError",),
                "chat/key-B",
            ),
            # A 429 cools key A for its Retry-After; wait it out so step 3 starts on key A.
            pause_after=RATE_LIMIT_RETRY_AFTER + 0.3,
            note="retried at once on key B (another healthy deployment); key A cooled for 1s",
        ),
        incident_step(
            target,
            "key A out of credits",
            Expect(
                (_a("A", gpt4o, 403), _a("B", gpt4o, 200)),
                ("litellm.PaymentRequiredError",),
                "chat/key-B",
            ),
        ),
        incident_step(
            target,
            "next call",
            Expect((_a("B", gpt4o, 200),), (), "chat/key-B", skipped="A"),
            note=f"key A is cooled down ({COOLDOWN_SECONDS:.0f}s): the Router does not try it",
        ),
        incident_step(
            target,
            "context overflow",
            Expect(
                (_a("B", gpt4o, 400), _a("B", long, 200)),
                ("litellm.ContextWindowExceededError",),
                "chat-long/key-B",
            ),
        ),
        incident_step(
            target,
            "outage",
            Expect(
                (_a("B", gpt4o, 503),) * 3 + (_a("B", mini, 200),),
                ("litellm.ServiceUnavailableError",) * 3,
                "chat-fallback/key-B",
            ),
        ),
    ]


def live_steps(target: Target) -> list[Step]:
    return [
        incident_step(target, "normal call", Expect(None, (), "chat/key-A")),
        incident_step(
            target,
            "unknown model",
            Expect(None, ("litellm.NotFoundError",), None, raised="litellm.NotFoundError"),
            injected="deployment model openai/gpt-4o-typo",
        ),
        incident_step(
            target,
            "context overflow",
            Expect(
                None,
                ("litellm.ContextWindowExceededError",),
                None,
                raised="litellm.ContextWindowExceededError",
            ),
        ),
    ]


def _model_list(target: Target) -> list[dict[str, Any]]:
    def deployment(group: str, model: str, key: str, label: str, **extra: Any) -> dict[str, Any]:
        params: dict[str, Any] = {"model": f"aimlapi/{model}", "api_key": key, **extra}
        if target.base_url is not None:
            params["api_base"] = target.base_url
        return {"model_name": group, "litellm_params": params, "model_info": {"id": label}}

    a, b = target.key_a, target.key_b
    return [
        deployment("chat", DEFAULT_MODEL, a, "chat/key-A", order=1),
        deployment("chat", DEFAULT_MODEL, b, "chat/key-B", order=2),
        deployment("chat-fallback", "gpt-4o-mini", b, "chat-fallback/key-B"),
        deployment("chat-long", "openai/gpt-4.1-2025-04-14", b, "chat-long/key-B"),
        # Live only: groups without fallbacks, to show real errors reaching the caller.
        deployment("typo", "openai/gpt-4o-typo", a, "typo/key-A"),
        deployment("short", "gpt-4o-mini", a, "short/key-A"),
    ]


def _group_for(step: Step, live: bool) -> str:
    if live and step.title == "unknown model":
        return "typo"
    if live and step.title == "context overflow":
        return "short"
    return "chat"


def run_litellm(target: Target) -> list[Outcome]:
    """Run every step through one Router; LiteLLM's global state is restored afterwards."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # no network at import
    import litellm

    from aiml_integrations.litellm import register

    register()
    recorder = _make_recorder()
    saved_debug_info = litellm.suppress_debug_info
    litellm.logging_callback_manager.add_litellm_callback(recorder)
    litellm.suppress_debug_info = True
    # The Router logs every failure it handles at ERROR; here failures are the point, and the
    # table reports them. Quiet LiteLLM's loggers for the run only.
    quiet = {name: logging.getLogger(name).level for name in _LITELLM_LOGGERS}
    for name in quiet:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        router = litellm.Router(
            model_list=_model_list(target),
            num_retries=2,
            fallbacks=[{"chat": ["chat-fallback"]}],
            context_window_fallbacks=[{"chat": ["chat-long"]}],
            cooldown_time=COOLDOWN_SECONDS,
        )
        steps = live_steps(target) if target.live else mock_steps(target)
        return asyncio.run(_run_steps(router, recorder, target, steps))
    finally:
        # LiteLLM copies callbacks into its success/failure lists on first use: remove it from
        # all of them, or a later run in this process would report to this run's recorder.
        litellm.logging_callback_manager.remove_callback_from_all_lists(recorder)
        litellm.suppress_debug_info = saved_debug_info
        for name, level in quiet.items():
            logging.getLogger(name).setLevel(level)


async def _run_steps(
    router: Any, recorder: Any, target: Target, steps: list[Step]
) -> list[Outcome]:
    outcomes = []
    for step in steps:
        outcomes.append(await _run_step(router, recorder, target, step))
        if step.pause_after:
            await asyncio.sleep(step.pause_after)
    return outcomes


async def _run_step(router: Any, recorder: Any, target: Target, step: Step) -> Outcome:
    content = target.begin_step(step)
    recorder.seen.clear()
    answered = raised = None
    cost = None
    try:
        response = await router.acompletion(
            model=_group_for(step, target.live), messages=[{"role": "user", "content": content}]
        )
        hidden = getattr(response, "_hidden_params", None) or {}
        answered = hidden.get("model_id")
        cost = hidden.get("response_cost")
    except Exception as exc:
        raised = _name(exc)
    await _settle(recorder, target, raised)
    return target.end_step(
        step,
        errors=[_name(e) for e in recorder.seen],
        answered_by=answered,
        raised=raised,
        cost=cost,
        same_unit=lambda x, y: x.model == y.model,  # a Router retry stays in the model group
    )


async def _settle(recorder: Any, target: Target, raised: str | None) -> None:
    """LiteLLM logs failures from a background task: wait until each failed attempt arrived
    (live, where nothing counts the attempts, at least the one that was raised)."""
    failed = target.failed_attempts()
    expected = failed if failed is not None else (1 if raised else 0)
    deadline = time.monotonic() + 3.0
    while len(recorder.seen) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.02)


def _name(exc: BaseException) -> str:
    return framework_name(exc, ("litellm.",), "litellm.")


def _make_recorder() -> Any:
    """A LiteLLM callback that keeps every failed attempt's exception (built lazily: the
    class needs litellm imported)."""
    from litellm.integrations.custom_logger import CustomLogger

    class FailureRecorder(CustomLogger):  # type: ignore[misc]  # litellm is untyped for mypy
        def __init__(self) -> None:
            super().__init__()
            self.seen: list[BaseException] = []

        async def async_log_failure_event(
            self, kwargs: dict[str, Any], response_obj: Any, start_time: Any, end_time: Any
        ) -> None:
            exc = kwargs.get("exception")
            if isinstance(exc, BaseException):
                self.seen.append(exc)

    return FailureRecorder()
