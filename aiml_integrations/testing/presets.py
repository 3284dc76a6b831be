"""Named faults for every error AI/ML API is documented (or was captured) to return.

Why: tests of retry, fallback and classification logic should say *which* real-world failure
they simulate (``presets.OUT_OF_CREDITS``), not hand-write status codes and texts that drift from
the wire format. Texts are verbatim from AI/ML API's error docs and captured bodies;
where the real text is unknown the docstring of the preset says what was assumed.

``PRESETS`` maps each constant's name to it (the CLI's ``--fault NAME[:times]`` uses it);
``rate_limited(retry_after=...)`` and ``slow(seconds)`` are factories.
"""

from __future__ import annotations

from typing import Any

from aiml_integrations.testing import _errors
from aiml_integrations.testing._errors import (
    AUTH_MESSAGE,
    INVALID_INPUT,
    OUT_OF_CREDITS_LEGACY_MESSAGE,
    OUT_OF_CREDITS_MESSAGE,
    anthropic_error_json,
    zod_enum,
    zod_format_tree,
    zod_invalid_type,
    zod_required,
)
from aiml_integrations.testing._faults import Fault

__all__ = [
    "BAD_GATEWAY",
    "BODY_VALIDATION",
    "CONNECTION_RESET",
    "CONTENT_POLICY",
    "CONTEXT_OVERFLOW",
    "CONTEXT_OVERFLOW_ANTHROPIC",
    "CONTEXT_OVERFLOW_UNDER_500",
    "COUPON_NOT_FOUND",
    "EMPTY_BODY_500",
    "FREE_TIER_LIMIT",
    "GENERATION_TIMEOUT",
    "HTML_GATEWAY_ERROR",
    "INTERNAL_ERROR",
    "INVALID_API_KEY",
    "INVALID_INPUT_ROLE",
    "JOB_CONTENT_POLICY",
    "JOB_FAILED",
    "MODEL_DEPRECATED",
    "MODEL_MAINTENANCE",
    "NOT_FOUND",
    "OPENAI_SHAPED_ERROR",
    "OUT_OF_CREDITS",
    "OUT_OF_CREDITS_LEGACY",
    "PARTNER_ERROR",
    "PERMISSION_DENIED",
    "PLAIN_TEXT_500",
    "PRESETS",
    "QUERY_VALIDATION",
    "RATE_LIMITED",
    "SERVICE_UNAVAILABLE",
    "STATUS_CODE_AS_STRING",
    "STREAM_CUT",
    "STREAM_DROPPED_AFTER_FINISH",
    "STREAM_ERROR_EVENT",
    "STREAM_JSON_ERROR",
    "STREAM_NO_DONE",
    "UNKNOWN_MODEL",
    "UNSUPPORTED_SYSTEM_ROLE",
    "UPSTREAM_400_UNDER_500",
    "UPSTREAM_ANTHROPIC_JSON",
    "get",
    "list_presets",
    "parse_spec",
    "rate_limited",
    "slow",
]

# --- 401 / 403 ------------------------------------------------------------------------------

INVALID_API_KEY = Fault(status=401, message=AUTH_MESSAGE, name="INVALID_API_KEY")
"""Missing, unknown, expired or disabled key (captured text)."""

OUT_OF_CREDITS = Fault(status=403, message=OUT_OF_CREDITS_MESSAGE, name="OUT_OF_CREDITS")
"""Balance exhausted, current wording (docs, Dec 2025+)."""

OUT_OF_CREDITS_LEGACY = Fault(
    status=403, message=OUT_OF_CREDITS_LEGACY_MESSAGE, name="OUT_OF_CREDITS_LEGACY"
)
"""The Mar-Dec 2025 ``[plan.rule:api_token]`` wording."""

PERMISSION_DENIED = Fault(status=403, message="Forbidden resource", name="PERMISSION_DENIED")
"""A 403 that is *not* about credits (e.g. wrong key type on a service route). The real text is
undocumented; this is NestJS's default guard message."""

# --- 400 validation ---------------------------------------------------------------------------

BODY_VALIDATION = Fault(
    status=400,
    message=_errors.BODY_VALIDATION,
    meta=[zod_invalid_type(["messages"], "array", "hello")],
    name="BODY_VALIDATION",
)
"""Schema failure with a Zod issue array in ``meta`` (shape of vercel/ai#4450)."""

