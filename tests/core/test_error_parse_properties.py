"""Properties: whatever comes back, the caller gets an ``AIMLAPIError`` subclass with a usable
message — never a ``KeyError``, ``JSONDecodeError`` or ``RecursionError``.

Pure properties hit ``parse_error`` / ``stream_event_error`` directly; the last one goes
through a real HTTP round trip (stdlib server on 127.0.0.1) and ``AIMLAPIClient.post``.
"""

from __future__ import annotations

import json
import math
import string
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from aiml_integrations import AIMLAPIClient, APIResponse
from aiml_integrations._core.error_parse import (
    exception_from_info,
    is_error_event,
    parse_error,
    parse_retry_after,
    stream_event_error,
)
from aiml_integrations.errors import AIMLAPIError, ErrorCategory, ErrorInfo

from ._support import LocalServer, Reply

SECRET = "sk-secret-0123456789abcdefXYZ"

KNOWN_KEYS = [
    "requestId",
    "request_id",
    "statusCode",
    "status_code",
    "timestamp",
    "path",
    "meta",
    "message",
    "error",
    "detail",
    "issues",
    "_errors",
    "unionErrors",
    "code",
    "type",
    "param",
    "status",
    "loc",
    "msg",
    "options",
    "received",
    "0",
    "²",
    "model",
    "messages",
]
WORDINGS = [
    "Body validation error!",
    "prompt is too long: 208310 tokens > 200000 maximum",
    "Content Exists Risk",
    "You've run out of credits.",
    "Free-tier limit: You've reached your free limit for the hour.",
    "The model is under maintenance",
    SECRET,
]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | st.sampled_from(WORDINGS)
    | st.integers(100, 599).map(str)
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.sampled_from(KNOWN_KEYS) | st.text(max_size=8), children, max_size=6)
    ),
    max_leaves=40,
)


@st.composite
def wrapped_messages(draw: Any) -> str:
    """``"NNN " + json`` upstream wrappers, possibly nested."""
    inner = json.dumps(draw(json_values))
    for _ in range(draw(st.integers(1, 4))):
        inner = f"{draw(st.integers(100, 599))} {inner}"
    return inner


@st.composite
def envelopes(draw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "requestId": draw(st.text(max_size=30) | st.integers() | st.none()),
        "statusCode": draw(st.integers(0, 1000) | st.integers(100, 599).map(str) | st.none()),
        "path": draw(st.text(max_size=30) | st.none()),
        "message": draw(wrapped_messages() | json_values),
    }
    if draw(st.booleans()):
        body["meta"] = draw(json_values)
    return body


