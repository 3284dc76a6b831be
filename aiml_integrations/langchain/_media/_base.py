"""What every AI/ML API media tool shares: credentials, the client, the catalog check, calls.

Why a base class: the five tools differ only in their route, body and answer. Everything an
agent author relies on is here once: the key is a ``SecretStr`` (never in ``repr``), the
pooled client is the chat model's (:class:`~aiml_integrations.langchain._client.ClientOwner`,
``close()`` / ``aclose()``), every HTTP failure is raised as the same LangChain-native class
chat raises (so ``with_retry``, ``with_fallbacks``, ``ToolRetryMiddleware`` and
``ModelFallbackMiddleware``-style code read ``is_retryable`` the same way), and a model of the
wrong kind is refused before anything is sent.

Output: with ``response_format="content_and_artifact"`` (the default) a tool returns
``(content, artifact)``: ``content`` is the short text an LLM reads next (URLs, a
transcript), ``artifact`` a JSON-friendly dict for the program (all URLs, ``request_id``,
``credits_used``, ``usd_spent``, job id, audio bytes ...), which LangChain puts on
``ToolMessage.artifact`` without showing it to the model.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal

from langchain_core.callbacks import (
    AsyncCallbackManager,
    AsyncCallbackManagerForToolRun,
    CallbackManager,
    CallbackManagerForToolRun,
)
from langchain_core.tools import BaseTool
from langchain_core.utils import secret_from_env
from pydantic import ConfigDict, Field, PrivateAttr, SecretStr

from aiml_integrations._core.answer_errors import malformed_answer
from aiml_integrations._core.api import OFF_WORDS as _OFF
from aiml_integrations._core.config import API_KEY_ENV_VARS, AIMLAPIConfig
from aiml_integrations._core.transport import APIResponse
from aiml_integrations.catalog import PREFLIGHT_ENV, Catalog, current_catalog
from aiml_integrations.errors import ErrorCategory, ErrorInfo
from aiml_integrations.langchain._client import ClientOwner, ClientSlot
from aiml_integrations.langchain._errors import (
    AIMLAPIInvalidRequestError,
    AIMLAPIUnknownModelError,
    raise_native,
)
from aiml_integrations.langchain._media._http import (
    Binary,
    Form,
    aget_json,
    apost_media,
    get_json,
    post_media,
)
from aiml_integrations.langchain._media._jobs import (
    JobProgress,
    PollBudget,
    await_job,
    wait_for_job,
)
from aiml_integrations.langchain._retry import acall_with_retries, call_with_retries

__all__ = [
    "PROGRESS_EVENT",
    "AIMLAPIJobTool",
    "AIMLAPIMediaTool",
    "file_under_root",
    "kind_error",
    "refused",
]

_log = logging.getLogger("aiml_integrations.langchain")

#: Name of the custom callback event each job poll dispatches (``on_custom_event``).
PROGRESS_EVENT = "aimlapi_job_progress"


def refused(message: str) -> AIMLAPIInvalidRequestError:
    """A local, non-retryable invalid-request error (nothing was sent)."""
    return AIMLAPIInvalidRequestError(
        ErrorInfo(category=ErrorCategory.INVALID_REQUEST, message=message, retryable=False)
    )


def file_under_root(root: str | None, name: str) -> Path:
    """``name`` resolved inside ``root``; refused when ``root`` is unset or it escapes ``root``.

    Why: a tool that uploads local files must not upload whatever a prompt-injected agent
    names (``../../.ssh/id_rsa``); the program chooses the directory, the agent the file.
    """
    if root is None:
        raise refused(
            "local file paths are refused: this tool has no file_root (set file_root to the "
            "directory files may be read from). Nothing was sent."
        )
    base = Path(root).resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base):
        raise refused(f"{name!r} is outside file_root. Nothing was sent.")
    if not path.is_file():
        raise refused(f"no file at {name!r} under file_root. Nothing was sent.")
    return path


def kind_error(name: str, found: str, wanted: tuple[str, ...], catalog: Catalog) -> Exception:
    """``AIMLAPIUnknownModelError`` for a known model of another kind, with close matches."""
    label = wanted[0]
    same_kind = Catalog(m for m in catalog if m.kind in wanted)
    matches = same_kind.close_matches(name) or [m.id for m in same_kind][:3]
    hint = f"; {label} models include {', '.join(matches)}" if matches else ""
    message = (
        f"model {name!r} is a {found} model, not a {label} model{hint}. Caught locally from "
        "the model catalog: nothing was sent."
    )
    return AIMLAPIUnknownModelError(
        ErrorInfo(
            category=ErrorCategory.UNKNOWN_MODEL,
            message=message,
            details=tuple(f"did you mean: {m}" for m in matches),
            retryable=False,
            model_issue=True,
        )
    )


def _unknown(name: str, wanted: tuple[str, ...], catalog: Catalog) -> Exception:
    same_kind = Catalog(m for m in catalog if m.kind in wanted)
    matches = same_kind.close_matches(name)
    hint = f"; did you mean {' or '.join(matches)}?" if matches else ""
    return AIMLAPIUnknownModelError(
        ErrorInfo(
            category=ErrorCategory.UNKNOWN_MODEL,
            message=(
                f"model {name!r} is not in the AI/ML API model list{hint} Caught locally: "
                "nothing was sent. Run `aimlapi models sync` if the model is new."
            ),
            details=tuple(f"did you mean: {m}" for m in matches),
            retryable=False,
            model_issue=True,
        )
    )


class AIMLAPIMediaTool(ClientOwner, BaseTool):
    """Base class of the AI/ML API media tools (not used directly)."""

    model: str
    """AI/ML API model id or alias for this tool's kind of model."""
    api_key: SecretStr | None = Field(
        default_factory=secret_from_env(list(API_KEY_ENV_VARS), default=None)
    )
    """Defaults to ``AIMLAPI_API_KEY`` then ``AIML_API_KEY``. Missing → error at call time."""
    base_url: str | None = None
    """Defaults to ``AIMLAPI_BASE_URL`` / ``AIML_API_BASE``, then ``https://api.aimlapi.com``."""
    timeout: float | None = None
    """Seconds per HTTP request (a job's whole wait is ``max_wait``)."""
    max_retries: int = Field(default=2, ge=0)
    """Retries of each HTTP request on retryable errors (429, 5xx, timeout, connection)."""
    default_headers: dict[str, str] | None = None
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Extra request-body fields, sent as-is (model-specific options)."""
    preflight: bool = True
    """Refuse, before sending, a model the catalog lists as another kind (and an unknown id
    when the catalog is fresh). ``$AIMLAPI_PREFLIGHT=0`` turns it off process-wide."""
    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"

    model_config = ConfigDict(
        populate_by_name=True, protected_namespaces=(), arbitrary_types_allowed=True
    )

    _slot: ClientSlot = PrivateAttr(default_factory=ClientSlot)

    #: Catalog kinds this tool accepts (synonyms allowed); the first names it in messages.
    model_kinds: ClassVar[tuple[str, ...]] = ()

    def _client_config(self) -> AIMLAPIConfig:
        return AIMLAPIConfig.resolve(
            self.api_key, self.base_url, timeout=self.timeout, default_headers=self.default_headers
        )

    # -- before sending ---------------------------------------------------------------------

    def _check_model(self, name: str | None = None) -> str:
        """The model to send; raises when the catalog says it is the wrong kind."""
        name = name or self.model
        if not self.preflight or _env_off():
            return name
        catalog = current_catalog()
        info = catalog.get(name)
        if info is None:
            if catalog.is_fresh():
                raise _unknown(name, self.model_kinds, catalog)
            return name
        if info.kind not in self.model_kinds and info.kind != "unknown":
            raise kind_error(name, info.kind, self.model_kinds, catalog)
        return name

    def _body(self, base: Mapping[str, Any]) -> dict[str, Any]:
        body = {k: v for k, v in base.items() if v is not None}
        body.update(self.model_kwargs)
        return body

    # -- calls ------------------------------------------------------------------------------

    def _send(self, path: str, body: Mapping[str, Any] | Form) -> APIResponse | Binary:
        client = self._get_client()
        return call_with_retries(
            lambda: post_media(client, path, body, timeout=self.timeout), self.max_retries
        )

    async def _asend(self, path: str, body: Mapping[str, Any] | Form) -> APIResponse | Binary:
        client = self._get_client()
        return await acall_with_retries(
            lambda: apost_media(client, path, body, timeout=self.timeout), self.max_retries
        )

    def _send_json(self, path: str, body: Mapping[str, Any] | Form) -> APIResponse:
        return _require_json(self._send(path, body), path)

    async def _asend_json(self, path: str, body: Mapping[str, Any] | Form) -> APIResponse:
        return _require_json(await self._asend(path, body), path)

    def _poller(self, path: str, params: Mapping[str, str] | None) -> Callable[[], APIResponse]:
        client = self._get_client()
        return lambda: call_with_retries(
            lambda: get_json(client, path, params, timeout=self.timeout), self.max_retries
        )

    def _apoller(self, path: str, params: Mapping[str, str] | None) -> Callable[[], Any]:
        client = self._get_client()
        return lambda: acall_with_retries(
            lambda: aget_json(client, path, params, timeout=self.timeout), self.max_retries
        )

    # -- results ----------------------------------------------------------------------------

    def _artifact(self, response: APIResponse | Binary, **extra: Any) -> dict[str, Any]:
        credits = response.credits_used if isinstance(response, APIResponse) else None
        usd = response.usd_spent if isinstance(response, APIResponse) else None
        return {
            "model": self.model,
            "request_id": response.request_id,
            "credits_used": credits,
            "usd_spent": usd,
            **extra,
        }

    def _output(self, content: str, artifact: dict[str, Any]) -> Any:
        return (content, artifact) if self.response_format == "content_and_artifact" else content


def _require_json(answer: APIResponse | Binary, path: str) -> APIResponse:
    if isinstance(answer, APIResponse):
        return answer
    raise_native(
        malformed_answer(
            f"{answer.content_type} bytes where JSON was expected",
            status_code=answer.status_code,
            request_id=answer.request_id,
            path=path,
        )
    )


def _env_off() -> bool:
    return os.environ.get(PREFLIGHT_ENV, "").strip().lower() in _OFF


class AIMLAPIJobTool(AIMLAPIMediaTool):
    """Base of the tools whose answer is an async job: polling budget and progress reports.

    Each poll is reported to the tool run's callback handlers (the tool's own and the
    caller's) twice: as text (``on_text``, what ``StdOutCallbackHandler`` prints) and as the
    custom event :data:`PROGRESS_EVENT` with ``{"job_id", "status", "polls", "elapsed"}``,
    under the tool's run id (``astream_events`` shows it as ``on_custom_event``).
    """

    max_wait: float = Field(default=600.0, gt=0)
    """Seconds to wait for the job before :class:`AIMLAPIRequestTimeoutError` (it names the job)."""
    poll_interval: float = Field(default=2.0, gt=0)
    """Seconds before the second poll; each later wait is 1.5 times longer, up to
    ``max_poll_interval``."""
    max_poll_interval: float = Field(default=15.0, gt=0)

    def _job_id(self, created: APIResponse, path: str) -> str:
        """The job id of a create answer (``generation_id``, else ``id``); typed error if none."""
        data = created.data if isinstance(created.data, dict) else {}
        job_id = data.get("generation_id") or data.get("id")
        if not isinstance(job_id, str) or not job_id:
            raise_native(
                malformed_answer(
                    "an async job without an id",
                    status_code=created.status_code,
                    request_id=created.request_id,
                    path=path,
                )
            )
        return job_id

    def _budget(self) -> PollBudget:
        return PollBudget(
            self.max_wait, self.poll_interval, max(self.poll_interval, self.max_poll_interval)
        )

    def _wait(
        self,
        path: str,
        params: Mapping[str, str] | None,
        job_id: str,
        run_manager: CallbackManagerForToolRun | None,
    ) -> APIResponse:
        """Poll the job at ``path`` until it completes, within ``max_wait``, reporting each
        poll to the run's callbacks; the completed poll's answer."""
        return wait_for_job(
            self._poller(path, params),
            job_id=job_id,
            path=path,
            budget=self._budget(),
            report=self._reporter(run_manager),
        )

    async def _await(
        self,
        path: str,
        params: Mapping[str, str] | None,
        job_id: str,
        run_manager: AsyncCallbackManagerForToolRun | None,
    ) -> APIResponse:
        """Async :meth:`_wait`."""
        return await await_job(
            self._apoller(path, params),
            job_id=job_id,
            path=path,
            budget=self._budget(),
            report=self._areporter(run_manager),
        )

    def _job_artifact(
        self, created: APIResponse, done: APIResponse, job_id: str, **extra: Any
    ) -> dict[str, Any]:
        """The artifact of a finished job: billed from the completed poll when it carries the
        cost (else from the create answer), with the create answer's request id."""
        billed = done if done.credits_used is not None else created
        artifact = self._artifact(billed, job_id=job_id, **extra)
        artifact["request_id"] = created.request_id or done.request_id
        return artifact

    @staticmethod
    def _reporter(run_manager: CallbackManagerForToolRun | None) -> Callable[[JobProgress], None]:
        def report(progress: JobProgress) -> None:
            _log.debug("%s", progress.text())
            if run_manager is None:
                return
            run_manager.on_text(progress.text() + "\n")
            CallbackManager(**_same_handlers(run_manager)).on_custom_event(
                PROGRESS_EVENT, _event(progress), run_id=run_manager.run_id
            )

        return report

    @staticmethod
    def _areporter(
        run_manager: AsyncCallbackManagerForToolRun | None,
    ) -> Callable[[JobProgress], Any]:
        async def report(progress: JobProgress) -> None:
            _log.debug("%s", progress.text())
            if run_manager is None:
                return
            await run_manager.on_text(progress.text() + "\n")
            await AsyncCallbackManager(**_same_handlers(run_manager)).on_custom_event(
                PROGRESS_EVENT, _event(progress), run_id=run_manager.run_id
            )

        return report


def _same_handlers(
    run_manager: CallbackManagerForToolRun | AsyncCallbackManagerForToolRun,
) -> dict[str, Any]:
    """A callback manager's arguments that reach the tool run's own handlers: its progress
    events go where the run's ``on_text`` goes, with the run's parent, tags and metadata."""
    return {
        "handlers": run_manager.handlers,
        "parent_run_id": run_manager.parent_run_id,
        "tags": run_manager.tags,
        "metadata": run_manager.metadata,
    }


def _event(progress: JobProgress) -> dict[str, Any]:
    return {
        "job_id": progress.job_id,
        "status": progress.status,
        "polls": progress.polls,
        "elapsed": round(progress.elapsed, 3),
    }