UNKNOWN_MODEL = Fault(
    status=400,
    message=_errors.BODY_VALIDATION,
    meta=[
        zod_enum(
            ["model"],
            ["openai/gpt-4o", "gpt-4o", "gpt-4o-2024-08-06", "gpt-4o-2024-05-13"],
            "gpt-4o-typo",
        )
    ],
    name="UNKNOWN_MODEL",
)
"""A body validation error whose issue is on ``model``: how an unknown id is reported."""

INVALID_INPUT_ROLE = Fault(
    status=400,
    message=INVALID_INPUT,
    meta=zod_format_tree(
        [
            {
                "path": ["messages", 0, "role"],
                "message": "Invalid enum value. Expected 'user' | 'assistant', received 'system'",
            }
        ]
    ),
    name="INVALID_INPUT_ROLE",
)
"""A system message to a model without one: the Zod ``format()`` tree of gptme#372."""

UNSUPPORTED_SYSTEM_ROLE = Fault(
    status=400,
    message="Unsupported value: 'messages[0].role' does not support 'system' with this model.",
    name="UNSUPPORTED_SYSTEM_ROLE",
)
"""OpenAI's o1-family wording, listed on the 4xx docs page."""

QUERY_VALIDATION = Fault(
    status=400,
    message=_errors.QUERY_VALIDATION,
    meta=[zod_required(["generation_id"])],
    name="QUERY_VALIDATION",
)
"""Query-string schema failure, e.g. a video poll without ``generation_id``."""

# --- 404 ------------------------------------------------------------------------------------

NOT_FOUND = Fault(status=404, message="Cannot {method} {path}", name="NOT_FOUND")
"""NestJS's unknown-route text, with this request's method and path."""

MODEL_DEPRECATED = Fault(status=404, message="Model is deprecated", name="MODEL_DEPRECATED")
"""From the docs page "404 Model is deprecated"; the real body text is not captured."""

# --- 429 ------------------------------------------------------------------------------------

RATE_LIMITED = Fault(status=429, message="Too Many Requests", name="RATE_LIMITED")
"""Rate or concurrency limit. No ``Retry-After``: none is documented or has been observed."""

FREE_TIER_LIMIT = Fault(
    status=429,
    message=(
        "Free-tier limit: You've reached your free limit for the hour. Get AI/ML Subscription "
        "to use API, visit https://aimlapi.com/app/billing/ !"
    ),
    name="FREE_TIER_LIMIT",
)
"""The hourly free-tier quota (Mar 2025 docs): retrying soon will not help."""


def rate_limited(retry_after: float) -> Fault:
    """A 429 that carries ``Retry-After`` (whole seconds, rounded up) and ``retry-after-ms``."""
    whole = int(retry_after) if float(retry_after).is_integer() else int(retry_after) + 1
    return Fault(
        status=429,
        message="Too Many Requests",
        headers={"Retry-After": str(whole), "retry-after-ms": str(int(retry_after * 1000))},
        name=f"rate_limited(retry_after={retry_after:g})",
    )


# --- 5xx (texts from the 5xx docs table) ----------------------------------------------------

INTERNAL_ERROR = Fault(status=500, message="Internal server error", name="INTERNAL_ERROR")
PARTNER_ERROR = Fault(
    status=500,
    message="Something wrong with the server. Please, try again later.",
    name="PARTNER_ERROR",
)
"""A third-party/partner API failed; the request itself was fine."""
COUPON_NOT_FOUND = Fault(status=500, message="Coupon code not found", name="COUPON_NOT_FOUND")
MODEL_MAINTENANCE = Fault(
    status=500,
    message="The model is under maintenance, please contact us at help@aimlapi.com.",
    name="MODEL_MAINTENANCE",
)
BAD_GATEWAY = Fault(status=502, message="Bad Gateway", name="BAD_GATEWAY")
SERVICE_UNAVAILABLE = Fault(status=503, message="Service unavailable", name="SERVICE_UNAVAILABLE")
GENERATION_TIMEOUT = Fault(status=504, message="Generation timeout", name="GENERATION_TIMEOUT")

