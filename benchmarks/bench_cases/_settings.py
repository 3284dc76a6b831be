"""How many calls each case makes: a full run, or ``--quick`` (a smoke run whose numbers mean
nothing)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    quick: bool
    rounds: int
    per_round: int
    warmup: int
    stream_rounds: int
    stream_warmup: int
    chunks: int
    concurrency: int
    async_total: int
    import_repeats: int
    mem_calls: int

    @classmethod
    def for_run(cls, quick: bool) -> Settings:
        if quick:
            return cls(True, 2, 5, 3, 2, 1, 20, 10, 20, 1, 50)
        return cls(False, 10, 200, 200, 40, 5, 500, 200, 4000, 5, 10_000)

    def describe(self) -> str:
        return (
            f"per call: {self.rounds} rounds x {self.per_round} calls per subject "
            f"(+{self.warmup} warm-up); streams: {self.chunks} chunks x {self.stream_rounds}; "
            f"async: {self.concurrency}-way, {self.async_total} calls; imports: median of "
            f"{self.import_repeats}; memory: {self.mem_calls} calls"
        )
