"""What a demo step is, what it must do (the contract), and what it was seen to do.

Why spell the expectation out per step: the demo doubles as a smoke test. Its exit status is
0 only when every step produced exactly the expected attempts (key, model, status, as the mock
recorded them), the expected framework exception types, and the expected answer. A change in
LiteLLM's Router, LangChain's runnables or our error mapping shows up as a failing row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiml_integrations.errors import AIMLAPIError

if TYPE_CHECKING:
    from aiml_integrations.testing import MockAIMLAPI

__all__ = [
    "RETRYABLE_STATUSES",
    "Attempt",
    "Expect",
    "Outcome",
    "Step",
    "framework_name",
]

RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
"""Statuses after which trying the same thing again can succeed (how both frameworks act)."""


@dataclass(frozen=True)
class Attempt:
    """One request the (mock) AI/ML API received: key label ("A"), model id, status."""

    key: str
    model: str
    status: int

    def label(self, default_model: str) -> str:
        model = "" if self.model == default_model else f"/{_short(self.model)}"
        return f"{self.key}{model} {self.status}"


@dataclass(frozen=True)
class Expect:
    """The contract for one step.

    ``attempts``: what must reach AI/ML API, in order (``None`` in live mode, where nothing
    can be injected). ``errors``: framework exception types seen along the way, in order.
    ``answered_by``: the deployment / runnable that answered, or ``None`` when the call must
    fail with ``raised``.
    """

    attempts: tuple[Attempt, ...] | None
    errors: tuple[str, ...]
    answered_by: str | None
    raised: str | None = None
    skipped: str | None = None  # a deployment that must not be tried (cooled down)


@dataclass(frozen=True)
class Step:
    """One scripted moment of the incident."""

    title: str
    injected: str
    expect: Expect
    inject: Callable[[MockAIMLAPI], None] | None = None
    long_prompt: bool = False
    pause_after: float = 0.0  # e.g. let a Retry-After cooldown run out before the next step
    note: str = ""


@dataclass
class Outcome:
    """What one step did."""

    step: Step
    attempts: list[Attempt] | None
    errors: list[str]
    answered_by: str | None
    raised: str | None
    cost: float | None
    same_unit: Callable[[Attempt, Attempt], bool] = field(repr=False, default=lambda a, b: False)

    @property
    def retries(self) -> int | None:
        """Attempts that repeated the same unit (deployment group / runnable) after a
        retryable failure."""
        if self.attempts is None:
            return None
        return sum(
            1
            for before, after in zip(self.attempts, self.attempts[1:], strict=False)
            if before.status in RETRYABLE_STATUSES and self.same_unit(before, after)
        )

    @property
    def fallbacks(self) -> int | None:
        """Moves to something else: after a non-retryable failure, or to another unit."""
        if self.attempts is None:
            return None
        return sum(
            1
            for before, after in zip(self.attempts, self.attempts[1:], strict=False)
            if not (before.status in RETRYABLE_STATUSES and self.same_unit(before, after))
        )

    @property
    def problems(self) -> list[str]:
        """How this step deviated from its contract (empty: it behaved)."""
        want = self.step.expect
        found: list[str] = []
        if want.attempts is not None and tuple(self.attempts or ()) != want.attempts:
            found.append(
                f"attempts {_trace(self.attempts or [])!r}, expected {_trace(want.attempts)!r}"
            )
        if tuple(self.errors) != want.errors:
            found.append(f"exceptions {self.errors}, expected {list(want.errors)}")
        if self.answered_by != want.answered_by:
            found.append(f"answered by {self.answered_by}, expected {want.answered_by}")
        if self.raised != want.raised:
            found.append(f"raised {self.raised}, expected {want.raised}")
        if want.skipped is not None and any(a.key == want.skipped for a in self.attempts or ()):
            found.append(f"key {want.skipped} was tried although it is cooled down")
        return found

    @property
    def ok(self) -> bool:
        return not self.problems


def framework_name(exc: BaseException, prefixes: Sequence[str], shown: str) -> str:
    """The first class in ``exc``'s MRO that the framework defines, as ``shown`` + name.

    Why the MRO: our exceptions subclass the framework's (``AIMLAPIRateLimitError`` is a
    ``litellm.RateLimitError``); the framework type is what user code catches and what the
    framework's retry/fallback logic keys on, so that is what the table shows.
    """
    for cls in type(exc).__mro__:
        if issubclass(cls, AIMLAPIError):  # ours, even where it reports a framework's module
            continue
        if cls.__module__.startswith(tuple(prefixes)):
            return shown + cls.__name__
    return type(exc).__name__


def _short(model: str) -> str:
    return model.split("/", 1)[1] if model.startswith("openai/") else model


def _trace(attempts: Sequence[Attempt]) -> str:
    return ", ".join(f"{a.key}/{_short(a.model)} {a.status}" for a in attempts)
