"""The benchmark cases, one module each; ``benchmarks/bench.py`` runs them in this order.

A case is a function ``run(url, settings, report)``: it measures against the benchmark server at
``url`` and adds its table and targets to ``report``. Adding a measure means adding a module
here and a line to :data:`CASES`; the runner does not change.
"""

from __future__ import annotations

from collections.abc import Callable

from bench_cases import concurrency, imports, memory, per_call, streaming
from bench_cases._report import Report
from bench_cases._settings import Settings

Case = Callable[[str, Settings, Report], None]

CASES: list[Case] = [per_call.run, streaming.run, concurrency.run, memory.run, imports.run]

__all__ = ["CASES", "Case", "Report", "Settings"]
