"""The report: markdown tables, then the targets with met / MISSED / skipped."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass, field


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    targets: list[tuple[str, bool | None, str]] = field(default_factory=list)

    def table(self, title: str, header: list[str], rows: list[list[str]]) -> None:
        self.lines += ["", f"## {title}", ""]
        self.lines.append("| " + " | ".join(header) + " |")
        self.lines.append("|" + "|".join("---" for _ in header) + "|")
        self.lines += ["| " + " | ".join(r) + " |" for r in rows]

    def target(self, label: str, ok: bool | None, detail: str) -> None:
        self.targets.append((label, ok, detail))

    def render(self) -> str:
        out = list(self.lines)
        out += ["", "## Targets", ""]
        for label, ok, detail in self.targets:
            state = "skipped" if ok is None else ("met" if ok else "MISSED")
            out.append(f"- [{state}] {label}: {detail}")
        return "\n".join(out)


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for dist in ("httpx", "langchain-core", "langchain-openai", "openai", "litellm"):
        try:
            parts.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            parts.append(f"{dist} (not installed)")
    return ", ".join(parts)


def fmt(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"
