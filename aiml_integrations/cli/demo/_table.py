"""Plain-text, column-aligned rendering of the demo's outcomes.

Why no ``rich``/``tabulate``: the demo must run on a fresh install with nothing extra, and its
output is pasted into issues and READMEs, where plain aligned text survives everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from aiml_integrations.cli.demo._model import Attempt, Outcome

__all__ = ["render"]

_HEADERS = (
    "#",
    "step",
    "injected",
    "exception seen",
    "attempts",
    "retried",
    "fell back",
    "answered by",
    "billed",
    "ok",
)


def render(title: str, outcomes: Sequence[Outcome], default_model: str) -> str:
    rows = [_HEADERS] + [_row(i, o, default_model) for i, o in enumerate(outcomes, 1)]
    widths = [max(len(row[c]) for row in rows) for c in range(len(_HEADERS))]
    lines = [title, ""]
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    for i, outcome in enumerate(outcomes, 1):
        if outcome.step.note:
            lines.append(f"  {i}: {outcome.step.note}")
    for i, outcome in enumerate(outcomes, 1):
        for problem in outcome.problems:
            lines.append(f"  step {i} deviated: {problem}")
    return "\n".join(lines)


def _row(index: int, outcome: Outcome, default_model: str) -> tuple[str, ...]:
    step = outcome.step
    answered = outcome.answered_by or (f"raised {outcome.raised}" if outcome.raised else "-")
    return (
        str(index),
        step.title,
        step.injected,
        _counted(outcome.errors) or "-",
        _attempts(outcome.attempts, default_model),
        _count(outcome.retries),
        _count(outcome.fallbacks),
        answered,
        "-" if outcome.cost is None else f"${outcome.cost:.6f}",
        "ok" if outcome.ok else "FAIL",
    )


def _counted(names: Sequence[str]) -> str:
    parts = []
    for name, same in groupby(names):
        n = len(list(same))
        parts.append(name if n == 1 else f"{name} x{n}")
    return ", ".join(parts)


def _attempts(attempts: Sequence[Attempt] | None, default_model: str) -> str:
    if attempts is None:
        return "(live)"
    labels = [a.label(default_model) for a in attempts]
    parts = []
    for label, same in groupby(labels):
        n = len(list(same))
        parts.append(label if n == 1 else f"{label} x{n}")
    return ", ".join(parts) or "-"


def _count(value: int | None) -> str:
    if value is None:
        return "?"
    return "no" if value == 0 else f"yes ({value})" if value > 1 else "yes"
