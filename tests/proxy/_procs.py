"""Real child processes for the end-to-end proxy test: start, wait until ready, always reap.

Why this much care: the test starts a Redis server and two LiteLLM Proxy instances. A leaked
proxy keeps its port and a few hundred MB; a leaked Redis keeps state that would make the next
run's "shared cooldown" pass for the wrong reason. So every child runs in its own process group
(``start_new_session``), is registered with one ``Processes`` owner that kills whole groups
(SIGTERM, then SIGKILL), and that owner is closed by the fixture finalizer *and* by ``atexit``
in case pytest itself is interrupted. Output goes to files in a temporary directory so it can be
printed when a test fails without filling pipes.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Child",
    "Processes",
    "free_port",
    "litellm_executable",
    "redis_server_executable",
    "wait_for_http",
    "wait_for_port",
]


def free_port() -> int:
    """An ephemeral loopback port that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def litellm_executable() -> str | None:
    """The ``litellm`` console script of *this* interpreter's environment (CI uses its own venv)."""
    beside = Path(sys.executable).with_name("litellm")
    if beside.exists():
        return str(beside)
    return shutil.which("litellm")


def redis_server_executable() -> str | None:
    return shutil.which("redis-server")


@dataclass
class Child:
    """One started process and the file its stdout+stderr go to."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path

    def log(self, tail: int = 12_000) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return text[-tail:]

    def alive(self) -> bool:
        return self.popen.poll() is None


@dataclass
class Processes:
    """Owns every child the test starts; ``close()`` kills them all (idempotent)."""

    log_dir: Path
    children: list[Child] = field(default_factory=list)

    def __post_init__(self) -> None:
        atexit.register(self.close)

    def start(
        self, name: str, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path | None = None
    ) -> Child:
        log_path = self.log_dir / f"{name}.log"
        log = log_path.open("wb")
        try:
            popen = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=dict(env),
                cwd=cwd,
                start_new_session=True,  # its own process group: killpg reaches its workers too
            )
        finally:
            log.close()  # the child holds its own descriptor
        child = Child(name, popen, log_path)
        self.children.append(child)
        return child

    def close(self) -> None:
        children, self.children = self.children, []
        for child in children:
            _signal_group(child.popen, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for child in children:
            left = max(0.1, deadline - time.monotonic())
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.popen.wait(timeout=left)
            # Workers may outlive a leader that exited on SIGTERM: always finish the group.
            _signal_group(child.popen, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.popen.wait(timeout=5)

    def logs(self) -> str:
        """Every child's log tail, for a failure report."""
        parts = [
            f"----- {c.name} (pid {c.popen.pid}, rc {c.popen.poll()}) -----\n{c.log()}"
            for c in self.children
        ]
        return "\n".join(parts)


def _signal_group(popen: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(popen.pid, sig)


def wait_for_port(port: int, child: Child, timeout: float) -> None:
    """Until something accepts TCP on ``127.0.0.1:port``; fails fast if ``child`` died."""
    _wait(lambda: _connects(port), child, timeout, f"port {port}")


def wait_for_http(url: str, child: Child, timeout: float) -> None:
    """Until ``GET url`` answers 200; fails fast if ``child`` died."""
    _wait(lambda: _http_ok(url), child, timeout, url)


def _wait(ready: Callable[[], bool], child: Child, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not child.alive():
            raise RuntimeError(
                f"{child.name} exited with {child.popen.returncode} before {what} was ready:\n"
                + child.log()
            )
        if ready():
            return
        time.sleep(0.25)
    raise TimeoutError(f"{child.name}: {what} not ready after {timeout:.0f}s:\n{child.log()}")


def _connects(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status) == 200
    except (OSError, urllib.error.URLError):
        return False