# --- upstream provider errors passed through in ``message`` ---------------------------------

UPSTREAM_400_UNDER_500 = Fault(
    status=500,
    message="400 Unable to access model gpt-4o-mini. ",
    name="UPSTREAM_400_UNDER_500",
)
"""aimlapi/api-docs#3: an upstream 400 re-raised as 500 (note the trailing space)."""

UPSTREAM_ANTHROPIC_JSON = Fault(
    status=400,
    message="400 "
    + anthropic_error_json(
        "invalid_request_error", "messages: text content blocks must be non-empty"
    ),
    name="UPSTREAM_ANTHROPIC_JSON",
)
"""Anthropic's JSON error as a string after the status, as in the batch-cancel docs example."""

_OPENAI_OVERFLOW = (
    "This model's maximum context length is 128000 tokens. However, your messages resulted in "
    "130412 tokens. Please reduce the length of the messages."
)
CONTEXT_OVERFLOW = Fault(status=400, message="400 " + _OPENAI_OVERFLOW, name="CONTEXT_OVERFLOW")
"""OpenAI's context-window text wrapped by AI/ML API (assumed: no AI/ML API capture exists)."""

CONTEXT_OVERFLOW_UNDER_500 = Fault(
    status=500, message="400 " + _OPENAI_OVERFLOW, name="CONTEXT_OVERFLOW_UNDER_500"
)
"""The same overflow re-raised under 500, as the 2024 upstream errors were."""

CONTEXT_OVERFLOW_ANTHROPIC = Fault(
    status=400,
    message="400 "
    + anthropic_error_json(
        "invalid_request_error", "prompt is too long: 213457 tokens > 200000 maximum"
    ),
    name="CONTEXT_OVERFLOW_ANTHROPIC",
)
"""Anthropic's overflow wording inside the ``"400 {json}"`` wrapper."""

CONTENT_POLICY = Fault(
    status=400,
    message=(
        "400 Your request was rejected as a result of our safety system. Your prompt may "
        "contain text that is not allowed by our safety system."
    ),
    name="CONTENT_POLICY",
)
"""An upstream safety refusal (OpenAI's wording) passed through."""

OPENAI_SHAPED_ERROR = Fault(
    status=400,
    body={
        "error": {
            "message": "Unsupported parameter: 'temperature' is not supported with this model.",
            "type": "invalid_request_error",
            "param": "temperature",
            "code": "unsupported_parameter",
        }
    },
    name="OPENAI_SHAPED_ERROR",
)
"""An OpenAI-shaped body, as some upstreams or proxies send; not AI/ML API's own envelope."""

# --- bodies a robust parser must survive ----------------------------------------------------

