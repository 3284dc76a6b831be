"""``aimlapi demo``: runs offline with no key, prints the incident table, exits 0 on contract.

Why both a subprocess and in-process runs: the subprocess is what a new user types (entry
point, imports, no key, fresh interpreter); in-process runs can patch a step to prove that a
deviation really turns the exit status non-zero, and that the demo leaves LiteLLM's global
state as it found it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from aiml_integrations.cli import main
from aiml_integrations.cli.demo import _litellm_part
from aiml_integrations.cli.demo._model import Attempt, Expect, Step
from aiml_integrations.testing import MockAIMLAPI


def _row(output: str, *cells: str) -> list[str]:
    """The one table line whose cells (separated by 2+ spaces) contain ``cells`` in order."""
    found = []
    for line in output.splitlines():
        row = re.split(r"\s{2,}", line.strip())
        it = iter(row)
        if all(any(c == cell for c in it) for cell in cells):
            found.append(row)
    assert len(found) == 1, f"{cells} in:\n{output}"
    return found[0]


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIMLAPI_", "AIML_API"))}
    env["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    return env


def test_demo_subprocess_offline_without_a_key() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "aiml_integrations.cli", "demo"],
        capture_output=True,
        text=True,
        env=_clean_env(),
        timeout=90,
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "All 12 steps behaved as the contract says" in out
    # LiteLLM Router
    _row(out, "1", "normal call", "-", "-", "A 200", "no", "no", "chat/key-A", "$0.000033")
    _row(out, "rate limited", "litellm.RateLimitError", "A 429, B 200", "yes", "no", "chat/key-B")
    _row(
        out,
        "key A out of credits",
        "litellm.PaymentRequiredError",
        "A 403, B 200",
        "no",
        "yes",
        "chat/key-B",
    )
    _row(out, "next call", "-", "B 200", "no", "no", "chat/key-B")
    _row(
        out,
        "context overflow",
        "litellm.ContextWindowExceededError",
        "B 400, B/gpt-4.1-2025-04-14 200",
        "no",
        "yes",
        "chat-long/key-B",
    )
    _row(
        out,
        "outage",
        "litellm.ServiceUnavailableError x3",
        "B 503 x3, B/gpt-4o-mini 200",
        "yes (2)",
        "yes",
        "chat-fallback/key-B",
    )
    # LangChain chain
    _row(out, "rate limited", "ModelRateLimitError", "A 429, A 200", "yes", "no", "gpt-4o/key-A")
    _row(
        out,
        "context overflow",
        "ContextOverflowError",
        "A 400, B/gpt-4.1-2025-04-14 200",
        "gpt-4.1-2025-04-14/key-B",
    )
    _row(
        out,
        "outage",
        "ModelAPIError x6",
        "A 503 x3, B 503 x3, B/gpt-4o-mini 200",
        "yes (4)",
        "yes (2)",
        "gpt-4o-mini/key-B",
    )
    assert "FAIL" not in out
    assert "key A is cooled down" in out


def test_demo_in_process_langchain_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--only", "langchain"]) == 0
    out = capsys.readouterr().out
    assert "LiteLLM Router" not in out
    _row(
        out,
        "key A out of credits",
        "ModelPermissionDeniedError",
        "A 403, B 200",
        "no",
        "yes",
        "gpt-4o/key-B",
    )
    assert "All 6 steps behaved as the contract says" in out


def test_demo_restores_litellm_global_state(capsys: pytest.CaptureFixture[str]) -> None:
    """Twice in one process: the second run must see its own failures (LiteLLM copies
    callbacks into internal lists; a leftover recorder would swallow them) and nothing of the
    demo may stay registered."""
    import litellm

    def state() -> tuple[Any, ...]:
        return (
            litellm.suppress_debug_info,
            *(
                list(getattr(litellm, name))
                for name in (
                    "callbacks",
                    "input_callback",
                    "success_callback",
                    "failure_callback",
                    "_async_success_callback",
                    "_async_failure_callback",
                )
            ),
        )

    before = state()
    for _ in range(2):
        assert main(["demo", "--only", "litellm"]) == 0
        assert "All 6 steps behaved" in capsys.readouterr().out
        assert state() == before


def test_a_deviation_makes_the_exit_status_non_zero(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = Step(
        "normal call",
        "-",
        # Claims key B answers first: the Router's order says key A, so this must FAIL.
        Expect((Attempt("B", "openai/gpt-4o", 200),), (), "chat/key-B"),
    )

    def steps(target: Any) -> list[Step]:
        return [wrong]

    monkeypatch.setattr(_litellm_part, "mock_steps", steps)
    assert main(["demo", "--only", "litellm"]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out
    assert "step 1 deviated: attempts 'A/gpt-4o 200', expected 'B/gpt-4o 200'" in out
    assert "1 of 1 steps deviated from the contract" in out


def test_live_needs_a_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AIMLAPI_API_KEY", raising=False)
    monkeypatch.delenv("AIML_API_KEY", raising=False)
    assert main(["demo", "--live"]) == 2
    assert "AIMLAPI_API_KEY" in capsys.readouterr().err


def test_live_path_against_the_mock(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--live`` reads the key and base URL from the environment like any real use, so the
    mock can stand in for api.aimlapi.com and the live path is tested offline."""
    with MockAIMLAPI(keys=["live-key"]) as mock:
        monkeypatch.setenv("AIMLAPI_API_KEY", "live-key")
        monkeypatch.setenv("AIMLAPI_BASE_URL", mock.base_url)
        assert main(["demo", "--live"]) == 0
        sent = mock.requests_for(path="/v1/chat/completions")
    out = capsys.readouterr().out
    assert "live" in out
    _row(out, "unknown model", "litellm.NotFoundError", "(live)", "raised litellm.NotFoundError")
    _row(
        out,
        "context overflow",
        "ContextOverflowError",
        "(live)",
        "raised ContextOverflowError",
    )
    assert {r.api_key for r in sent} == {"live-key"}
    assert "All 6 steps behaved as the contract says" in out
