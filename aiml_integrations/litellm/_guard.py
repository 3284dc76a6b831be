"""The boundary every handler path ends in: whatever escapes leaves as a typed LiteLLM error.

Why: LiteLLM maps anything that is not already one of its exception types to
``APIConnectionError`` (retried, never cooled down, traceback in the message). So building the
body, the HTTP call, reading the answer, iterating a stream, even a bug here, end in
:func:`convert`, which returns one of the typed classes in ``_errors``.

One exception passes untouched: LiteLLM's ``RawRequestCaptured``, with which its logging ends
a dry run (``litellm.utils.return_raw_request``) before anything is sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import litellm
from litellm.litellm_core_utils.litellm_logging import RawRequestCaptured

from aiml_integrations._core.transport import AIMLAPIClient
from aiml_integrations.errors import AIMLAPIError
from aiml_integrations.litellm._errors import (
    AIMLAPILiteLLMError,
    timeout_error,
    to_litellm_error,
    unexpected_error,
)
from aiml_integrations.litellm._router_view import note_router_group

__all__ = ["Guard", "convert"]

_PASSED_THROUGH: tuple[type[BaseException], ...] = (
    *litellm.LITELLM_EXCEPTION_TYPES,
    RawRequestCaptured,
)


def convert(
    error: BaseException, *, model: str | None, url: str, secrets: tuple[str, ...] = ()
) -> BaseException:
    """The typed LiteLLM exception for anything that went wrong in a handler."""
    if isinstance(error, AIMLAPILiteLLMError):
        return error
    if isinstance(error, AIMLAPIError):
        return to_litellm_error(error, model=model, url=url)
    if isinstance(error, asyncio.TimeoutError | TimeoutError):
        return timeout_error(None, model=model, url=url)
    if isinstance(error, _PASSED_THROUGH):
        return error
    return unexpected_error(error, model=model, url=url, secrets=secrets)


class Guard:
    """``with Guard(model, url) as guard:`` — whatever escapes leaves as a typed LiteLLM error.

    ``guard.client`` is set once the client is known, so its key can be redacted from the
    message of an unexpected exception.
    """

    __slots__ = ("client", "litellm_params", "model", "url")

    def __init__(
        self,
        model: str,
        url: str,
        client: AIMLAPIClient | None = None,
        litellm_params: Mapping[str, Any] | None = None,
    ) -> None:
        self.model = model
        self.url = url
        self.client = client
        self.litellm_params = litellm_params

    def __enter__(self) -> Guard:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None or not isinstance(exc, Exception):
            return  # success, or GeneratorExit / KeyboardInterrupt / CancelledError
        secrets = self.client.config.secrets() if self.client is not None else ()
        converted = convert(exc, model=self.model, url=self.url, secrets=secrets)
        note_router_group(converted, self.litellm_params)
        if converted is not exc:
            raise converted from exc