def _dump(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode("utf-8")


def _deep(depth: int, key: str) -> bytes:
    return (("{" + json.dumps(key) + ":") * depth + "1" + "}" * depth).encode()


bodies = st.one_of(
    st.none(),
    st.binary(max_size=300),
    st.text(max_size=300),
    json_values.map(_dump),
    envelopes().map(_dump),
    wrapped_messages().map(str.encode),
    # non-UTF-8 (latin-1 / UTF-16) encodings of JSON
    envelopes().map(lambda e: json.dumps(e, ensure_ascii=False).encode("utf-16")),
    envelopes().map(lambda e: json.dumps(e).encode("latin-1", errors="replace") + b"\xff\xfe"),
    # truncated JSON
    st.tuples(envelopes().map(_dump), st.integers(0, 400)).map(lambda t: t[0][: t[1]]),
    # very large and very deep
    st.integers(1, 5).map(lambda n: _dump({"message": "x" * (n * 40_000), "statusCode": 400})),
    st.sampled_from(["detail", "message", "error", "meta", "_errors"]).map(lambda k: _deep(900, k)),
    st.just(b"[" * 5000 + b"]" * 5000),
    st.just(b"<html><title>" + b"a" * 100_000),
)

retry_values = st.one_of(
    st.text(max_size=40),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(
        [
            "1e309",
            "-0",
            "nan",
            "inf",
            "-inf",
            "Wed, 21 Oct 2015 07:28:00 GMT",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "Mon, 01 Jan 0001 00:00:00 GMT",
            "Tue, 99 Foo 2020 99:99:99 GMT",
            "  12  ",
            "",
        ]
    ),
)
headers_st = st.fixed_dictionaries(
    {},
    optional={
        "Retry-After": retry_values,
        "retry-after-ms": retry_values,
        "x-inference-id": st.text(max_size=30),
        "X-Request-Id": st.text(max_size=30),
    },
) | st.dictionaries(st.text(max_size=20), st.text(max_size=20), max_size=5)


def _check_info(info: ErrorInfo) -> AIMLAPIError:
    assert isinstance(info, ErrorInfo)
    assert isinstance(info.category, ErrorCategory)
    assert isinstance(info.message, str) and info.message
    # the parser's last-resort fallback hides a crash in a reader: it must never be needed
    assert not info.message.startswith("unreadable error response"), info.message
    assert info.retry_after is None or (math.isfinite(info.retry_after) and info.retry_after >= 0)
    exc = exception_from_info(info)
    assert isinstance(exc, AIMLAPIError)
    assert type(exc).category is info.category
    text, rep = str(exc), repr(exc)
    assert text and rep
    for shown in (text, rep, info.message, info.upstream_message or "", *info.details):
        assert SECRET not in shown
    assert SECRET not in (info.body or "")
    return exc


@settings(max_examples=200, deadline=None)
@given(status=st.none() | st.integers(100, 599), body=bodies, headers=headers_st)
def test_parse_error_total(status: int | None, body: Any, headers: dict[str, str]) -> None:
    info = parse_error(status, body, headers, secrets=[SECRET], request_path="/v1/x")
    _check_info(info)
    if status is not None:
        assert info.status_code == status


@settings(max_examples=200, deadline=None)
@given(
    event=st.dictionaries(st.sampled_from(KNOWN_KEYS) | st.text(max_size=8), json_values),
    headers=headers_st,
)
def test_stream_event_error_total(event: dict[str, Any], headers: dict[str, str]) -> None:
    info = stream_event_error(event, headers, secrets=[SECRET], request_path="/v1/x")
    _check_info(info)
    assert isinstance(is_error_event(event), bool)


@settings(max_examples=200, deadline=None)
@given(headers=headers_st)
def test_parse_retry_after_finite_non_negative(headers: dict[str, str]) -> None:
    value = parse_retry_after({k.lower(): v for k, v in headers.items()})
    assert value is None or (math.isfinite(value) and value >= 0)


# -- the same property through a real HTTP round trip ------------------------------------

_TOKEN = string.ascii_letters + string.digits + "-"
_SKIP_HEADERS = {"content-length", "transfer-encoding", "connection", "content-encoding"}
http_header_values = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30
).map(str.strip)
http_headers = st.fixed_dictionaries(
    {},
    optional={
        "Retry-After": http_header_values
        | retry_values.filter(lambda v: v.isascii() and v.isprintable()).map(str.strip),
        "retry-after-ms": http_header_values,
        "x-inference-id": http_header_values,
        "Content-Type": st.sampled_from(["application/json", "text/html", "text/plain"]),
    },
) | st.dictionaries(
    st.text(alphabet=_TOKEN, min_size=1, max_size=12), http_header_values, max_size=4
)
# 1xx are interim answers; 204/205/304 forbid a body (ours would poison the connection)
http_statuses = st.integers(200, 599).filter(lambda s: s not in (204, 205, 304))
http_bodies = bodies.filter(lambda b: b is None or len(b) < 300_000).map(
    lambda b: b.encode() if isinstance(b, str) else (b or b"")
)


def _expected_success(status: int, body: bytes) -> tuple[bool, Any]:
    if not 200 <= status < 300:
        return False, None
    if not body:
        return True, None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return False, None
    if isinstance(data, dict) and is_error_event(data):
        return False, None
    return True, data


def test_http_round_trip_always_typed() -> None:
    srv = LocalServer().start()
    client = AIMLAPIClient(api_key=SECRET, base_url=srv.url, timeout=10)

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(status=http_statuses, body=http_bodies, headers=http_headers)
    def check(status: int, body: bytes, headers: dict[str, str]) -> None:
        headers = {k: v for k, v in headers.items() if k.lower() not in _SKIP_HEADERS}
        assume(all(k.lower() != "location" for k in headers) or status < 300)
        srv.respond(Reply(status=status, body=body, headers=headers))
        ok, data = _expected_success(status, body)
        try:
            result = client.post("/v1/chat/completions", {"model": "m", "messages": []})
        except AIMLAPIError as exc:
            assert not ok, f"2xx JSON should succeed, got {exc!r}"
            _check_info(exc.info)
            if status >= 300:
                assert exc.status_code == status
        else:
            assert ok, f"{status} {body[:80]!r} should have raised"
            assert isinstance(result, APIResponse)
            assert result.status_code == status
            assert result.data == data or (data != data)  # NaN never equals itself

    try:
        check()
    finally:
        client.close()
        srv.stop()
