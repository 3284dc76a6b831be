#!/usr/bin/env bash
# Agent-framework suites (tests/frameworks/<name>) in as few virtualenvs as their pins allow.
# CrewAI pins openai<3 while the OpenAI Agents SDK needs openai>=3, so two groups:
#   crewai  -> crewai
#   agents  -> openai_agents adk smolagents dspy langchain_litellm   (all resolve together)
# Each group gets one venv under .ci-venvs/<group>: the package, pytest plugins and the
# requirements.txt of every framework in the group. Its frameworks' folders then run one by one
# with AIMLAPI_FRAMEWORK_TESTS=1. Every step is bounded by `timeout`; a failed install, a failed
# test run, or a folder that collects no tests (pytest exit 5) fails the script. A framework
# folder that belongs to no group is an error too, so a new one cannot be skipped silently.
#
# Usage: bash .ci/frameworks.sh [install|test|all] [group ...]   (default: all, every group)
# .ci/run calls `install <group>` in the background while the main suite runs, then `test`.
set -euo pipefail
cd "$(dirname "$0")/.."

export LITELLM_LOCAL_MODEL_COST_MAP=True
export PIP_DISABLE_PIP_VERSION_CHECK=1
export AIMLAPI_FRAMEWORK_TESTS=1
PYTHON=${PYTHON:-python3}
INSTALL_TIMEOUT=${FRAMEWORK_INSTALL_TIMEOUT:-2400}
TEST_TIMEOUT=${FRAMEWORK_TEST_TIMEOUT:-300}

group_names=(crewai agents)
declare -A members=(
  [crewai]="crewai"
  [agents]="openai_agents adk smolagents dspy langchain_litellm"
)

# Every framework folder must sit in exactly one group.
for req in tests/frameworks/*/requirements.txt; do
  name=$(basename "$(dirname "$req")")
  hits=0
  for group in "${group_names[@]}"; do
    for member in ${members[$group]}; do [ "$member" = "$name" ] && hits=$((hits + 1)); done
  done
  if [ "$hits" -ne 1 ]; then
    echo "!! tests/frameworks/$name is in $hits groups of .ci/frameworks.sh (must be 1)" >&2
    exit 1
  fi
done

phase=all
case "${1:-}" in install | test | all) phase=$1; shift ;; esac
groups=("$@")
[ "${#groups[@]}" -gt 0 ] || groups=("${group_names[@]}")
for group in "${groups[@]}"; do
  [ -n "${members[$group]+set}" ] || { echo "!! unknown group '$group' (${group_names[*]})" >&2; exit 2; }
done

install_group() {
  local group=$1 venv=".ci-venvs/$1" reqs=() member start
  for member in ${members[$group]}; do reqs+=(-r "tests/frameworks/$member/requirements.txt"); done
  echo "== $group: installing ${members[$group]} into $venv"
  start=$(date +%s)
  # Explicit `|| return 1`: errexit is off inside a function called from `||`.
  rm -rf "$venv" && "$PYTHON" -m venv "$venv" || return 1
  timeout "$INSTALL_TIMEOUT" "$venv/bin/python" -m pip install -q -e . \
    pytest pytest-asyncio pytest-socket pytest-timeout "${reqs[@]}" || return 1
  echo "== $group: installed in $(($(date +%s) - start))s"
}

failed=()
test_group() {
  local group=$1 venv=".ci-venvs/$1" member start rc
  if [ ! -x "$venv/bin/python" ]; then
    echo "!! $group: no venv at $venv (run: bash .ci/frameworks.sh install $group)" >&2
    failed+=("$group(no venv)")
    return
  fi
  for member in ${members[$group]}; do
    echo "== $group: running tests/frameworks/$member"
    start=$(date +%s)
    rc=0
    timeout "$TEST_TIMEOUT" "$venv/bin/python" -m pytest -q -p no:randomly \
      "tests/frameworks/$member" || rc=$?
    echo "== $group: tests/frameworks/$member exit $rc in $(($(date +%s) - start))s"
    # Any non-zero exit fails, including 5 (nothing collected) and 124 (timeout).
    [ "$rc" -eq 0 ] || failed+=("$member(exit $rc)")
  done
}

for group in "${groups[@]}"; do
  if [ "$phase" != test ]; then
    install_group "$group" || { echo "!! $group: install FAILED" >&2; failed+=("$group(install)"); continue; }
  fi
  [ "$phase" = install ] || test_group "$group"
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "!! framework suites failed: ${failed[*]}" >&2
  exit 1
fi
echo "framework suites passed ($phase): ${groups[*]}"
