"""``aimlapi models`` through a real subprocess, including ``sync`` against a running mock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from aiml_integrations.testing import MockAIMLAPI


def _run(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AIMLAPI_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "aiml_integrations.cli", "models", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_list_json_and_filters(cache_dir: Path) -> None:
    everything = _run("list", "--json", cache=cache_dir)
    assert everything.returncode == 0, everything.stderr
    ids = {m["id"] for m in json.loads(everything.stdout)}
    assert {"openai/gpt-4o", "text-embedding-3-small", "flux/schnell"} <= ids
    chat_tools = _run("list", "--kind", "chat", "--capability", "tools", "--json", cache=cache_dir)
    chosen = json.loads(chat_tools.stdout)
    assert chosen and all(m["kind"] == "chat" and m["capabilities"]["tools"] for m in chosen)
    assert "google/gemma-3-4b-it" not in {m["id"] for m in chosen}
    table = _run("--search", "claude", cache=cache_dir)  # "list" is the default action
    assert table.returncode == 0 and "anthropic/claude-haiku-4.5" in table.stdout


def test_show(cache_dir: Path) -> None:
    shown = _run("show", "gpt-4o", "--json", cache=cache_dir)
    assert shown.returncode == 0
    assert json.loads(shown.stdout)["id"] == "openai/gpt-4o"
    text = _run("show", "gpt-4o", cache=cache_dir)
    assert "context_length:" in text.stdout and "128,000" in text.stdout
    missing = _run("show", "gpt-4-o", cache=cache_dir)
    assert missing.returncode == 1 and "did you mean openai/gpt-4o" in missing.stderr


def test_sync_against_a_running_mock(cache_dir: Path) -> None:
    with MockAIMLAPI() as mock:
        first = _run("sync", "--base-url", mock.base_url, cache=cache_dir)
        assert first.returncode == 0, first.stderr
        assert "aimlapi models sync: received" in first.stderr  # progress on stderr
        assert "models:" in first.stdout
        second = _run(
            "sync", "--base-url", mock.base_url, "--api-key", mock.api_key, cache=cache_dir
        )
        assert second.returncode == 0 and "304" in second.stdout
        assert mock.requests[-1].status == 304
    assert (cache_dir / "models.json").exists()


def test_sync_failure_is_reported(cache_dir: Path) -> None:
    with MockAIMLAPI() as mock:
        url = mock.base_url
    failed = _run("sync", "--base-url", url, cache=cache_dir)  # the server is gone
    assert failed.returncode == 1 and "failed" in failed.stderr


def test_list_by_kind_hides_deprecated_unless_asked(cache_dir: Path) -> None:
    tts = json.loads(_run("list", "--kind", "text-to-speech", "--json", cache=cache_dir).stdout)
    assert tts and {m["kind"] for m in tts} == {"text-to-speech"}
    served = {m["id"] for m in json.loads(_run("list", "--json", cache=cache_dir).stdout)}
    assert "o1-mini" not in served
    both = json.loads(_run("list", "--deprecated", "--json", cache=cache_dir).stdout)
    assert any(m["id"] == "o1-mini" and m["deprecated"] for m in both)
    bad = _run("list", "--kind", "audio", cache=cache_dir)
    assert bad.returncode != 0 and "invalid choice" in bad.stderr  # kinds are a closed set
    shown = json.loads(_run("show", "o1-mini", "--json", cache=cache_dir).stdout)
    assert shown["deprecated"] is True and shown["replacement"] is None
