"""Where the demo's calls go: the built-in mock (offline) or the real API (``--live``).

Why one small object: both framework parts need the same three facts — base URL, the two keys
and their display labels — plus, offline, the mock's request log to show what really reached
"AI/ML API". Live there is no log (``attempts`` is ``None``) and only one key. Each step starts
and ends here the same way for both parts (``begin_step`` / ``end_step``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiml_integrations._core.api import CHAT_PATH
from aiml_integrations.cli.demo._model import Attempt, Outcome, Step

if TYPE_CHECKING:  # the mock server is imported only when the demo runs offline
    from aiml_integrations.testing import MockAIMLAPI

__all__ = ["CHAT_PATH", "DEFAULT_MODEL", "LONG_PROMPT", "MOCK_KEY_A", "MOCK_KEY_B", "Target"]

MOCK_KEY_A = "demo-key-A"
MOCK_KEY_B = "demo-key-B"
DEFAULT_MODEL = "openai/gpt-4o"
# About 175k tokens by the mock's estimate (and the real tokenizer's order of magnitude):
# over gpt-4o's 128k window, well under gpt-4.1's 1M.
LONG_PROMPT = "word " * 140_000
_GREETING = "Say hello in five words."


@dataclass
class Target:
    base_url: str | None  # None: the adapters' default (AIMLAPI_BASE_URL or api.aimlapi.com)
    key_a: str
    key_b: str
    mock: MockAIMLAPI | None = None

    @property
    def live(self) -> bool:
        return self.mock is None

    def label(self, key: str | None) -> str:
        return {self.key_a: "A", self.key_b: "B"}.get(key or "", "?")

    def begin_step(self, step: Step) -> str:
        """Start ``step``: the mock's log and faults cleared, the step's fault injected.
        Returns the prompt the step sends."""
        if self.mock is not None:
            self.mock.clear_faults()
            self.mock.clear_requests()
            if step.inject is not None:
                step.inject(self.mock)
        return LONG_PROMPT if step.long_prompt else _GREETING

    def end_step(
        self,
        step: Step,
        *,
        errors: list[str],
        answered_by: str | None,
        raised: str | None,
        cost: float | None,
        same_unit: Callable[[Attempt, Attempt], bool],
    ) -> Outcome:
        """What ``step`` did, with the attempts the mock saw; the step's faults are cleared."""
        if self.mock is not None:
            self.mock.clear_faults()
        return Outcome(
            step=step,
            attempts=self.attempts(),
            errors=errors,
            answered_by=answered_by,
            raised=raised,
            cost=cost,
            same_unit=same_unit,
        )

    def attempts(self) -> list[Attempt] | None:
        if self.mock is None:
            return None
        return [
            Attempt(self.label(r.api_key), r.model or "?", r.status)
            for r in self.mock.requests_for(path=CHAT_PATH)
        ]

    def failed_attempts(self) -> int | None:
        attempts = self.attempts()
        return None if attempts is None else sum(1 for a in attempts if a.status != 200)
