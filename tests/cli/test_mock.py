"""``aimlapi mock`` as a real subprocess: it starts, serves, injects faults and stops."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from aiml_integrations.cli import build_parser, main


def spawn(*args: str, sigint_ignored: bool = False) -> tuple[subprocess.Popen[str], str]:
    """Start ``aimlapi mock``; ``sigint_ignored`` starts it as ``aimlapi mock &`` in a
    non-interactive shell does, with SIGINT inherited ignored."""
    command = [sys.executable, "-m", "aiml_integrations.cli", "mock", "--port", "0", "-q", *args]
    if sigint_ignored:  # the shell's own way: the ignore survives exec into Python
        command = ["sh", "-c", 'trap "" INT; exec "$0" "$@"', *command]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith("AI/ML API mock listening on "):
            return process, line.rsplit(" ", 1)[1].strip()
        if not line and process.poll() is not None:
            break
    process.kill()
    raise AssertionError(f"mock did not start: {process.stderr.read() if process.stderr else ''}")


def stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGINT if os.name != "nt" else signal.SIGTERM)
    try:
        return process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


def poll_models(url: str) -> httpx.Response:
    deadline = time.monotonic() + 10
    while True:
        try:
            return httpx.get(url + "/v1/models", timeout=2)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_cli_mock_serves_and_stops() -> None:
    process, url = spawn(
        "--key", "k1", "--key", "k2", "--success-status", "201", "--fault", "RATE_LIMITED:1"
    )
    try:
        assert poll_models(url).status_code == 429  # the injected fault, once
        assert poll_models(url).json()["object"] == "list"
        chat = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
        ok = httpx.post(
            url + "/v1/chat/completions", json=chat, headers={"Authorization": "Bearer k2"}
        )
        assert ok.status_code == 201
        denied = httpx.post(
            url + "/v1/chat/completions", json=chat, headers={"Authorization": "Bearer mock-key"}
        )
        assert denied.status_code == 401
    finally:
        assert stop(process) == 0
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/v1/models", timeout=2)


@pytest.mark.skipif(os.name == "nt", reason="POSIX signal dispositions")
def test_cli_mock_stops_on_sigint_when_started_in_the_background() -> None:
    process, url = spawn(sigint_ignored=True)
    try:
        assert poll_models(url).status_code == 200
    finally:
        assert stop(process) == 0  # not the 10 s timeout: our handler replaced the ignore
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/v1/models", timeout=2)


def test_cli_list_faults(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mock", "--list-faults"]) == 0
    out = capsys.readouterr().out
    assert "OUT_OF_CREDITS" in out and "403" in out


def test_cli_rejects_unknown_fault(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mock", "--port", "0", "--fault", "NOPE"]) == 2
    assert "NOPE" in capsys.readouterr().err


def test_cli_without_subcommand_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "mock" in capsys.readouterr().out


def test_parser_has_mock_options() -> None:
    args = build_parser().parse_args(["mock", "--port", "9", "--fault", "slow=1:2"])
    assert (args.port, args.fault, args.host) == (9, ["slow=1:2"], "127.0.0.1")
