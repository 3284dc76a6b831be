"""Decoding of embedding vectors as AI/ML API sends them: JSON floats or base64 float32.

Why base64: a 1,536-dimension vector is about 30 KiB of JSON floats but 8 KiB of base64, and
decoding base64 with the standard library is several times faster than parsing the floats.
``encoding_format="base64"`` answers little-endian float32 bytes (the OpenAI wire format).
Some models ignore the parameter and answer floats anyway, so every reader accepts both.
Stdlib only (``array``), so neither adapter needs numpy.
"""

from __future__ import annotations

import base64
import binascii
import sys
from array import array
from typing import Any

__all__ = ["decode_vector", "encode_vector"]

_SWAP = sys.byteorder != "little"
_FLOAT = frozenset({float})
_NUMBER = frozenset({float, int})


def decode_vector(value: Any) -> list[float] | None:
    """The vector as floats, from a JSON float list or a base64 float32 string.

    Returns ``None`` for anything else (the caller reports a malformed answer, with its own
    request id), never raises on bad input.
    """
    if isinstance(value, list):
        # One C-level pass over the element types (a generator of isinstance checks costs
        # more than parsing the JSON did); bools are ints to isinstance, not here.
        kinds = set(map(type, value))
        if kinds <= _FLOAT:
            return value
        if kinds <= _NUMBER:
            return [float(x) for x in value]
        return None
    if isinstance(value, str):
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return None
        if len(raw) % 4:
            return None
        floats = array("f")
        floats.frombytes(raw)
        if _SWAP:
            floats.byteswap()
        return floats.tolist()
    return None


def encode_vector(vector: list[float]) -> str:
    """Base64 float32 little-endian, the form an OpenAI SDK asking ``base64`` expects back."""
    floats = array("f", vector)
    if _SWAP:
        floats.byteswap()
    return base64.b64encode(floats.tobytes()).decode("ascii")
