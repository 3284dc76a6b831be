"""Client overhead of the AI/ML API adapters vs raw httpx and the peers, in one run.

Command (from the repository root, with the ``bench`` extra installed for the peers)::

    python benchmarks/bench.py            # full run, a few minutes on 2 cores
    python benchmarks/bench.py --quick    # smoke run, seconds

Everything talks to ``benchmarks/_server.py``: a minimal keep-alive HTTP/1.1 server in its own
process that answers from pre-built bytes (a chat completion, or a 500-chunk SSE stream), so the
server costs a few tens of µs and the numbers are dominated by the client. What is printed:

1. per call, sequential, non-streaming: medians over many calls, interleaved in rounds so drift
   hits every subject alike; "over httpx" is the client cost on top of a raw ``httpx`` POST;
2. streaming, 500 chunks: time to first token and total;
3. 200-way async concurrency: calls per second;
4. import time in a fresh interpreter (median of several);
5. RSS growth over 10,000 calls (fresh process per subject).

Each measure is a module of ``benchmarks/bench_cases/``; this file only runs them in order.
Peers that are not installed (``langchain-openai``, ``litellm``) are reported as "skipped".
There are no pass/fail exit codes: the "targets" lines say met / MISSED.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_cases import CASES, Report, Settings
from bench_cases._common import bench_server
from bench_cases._report import machine, versions
from bench_cases.memory import memory_worker


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="AI/ML API adapter benchmark")
    parser.add_argument("--quick", action="store_true", help="tiny counts (smoke test)")
    parser.add_argument("--memory-worker", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--calls", type=int, default=10_000, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_worker:
        memory_worker(args.memory_worker, args.url, args.calls)
        return

    settings = Settings.for_run(args.quick)
    report = Report()
    report.lines += [
        "# aiml-integrations benchmark"
        + (" (--quick: counts too small to mean anything)" if settings.quick else ""),
        "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
        f"- machine: {machine()}",
        f"- versions: {versions()}",
        f"- {settings.describe()}",
    ]
    t0 = time.perf_counter()
    with bench_server(settings.chunks) as url:
        for case in CASES:
            case(url, settings, report)
    report.lines += ["", f"(run took {time.perf_counter() - t0:.0f} s)"]
    print(report.render())


if __name__ == "__main__":
    main()
