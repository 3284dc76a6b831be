"""Agent frameworks on the ``aimlapi/`` LiteLLM provider, each run in its own virtualenv.

Why not in the main run: the frameworks pin conflicting versions (CrewAI wants ``openai<3``,
the OpenAI Agents SDK ``openai>=3``) and are heavy, so ``.ci/frameworks.sh`` builds one venv per
framework and runs that framework's directory there with ``AIMLAPI_FRAMEWORK_TESTS=1``. Without
that variable this folder is not collected, so ``python -m pytest -q`` stays green without them;
with it, a framework that fails to import fails loudly instead of being skipped.
"""

from __future__ import annotations

import os

if os.environ.get("AIMLAPI_FRAMEWORK_TESTS") != "1":
    collect_ignore_glob = ["*"]
else:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    # Frameworks that phone home at import or run time: keep them offline.
    os.environ.setdefault("CREWAI_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("CREWAI_TRACING_ENABLED", "false")
    os.environ.setdefault("OTEL_SDK_DISABLED", "true")
    os.environ.setdefault("OPENAI_AGENTS_DISABLE_TRACING", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("DSPY_CACHEDIR", "/tmp/aimlapi-dspy-cache")

    from collections.abc import Iterator

    import pytest

    from aiml_integrations.litellm import clear_clients, register
    from aiml_integrations.testing import MockAIMLAPI

    from ._support import KEY_A, KEY_B

    register()

    @pytest.fixture
    def mock(aimlapi_mock: MockAIMLAPI, monkeypatch: pytest.MonkeyPatch) -> Iterator[MockAIMLAPI]:
        """The session mock, clean, with two keys; no ambient AI/ML API settings."""
        for name in ("AIMLAPI_API_KEY", "AIML_API_KEY", "AIMLAPI_BASE_URL", "AIML_API_BASE"):
            monkeypatch.delenv(name, raising=False)
        aimlapi_mock.add_key(KEY_A)
        aimlapi_mock.add_key(KEY_B)
        yield aimlapi_mock
        clear_clients()
