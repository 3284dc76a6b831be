"""``aimlapi demo``: the integration's main job, shown on a fresh machine with no key.

Why a scripted incident rather than a hello-world: what this package adds over "OpenAI-
compatible" is that AI/ML API's failures become each framework's native exceptions, so LiteLLM's
Router and LangChain's runnables retry, fall back and cool down correctly. Only a failure shows
that. The demo starts the built-in mock (two keys), drives a LiteLLM Router and a LangChain
chain through a rate limit, a key running out of credits, a context overflow and an outage, and
prints what happened. Every step has a contract (``Expect``); the exit status is 0 only if all
were met, so ``aimlapi demo`` is also a smoke test of the installed versions.

``--live`` (needs ``AIMLAPI_API_KEY``) runs the success path against the real API, plus two
calls that fail for real (an unknown model, an over-long prompt) — nothing can be injected live.

This module stays import-light (the CLI imports it for ``--help``); LiteLLM and LangChain are
imported only when their part runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from aiml_integrations.cli.demo._env import MOCK_KEY_A, MOCK_KEY_B, Target

__all__ = ["configure", "run"]

_PARTS = ("litellm", "langchain")
_LEGEND = """\
attempts   what reached AI/ML API: key[/model] status (model gpt-4o unless shown)
retried    the same deployment group / runnable again, after a retryable error
fell back  moved on to another key or model (after a non-retryable error or exhausted retries)
billed     what AI/ML API billed: response._hidden_params["response_cost"] (LiteLLM),
           response_metadata["usd_spent"] (LangChain)"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--live",
        action="store_true",
        help="call the real AI/ML API with $AIMLAPI_API_KEY (success path and two real errors)",
    )
    parser.add_argument(
        "--only",
        choices=_PARTS,
        action="append",
        default=[],
        help="run only this part (repeatable; default: both)",
    )


def run(args: argparse.Namespace) -> int:
    parts = args.only or list(_PARTS)
    if args.live:
        key = os.environ.get("AIMLAPI_API_KEY") or os.environ.get("AIML_API_KEY")
        if not key:
            print("aimlapi demo --live: set AIMLAPI_API_KEY first", file=sys.stderr)
            return 2
        target = Target(base_url=None, key_a=key, key_b=key)
        print("AI/ML API demo, live (real calls; the normal calls are billed)\n", flush=True)
        return _run_parts(target, parts)

    from aiml_integrations.testing import MockAIMLAPI

    with MockAIMLAPI(keys=[MOCK_KEY_A, MOCK_KEY_B]) as mock:
        target = Target(base_url=mock.base_url, key_a=MOCK_KEY_A, key_b=MOCK_KEY_B, mock=mock)
        print(
            f"AI/ML API demo, offline: built-in mock at {mock.base_url}, "
            f"key A = {MOCK_KEY_A}, key B = {MOCK_KEY_B}\n",
            flush=True,
        )
        return _run_parts(target, parts)


def _run_parts(target: Target, parts: list[str]) -> int:
    from aiml_integrations.cli.demo._env import DEFAULT_MODEL
    from aiml_integrations.cli.demo._table import render

    started = time.monotonic()
    all_outcomes = []
    for part in parts:
        if part == "litellm":
            from aiml_integrations.cli.demo._litellm_part import LITELLM_TITLE, run_litellm

            title, outcomes = LITELLM_TITLE, run_litellm(target)
        else:
            from aiml_integrations.cli.demo._langchain_part import LANGCHAIN_TITLE, run_langchain

            title, outcomes = LANGCHAIN_TITLE, run_langchain(target)
        print(render(title, outcomes, DEFAULT_MODEL) + "\n", flush=True)
        all_outcomes.extend(outcomes)
    failed = [o for o in all_outcomes if not o.ok]
    elapsed = time.monotonic() - started
    print(_LEGEND)
    if failed:
        print(f"\n{len(failed)} of {len(all_outcomes)} steps deviated from the contract.")
        return 1
    print(f"\nAll {len(all_outcomes)} steps behaved as the contract says ({elapsed:.1f}s).")
    return 0
