"""Fixtures for the core tests: a local HTTP server and a refused port (see ``_support``)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from ._support import LocalServer


@pytest.fixture
def server() -> Iterator[LocalServer]:
    srv = LocalServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def refused_url() -> str:
    """A loopback URL nothing listens on (connection refused)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"
