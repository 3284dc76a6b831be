#!/usr/bin/env bash
# Agent-framework suites (tests/frameworks/<name>), each in its own virtualenv because their pins
# conflict (CrewAI wants openai<3, the OpenAI Agents SDK openai>=3). For every framework: a fresh
# venv under .ci-venvs/<name>, the package + that framework's requirements.txt, then its tests,
# each step bounded by `timeout`. A failed install or test run fails the script (no silent skip).
#
# Usage: bash .ci/frameworks.sh [name ...]   (default: every folder with a requirements.txt)
set -euo pipefail
cd "$(dirname "$0")/.."

export LITELLM_LOCAL_MODEL_COST_MAP=True
export PIP_DISABLE_PIP_VERSION_CHECK=1
export AIMLAPI_FRAMEWORK_TESTS=1
PYTHON=${PYTHON:-python3}
INSTALL_TIMEOUT=${FRAMEWORK_INSTALL_TIMEOUT:-1500}
TEST_TIMEOUT=${FRAMEWORK_TEST_TIMEOUT:-600}

if [ "$#" -gt 0 ]; then
  names=("$@")
else
  names=()
  for req in tests/frameworks/*/requirements.txt; do
    names+=("$(basename "$(dirname "$req")")")
  done
fi

failed=()
for name in "${names[@]}"; do
  dir="tests/frameworks/$name"
  venv=".ci-venvs/$name"
  echo "== $name: installing into $venv"
  start=$(date +%s)
  if ! { [ -x "$venv/bin/python" ] || "$PYTHON" -m venv "$venv"; } ||
     ! timeout "$INSTALL_TIMEOUT" "$venv/bin/python" -m pip install -q -e . \
         pytest pytest-asyncio pytest-socket pytest-timeout -r "$dir/requirements.txt"; then
    echo "!! $name: install FAILED" >&2
    failed+=("$name(install)")
    continue
  fi
  echo "== $name: installed in $(( $(date +%s) - start ))s; running $dir"
  if ! timeout "$TEST_TIMEOUT" "$venv/bin/python" -m pytest -q -p no:randomly "$dir"; then
    echo "!! $name: tests FAILED" >&2
    failed+=("$name(tests)")
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "framework suites failed: ${failed[*]}" >&2
  exit 1
fi
echo "framework suites passed: ${names[*]}"
