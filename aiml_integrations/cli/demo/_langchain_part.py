"""The LangChain half of the demo: an LCEL chain with ``with_retry`` and ``with_fallbacks``.

Why plain LangChain composition: the promise is that LangChain's *own* machinery, keyed on
langchain-core's exception types, does the right thing with AI/ML API failures. So the retry is
``Runnable.with_retry(retry_if_exception_type=<langchain-core's retryable types>)`` and the
fallbacks are ``with_fallbacks(exceptions_to_handle=...)`` — nothing AI/ML API specific.

The chain: prompt | (gpt-4o on key A, retried) -> fallback gpt-4o on key B (retried) -> fallback
gpt-4o-mini on key B; a ``ContextOverflowError`` skips all of that and goes to gpt-4.1.
The models' own retry layer is off (``max_retries=0``) so the only retries are LangChain's,
and each attempt is reported to the callbacks (``on_llm_error``), which is what the table shows.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aiml_integrations.cli.demo._env import DEFAULT_MODEL, Target
from aiml_integrations.cli.demo._incident import incident_step
from aiml_integrations.cli.demo._model import Attempt, Expect, Outcome, Step, framework_name

__all__ = ["LANGCHAIN_TITLE", "run_langchain"]

LANGCHAIN_TITLE = (
    "LangChain chain: prompt | gpt-4o key A .with_retry(3 attempts)\n"
    "  .with_fallbacks([gpt-4o key B .with_retry(3 attempts), gpt-4o-mini key B])\n"
    "  .with_fallbacks([gpt-4.1], exceptions_to_handle=(ContextOverflowError,))"
)


def _steps(target: Target) -> list[Step]:
    if target.live:
        return [
            incident_step(target, "normal call", Expect(None, (), "gpt-4o/key-A")),
            incident_step(
                target,
                "unknown model",
                Expect(None, ("ModelNotFoundError",), None, raised="ModelNotFoundError"),
            ),
            incident_step(
                target,
                "context overflow",
                Expect(None, ("ContextOverflowError",), None, raised="ContextOverflowError"),
            ),
        ]
    gpt4o, mini, long = DEFAULT_MODEL, "gpt-4o-mini", "openai/gpt-4.1-2025-04-14"
    out_of_credits = Expect(
        (Attempt("A", gpt4o, 403), Attempt("B", gpt4o, 200)),
        ("ModelPermissionDeniedError",),
        "gpt-4o/key-B",
    )
    return [
        incident_step(
            target, "normal call", Expect((Attempt("A", gpt4o, 200),), (), "gpt-4o/key-A")
        ),
        incident_step(
            target,
            "rate limited",
            Expect(
                (Attempt("A", gpt4o, 429), Attempt("A", gpt4o, 200)),
                ("ModelRateLimitError",),
                "gpt-4o/key-A",
            ),
            note=(
                "with_retry waits on its own schedule; ChatAIMLAPI(max_retries=N) alone would "
                "wait the Retry-After"
            ),
        ),
        incident_step(target, "key A out of credits", out_of_credits),
        incident_step(
            target,
            "next call",
            out_of_credits,
            note="LangChain keeps no cooldowns: key A is tried on every call",
        ),
        incident_step(
            target,
            "context overflow",
            Expect(
                (Attempt("A", gpt4o, 400), Attempt("B", long, 200)),
                ("ContextOverflowError",),
                "gpt-4.1-2025-04-14/key-B",
            ),
        ),
        incident_step(
            target,
            "outage",
            Expect(
                (Attempt("A", gpt4o, 503),) * 3
                + (Attempt("B", gpt4o, 503),) * 3
                + (Attempt("B", mini, 200),),
                ("ModelAPIError",) * 6,
                "gpt-4o-mini/key-B",
            ),
        ),
    ]


def _build(target: Target, step: Step) -> Any:
    from langchain_core.exceptions import (
        ContextOverflowError,
        ModelAPIError,
        ModelConnectionError,
        ModelRateLimitError,
        ModelTimeoutError,
    )
    from langchain_core.prompts import ChatPromptTemplate
    from pydantic import SecretStr

    from aiml_integrations.langchain import ChatAIMLAPI

    def model(name: str, key: str) -> Any:
        return ChatAIMLAPI(
            model_name=name,
            api_key=SecretStr(key),
            base_url=target.base_url,  # None: AIMLAPI_BASE_URL or the real API
            max_retries=0,
            request_timeout=60,
        )

    retry = {
        "retry_if_exception_type": (
            ModelRateLimitError,
            ModelAPIError,
            ModelTimeoutError,
            ModelConnectionError,
        ),
        "stop_after_attempt": 3,
        "wait_exponential_jitter": True,
        "exponential_jitter_params": {"initial": 0.2, "max": 2.0, "jitter": 0.1},
    }
    prompt = ChatPromptTemplate.from_messages([("user", "{question}")])
    if target.live and step.title == "unknown model":
        return prompt | model("openai/gpt-4o-typo", target.key_a)
    if target.live and step.title == "context overflow":
        return prompt | model("gpt-4o-mini", target.key_a)
    keys = (target.key_a, target.key_b)
    primary = model(DEFAULT_MODEL, keys[0]).with_retry(**retry)
    spare = model(DEFAULT_MODEL, keys[1]).with_retry(**retry)
    cheaper = model("gpt-4o-mini", keys[1])
    resilient = primary.with_fallbacks(
        [spare, cheaper],
        # Not ContextOverflowError: another 128k model cannot help; the outer fallback can.
        exceptions_to_handle=(
            ModelRateLimitError,
            ModelAPIError,
            ModelTimeoutError,
            ModelConnectionError,
            *_credit_and_key_errors(),
        ),
    )
    long = model("openai/gpt-4.1-2025-04-14", keys[1])
    return prompt | resilient.with_fallbacks([long], exceptions_to_handle=(ContextOverflowError,))


def _credit_and_key_errors() -> tuple[type[BaseException], ...]:
    """Out of credits (403) and a revoked key (401): another key can still answer."""
    from langchain_core.exceptions import ModelAuthenticationError, ModelPermissionDeniedError

    return (ModelPermissionDeniedError, ModelAuthenticationError)


def run_langchain(target: Target) -> list[Outcome]:
    outcomes = []
    for step in _steps(target):
        outcomes.append(_run_step(target, step))
    return outcomes


def _run_step(target: Target, step: Step) -> Outcome:
    question = target.begin_step(step)
    recorder = _make_recorder()
    chain = _build(target, step)
    answered = raised = None
    cost = None
    try:
        message = chain.invoke({"question": question}, config={"callbacks": [recorder]})
        metadata = getattr(message, "response_metadata", {}) or {}
        cost = metadata.get("usd_spent")
        answered = _answered_by(target, str(metadata.get("model_name") or "?"))
    except Exception as exc:
        raised = _name(exc)
    return target.end_step(
        step,
        errors=[_name(e) for e in recorder.seen],
        answered_by=answered,
        raised=raised,
        cost=cost,
        same_unit=lambda x, y: (x.model, x.key) == (y.model, y.key),  # one runnable
    )


def _answered_by(target: Target, model_name: str) -> str:
    """Model (from the response) and key (from what the mock saw answer 200)."""
    short = model_name.split("/", 1)[1] if model_name.startswith("openai/") else model_name
    attempts = target.attempts()
    if not attempts:
        return f"{short}/key-A"  # live: only key A exists
    ok = [a for a in attempts if a.status == 200]
    return f"{short}/key-{ok[-1].key}" if ok else short


def _name(exc: BaseException) -> str:
    return framework_name(exc, ("langchain_core.",), "")


def _make_recorder() -> Any:
    from langchain_core.callbacks import BaseCallbackHandler

    class FailureRecorder(BaseCallbackHandler):
        """Every failed model attempt, as LangChain reports it to callbacks."""

        def __init__(self) -> None:
            self.seen: list[BaseException] = []

        def on_llm_error(
            self,
            error: BaseException,
            *,
            run_id: UUID,
            parent_run_id: UUID | None = None,
            **kwargs: Any,
        ) -> Any:
            self.seen.append(error)

    return FailureRecorder()
