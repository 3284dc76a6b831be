"""The end-to-end stack: the mock (in-process), a real Redis, two real LiteLLM Proxy instances.

Why in-process mock: the proxies reach it over loopback like any server, and the test can
inject faults and read ``mock.requests`` between calls without an RPC of its own.

Why the proxies run the *example* config: ``examples/proxy/config.yaml`` is what users copy, so
the test proves that file works. Test-only model groups (one per error case, so a cooled-down
error deployment never disturbs the groups under test) are appended to a copy of it.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from aiml_integrations.testing import MockAIMLAPI

from ._procs import (
    Processes,
    free_port,
    litellm_executable,
    redis_server_executable,
    wait_for_http,
    wait_for_port,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CONFIG = REPO_ROOT / "examples" / "proxy" / "config.yaml"
MASTER_KEY = "sk-proxy-e2e-master"
KEY_A = "aiml-key-a"
KEY_B = "aiml-key-b"
KEY_BROKE = "aiml-key-broke"  # the mock answers OUT_OF_CREDITS for it
KEY_LIMITED = "aiml-key-limited"  # the mock answers 429 + Retry-After for it
REVOKED_KEY = "aiml-key-revoked"  # not accepted by the mock: a real 401
PROXY_START_TIMEOUT = 90.0
# Each instance re-reads cooldowns from Redis at most this often (litellm 1.110.2:
# litellm/constants.py DEFAULT_COOLDOWN_REDIS_READ_INTERVAL_SECONDS, default 1.0, read by
# litellm/rust_bridge/host/settings.py:router_tiers). Pinned in the proxies' env so the test's
# wait stays right if the default changes.
COOLDOWN_REDIS_READ_INTERVAL = 1.0


def _missing_requirements() -> list[str]:
    missing = []
    if redis_server_executable() is None:
        missing.append("the redis-server binary")
    if litellm_executable() is None:
        missing.append("the litellm console script")
    for module in ("fastapi", "uvicorn", "openai", "yaml", "backoff", "apscheduler"):
        try:
            __import__(module)
        except ImportError:
            missing.append(f"python module {module!r} (install aiml-integrations[proxy])")
    return missing


#: The tests that leave deployments of the ``chat`` group in cooldown on purpose (on the shared
#: proxies and Redis), in the order they must run: after every other test of this folder.
RUN_LAST = (
    "test_cooldown_through_instance_a_is_skipped_by_instance_b",
    "test_outage_falls_back_to_the_fallback_group",
)


def _run_cooldown_tests_last(items: list[pytest.Item]) -> None:
    """Move ``RUN_LAST`` behind this folder's other tests, in place.

    Why: the stack is shared by the module (two proxies take ~20 s to start), so a cooldown
    outlives its test. When the order is shuffled (pytest-randomly) the others keep their
    shuffled order; only these two are pinned. In file order this changes nothing.
    """
    here = Path(__file__).parent
    positions = [i for i, item in enumerate(items) if Path(str(item.fspath)).parent == here]

    def rank(item: pytest.Item) -> int:
        name = getattr(item, "originalname", item.name)
        return RUN_LAST.index(name) + 1 if name in RUN_LAST else 0

    ordered = sorted((items[i] for i in positions), key=rank)
    for position, item in zip(positions, ordered, strict=True):
        items[position] = item


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The cooldown tests run last (``_run_cooldown_tests_last``). Skip (locally, with the
    reason) when Redis or the proxy deps are absent; never in CI."""
    _run_cooldown_tests_last(items)
    missing = _missing_requirements()
    if not missing or os.environ.get("CI"):
        return
    marker = pytest.mark.skip(reason="proxy end-to-end test needs " + ", ".join(missing))
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(marker)


def _deployment(name: str, model: str, key: str, **extra: Any) -> dict[str, Any]:
    return {
        "model_name": name,
        "litellm_params": {
            "model": model,
            "api_key": key,
            "api_base": "os.environ/AIMLAPI_BASE_URL",
            **extra,
        },
        "model_info": {"id": f"{name}-deployment"},
    }


TEST_GROUPS = [
    _deployment("no-credits", "aimlapi/openai/gpt-4o", KEY_BROKE),
    _deployment("revoked", "aimlapi/openai/gpt-4o", REVOKED_KEY),
    _deployment("limited", "aimlapi/openai/gpt-4o", KEY_LIMITED),
    _deployment("typo", "aimlapi/openai/gpt-4o-typo", KEY_B),
    _deployment("short", "aimlapi/gpt-4o-mini", KEY_B),
    _deployment("embed", "aimlapi/text-embedding-3-small", KEY_B),
]