HTML_GATEWAY_ERROR = Fault(
    status=502,
    body=(
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
        "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    ),
    content_type="text/html",
    name="HTML_GATEWAY_ERROR",
)
EMPTY_BODY_500 = Fault(status=500, body=b"", name="EMPTY_BODY_500")
PLAIN_TEXT_500 = Fault(
    status=500, body="Internal Server Error", content_type="text/plain", name="PLAIN_TEXT_500"
)
STATUS_CODE_AS_STRING = Fault(
    status=429,
    body={
        "requestId": "{request_id}",
        "statusCode": "429",
        "timestamp": "{timestamp}",
        "path": "{path}",
        "message": "Too Many Requests",
    },
    name="STATUS_CODE_AS_STRING",
)
"""``statusCode`` as a string, as the docs' examples print it."""

# --- async jobs (video, speech-to-text) -----------------------------------------------------

JOB_FAILED = Fault(
    job_error={"name": "GenerationError", "message": "Generation failed, please try again."},
    name="JOB_FAILED",
)
"""The job is accepted, then its final poll is a 200 with ``status: "error"``. Apply it with
``model=`` or ``path=`` so it lands on the create request. The error's shape is the documented
``{name, message}``; the texts are assumed (none was captured)."""

JOB_CONTENT_POLICY = Fault(
    job_error={
        "name": "ContentPolicyViolation",
        "message": "The prompt was rejected as a result of our safety system.",
    },
    name="JOB_CONTENT_POLICY",
)
"""A job that ends in ``status: "error"`` for a safety reason (assumed wording, the one the
OpenAI upstream uses)."""

# --- transport-level faults -----------------------------------------------------------------

CONNECTION_RESET = Fault(reset=True, name="CONNECTION_RESET")
"""TCP RST before any response byte."""

STREAM_CUT = Fault(stream_cut_after=2, name="STREAM_CUT")
"""Two chunks, then the connection drops: no ``[DONE]``, no usage chunk."""

STREAM_ERROR_EVENT = Fault(
    stream_error_after=2,
    stream_error={
        "message": "Something wrong with the server. Please, try again later.",
        "type": "server_error",
        "param": None,
        "code": None,
    },
    name="STREAM_ERROR_EVENT",
)
"""Two chunks, then an OpenAI-style ``data: {"error": {...}}`` line, then the stream ends."""

# --- stream endings: complete answers that end unusually ------------------------------------

STREAM_NO_DONE = Fault(stream_end="close", name="STREAM_NO_DONE")
"""The whole answer (finish reason and usage chunk), then the body ends without
``data: [DONE]``. Not a fault to the client: the answer is complete."""

STREAM_DROPPED_AFTER_FINISH = Fault(stream_end="drop", name="STREAM_DROPPED_AFTER_FINISH")
"""The whole answer, then the connection drops (no ``[DONE]``, no end of the chunked body).
Also complete: the finish reason arrived."""

STREAM_JSON_ERROR = Fault(
    status=200,
    body={
        "requestId": "{request_id}",
        "statusCode": 500,
        "timestamp": "{timestamp}",
        "path": "{path}",
        "message": "Internal server error",
    },
    name="STREAM_JSON_ERROR",
)
"""A 200 answer whose body is AI/ML API's JSON error envelope (statusCode 500) instead of an
event stream: read as the error it is (a server error), not as a stream that ended early."""


def slow(seconds: float) -> Fault:
    """Latency only: the normal answer, ``seconds`` late."""
    return Fault(delay=seconds, name=f"slow({seconds:g})")


# --- registry -------------------------------------------------------------------------------

PRESETS: dict[str, Fault] = {
    name: value for name, value in dict(globals()).items() if isinstance(value, Fault)
}
"""Every constant above by name."""

_FACTORIES: dict[str, Any] = {"rate_limited": rate_limited, "slow": slow}


def get(name: str) -> Fault:
    """A preset by name, case-insensitively; ``KeyError`` lists the known names."""
    fault = PRESETS.get(name.upper())
    if fault is None:
        known = ", ".join(sorted(PRESETS))
        raise KeyError(f"unknown fault preset {name!r}; known: {known}")
    return fault


def parse_spec(spec: str) -> tuple[Fault, int | None]:
    """Parse the CLI's ``NAME[:times]`` (or ``rate_limited=SECONDS[:times]``, ``slow=S``).

    Returns the fault and how many times to apply it (``None`` = forever).
    """
    head, _, times_text = spec.partition(":")
    times = int(times_text) if times_text else None
    name, eq, arg = head.partition("=")
    if eq:
        factory = _FACTORIES.get(name.strip().lower())
        if factory is None:
            raise KeyError(f"unknown fault factory {name!r}; known: {', '.join(_FACTORIES)}")
        fault: Fault = factory(float(arg))
        return fault, times
    return get(name.strip()), times


def list_presets() -> list[tuple[str, int | None, str]]:
    """``(name, status, what it sends)`` for every preset, for listings and docs."""
    rows: list[tuple[str, int | None, str]] = []
    for name, fault in sorted(PRESETS.items()):
        if fault.reset:
            what = "connection reset (RST)"
        elif fault.stream_cut_after is not None:
            what = f"stream drops after {fault.stream_cut_after} chunks"
        elif fault.stream_error_after is not None:
            what = f"stream error event after {fault.stream_error_after} chunks"
        elif fault.stream_end == "close":
            what = "whole stream, then the body ends without [DONE]"
        elif fault.stream_end == "drop":
            what = "whole stream, then the connection drops (no [DONE])"
        elif fault.job_error is not None:
            what = f"async job ends in status error: {fault.job_error!r}"[:80]
        elif fault.message is not None:
            what = fault.message
        else:
            what = repr(fault.body)[:60]
        rows.append((name, fault.status, what))
    return rows
