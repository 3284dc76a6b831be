"""``decode_vector`` / ``encode_vector``: base64 float32 and JSON floats read alike, bad input
is ``None`` (the adapters turn it into a typed malformed-answer error), never an exception."""

from __future__ import annotations

import base64
import struct
from typing import Any

import pytest

from aiml_integrations._core.embedding_codec import decode_vector, encode_vector


def test_base64_round_trip_is_little_endian_float32() -> None:
    vector = [0.5, -1.25, 3.0, 1e-3]
    encoded = encode_vector(vector)
    assert base64.b64decode(encoded) == struct.pack("<4f", *vector)
    decoded = decode_vector(encoded)
    assert decoded is not None
    assert decoded[:3] == [0.5, -1.25, 3.0]
    assert decoded[3] == struct.unpack("<f", struct.pack("<f", 1e-3))[0]


def test_float_lists_pass_and_ints_become_floats() -> None:
    floats = [0.1, 0.2]
    assert decode_vector(floats) is floats  # no copy on the common path
    mixed = decode_vector([0.5, 0, 1])
    assert mixed == [0.5, 0.0, 1.0] and all(type(x) is float for x in mixed)
    assert decode_vector([]) == []
    assert decode_vector("") == []


@pytest.mark.parametrize(
    "value",
    [[0.1, True], [0.1, "x"], [[0.1]], None, 3.0, {"a": 1}, "not base64!", "AAAAA", "AAA="],
    ids=repr,
)
def test_anything_else_is_none(value: Any) -> None:
    assert decode_vector(value) is None
