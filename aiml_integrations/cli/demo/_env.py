"""Where the demo's calls go: the built-in mock (offline) or the real API (``--live``).

Why one small object: both framework parts need the same three facts — base URL, the two keys
and their display labels — plus, offline, the mock's request log to show what really reached
"AI/ML API". Live there is no log (``attempts`` is ``None``) and only one key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiml_integrations._core.api import CHAT_PATH
from aiml_integrations.cli.demo._model import Attempt

if TYPE_CHECKING:  # the mock server is imported only when the demo runs offline
    from aiml_integrations.testing import MockAIMLAPI

__all__ = ["CHAT_PATH", "DEFAULT_MODEL", "LONG_PROMPT", "MOCK_KEY_A", "MOCK_KEY_B", "Target"]

MOCK_KEY_A = "demo-key-A"
MOCK_KEY_B = "demo-key-B"
DEFAULT_MODEL = "openai/gpt-4o"
# About 175k tokens by the mock's estimate (and the real tokenizer's order of magnitude):
# over gpt-4o's 128k window, well under gpt-4.1's 1M.
LONG_PROMPT = "word " * 140_000


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

    def begin_step(self) -> None:
        if self.mock is not None:
            self.mock.clear_faults()
            self.mock.clear_requests()

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
