"""Shared helpers for the reliability tests: the contract's expectations per preset, socket and
connection accounting from ``/proc``, and the typed-exception predicates for both frameworks.

Why an explicit table (``PRESET_CATEGORY``) rather than asking the core how it classifies a
preset: the soak checks the adapters *against the contract*; deriving the expectation from the
code under test would make the checks unable to fail. ``test_every_preset_is_in_the_table``
keeps it complete when presets are added.
"""

from __future__ import annotations

import gc
import os
import time
from collections import Counter
from collections.abc import Callable

from aiml_integrations.errors import AIMLAPIError, ErrorCategory

C = ErrorCategory

# What each preset must become, by the error contract in docs/architecture.md. ``slow(...)``
# (a response slower than the client's timeout) is a TIMEOUT on the client side; mid-stream
# faults are listed too.
PRESET_CATEGORY: dict[str, ErrorCategory] = {
    "INVALID_API_KEY": C.AUTHENTICATION,
    "OUT_OF_CREDITS": C.OUT_OF_CREDITS,
    "OUT_OF_CREDITS_LEGACY": C.OUT_OF_CREDITS,
    "PERMISSION_DENIED": C.PERMISSION_DENIED,
    "BODY_VALIDATION": C.INVALID_REQUEST,
    "UNKNOWN_MODEL": C.UNKNOWN_MODEL,
    "INVALID_INPUT_ROLE": C.INVALID_REQUEST,
    "UNSUPPORTED_SYSTEM_ROLE": C.INVALID_REQUEST,
    "QUERY_VALIDATION": C.INVALID_REQUEST,
    "NOT_FOUND": C.NOT_FOUND,
    "MODEL_DEPRECATED": C.UNKNOWN_MODEL,
    "RATE_LIMITED": C.RATE_LIMITED,
    "FREE_TIER_LIMIT": C.RATE_LIMITED,
    "INTERNAL_ERROR": C.SERVER_ERROR,
    "PARTNER_ERROR": C.SERVER_ERROR,
    "COUPON_NOT_FOUND": C.SERVER_ERROR,
    "MODEL_MAINTENANCE": C.UNAVAILABLE,
    "BAD_GATEWAY": C.BAD_GATEWAY,
    "SERVICE_UNAVAILABLE": C.UNAVAILABLE,
    "GENERATION_TIMEOUT": C.TIMEOUT,
    "UPSTREAM_400_UNDER_500": C.UNKNOWN_MODEL,  # "400 Unable to access model ..."
    "UPSTREAM_ANTHROPIC_JSON": C.INVALID_REQUEST,
    "CONTEXT_OVERFLOW": C.CONTEXT_OVERFLOW,
    "CONTEXT_OVERFLOW_UNDER_500": C.CONTEXT_OVERFLOW,
    "CONTEXT_OVERFLOW_ANTHROPIC": C.CONTEXT_OVERFLOW,
    "CONTENT_POLICY": C.CONTENT_POLICY,
    "OPENAI_SHAPED_ERROR": C.INVALID_REQUEST,
    "HTML_GATEWAY_ERROR": C.BAD_GATEWAY,
    "EMPTY_BODY_500": C.SERVER_ERROR,
    "PLAIN_TEXT_500": C.SERVER_ERROR,
    "STATUS_CODE_AS_STRING": C.RATE_LIMITED,
    "CONNECTION_RESET": C.CONNECTION,
    "STREAM_CUT": C.CONNECTION,
    "STREAM_ERROR_EVENT": C.SERVER_ERROR,
    "STREAM_JSON_ERROR": C.SERVER_ERROR,  # a 200 JSON envelope with statusCode 500
}

COMPLETE_STREAM_ENDINGS = frozenset({"STREAM_NO_DONE", "STREAM_DROPPED_AFTER_FINISH"})
"""Presets that end a *complete* stream unusually (no ``[DONE]``): not faults, the call succeeds."""

ASYNC_JOB_FAULTS = frozenset({"JOB_FAILED", "JOB_CONTENT_POLICY"})
"""Presets that fail an async media job (its last poll says ``status: "error"``): a chat call
under them succeeds. The media tool tests exercise them."""

