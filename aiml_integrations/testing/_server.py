"""``MockAIMLAPI``: lifecycle, keys, recording, fault injection and dispatch.

Why one class: tests need a single handle that starts a real HTTP server on 127.0.0.1, scripts
its failures (``inject``), and shows what clients actually sent (``requests``). Everything
mutable is guarded by one lock because handlers run on one thread per connection.

Order of processing for each request: record it; apply the first matching pre-response fault
(delay, reset, or error reply); route (unknown -> 404 ``Cannot METHOD /path``); check the key
(not for ``/models``); run the handler; for SSE answers apply the first matching stream fault.
Any exception in a handler becomes a 500 envelope: the mock never crashes a connection by
accident.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Iterable

from aiml_integrations._core.api import CLIENT_REQUEST_ID
from aiml_integrations.catalog import Catalog, default_catalog
from aiml_integrations.testing._errors import (
    AUTH_MESSAGE,
    DEFAULT_MESSAGES,
    ApiError,
    envelope,
)
from aiml_integrations.testing._faults import Fault
from aiml_integrations.testing._http import MockHTTPServer
from aiml_integrations.testing._incoming import fault_reply, parse_call
from aiml_integrations.testing._routes import find_route
from aiml_integrations.testing._types import (
    Abort,
    Call,
    RecordedRequest,
    Reply,
    RouteEnv,
    StreamReply,
)

__all__ = ["MockAIMLAPI"]

logger = logging.getLogger("aiml_integrations.testing")

_MODELS_SHAPES = ("current", "legacy")


class _Unset:
    pass


_UNSET = _Unset()


class MockAIMLAPI:
    """An offline AI/ML API on ``127.0.0.1`` with fault injection and a request log.

    Use as ``with MockAIMLAPI() as mock:`` / ``async with`` / ``start()``+``stop()``. Point
    clients at ``mock.base_url`` with ``mock.api_key``. ``reset()`` restores the state the
    constructor gave (no faults, no recorded requests, original keys and settings).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str | None = None,
        keys: Iterable[str] | None = None,
        success_status: int = 200,
        models_shape: str = "current",
        catalog: Catalog | None = None,
        stream_interval: float = 0.0,
        video_polls_to_complete: int = 2,
        tts_binary: bool = False,
    ) -> None:
        key_list = [k for k in (keys or []) if k]
        if api_key:
            key_list.insert(0, api_key)
        if not key_list:
            key_list = ["mock-key"]
        self._initial_keys = list(dict.fromkeys(key_list))
        self._keys = set(self._initial_keys)
        self.api_key: str = self._initial_keys[0]
        self._host = host
        self._port = port
        self._lock = threading.RLock()
        self._faults: list[Fault] = []
        self._requests: list[RecordedRequest] = []
        self._env = RouteEnv(
            catalog=catalog or default_catalog(),
            success_status=_check_success(success_status),
            models_shape=_check_shape(models_shape),
            video_polls_to_complete=video_polls_to_complete,
            stream_interval=stream_interval,
            tts_binary=tts_binary,
        )
        self._initial_env = dataclasses.replace(self._env)
        self._server: MockHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> MockAIMLAPI:
        """Bind and serve in a daemon thread; returns ``self``. Idempotent."""
        if self._server is not None:
            return self
        server = MockHTTPServer((self._host, self._port), self._handle)
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"aimlapi-mock-{server.server_address[1]}",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        """Stop serving and close open keep-alive connections. Idempotent."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> MockAIMLAPI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def __aenter__(self) -> MockAIMLAPI:
        return self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self.running else "stopped"
        return f"<MockAIMLAPI {where}>"

    # -- addresses and keys -----------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("MockAIMLAPI is not running; call start() or use it as a context")
        return int(self._server.server_address[1])

    @property
    def host(self) -> str:
        return self._host

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no path)."""
        return f"http://{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``: what OpenAI-style clients take as ``base_url``."""
        return self.url + "/v1"

    @property
    def keys(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._keys)

    def add_key(self, key: str) -> None:
        with self._lock:
            self._keys.add(key)

    def remove_key(self, key: str) -> None:
        """Revoke a key: later requests with it get the 401 envelope."""
        with self._lock:
            self._keys.discard(key)

    # -- settings ---------------------------------------------------------------------------

    @property
    def success_status(self) -> int:
        """The status of successful POSTs (200; AI/ML API has been seen answering 201)."""
        return self._env.success_status

    @success_status.setter
    def success_status(self, value: int) -> None:
        self._env.success_status = _check_success(value)

    @property
    def models_shape(self) -> str:
        """``"current"`` or ``"legacy"`` ``/v1/models`` items (``?legacy=1`` overrides)."""
        return self._env.models_shape

    @models_shape.setter
    def models_shape(self, value: str) -> None:
        self._env.models_shape = _check_shape(value)

    @property
    def tts_binary(self) -> bool:
        """``/v1/tts`` answers raw ``audio/wav`` bytes instead of ``{"audio": {"url"}}`` JSON."""
        return self._env.tts_binary

    @tts_binary.setter
    def tts_binary(self, value: bool) -> None:
        self._env.tts_binary = bool(value)

    @property
    def catalog(self) -> Catalog:
        return self._env.catalog

    # -- faults -----------------------------------------------------------------------------

    def inject(
        self,
        fault: Fault | str,
        times: int | _Unset | None = _UNSET,
        *,
        model: str | None = None,
        path: str | None = None,
        key: str | None = None,
    ) -> Fault:
        """Schedule ``fault`` (a ``Fault`` or a preset name) and return the live copy.

        ``times``: how many matching requests it applies to; ``None`` = forever; omitted =
        the fault's own ``times`` (``None`` for presets, i.e. forever). ``model``/``path``/
        ``key`` narrow which requests match. Faults are tried in injection order; the first
        match with ``remaining`` left is consumed. The returned copy's ``remaining`` and
        ``hits`` show its progress.
        """
        if isinstance(fault, str):
            from aiml_integrations.testing import presets

            fault = presets.get(fault)
        count = fault.times if isinstance(times, _Unset) else times
        live = fault.copy_for_injection(times=count, model=model, path=path, key=key)
        with self._lock:
            self._faults.append(live)
        return live

    @property
    def faults(self) -> list[Fault]:
        """Injected faults that can still fire."""
        with self._lock:
            return [f for f in self._faults if not f.exhausted]

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _take_fault(self, call: Call, *, stream_phase: bool) -> Fault | None:
        info = self._env.catalog.get(call.model) if call.model else None
        with self._lock:
            for fault in self._faults:
                if fault.exhausted or fault.is_stream_fault != stream_phase:
                    continue
                if not fault.matches(
                    path=call.path,
                    model=call.model,
                    canonical_model=info.id if info else None,
                    key=call.api_key,
                    stream=call.stream,
                ):
                    continue
                if fault.remaining is not None:
                    fault.remaining -= 1
                fault.hits += 1
                self._faults = [f for f in self._faults if not f.exhausted or f is fault]
                return fault
        return None

    # -- request log ------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first (a snapshot)."""
        with self._lock:
            return list(self._requests)

    def requests_for(
        self,
        *,
        model: str | None = None,
        path: str | None = None,
        key: str | None = None,
        method: str | None = None,
    ) -> list[RecordedRequest]:
        """Recorded requests filtered by model (id as sent), path prefix, key and method."""
        return [
            r
            for r in self.requests
            if (model is None or r.model == model)
            and (path is None or r.path == path or r.path.startswith(path))
            and (key is None or r.api_key == key)
            and (method is None or r.method == method.upper())
        ]

    @property
    def last_request(self) -> RecordedRequest | None:
        with self._lock:
            return self._requests[-1] if self._requests else None

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def reset(self) -> None:
        """Back to the constructor's state: no faults, no requests, no video jobs, an empty
        prompt cache, original keys, success status, models shape and timings."""
        with self._lock:
            self._faults.clear()
            self._requests.clear()
            self._keys = set(self._initial_keys)
        with self._env.lock:
            self._env.videos.clear()
            self._env.transcriptions.clear()
            self._env.spoken.clear()
            self._env.prompt_cache.clear()
        initial = self._initial_env
        self._env.success_status = initial.success_status
        self._env.models_shape = initial.models_shape
        self._env.stream_interval = initial.stream_interval
        self._env.video_polls_to_complete = initial.video_polls_to_complete
        self._env.tts_binary = initial.tts_binary

    # -- dispatch (runs on handler threads) -------------------------------------------------

    def _handle(
        self, method: str, target: str, headers: dict[str, str], raw: bytes
    ) -> Reply | StreamReply | Abort:
        call = parse_call(method, target, headers, raw)
        record = RecordedRequest(
            method=call.method,
            path=call.path,
            query=call.query,
            headers=call.headers,
            json=call.json,
            raw=call.raw,
            model=call.model,
            api_key=call.api_key,
            stream=call.stream,
            request_id=call.request_id,
        )
        with self._lock:
            self._requests.append(record)
        try:
            outcome = self._answer(call, record)
        except ApiError as error:
            outcome = self._error_reply(call, error)
        except Exception:
            logger.exception("mock handler failed on %s %s", method, call.path)
            outcome = self._error_reply(call, ApiError(500))
        if not isinstance(outcome, Abort):
            outcome.headers.setdefault("x-inference-id", call.request_id)
            client_id = headers.get("x-client-request-id", "")
            if CLIENT_REQUEST_ID.fullmatch(client_id):
                outcome.headers["x-client-request-id"] = client_id
        record.status = (
            0
            if isinstance(outcome, Abort)
            else 200
            if isinstance(outcome, StreamReply)
            else outcome.status
        )
        logger.info(
            "%s %s -> %s%s",
            method,
            call.path,
            record.status or "RST",
            f" [{record.fault}]" if record.fault else "",
        )
        return outcome

    def _answer(self, call: Call, record: RecordedRequest) -> Reply | StreamReply | Abort:
        fault = self._take_fault(call, stream_phase=False)
        if fault is not None:
            record.fault = fault.label
            if fault.delay:
                time.sleep(fault.delay)
            if fault.reset:
                return Abort()
            if fault.is_error:
                return fault_reply(fault, call)
            if fault.job_error is not None:
                call = dataclasses.replace(call, job_error=fault.job_error)
        route = find_route(call.method, call.path)
        if route is None:
            raise ApiError(404, f"Cannot {call.method} {call.path}")
        if route.needs_key and (call.api_key is None or call.api_key not in self.keys):
            raise ApiError(401, AUTH_MESSAGE)
        result = route.handler(call, self._env)
        if isinstance(result, StreamReply):
            stream_fault = self._take_fault(call, stream_phase=True)
            if stream_fault is not None:
                record.fault = stream_fault.label
                if stream_fault.delay:
                    time.sleep(stream_fault.delay)
                result.cut_after = stream_fault.stream_cut_after
                result.error_after = stream_fault.stream_error_after
                result.end = stream_fault.stream_end
                result.error_payload = stream_fault.stream_error or {
                    "message": DEFAULT_MESSAGES[500],
                    "type": "server_error",
                    "param": None,
                    "code": None,
                }
                result.headers.update(stream_fault.headers)
        return result

    def _error_reply(self, call: Call, error: ApiError) -> Reply:
        body = envelope(error.status, error.message, call.path, call.request_id, error.meta)
        return Reply.json(error.status, body, error.headers)


def _check_success(value: int) -> int:
    if not 200 <= int(value) <= 299:
        raise ValueError(f"success_status must be a 2xx status, got {value}")
    return int(value)


def _check_shape(value: str) -> str:
    if value not in _MODELS_SHAPES:
        raise ValueError(f"models_shape must be one of {_MODELS_SHAPES}, got {value!r}")
    return value
