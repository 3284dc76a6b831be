"""Helpers shared by the media-tool tests (``from ._support import ...``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler

from aiml_integrations.testing import MockAIMLAPI

FAST_POLLS: dict[str, Any] = {"poll_interval": 0.005, "max_poll_interval": 0.01}


def creds(mock: MockAIMLAPI, **kwargs: Any) -> dict[str, Any]:
    return {"base_url": mock.base_url, "api_key": mock.api_key, **kwargs}


def tool_call(name: str, args: dict[str, Any], call_id: str = "call-1") -> dict[str, Any]:
    return {"type": "tool_call", "id": call_id, "name": name, "args": args}


def paths(mock: MockAIMLAPI) -> list[tuple[str, str, int]]:
    return [(r.method, r.path, r.status) for r in mock.requests]


class Progress(BaseCallbackHandler):
    """Records what a tool reports while it waits for a job."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.events: list[dict[str, Any]] = []

    def on_text(self, text: str, **kwargs: Any) -> None:
        self.texts.append(text)

    def on_custom_event(
        self,
        name: str,
        data: Any,
        *,
        run_id: UUID,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if name == "aimlapi_job_progress":
            self.events.append(data)