MID_STREAM = frozenset({"STREAM_CUT", "STREAM_ERROR_EVENT"})
"""Faults that strike after the first chunk: no retry or fallback can hide them."""

RETRYABLE = frozenset(
    {C.RATE_LIMITED, C.SERVER_ERROR, C.BAD_GATEWAY, C.UNAVAILABLE, C.TIMEOUT, C.CONNECTION}
)
"""The contract's retryable categories (LangChain ``is_retryable``; the Router retries these)."""

NOT_RETRYABLE_FOR_LANGCHAIN = frozenset({"FREE_TIER_LIMIT"})
"""A 429 that is an hourly quota: ``is_retryable`` False in LangChain (the Router retries 429s)."""


def category_of_label(label: str | None) -> ErrorCategory | None:
    """The contract category of a recorded fault label (``None``: no fault)."""
    if label is None:
        return None
    if label.startswith("rate_limited("):
        return C.RATE_LIMITED
    if label.startswith("slow("):
        return C.TIMEOUT
    if label in COMPLETE_STREAM_ENDINGS:
        return None
    return PRESET_CATEGORY[label]


def category_of(exc: BaseException) -> ErrorCategory | None:
    return exc.info.category if isinstance(exc, AIMLAPIError) else None


# -- sockets and connections ---------------------------------------------------------------------

_TCP_STATES = {
    "01": "ESTABLISHED",
    "02": "SYN_SENT",
    "03": "SYN_RECV",
    "04": "FIN_WAIT1",
    "05": "FIN_WAIT2",
    "06": "TIME_WAIT",
    "07": "CLOSE",
    "08": "CLOSE_WAIT",
    "09": "LAST_ACK",
    "0A": "LISTEN",
    "0B": "CLOSING",
}


def _socket_inodes() -> dict[str, str]:
    """inode -> fd for every socket descriptor of this process."""
    inodes: dict[str, str] = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            link = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes[link[8:-1]] = fd
    return inodes


def _tcp_rows() -> list[list[str]]:
    rows: list[list[str]] = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as fh:
                rows.extend(line.split() for line in fh.readlines()[1:])
        except OSError:
            continue
    return rows


def open_sockets() -> int:
    """TCP connections this process holds open: descriptors of sockets that are in the kernel's
    TCP table in a state other than LISTEN. (Unix socket pairs of event loops that libraries
    create once are not connections and are left out.)"""
    inodes = _socket_inodes()
    return sum(1 for row in _tcp_rows() if row[9] in inodes and row[3] != "0A")


def describe_sockets() -> list[str]:
    """``fd local->remote STATE`` for each TCP socket of the process (failure messages)."""
    inodes = _socket_inodes()
    return [
        f"fd{inodes[row[9]]} {row[1]}->{row[2]} {_TCP_STATES.get(row[3], row[3])}"
        for row in _tcp_rows()
        if row[9] in inodes
    ]


def tcp_states(port: int) -> Counter[str]:
    """TCP connection states (both ends, any process) touching ``port``; LISTEN and TIME_WAIT
    excluded (a TIME_WAIT holds no descriptor: it is a closed connection)."""
    states: Counter[str] = Counter()
    for row in _tcp_rows():
        local_port = int(row[1].rsplit(":", 1)[1], 16)
        remote_port = int(row[2].rsplit(":", 1)[1], 16)
        state = _TCP_STATES.get(row[3], row[3])
        if port in (local_port, remote_port) and state not in ("LISTEN", "TIME_WAIT"):
            states[state] += 1
    return states


def settle(predicate: Callable[[], bool], attempts: int = 100, pause: float = 0.05) -> bool:
    """Poll ``predicate`` (collecting garbage between tries) until true; bounded, no timing
    assertion: closing is asynchronous on the server's handler threads."""
    for attempt in range(attempts):
        if attempt % 20 == 0:
            gc.collect()
        if predicate():
            return True
        time.sleep(pause)
    gc.collect()
    return predicate()


SOCKET_TOLERANCE = 0
"""Open TCP connections allowed above the baseline once everything is closed and settled."""
