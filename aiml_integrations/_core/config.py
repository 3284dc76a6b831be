"""Who we talk to and how: API key, base URL, timeouts and headers, resolved once.

Why one place: LiteLLM users already have ``AIML_API_KEY`` / ``AIML_API_BASE`` set (the
built-in provider's names) and AI/ML API's SDK users ``AIMLAPI_API_KEY``; both must work the
same way in both adapters. A missing key is an
:class:`~aiml_integrations.errors.AuthenticationError` raised before anything is sent —
never a silent fallback to another vendor's key or to fake answers. The key is a
:class:`pydantic.SecretStr`, so it never shows in ``repr`` or logs.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import SecretStr

from aiml_integrations._core.api import CLIENT_REQUEST_ID, DEFAULT_BASE_URL
from aiml_integrations.errors import AuthenticationError, ErrorCategory, ErrorInfo

__all__ = [
    "API_KEY_ENV_VARS",
    "BASE_URL_ENV_VARS",
    "DEFAULT_BASE_URL",
    "AIMLAPIConfig",
    "Timeouts",
    "normalize_base_url",
]

API_KEY_ENV_VARS = ("AIMLAPI_API_KEY", "AIML_API_KEY")
BASE_URL_ENV_VARS = ("AIMLAPI_BASE_URL", "AIML_API_BASE")
_VERSION_SUFFIX = re.compile(r"/v[12]$")


@dataclass(frozen=True)
class Timeouts:
    """Seconds. ``read`` bounds each wait for bytes; ``total`` bounds a whole call (streams too).

    ``None`` means no limit for that phase.
    """

    connect: float | None = 10.0
    read: float | None = 600.0
    total: float | None = None

    def __post_init__(self) -> None:
        # A zero, negative or NaN limit would make every call fail (or never time out) in a way
        # that looks like a server problem; refuse it where it is configured.
        for name in ("connect", "read", "total"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, int | float) and 0 < value < math.inf):
                raise ValueError(
                    f"timeout {name} must be a positive number of seconds, not {value!r}"
                )

    @classmethod
    def coerce(cls, value: Timeouts | float | int | None, base: Timeouts | None = None) -> Timeouts:
        """A single number means "the whole call may take this long" (LiteLLM's ``timeout``)."""
        if isinstance(value, Timeouts):
            return value
        base = base or cls()
        if value is None:
            return base
        seconds = float(value)
        connect = seconds if base.connect is None else min(base.connect, seconds)
        return cls(connect=connect, read=seconds, total=seconds)


def normalize_base_url(url: str) -> str:
    """``https://host``, ``https://host/``, ``https://host/v1/`` → ``https://host`` (the root).

    Endpoint paths carry their own version (``/v1/chat/completions``, ``/v2/video/...``).
    """
    url = url.strip().rstrip("/")
    if not re.match(r"^https?://", url):
        raise ValueError(f"AI/ML API base URL must start with http:// or https://: {url!r}")
    return _VERSION_SUFFIX.sub("", url)


def _first_env(names: tuple[str, ...], env: Mapping[str, str]) -> str | None:
    for name in names:
        value = env.get(name)
        if value and value.strip():
            return value.strip()
    return None


@dataclass(frozen=True)
class AIMLAPIConfig:
    """Resolved settings for one AI/ML API client. Build it with :meth:`resolve`."""

    api_key: SecretStr | None = None
    base_url: str = "https://api.aimlapi.com"
    timeouts: Timeouts = field(default_factory=Timeouts)
    default_headers: Mapping[str, str] = field(default_factory=dict)
    client_request_id: str | None = None

    @classmethod
    def resolve(
        cls,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        *,
        timeout: Timeouts | float | None = None,
        default_headers: Mapping[str, str] | None = None,
        client_request_id: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> AIMLAPIConfig:
        """Arguments first, then ``AIMLAPI_API_KEY`` / ``AIML_API_KEY`` and
        ``AIMLAPI_BASE_URL`` / ``AIML_API_BASE``, then the default base URL.

        A missing key is allowed here (objects can be built and serialised without one);
        :meth:`require_key` raises when a request is about to be sent.
        """
        env = os.environ if env is None else env
        raw = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
        key: SecretStr | None
        if raw and raw.strip():
            key = SecretStr(raw.strip())
        else:  # "" and SecretStr("") alike mean "not given": look in the environment
            found = _first_env(API_KEY_ENV_VARS, env)
            key = SecretStr(found) if found else None
        url = base_url or _first_env(BASE_URL_ENV_VARS, env) or DEFAULT_BASE_URL
        if client_request_id is not None and not CLIENT_REQUEST_ID.fullmatch(client_request_id):
            raise ValueError(
                "client_request_id must be 1-128 characters from [A-Za-z0-9._:-] "
                "(AI/ML API silently drops other values)"
            )
        return cls(
            api_key=key,
            base_url=normalize_base_url(url),
            timeouts=Timeouts.coerce(timeout),
            default_headers=dict(default_headers or {}),
            client_request_id=client_request_id,
        )

    def with_overrides(self, **changes: Any) -> AIMLAPIConfig:
        """A copy with some fields replaced (``api_key`` may be a plain string)."""
        if isinstance(changes.get("api_key"), str):
            changes["api_key"] = SecretStr(changes["api_key"])
        if isinstance(changes.get("base_url"), str):
            changes["base_url"] = normalize_base_url(changes["base_url"])
        return replace(self, **changes)

    @property
    def api_base(self) -> str:
        """The OpenAI-compatible base (``<root>/v1``), as OpenAI-style clients expect it."""
        return self.base_url + "/v1"

    def require_key(self) -> str:
        """The key's value, or a local :class:`AuthenticationError` naming where we looked."""
        if self.api_key is None or not self.api_key.get_secret_value():
            raise AuthenticationError(
                ErrorInfo(
                    category=ErrorCategory.AUTHENTICATION,
                    message=(
                        "no AI/ML API key configured: pass api_key=... or set "
                        + " or ".join(API_KEY_ENV_VARS)
                        + " (nothing was sent)"
                    ),
                )
            )
        return self.api_key.get_secret_value()

    def secrets(self) -> tuple[str, ...]:
        """Values to redact from anything we show (bodies, messages)."""
        if self.api_key is None:
            return ()
        return (self.api_key.get_secret_value(),)
