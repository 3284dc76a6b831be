"""Builders for AI/ML API error bodies: the NestJS envelope and Zod validation details.

Why: the whole point of this package is that clients classify *AI/ML API's* errors, which are
not OpenAI-shaped. Every error the mock produces goes through here so the envelope's key order
(``requestId, statusCode, timestamp, path, [meta], message``), the timestamp format and the Zod
issue shapes match captured AI/ML API error bodies in exactly one place.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

__all__ = [
    "AUTH_MESSAGE",
    "BODY_VALIDATION",
    "DEFAULT_MESSAGES",
    "INVALID_INPUT",
    "OUT_OF_CREDITS_LEGACY_MESSAGE",
    "OUT_OF_CREDITS_MESSAGE",
    "QUERY_VALIDATION",
    "ApiError",
    "anthropic_error_json",
    "envelope",
    "new_request_id",
    "timestamp",
    "zod_enum",
    "zod_format_tree",
    "zod_invalid_type",
    "zod_required",
    "zod_too_big",
    "zod_too_small",
    "zod_type_of",
]

AUTH_MESSAGE = (
    "This request requires a valid API key. You can create a new API key on the Billing page: "
    "https://aimlapi.com/app/keys"
)
OUT_OF_CREDITS_MESSAGE = (
    "You've run out of credits. Please top up your balance or update your payment method to "
    "continue: https://aimlapi.com/app/billing/"
)
OUT_OF_CREDITS_LEGACY_MESSAGE = (
    "You have exhausted the available [plan.rule:api_token] resource limit. Update your payment "
    "method to continue using the service. For more information please visit "
    "https://aimlapi.com/app/billing"
)
BODY_VALIDATION = "Body validation error!"
QUERY_VALIDATION = "Query validation error!"
INVALID_INPUT = "Invalid input"

#: The text the real server uses when nothing more specific is known (captured).
DEFAULT_MESSAGES: Mapping[int, str] = {
    400: "Bad Request",
    401: AUTH_MESSAGE,
    403: OUT_OF_CREDITS_MESSAGE,
    404: "Not Found",
    408: "Request Timeout",
    413: "Payload Too Large",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal server error",
    502: "Bad Gateway",
    503: "Service unavailable",
    504: "Generation timeout",
}

_NANOID_ALPHABET = "useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict"


def new_request_id() -> str:
    """A 21-character nanoid, the shape of today's ``requestId`` / ``x-inference-id``."""
    return "".join(secrets.choice(_NANOID_ALPHABET) for _ in range(21))


def timestamp() -> str:
    """UTC ISO-8601 with milliseconds and ``Z``, like ``2025-03-11T07:13:27.813Z``."""
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


_NO_META = object()


def envelope(
    status: int, message: str, path: str, request_id: str, meta: Any = _NO_META
) -> dict[str, Any]:
    """The NestJS error body, keys in the order seen on the wire; ``meta`` only when given."""
    body: dict[str, Any] = {
        "requestId": request_id,
        "statusCode": status,
        "timestamp": timestamp(),
        "path": path,
    }
    if meta is not _NO_META and meta is not None:
        body["meta"] = meta
    body["message"] = message
    return body


class ApiError(Exception):
    """Raised by route handlers to answer with an envelope instead of a success body.

    Handlers raise rather than return so validation can bail out from any depth; the server
    turns it into the envelope with the request's path and id.
    """

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        meta: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.message = message if message is not None else DEFAULT_MESSAGES.get(status, "Error")
        self.meta = meta
        self.headers = dict(headers or {})
        super().__init__(f"{status} {self.message}")


# --- Zod v3 issue shapes -------------------------------------------------------------------


def zod_type_of(value: Any) -> str:
    """Zod's name for a JSON value's type (``received`` in ``invalid_type`` issues)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "unknown"


PathT = Sequence[str | int]


def zod_required(path: PathT, expected: str = "string") -> dict[str, Any]:
    """What Zod reports for a missing required key."""
    return {
        "code": "invalid_type",
        "expected": expected,
        "received": "undefined",
        "path": list(path),
        "message": "Required",
    }


def zod_invalid_type(path: PathT, expected: str, value: Any) -> dict[str, Any]:
    """A wrong JSON type, e.g. ``Expected string, received array`` (vercel/ai#4450)."""
    received = zod_type_of(value)
    return {
        "code": "invalid_type",
        "expected": expected,
        "received": received,
        "path": list(path),
        "message": f"Expected {expected}, received {received}",
    }


def zod_enum(path: PathT, options: Sequence[str], value: Any) -> dict[str, Any]:
    """A value outside an enum; the message format is Zod v3's, as on the 4xx docs page."""
    expected = " | ".join(f"'{o}'" for o in options)
    shown = value if isinstance(value, str) else json.dumps(value)
    return {
        "received": value,
        "code": "invalid_enum_value",
        "options": list(options),
        "path": list(path),
        "message": f"Invalid enum value. Expected {expected}, received '{shown}'",
    }


def zod_too_small(path: PathT, minimum: int | float, kind: str) -> dict[str, Any]:
    """An array that is too short or a number under its minimum."""
    if kind == "array":
        message = f"Array must contain at least {minimum} element(s)"
    elif kind == "string":
        message = f"String must contain at least {minimum} character(s)"
    else:
        message = f"Number must be greater than or equal to {minimum}"
    return {
        "code": "too_small",
        "minimum": minimum,
        "type": kind,
        "inclusive": True,
        "exact": False,
        "message": message,
        "path": list(path),
    }


def zod_too_big(path: PathT, maximum: int | float, kind: str = "number") -> dict[str, Any]:
    """A number over its maximum."""
    return {
        "code": "too_big",
        "maximum": maximum,
        "type": kind,
        "inclusive": True,
        "exact": False,
        "message": f"Number must be less than or equal to {maximum}",
        "path": list(path),
    }


def zod_format_tree(issues: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Zod's ``error.format()`` tree: ``{"_errors": [], "messages": {"0": {"role": ...}}}``.

    This is the ``meta`` of the "Invalid input" variant (gptme#372): every node carries its own
    ``_errors`` list first, then one child per path segment (indices become strings).
    """
    root: dict[str, Any] = {"_errors": []}
    for issue in issues:
        node = root
        for segment in issue.get("path", []):
            node = node.setdefault(str(segment), {"_errors": []})
        node["_errors"].append(issue["message"])
    return _js_key_order(root)


def _js_key_order(node: dict[str, Any]) -> dict[str, Any]:
    """Order keys as ``JSON.stringify`` does: integer-like keys first, ascending, then the rest
    in insertion order. That is why the capture reads ``"messages": {"0": {...}, "_errors": []}``.
    """
    numeric = sorted((k for k in node if k.isdigit()), key=int)
    ordered = [*numeric, *(k for k in node if not k.isdigit())]
    return {k: _js_key_order(node[k]) if isinstance(node[k], dict) else node[k] for k in ordered}


def anthropic_error_json(error_type: str, message: str) -> str:
    """Anthropic's error body as compact JSON, the text AI/ML API wraps as ``"400 {json}"``."""
    body = {
        "type": "error",
        "error": {"type": error_type, "message": message},
        "request_id": "req_" + secrets.token_hex(12),
    }
    return json.dumps(body, separators=(",", ":"))
