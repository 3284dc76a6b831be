"""Waiting for AI/ML API's async jobs (video generation, speech-to-text): bounded and typed.

Why its own module: a job is created by one POST and then polled until it says ``completed``
or ``error``. An unbounded blocking poll would hang a caller on a stuck job, and a bare
``RuntimeError`` on failure would defeat retries and fallbacks. Here:

- the wait is bounded by ``max_wait`` seconds; past it, :class:`AIMLAPIRequestTimeoutError` (a
  ``ModelTimeoutError``, retryable) names the job id so the caller can look it up later;
- the interval starts at ``poll_interval`` and grows by :data:`BACKOFF` up to
  ``max_poll_interval`` (never sleeping past the deadline);
- async waits use ``asyncio.sleep``, so cancelling the task stops polling at once;
- each poll is one HTTP call with the tool's own bounded retries, so a 429 or 5xx on a poll is
  classified and retried exactly like a chat call;
- a poll that answers 200 with ``status: "error"`` is a failed job: its ``error`` is
  classified by the core's table (a safety wording becomes ``AIMLAPIContentPolicyError``),
  and a plain failure is :class:`AIMLAPIJobFailedError`, a retryable ``ModelAPIError``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiml_integrations._core.answer_errors import malformed_answer
from aiml_integrations._core.error_parse import exception_from_info, parse_error
from aiml_integrations._core.transport import APIResponse
from aiml_integrations.errors import AIMLAPIError, ErrorCategory, ErrorInfo
from aiml_integrations.langchain._errors import (
    AIMLAPIRequestTimeoutError,
    AIMLAPIServerError,
    langchain_error,
)

__all__ = [
    "BACKOFF",
    "AIMLAPIJobFailedError",
    "JobProgress",
    "PollBudget",
    "await_job",
    "job_status",
    "wait_for_job",
]

BACKOFF = 1.5
PENDING = frozenset({"queued", "generating", "waiting", "active", "processing", "pending"})
FAILED = frozenset({"error", "failed"})
COMPLETED = frozenset({"completed", "succeeded", "success", "done"})


class AIMLAPIJobFailedError(AIMLAPIServerError):
    """An async job (video, transcription) ended in ``status: "error"`` on a 200 poll.

    A ``ModelAPIError`` and retryable (AI/ML API does not charge failed generations, and most
    fail for transient upstream reasons): ``with_retry`` / ``ToolRetryMiddleware`` start a new
    job. ``job_id`` (= ``request_id``) is the generation id; ``error_name`` the ``error.name``
    the poll gave (also in ``details``). Both survive pickling.
    """

    @property
    def job_id(self) -> str | None:
        return self.request_id

    @property
    def error_name(self) -> str | None:
        for detail in self.details:
            if detail.startswith("error.name: "):
                return detail[len("error.name: ") :]
        return None


@dataclass(frozen=True)
class PollBudget:
    """How long and how often to poll (seconds)."""

    max_wait: float
    poll_interval: float
    max_poll_interval: float


@dataclass(frozen=True)
class JobProgress:
    """What one poll said, for callbacks."""

    job_id: str
    status: str
    polls: int
    elapsed: float

    def text(self) -> str:
        return (
            f"AI/ML API job {self.job_id}: {self.status} (poll {self.polls}, {self.elapsed:.1f}s)"
        )


def job_status(response: APIResponse, path: str) -> str:
    """The poll's ``status``, lower-cased; a typed error for a missing one."""
    data = response.data
    status = data.get("status") if isinstance(data, dict) else None
    if not isinstance(status, str) or not status:
        raise langchain_error(
            malformed_answer(
                "a job poll without a status",
                status_code=response.status_code,
                request_id=response.request_id,
                path=path,
            )
        )
    return status.strip().lower()


def _failure(job_id: str, response: APIResponse, path: str) -> AIMLAPIError:
    data = response.data if isinstance(response.data, dict) else {}
    error = data.get("error")
    if isinstance(error, dict):
        name = str(error.get("name") or "") or None
        said = str(error.get("message") or error.get("detail") or name or "generation failed")
    else:
        name, said = None, str(error or data.get("message") or "generation failed")
    text = f"{name}: {said}" if name and name not in said else said
    parsed = parse_error(500, json.dumps({"message": text}), request_path=path)
    info = dataclasses.replace(
        parsed,
        message=f"job {job_id} failed: {text}",
        status_code=response.status_code,
        request_id=job_id,
        details=(*parsed.details, *((f"error.name: {name}",) if name else ())),
        body=json.dumps(data, ensure_ascii=False)[:2000],
        retryable=parsed.retryable,
    )
    if info.category in (ErrorCategory.SERVER_ERROR, ErrorCategory.UNAVAILABLE):
        return AIMLAPIJobFailedError(dataclasses.replace(info, category=ErrorCategory.SERVER_ERROR))
    return langchain_error(exception_from_info(info))


def _timeout(job_id: str, status: str, polls: int, waited: float, path: str) -> AIMLAPIError:
    return AIMLAPIRequestTimeoutError(
        ErrorInfo(
            category=ErrorCategory.TIMEOUT,
            message=(
                f"job {job_id} was still {status!r} after {waited:.1f}s ({polls} polls); it may "
                "still finish: raise max_wait, or poll it again by this id"
            ),
            request_id=job_id,
            path=path,
        )
    )


class _Schedule:
    """The deadline and the growing interval of one wait."""

    def __init__(self, budget: PollBudget) -> None:
        self.budget = budget
        self.started = time.monotonic()
        self.deadline = self.started + budget.max_wait
        self.interval = budget.poll_interval
        self.polls = 0

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def next_delay(self) -> float | None:
        """Seconds to sleep before the next poll, or ``None`` when the budget is spent."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            return None
        delay = min(self.interval, left)
        self.interval = min(self.interval * BACKOFF, self.budget.max_poll_interval)
        return delay


def _step(
    schedule: _Schedule, job_id: str, response: APIResponse, path: str
) -> tuple[bool, JobProgress]:
    """``(finished, progress)`` after one poll; raises for a failed job."""
    schedule.polls += 1
    status = job_status(response, path)
    progress = JobProgress(job_id, status, schedule.polls, schedule.elapsed)
    if status in FAILED:
        raise _failure(job_id, response, path)
    return status in COMPLETED, progress


def wait_for_job(
    poll: Callable[[], APIResponse],
    *,
    job_id: str,
    path: str,
    budget: PollBudget,
    report: Callable[[JobProgress], None],
) -> APIResponse:
    """Poll until the job completes; the completed poll's answer."""
    schedule = _Schedule(budget)
    while True:
        response = poll()
        finished, progress = _step(schedule, job_id, response, path)
        report(progress)
        if finished:
            return response
        delay = schedule.next_delay()
        if delay is None:
            raise _timeout(job_id, progress.status, schedule.polls, schedule.elapsed, path)
        time.sleep(delay)


async def await_job(
    poll: Callable[[], Awaitable[APIResponse]],
    *,
    job_id: str,
    path: str,
    budget: PollBudget,
    report: Callable[[JobProgress], Awaitable[None]],
) -> APIResponse:
    """Async :func:`wait_for_job`; cancelling the awaiting task stops the polling."""
    schedule = _Schedule(budget)
    while True:
        response = await poll()
        finished, progress = _step(schedule, job_id, response, path)
        await report(progress)
        if finished:
            return response
        delay = schedule.next_delay()
        if delay is None:
            raise _timeout(job_id, progress.status, schedule.polls, schedule.elapsed, path)
        await asyncio.sleep(delay)
