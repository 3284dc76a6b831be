"""The examples in ``examples/`` run offline, end to end, and show what they claim.

Why: examples rot silently. Each is run as a user would (a subprocess, no API key, so on the
built-in mock) and its output is checked for the behaviour it demonstrates.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _run_full(script: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("AIMLAPI_API_KEY", "AIML_API_KEY")}
    env["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    done = subprocess.run(
        [sys.executable, script],
        cwd=EXAMPLES,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def _run(script: str) -> str:
    return _run_full(script).stdout


@pytest.mark.parametrize("script", ["litellm_quickstart.py", "langchain_quickstart.py"])
def test_example_runs_offline_and_shows_a_typed_error(script: str) -> None:
    out = _run(script)
    assert "using the offline mock" in out
    assert "answer: Say hello in five words." in out
    assert "unknown model -> AIMLAPIUnknownModelError" in out


def test_litellm_example_reports_the_billed_cost() -> None:
    out = _run("litellm_quickstart.py")
    billed = next(line for line in out.splitlines() if line.startswith("billed USD:"))
    assert float(billed.split(":", 1)[1]) > 0


def test_langchain_example_makes_a_schema_valid_tool_call() -> None:
    out = _run("langchain_quickstart.py")
    assert "tool calls: [{'name': 'get_weather', 'args': {'city':" in out


def test_fallback_config_example_falls_back_without_retrying_the_broke_key() -> None:
    done = _run_full("fallback_offline.py")
    assert "[('key-primary', 403), ('key-backup', 200)]" in done.stdout
    # register() is quiet: no LiteLLM warning per priced catalog model.
    assert "register_model" not in done.stderr, done.stderr[-2000:]


def test_langgraph_media_example_makes_an_image_and_a_narration() -> None:
    out = _run("langgraph_media.py")
    lines = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
    assert lines["narration"] == "Narrate in one sentence: a lighthouse in a storm"
    assert lines["image"].startswith("https://cdn.aimlapi.com/") and lines["image"].endswith(".jpg")
    assert lines["narration audio"].endswith(".mp3")
    assert float(lines["billed USD"].split()[0]) > 0
    assert lines["image route"] == "[429, 200]"  # the 429 was retried by with_retry
    assert lines["image request id"] != lines["speech request id"]
