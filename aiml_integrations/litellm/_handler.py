# mypy: disallow-subclassing-any=False
"""The LiteLLM ``CustomLLM`` for ``aimlapi/<model id>``: chat, streams, embeddings, images.

One call path: each LiteLLM entry point only turns its arguments into a :class:`_Call` (what to
send where, how to read the answer); :meth:`AIMLAPIProvider._prepare` then resolves the client,
builds the body and hands it to LiteLLM's pre-call logging, and one sender per flavour (sync,
async, stream, async stream) sends it. Everything runs inside a :class:`~._guard.Guard`, so any
failure leaves as a typed LiteLLM exception.

Why the pre-call logging hook: it is where LiteLLM records the exact body (callbacks'
``log_pre_api_call``, ``raw_request``) and where its dry run (``litellm.utils.return_raw_request``,
the Proxy's transform-request endpoint) stops a call before anything is sent.

Why the timeout is enforced here: LiteLLM does not enforce ``timeout`` for custom providers.
The transport gets it as its httpx timeouts; async calls are additionally bounded by
``asyncio.wait_for``. Streams: see :mod:`._streams`.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import litellm
from litellm import CustomLLM
from litellm.types.utils import EmbeddingResponse, ImageResponse

from aiml_integrations._core.api import OFF_WORDS as _OFF
from aiml_integrations._core.transport import AIMLAPIClient, APIResponse
from aiml_integrations.catalog import preflight
from aiml_integrations.errors import InvalidRequestError
from aiml_integrations.litellm._clients import get_client, url_for
from aiml_integrations.litellm._errors import (
    AIMLAPIUnsupportedParamsError,
    build,
    timeout_error,
    unsupported_params_error,
)
from aiml_integrations.litellm._guard import Guard
from aiml_integrations.litellm._image_edit import IMAGE_EDITS_PATH, image_edit_form
from aiml_integrations.litellm._request import (
    CHAT_PATH,
    EMBEDDINGS_PATH,
    IMAGES_PATH,
    chat_payload,
    embedding_payload,
    forward_headers,
    image_payload,
    timeout_seconds,
)
from aiml_integrations.litellm._response import (
    chat_response,
    embedding_response,
    image_response,
)
from aiml_integrations.litellm._streams import (
    AsyncChunks,
    SyncChunks,
    open_on_caller_loop,
    stream_timeout,
)

__all__ = ["PREFLIGHT_PARAM", "AIMLAPIProvider"]

#: Per call or per deployment (``litellm_params``): ``aimlapi_preflight=False`` sends the body
#: without the catalog checks of :func:`aiml_integrations.catalog.preflight`.
PREFLIGHT_PARAM = "aimlapi_preflight"


@functools.cache
def _positional(method: str) -> tuple[str, ...]:
    """The parameter names of LiteLLM's ``CustomLLM.<method>``, in order, for the (rare)
    positional caller: LiteLLM's own signature is the one source, so they cannot drift."""
    parameters = inspect.signature(getattr(CustomLLM, method)).parameters.values()
    return tuple(p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD)[1:]


