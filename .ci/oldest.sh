#!/usr/bin/env bash
# The adapter tests against the OLDEST supported versions: the lower bounds of `litellm` and
# `langchain-core` in pyproject.toml, installed exactly (==). The newest versions are what
# .ci/run installs. Fails loudly: an install that does not resolve, a pin the resolver moved,
# a test failure, or a step over its time limit all exit non-zero.
#
# Usage: bash .ci/oldest.sh [install|test|all]   (default: all). .ci/run calls `install` in the
# background while the main suite runs, then `test`.
set -euo pipefail
cd "$(dirname "$0")/.."

export LITELLM_LOCAL_MODEL_COST_MAP=True
export PIP_DISABLE_PIP_VERSION_CHECK=1
venv="${OLDEST_VENV:-.ci-venv-oldest}"
phase=${1:-all}
case "$phase" in
  install | test | all) ;;
  *) echo "usage: bash .ci/oldest.sh [install|test|all]" >&2; exit 2 ;;
esac

# Install phase (left unindented: the heredocs below are Python).
if [ "$phase" != test ]; then
rm -rf "$venv"
python3 -m venv "$venv"
constraints="$venv/oldest-constraints.txt"

# One source of truth: pin each package to the ">=" bound pyproject.toml declares.
"$venv/bin/python" - "$constraints" <<'PY'
import re
import sys

text = open("pyproject.toml", encoding="utf-8").read()
pins = []
for name in ("litellm", "langchain-core"):
    found = re.search(rf'^\s*"{re.escape(name)}>=([0-9][0-9.]*)[",]', text, re.MULTILINE)
    if found is None:
        sys.exit(f"oldest.sh: no '{name}>=' lower bound in pyproject.toml")
    pins.append(f"{name}=={found.group(1)}")
with open(sys.argv[1], "w") as out:
    out.write("\n".join(pins) + "\n")
print("oldest.sh: pins", " ".join(pins))
PY

timeout "${OLDEST_INSTALL_TIMEOUT:-2400}" "$venv/bin/python" -m pip install -q -c "$constraints" -e ".[test]"

# The resolver must not have moved a pin (constraints make that an error, but be explicit).
"$venv/bin/python" - "$constraints" <<'PY'
import sys
from importlib.metadata import version

from packaging.version import Version

for line in open(sys.argv[1]).read().split():
    name, want = line.split("==")
    got = version(name)
    if Version(got) != Version(want):
        sys.exit(f"oldest.sh: {name} installed {got}, expected {want}")
    print(f"oldest.sh: {name}=={got}")
PY
fi

[ "$phase" = install ] && exit 0
[ -x "$venv/bin/python" ] || { echo "oldest.sh: no venv at $venv (run: bash .ci/oldest.sh install)" >&2; exit 1; }
timeout 1800 "$venv/bin/python" -m pytest -q tests/litellm tests/langchain tests/frameworks_langchain
