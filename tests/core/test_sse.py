"""The incremental SSE decoder: framing only (JSON and ``[DONE]`` are the transport's job)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aiml_integrations._core.sse import SSEDecoder, SSEEvent


def _all(decoder: SSEDecoder, *chunks: bytes) -> list[tuple[str | None, bytes]]:
    events: list[SSEEvent] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    events.extend(decoder.flush())
    return [(e.event, e.data) for e in events]


def test_data_lines_and_done() -> None:
    body = b'data: {"a": 1}\n\ndata: {"b": 2}\n\ndata: [DONE]\n\n'
    assert _all(SSEDecoder(), body) == [(None, b'{"a": 1}'), (None, b'{"b": 2}'), (None, b"[DONE]")]


def test_events_returned_as_they_complete() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: one\n") == []
    [event] = decoder.feed(b"\n")
    assert event.data == b"one"
    assert decoder.feed(b"data: tw") == []
    assert [e.data for e in decoder.feed(b"o\n\n")] == [b"two"]


def test_multi_line_data_joined_with_newline() -> None:
    assert _all(SSEDecoder(), b"data: line1\ndata: line2\ndata:\ndata:  x\n\n") == [
        (None, b"line1\nline2\n\n x")
    ]


def test_only_one_leading_space_stripped() -> None:
    assert _all(SSEDecoder(), b"data:no-space\n\ndata:   three\n\n") == [
        (None, b"no-space"),
        (None, b"  three"),
    ]


def test_crlf_line_endings() -> None:
    body = b'data: {"a": 1}\r\n\r\nevent: error\r\ndata: {"e": 1}\r\n\r\n'
    assert _all(SSEDecoder(), body) == [(None, b'{"a": 1}'), ("error", b'{"e": 1}')]


def test_comments_and_unknown_fields_ignored() -> None:
    body = b": keep-alive\n\n: OPENROUTER PROCESSING\nid: 7\nretry: 1000\ndata: x\n\n"
    assert _all(SSEDecoder(), body) == [(None, b"x")]


def test_comment_only_blocks_dispatch_nothing() -> None:
    assert _all(SSEDecoder(), b": ping\n\n: ping\n\n\n\n") == []


def test_event_error_name_kept_and_reset() -> None:
    body = b'event: error\ndata: {"message": "boom"}\n\ndata: next\n\n'
    assert _all(SSEDecoder(), body) == [("error", b'{"message": "boom"}'), (None, b"next")]


def test_event_name_without_data_does_not_leak_to_next_event() -> None:
    body = b"event: error\n\ndata: next\n\n"
    assert _all(SSEDecoder(), body) == [(None, b"next")]


def test_flush_dispatches_unterminated_event() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b'data: {"last": true}') == []
    assert [(e.event, e.data) for e in decoder.flush()] == [(None, b'{"last": true}')]
    assert decoder.flush() == []


def test_flush_dispatches_event_missing_blank_line() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r\n") == []
    assert [e.data for e in decoder.flush()] == [b"a"]


def test_flush_with_trailing_carriage_return() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: a\r")
    assert [e.data for e in decoder.flush()] == [b"a"]


def test_binary_and_utf8_payloads_untouched() -> None:
    data = '{"c": "héllo ✓"}'.encode()
    assert _all(SSEDecoder(), b"data: " + data + b"\n\n") == [(None, data)]


STREAM = (
    b": ping\r\n\r\n"
    b'data: {"id":"1","choices":[{"delta":{"content":"He"}}],"usage":null}\n\n'
    b"data: part1\r\ndata: part2\r\n\r\n"
    b"event: error\n"
    b'data: {"error":{"message":"x"}}\n\n'
    b'data: {"id":"1","choices":[],"usage":{"total_tokens":3}}\n\n'
    b"data: [DONE]\n\n"
)
EXPECTED = [
    (None, b'{"id":"1","choices":[{"delta":{"content":"He"}}],"usage":null}'),
    (None, b"part1\npart2"),
    ("error", b'{"error":{"message":"x"}}'),
    (None, b'{"id":"1","choices":[],"usage":{"total_tokens":3}}'),
    (None, b"[DONE]"),
]


def test_whole_stream() -> None:
    assert _all(SSEDecoder(), STREAM) == EXPECTED


def test_split_at_every_byte_boundary() -> None:
    for cut in range(len(STREAM) + 1):
        assert _all(SSEDecoder(), STREAM[:cut], STREAM[cut:]) == EXPECTED, cut


def test_one_byte_at_a_time() -> None:
    assert _all(SSEDecoder(), *(STREAM[i : i + 1] for i in range(len(STREAM)))) == EXPECTED


@settings(max_examples=200, deadline=None)
@given(cuts=st.lists(st.integers(0, len(STREAM)), max_size=12))
def test_split_anywhere_any_number_of_times(cuts: list[int]) -> None:
    points = sorted(set(cuts))
    pieces = [STREAM[a:b] for a, b in zip([0, *points], [*points, len(STREAM)], strict=True)]
    assert _all(SSEDecoder(), *pieces) == EXPECTED


@settings(max_examples=200, deadline=None)
@given(
    payloads=st.lists(
        st.binary(max_size=40).filter(lambda b: b"\n" not in b and b"\r" not in b),
        max_size=6,
    ),
    crlf=st.booleans(),
    cuts=st.lists(st.integers(0, 400), max_size=8),
)
def test_roundtrip_any_single_line_payloads(
    payloads: list[bytes], crlf: bool, cuts: list[int]
) -> None:
    eol = b"\r\n" if crlf else b"\n"
    body = b"".join(b"data: " + p + eol + eol for p in payloads)
    points = sorted({c for c in cuts if c <= len(body)})
    pieces = [body[a:b] for a, b in zip([0, *points], [*points, len(body)], strict=True)]
    got = _all(SSEDecoder(), *pieces)
    # an empty payload still dispatches (the data field was present)
    assert got == [(None, p) for p in payloads]