def _named(method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` with ``args`` named as ``CustomLLM.<method>`` names them."""
    return {**dict(zip(_positional(method), args, strict=False)), **kwargs} if args else kwargs


def _flag(name: str, optional: Mapping[str, Any], litellm_params: Mapping[str, Any] | None) -> Any:
    """A per-call setting, else the deployment's (``litellm_params``), else ``None``."""
    for source in (optional, litellm_params or {}):
        value = source.get(name)
        if value is not None:
            return value
    return None


def _drop_params(optional: Mapping[str, Any], litellm_params: Mapping[str, Any] | None) -> bool:
    value = _flag("drop_params", optional, litellm_params)
    return bool(value) if value is not None else bool(getattr(litellm, "drop_params", False))


def _preflight_flag(
    optional: Mapping[str, Any], litellm_params: Mapping[str, Any] | None
) -> bool | None:
    """``aimlapi_preflight``; ``None`` follows ``$AIMLAPI_PREFLIGHT`` (on by default)."""
    value = _flag(PREFLIGHT_PARAM, optional, litellm_params)
    if isinstance(value, str):
        return value.strip().lower() not in _OFF
    return None if value is None else bool(value)


@dataclass
class _Call:
    """One request: where it goes, how its body is built and how its answer is read."""

    model: str
    path: str
    api_key: str | None
    api_base: str | None
    body: Callable[[], Any]
    read: Callable[[APIResponse], Any]
    logged_input: Any
    logging_obj: Any = None
    timeout: float | None = None
    headers: dict[str, str] | None = None
    litellm_params: Mapping[str, Any] | None = None
    url: str = field(init=False)

    @classmethod
    def of(
        cls,
        kwargs: Mapping[str, Any],
        path: str,
        body: Callable[[], Any],
        read: Callable[[APIResponse], Any],
        logged_input: Any,
        **rest: Any,
    ) -> _Call:
        """A call to ``path`` with what every LiteLLM entry point passes alike (model, key,
        base URL, logging object, timeout) taken from its ``kwargs``."""
        return cls(
            model=kwargs["model"],
            path=path,
            api_key=kwargs.get("api_key"),
            api_base=kwargs.get("api_base"),
            body=body,
            read=read,
            logged_input=logged_input,
            logging_obj=kwargs.get("logging_obj"),
            timeout=timeout_seconds(kwargs.get("timeout")),
            **rest,
        )

    def __post_init__(self) -> None:
        self.url = url_for(self.api_base, self.path)
        if self.litellm_params is None:
            # Image calls get only the logging object; it holds the same litellm_params.
            params = getattr(self.logging_obj, "litellm_params", None)
            self.litellm_params = params if isinstance(params, Mapping) else None


def _log_pre_call(call: _Call, body: Any) -> None:
    """LiteLLM's pre-call logging (raises ``RawRequestCaptured`` in a dry run)."""
    pre_call = getattr(call.logging_obj, "pre_call", None)
    if pre_call is None:
        return
    logged = body.fields if hasattr(body, "fields") else body
    pre_call(
        input=call.logged_input,
        api_key=None,  # never hand the key to logging callbacks
        additional_args={
            "complete_input_dict": logged,
            "api_base": call.url,
            "headers": dict(call.headers or {}),
        },
    )


class AIMLAPIProvider(CustomLLM):
    """AI/ML API as a LiteLLM custom provider (registered under the ``aimlapi`` slug)."""

    # -- the call path -------------------------------------------------------------------

    @staticmethod
    def _prepare(call: _Call, guard: Guard) -> tuple[AIMLAPIClient, Any]:
        client = guard.client = get_client(call.api_key, call.api_base)
        body = call.body()
        _log_pre_call(call, body)
        return client, body

    def _send(self, call: _Call) -> Any:
        with Guard(call.model, call.url, litellm_params=call.litellm_params) as guard:
            client, body = self._prepare(call, guard)
            api = client.post(call.path, body, timeout=call.timeout, headers=call.headers)
            return call.read(api)

    async def _asend(self, call: _Call) -> Any:
        with Guard(call.model, call.url, litellm_params=call.litellm_params) as guard:
            client, body = self._prepare(call, guard)
            sending = client.apost(call.path, body, timeout=call.timeout, headers=call.headers)
            try:
                api = await asyncio.wait_for(sending, call.timeout)
            except asyncio.TimeoutError:
                raise timeout_error(call.timeout, model=call.model, url=call.url) from None
            return call.read(api)

    def _stream(self, call: _Call) -> SyncChunks:
        with Guard(call.model, call.url, litellm_params=call.litellm_params) as guard:
            client, body = self._prepare(call, guard)
            timeouts = stream_timeout(call.timeout)
            events = client.stream(call.path, body, timeout=timeouts, headers=call.headers)
            events.open()
        return SyncChunks(events, call.model, call.url, client, call.litellm_params)

    def _astream(self, call: _Call) -> AsyncChunks:
        with Guard(call.model, call.url, litellm_params=call.litellm_params) as guard:
            client, body = self._prepare(call, guard)
            timeouts = stream_timeout(call.timeout)
            events = client.astream(call.path, body, timeout=timeouts, headers=call.headers)
            open_on_caller_loop(events, call.timeout)
        return AsyncChunks(events, call.model, call.url, client, call.litellm_params)

    # -- what each LiteLLM entry point sends ---------------------------------------------

    @staticmethod
    def _chat(kwargs: dict[str, Any], *, stream: bool) -> _Call:
        model: str = kwargs["model"]
        messages = kwargs["messages"]
        optional: Mapping[str, Any] = kwargs.get("optional_params") or {}
        litellm_params = kwargs.get("litellm_params")
        model_response = kwargs.get("model_response")

        def body() -> dict[str, Any]:
            drop = _drop_params(optional, litellm_params)
            payload, unsupported = chat_payload(
                model, messages, optional, stream=stream, drop_params=drop
            )
            if unsupported:
                raise unsupported_params_error(unsupported, model=model, url=call.url)
            try:
                return preflight(
                    payload, drop_params=drop, enabled=_preflight_flag(optional, litellm_params)
                )
            except InvalidRequestError as exc:
                # Parameters the catalog says this model cannot take: LiteLLM's own type for it.
                # (An unknown model goes through the category table: a NotFoundError.)
                raise build(
                    AIMLAPIUnsupportedParamsError, exc.info, model=model, url=call.url
                ) from exc

        call = _Call.of(
            kwargs,
            CHAT_PATH,
            body,
            lambda api: chat_response(api, model_response),
            messages,
            headers=forward_headers(kwargs.get("headers")),
            litellm_params=litellm_params,
        )
        return call

    @staticmethod
    def _embedding(kwargs: dict[str, Any]) -> _Call:
        model: str = kwargs["model"]
        inputs = kwargs["input"]
        optional: Mapping[str, Any] = kwargs.get("optional_params") or {}
        payload = embedding_payload(model, inputs, optional)
        model_response = kwargs.get("model_response") or EmbeddingResponse()
        return _Call.of(
            kwargs,
            EMBEDDINGS_PATH,
            lambda: payload,
            lambda api: embedding_response(
                api, model_response, requested=optional.get("encoding_format")
            ),
            inputs,
            litellm_params=kwargs.get("litellm_params"),
        )

    @staticmethod
    def _image(kwargs: dict[str, Any]) -> _Call:
        model: str = kwargs["model"]
        prompt: str = kwargs["prompt"]
        optional: Mapping[str, Any] = kwargs.get("optional_params") or {}
        model_response = kwargs.get("model_response") or ImageResponse()
        return _Call.of(
            kwargs,
            IMAGES_PATH,
            lambda: image_payload(model, prompt, optional),
            lambda api: image_response(api, model_response),
            prompt,
        )

    @staticmethod
    def _image_edit(kwargs: dict[str, Any]) -> _Call:
        model: str = kwargs["model"]
        prompt = kwargs.get("prompt")
        images = kwargs.get("image") or ()
        optional: Mapping[str, Any] = kwargs.get("optional_params") or {}
        model_response = kwargs.get("model_response") or ImageResponse()
        return _Call.of(
            kwargs,
            IMAGE_EDITS_PATH,
            lambda: image_edit_form(model, images, prompt, optional),
            lambda api: image_response(api, model_response),
            prompt,
            headers=forward_headers(optional.get("extra_headers")),
        )

    # -- LiteLLM's entry points ----------------------------------------------------------

    def completion(self, *args: Any, **kwargs: Any) -> Any:
        return self._send(self._chat(_named("completion", args, kwargs), stream=False))

    async def acompletion(self, *args: Any, **kwargs: Any) -> Any:
        return await self._asend(self._chat(_named("acompletion", args, kwargs), stream=False))

    def streaming(self, *args: Any, **kwargs: Any) -> Any:
        return self._stream(self._chat(_named("streaming", args, kwargs), stream=True))

    def astreaming(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        # Not a coroutine function on purpose: LiteLLM calls it from a worker thread and hands
        # the result to its stream wrapper unawaited (see ``_streams``).
        return self._astream(self._chat(_named("astreaming", args, kwargs), stream=True))

    def embedding(self, *args: Any, **kwargs: Any) -> Any:
        return self._send(self._embedding(_named("embedding", args, kwargs)))

    async def aembedding(self, *args: Any, **kwargs: Any) -> Any:
        return await self._asend(self._embedding(_named("aembedding", args, kwargs)))

    def image_generation(self, *args: Any, **kwargs: Any) -> Any:
        return self._send(self._image(_named("image_generation", args, kwargs)))

    async def aimage_generation(self, *args: Any, **kwargs: Any) -> Any:
        return await self._asend(self._image(_named("aimage_generation", args, kwargs)))

    def image_edit(self, *args: Any, **kwargs: Any) -> Any:
        return self._send(self._image_edit(_named("image_edit", args, kwargs)))

    async def aimage_edit(self, *args: Any, **kwargs: Any) -> Any:
        return await self._asend(self._image_edit(_named("aimage_edit", args, kwargs)))