def write_test_config(directory: Path) -> Path:
    config = yaml.safe_load(EXAMPLE_CONFIG.read_text())
    config["model_list"].extend(TEST_GROUPS)
    path = directory / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


@dataclass
class Stack:
    mock: MockAIMLAPI
    processes: Processes
    redis_port: int
    proxy_urls: dict[str, str]  # "A"/"B" -> http://127.0.0.1:PORT

    def client(self, instance: str) -> Any:
        """An unmodified OpenAI SDK client pointed at one proxy instance (no client retries:
        the test must see what the proxy answered, not what the SDK retried into)."""
        import openai

        return openai.OpenAI(
            base_url=self.proxy_urls[instance], api_key=MASTER_KEY, max_retries=0, timeout=60
        )

    def redis_keys(self, pattern: str) -> list[str]:
        import redis

        with redis.Redis(host="127.0.0.1", port=self.redis_port, decode_responses=True) as r:
            return sorted(str(k) for k in r.keys(pattern))


def _child_env(extra: dict[str, str]) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    env = {k: v for k, v in os.environ.items() if k in keep}
    # The proxies must import the package under test (this checkout), not whichever copy the
    # environment has installed.
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    env.update(
        LITELLM_LOCAL_MODEL_COST_MAP="True",
        LITELLM_TELEMETRY="False",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def stack(request: pytest.FixtureRequest) -> Iterator[Stack]:
    missing = _missing_requirements()
    if missing:  # only reached under CI: locally the tests were skipped at collection
        pytest.fail(
            "CI is set, so the proxy end-to-end test must run, but it needs " + ", ".join(missing)
        )
    workdir = Path(tempfile.mkdtemp(prefix="aimlapi-proxy-e2e-"))
    processes = Processes(log_dir=workdir)
    mock = MockAIMLAPI(keys=[KEY_A, KEY_B, KEY_BROKE, KEY_LIMITED]).start()
    started = False
    try:
        redis_port = free_port()
        redis_dir = workdir / "redis"
        redis_dir.mkdir()
        redis = processes.start(
            "redis",
            [
                str(redis_server_executable()),
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(redis_dir),
            ],
            env=_child_env({}),
        )
        wait_for_port(redis_port, redis, timeout=15)

        config = write_test_config(workdir)
        env = _child_env(
            {
                "LITELLM_MASTER_KEY": MASTER_KEY,
                "AIMLAPI_KEY_A": KEY_A,
                "AIMLAPI_KEY_B": KEY_B,
                "AIMLAPI_BASE_URL": mock.base_url,
                "REDIS_HOST": "127.0.0.1",
                "REDIS_PORT": str(redis_port),
                "DEFAULT_COOLDOWN_REDIS_READ_INTERVAL_SECONDS": str(COOLDOWN_REDIS_READ_INTERVAL),
            }
        )
        urls: dict[str, str] = {}
        children = {}
        for name in ("A", "B"):  # both start now; their ~10 s imports overlap
            port = free_port()
            urls[name] = f"http://127.0.0.1:{port}"
            children[name] = processes.start(
                f"proxy-{name}",
                [
                    str(litellm_executable()),
                    "--config",
                    str(config),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
                env=env,
                cwd=workdir,
            )
        with ThreadPoolExecutor(2) as pool:
            waits = [
                pool.submit(
                    wait_for_http,
                    f"{urls[n]}/health/liveliness",
                    children[n],
                    PROXY_START_TIMEOUT,
                )
                for n in urls
            ]
            for wait in waits:
                wait.result()
        started = True
        yield Stack(mock=mock, processes=processes, redis_port=redis_port, proxy_urls=urls)
    finally:
        failed = not started or getattr(request.node, "_proxy_failed", False)
        if not started:  # a start-up failure: the error names the child; show all of them
            print("\n===== proxy end-to-end logs =====\n" + processes.logs(), file=sys.stderr)
        processes.close()
        mock.stop()
        if not failed:
            shutil.rmtree(workdir, ignore_errors=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """On a failure, attach every child's log to the report and keep the temporary directory."""
    report = yield
    if report.failed:
        module = item.getparent(pytest.Module)
        if module is not None:
            module._proxy_failed = True  # type: ignore[attr-defined]
        stack = getattr(item, "funcargs", {}).get("stack")
        if isinstance(stack, Stack):
            report.sections.append(("proxy end-to-end logs", stack.processes.logs()))
    return report


@pytest.fixture
def mock(stack: Stack) -> Iterator[MockAIMLAPI]:
    """The stack's mock with no faults and an empty request log for each test."""
    stack.mock.clear_faults()
    stack.mock.clear_requests()
    yield stack.mock
    stack.mock.clear_faults()
