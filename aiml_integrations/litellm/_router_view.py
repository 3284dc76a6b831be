"""How an out-of-credits failure reads to LiteLLM's Router, and how long it keeps a key out.

Why the Router needs its own view: LiteLLM's Router (1.110's router core, and the Python router
before it) moves a failed call to *another deployment of the same group* only by retrying, and
it retries only failures whose ``status_code`` is 401, 403, 408, 409, 429 or a 5xx. A 402 is
never retried, so with two keys in one group and no ``order``/``fallbacks`` the caller got the
402 although the other key was healthy. A 401 does fail over: it is exempt from the status
rule, it cools the failed deployment down at once (so the retry picks another one), and a
failure whose classes include an ``AuthenticationError``/``PermissionDeniedError`` is never
retried in a one-deployment group. "Out of credits" is the same kind of failure — permanent and
specific to one key — so the Router is shown 401 for it, and only the Router:

- only when the call came through a Router group of more than one deployment (the Router puts
  ``model_group_size`` in the call's metadata). In a one-deployment group LiteLLM's own rule for
  402 is right: never retried, never cooled down, each call answers with the 402 (a cooldown
  would turn it into "no deployments available" for the whole cooldown);
- only for code of LiteLLM's router packages (``litellm.router*``) reading ``status_code``.
  Everyone else — the caller, the Proxy's HTTP answer, LiteLLM's logging, CrewAI, LangChain —
  reads 402, and the class stays ``PaymentRequiredError`` / ``OutOfCreditsError``, not
  retryable. The failure's classes already include ``PermissionDeniedError`` (the core's
  ``OutOfCreditsError`` derives from it), so the Router never retries it on the same key.

How long the key stays out: the Router's cooldown length is the deployment's ``cooldown_time``,
else the failure's ``retry-after`` header, else the Router's ``cooldown_time`` (60 s by default
on the Proxy). Out of credits is not a burst, so the failure carries ``retry-after`` =
:func:`out_of_credits_cooldown` (1 hour unless configured); like any cooldown it is shared
through Redis between Proxy instances.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping
from typing import Any

__all__ = [
    "DEFAULT_OUT_OF_CREDITS_COOLDOWN",
    "OUT_OF_CREDITS_COOLDOWN_ENV",
    "ROUTER_STATUS_OUT_OF_CREDITS",
    "cooldown_retry_after",
    "note_router_group",
    "out_of_credits_cooldown",
    "read_by_router",
    "router_group_size",
    "set_out_of_credits_cooldown",
]

DEFAULT_OUT_OF_CREDITS_COOLDOWN = 3600.0
OUT_OF_CREDITS_COOLDOWN_ENV = "AIMLAPI_OUT_OF_CREDITS_COOLDOWN"
#: The status LiteLLM's Router is shown for out of credits in a multi-deployment group.
ROUTER_STATUS_OUT_OF_CREDITS = 401

_ROUTER_PACKAGES = "litellm.router"  # litellm.router, litellm.router_rust.*, router_utils.* ...
_configured: float | None = None


def set_out_of_credits_cooldown(seconds: float | None) -> None:
    """Set how long (seconds) the Router keeps an out-of-credits key out; ``None`` = back to
    the ``AIMLAPI_OUT_OF_CREDITS_COOLDOWN`` environment variable, else 1 hour.

    ``0`` sends no ``retry-after``, so the Router's own ``cooldown_time`` applies. A deployment's
    ``cooldown_time`` (in its ``litellm_params``) always wins over this.
    """
    global _configured
    if seconds is not None:
        seconds = float(seconds)
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"out-of-credits cooldown must be >= 0 seconds, got {seconds!r}")
    _configured = seconds


def out_of_credits_cooldown() -> int | None:
    """The whole seconds to send as ``retry-after``; ``None`` when configured to ``0``.

    A malformed environment value falls back to the default rather than failing the call that
    is already reporting an error.
    """
    seconds = _configured
    if seconds is None:
        seconds = _from_env(os.environ.get(OUT_OF_CREDITS_COOLDOWN_ENV))
    whole = math.ceil(seconds)
    return whole if whole > 0 else None


def cooldown_retry_after(headers: dict[str, str]) -> None:
    """Add ``retry-after`` = the out-of-credits cooldown to an error's (lower-cased) headers,
    unless AI/ML API sent one or the cooldown is configured to ``0``."""
    cooldown = out_of_credits_cooldown()
    if cooldown is not None:
        headers.setdefault("retry-after", str(cooldown))


def _from_env(raw: str | None) -> float:
    if raw is None or not raw.strip():
        return DEFAULT_OUT_OF_CREDITS_COOLDOWN
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_OUT_OF_CREDITS_COOLDOWN
    return value if math.isfinite(value) and value >= 0 else DEFAULT_OUT_OF_CREDITS_COOLDOWN


def router_group_size(litellm_params: Mapping[str, Any] | None) -> int | None:
    """How many deployments the Router's group has, from the call's metadata (``None``: the
    call did not come through a Router)."""
    if not litellm_params:
        return None
    for field in ("metadata", "litellm_metadata"):
        metadata = litellm_params.get(field)
        if isinstance(metadata, Mapping):
            size = metadata.get("model_group_size")
            if isinstance(size, int) and not isinstance(size, bool):
                return size
    return None


def read_by_router() -> bool:
    """Whether the code reading the attribute (two frames up: the reader of the property that
    calls this) belongs to LiteLLM's router packages."""
    try:
        frame = sys._getframe(2)
    except ValueError:  # pragma: no cover - a call stack this shallow is not a Router
        return False
    name = frame.f_globals.get("__name__", "")
    return isinstance(name, str) and name.startswith(_ROUTER_PACKAGES)


def note_router_group(error: BaseException, litellm_params: Mapping[str, Any] | None) -> None:
    """An out-of-credits error raised in a Router group of several deployments: from now on
    LiteLLM's router code reads ``status_code`` 401 on it, so the same call fails over."""
    if not hasattr(type(error), "router_status_code"):  # only the out-of-credits class has it
        return
    size = router_group_size(litellm_params)
    if size is not None and size > 1:
        error.router_status_code = ROUTER_STATUS_OUT_OF_CREDITS  # type: ignore[attr-defined]
