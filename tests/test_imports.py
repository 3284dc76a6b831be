"""``import aiml_integrations`` must stay cheap: no httpx/pydantic/litellm/langchain/openai, and
``aiml_integrations.errors`` imports nothing outside the standard library."""

from __future__ import annotations

import json
import re
import subprocess
import sys

HEAVY = ("httpx", "pydantic", "litellm", "langchain_core", "openai")


def _run(code: str, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *flags, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )


def test_top_level_import_pulls_no_heavy_dependency() -> None:
    code = (
        "import json, sys; import aiml_integrations; "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    assert json.loads(_run(code).stdout) == []


def test_lazy_attribute_loads_on_demand() -> None:
    code = (
        "import json, sys, aiml_integrations; before = 'httpx' in sys.modules; "
        "aiml_integrations.AIMLAPIClient; "
        "print(json.dumps([before, 'httpx' in sys.modules]))"
    )
    assert json.loads(_run(code).stdout) == [False, True]


def test_errors_module_is_stdlib_only() -> None:
    code = (
        "import json, sys\n"
        "before = set(sys.modules)\n"
        "import aiml_integrations.errors\n"
        "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "print(json.dumps(sorted(new - set(sys.stdlib_module_names) - {'aiml_integrations'})))\n"
    )
    assert json.loads(_run(code).stdout) == []


def test_error_rules_and_parse_are_stdlib_only() -> None:
    code = (
        "import json, sys\n"
        "before = set(sys.modules)\n"
        "import aiml_integrations._core.error_parse, aiml_integrations._core.sse\n"
        "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "print(json.dumps(sorted(new - set(sys.stdlib_module_names) - {'aiml_integrations'})))\n"
    )
    assert json.loads(_run(code).stdout) == []


def test_import_time_of_the_package_itself() -> None:
    """``-X importtime`` cumulative microseconds for ``aiml_integrations`` (our own module)."""
    stderr = _run("import aiml_integrations", "-X", "importtime").stderr
    rows = [
        re.match(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|\s*(\S+)\s*$", line)
        for line in stderr.splitlines()
    ]
    ours = [int(m.group(2)) for m in rows if m and m.group(3) == "aiml_integrations"]
    assert len(ours) == 1, stderr[-2000:]
    assert ours[0] < 100_000, f"aiml_integrations took {ours[0]} us to import"


def test_cli_imports_the_mock_server_only_to_run_it() -> None:
    code = (
        "import contextlib, io, json, sys\n"
        "from aiml_integrations.cli import build_parser, main\n"
        "build_parser()\n"
        "before = [m for m in sys.modules if m.startswith('aiml_integrations.testing')]\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    status = main(['mock', '--list-faults'])\n"
        "after = 'aiml_integrations.testing' in sys.modules\n"
        "print(json.dumps([before, status, after]))\n"
    )
    assert json.loads(_run(code).stdout) == [[], 0, True]
