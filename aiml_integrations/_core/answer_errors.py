"""Errors about a 2xx answer: the body was wrong (AI/ML API's fault) or our code failed.

Why two kinds: a wrong body is a server fault — typed and retryable, so retry and fallback
layers can hide it. Our own code failing on a body of the checked shape (a bug here, or in a
LiteLLM / langchain-core release we drive) must *not* look like an AI/ML API outage: retrying
repeats it and a Router would cool down healthy keys. That is a typed, non-retryable
:class:`~aiml_integrations.errors.InternalError`, logged once with its traceback.

Readers tell the two apart by raising :class:`UnreadableAnswer` for every shape they check;
anything else they raise is theirs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiml_integrations._core.error_parse import redact
from aiml_integrations.errors import AIMLAPIError, ErrorCategory, ErrorInfo, error_class_for

__all__ = [
    "UnreadableAnswer",
    "internal_error",
    "internal_message",
    "log_internal",
    "malformed_answer",
]

_MAX_DETAIL = 2000
_log = logging.getLogger("aiml_integrations")


def malformed_answer(
    what: str,
    *,
    status_code: int | None = None,
    request_id: str | None = None,
    path: str | None = None,
) -> AIMLAPIError:
    """A 2xx whose JSON is not the shape promised (no choices, a non-list, ...): a server fault.

    Why typed and retryable: the request was fine; the answer was not. Returning an empty
    message instead would silently lose the failure; a bare ``KeyError`` would bypass every
    retry and fallback layer.
    """
    return error_class_for(ErrorCategory.SERVER_ERROR)(
        ErrorInfo(
            category=ErrorCategory.SERVER_ERROR,
            message=f"AI/ML API answered with {what}",
            status_code=status_code,
            request_id=request_id,
            path=path,
        )
    )


class UnreadableAnswer(ValueError):
    """Raised by the adapters' readers when a 2xx body is not the shape promised.

    Why its own type: readers must tell a *wrong body* (a server fault, retryable, see
    :func:`malformed_answer`) from *their own code failing* on a body that had the checked
    shape (an :func:`internal_error`, not retryable). Only this exception means the former.
    """


def internal_message(what: str, exc: BaseException, secrets: Iterable[str] = ()) -> str:
    detail = redact(f"{type(exc).__name__}: {exc}", secrets)[:_MAX_DETAIL]
    return (
        f"aiml-integrations failed {what} ({detail}); this is a bug in aiml-integrations or a "
        "library it drives, not an AI/ML API failure: please report it"
    )


def log_internal(what: str, exc: BaseException) -> None:
    _log.error("aiml-integrations failed %s", what, exc_info=(type(exc), exc, exc.__traceback__))


def internal_error(
    what: str,
    exc: BaseException,
    *,
    status_code: int | None = None,
    request_id: str | None = None,
    path: str | None = None,
    secrets: Iterable[str] = (),
) -> AIMLAPIError:
    """Our own code failed ``what`` (e.g. "reading a chat answer"): a typed, non-retryable
    :class:`~aiml_integrations.errors.InternalError`, logged here once with the traceback.

    Raise it ``from exc`` so the cause stays attached.
    """
    log_internal(what, exc)
    return error_class_for(ErrorCategory.INTERNAL)(
        ErrorInfo(
            category=ErrorCategory.INTERNAL,
            message=internal_message(what, exc, secrets),
            status_code=status_code,
            request_id=request_id,
            path=path,
            retryable=False,
        )
    )
