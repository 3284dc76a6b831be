"""The incident both parts go through: what is injected at each step, and when.

Why one script: the two tables compare how LiteLLM and LangChain handle the *same* failures, so
each step's fault and the words the table shows for it are written once, here. A part adds only
what its framework must do about them (the step's ``Expect``) and its own notes. Live, nothing
can be injected: the live steps are real calls that fail for real (an unknown model, a prompt
over gpt-4o-mini's context).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiml_integrations.cli.demo._env import DEFAULT_MODEL, Target
from aiml_integrations.cli.demo._model import Expect, Step
from aiml_integrations.testing import presets

if TYPE_CHECKING:
    from aiml_integrations.testing import Fault, MockAIMLAPI

__all__ = ["RATE_LIMIT_RETRY_AFTER", "incident_step"]

RATE_LIMIT_RETRY_AFTER = 1

_Inject = Callable[["MockAIMLAPI"], None]


def _injecting(fault: Fault, **where: Any) -> _Inject:
    """A step's fault, injected when the step starts (:meth:`Target.begin_step`)."""

    def inject(mock: MockAIMLAPI) -> None:
        mock.inject(fault, **where)

    return inject


_LIVE: dict[str, tuple[str, _Inject | None, bool]] = {
    "normal call": ("-", None, False),
    "unknown model": ("model openai/gpt-4o-typo", None, False),
    "context overflow": ("175k-token prompt, gpt-4o-mini", None, True),
}


def _script(target: Target) -> dict[str, tuple[str, _Inject | None, bool]]:
    """Each step's title -> (what the table says is injected, the injection, long prompt)."""
    if target.live:
        return _LIVE
    a = target.key_a  # key B needs no faults: it is the healthy spare
    out_of_credits = _injecting(presets.OUT_OF_CREDITS, key=a)
    return {
        "normal call": ("-", None, False),
        "rate limited": (
            f"429 Retry-After {RATE_LIMIT_RETRY_AFTER}s, key A",
            _injecting(presets.rate_limited(RATE_LIMIT_RETRY_AFTER), key=a, times=1),
            False,
        ),
        "key A out of credits": ("403 out of credits, key A", out_of_credits, False),
        "next call": ("(key A still has none)", out_of_credits, False),
        "context overflow": ("175k-token prompt", None, True),
        "outage": (
            "503 on all gpt-4o",
            _injecting(presets.SERVICE_UNAVAILABLE, model=DEFAULT_MODEL),
            False,
        ),
    }


def incident_step(
    target: Target,
    title: str,
    expect: Expect,
    *,
    injected: str | None = None,
    note: str = "",
    pause_after: float = 0.0,
) -> Step:
    """The incident's step ``title`` (live or offline, as ``target`` is), with what one
    framework must do in it; ``injected`` rewords the table's description."""
    described, inject, long_prompt = _script(target)[title]
    return Step(
        title,
        injected or described,
        expect,
        inject=inject,
        long_prompt=long_prompt,
        pause_after=pause_after,
        note=note,
    )
