# mypy: disallow-subclassing-any=False
"""The LiteLLM ``CustomLLM`` for ``aimlapi/<model id>``: chat, streams, embeddings, images.

Why each method is wrapped whole: LiteLLM maps anything that is not already one of its exception
types to ``APIConnectionError`` (retried, never cooled down, traceback in the message). So every
path — building the body, the HTTP call, parsing the answer, even a bug here — ends in
:func:`_convert`, which returns one of the typed classes in ``_errors``.

Why the timeout is enforced here: LiteLLM does not enforce ``timeout`` for custom providers.
The transport gets it as its httpx timeouts; async calls are additionally bounded by
``asyncio.wait_for``. For streams ``timeout`` bounds connecting and each wait for bytes (time to
first token, stalls), not the stream's whole length — the OpenAI SDK's meaning.

Streams are generators that send the request on the first ``next()``: LiteLLM wraps them in
``CustomStreamWrapper`` and the Router reads the first chunk inside its attempt, so a failure
before the first chunk is retried and falls back exactly like a plain call.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any

import httpx
import litellm
from litellm import CustomLLM
from litellm.types.utils import EmbeddingResponse, ImageResponse, ModelResponse

from aiml_integrations.config import Timeouts
from aiml_integrations.errors import AIMLAPIError, InvalidRequestError
from aiml_integrations.litellm._clients import get_client, url_for
from aiml_integrations.litellm._errors import (
    AIMLAPILiteLLMError,
    AIMLAPIUnsupportedParamsError,
    build,
    timeout_error,
    to_litellm_error,
    unexpected_error,
    unsupported_params_error,
)
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
    StreamTranslator,
    chat_response,
    embedding_response,
    image_response,
)
from aiml_integrations.litellm._router_view import note_router_group
from aiml_integrations.preflight import preflight
from aiml_integrations.transport import AIMLAPIClient

__all__ = ["AIMLAPIProvider"]

_LITELLM_ERRORS: tuple[type[BaseException], ...] = tuple(litellm.LITELLM_EXCEPTION_TYPES)


def _convert(
    error: BaseException, *, model: str | None, url: str, secrets: tuple[str, ...] = ()
) -> BaseException:
    """The typed LiteLLM exception for anything that went wrong in a handler."""
    if isinstance(error, AIMLAPILiteLLMError):
        return error
    if isinstance(error, AIMLAPIError):
        return to_litellm_error(error, model=model, url=url)
    if isinstance(error, asyncio.TimeoutError | TimeoutError):
        return timeout_error(None, model=model, url=url)
    if isinstance(error, _LITELLM_ERRORS):
        return error
    return unexpected_error(error, model=model, url=url, secrets=secrets)


class _Guard:
    """``with _Guard(model, url) as guard:`` — whatever escapes leaves as a typed LiteLLM error.

    ``guard.client`` is set once the client is known, so its key can be redacted from the
    message of an unexpected exception.
    """

    def __init__(
        self, model: str, url: str, litellm_params: Mapping[str, Any] | None = None
    ) -> None:
        self.model = model
        self.url = url
        self.litellm_params = litellm_params
        self.client: AIMLAPIClient | None = None

    def __enter__(self) -> _Guard:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None or not isinstance(exc, Exception):
            return  # success, or GeneratorExit / KeyboardInterrupt / CancelledError
        secrets = self.client.config.secrets() if self.client is not None else ()
        converted = _convert(exc, model=self.model, url=self.url, secrets=secrets)
        note_router_group(converted, self.litellm_params)
        if converted is not exc:
            raise converted from exc


def _logged_params(logging_obj: Any) -> Mapping[str, Any] | None:
    """The call's ``litellm_params`` where LiteLLM passes only its logging object (images)."""
    params = getattr(logging_obj, "litellm_params", None)
    return params if isinstance(params, Mapping) else None


def _drop_params(litellm_params: Mapping[str, Any] | None, optional: Mapping[str, Any]) -> bool:
    for source in (optional, litellm_params or {}):
        value = source.get("drop_params")
        if value is not None:
            return bool(value)
    return bool(getattr(litellm, "drop_params", False))


#: Per call or per deployment (``litellm_params``): ``aimlapi_preflight=False`` sends the body
#: without the catalog checks of :func:`aiml_integrations.preflight.preflight`.
PREFLIGHT_PARAM = "aimlapi_preflight"
_OFF = frozenset({"0", "false", "no", "off"})


def _preflight_flag(
    litellm_params: Mapping[str, Any] | None, optional: Mapping[str, Any]
) -> bool | None:
    """``aimlapi_preflight`` from the call or the deployment; ``None`` follows
    ``$AIMLAPI_PREFLIGHT`` (on by default)."""
    for source in (optional, litellm_params or {}):
        value = source.get(PREFLIGHT_PARAM)
        if value is not None:
            if isinstance(value, str):
                return value.strip().lower() not in _OFF
            return bool(value)
    return None


def _stream_timeout(seconds: float | None) -> Timeouts:
    if seconds is None:
        return Timeouts(total=None)
    return Timeouts(connect=min(10.0, seconds), read=seconds, total=None)


class AIMLAPIProvider(CustomLLM):
    """AI/ML API as a LiteLLM custom provider (registered under the ``aimlapi`` slug)."""

    # -- chat ----------------------------------------------------------------------------

    def _chat_body(
        self,
        model: str,
        messages: Sequence[Any],
        optional_params: Mapping[str, Any],
        litellm_params: Mapping[str, Any] | None,
        url: str,
        *,
        stream: bool,
    ) -> dict[str, Any]:
        drop_params = _drop_params(litellm_params, optional_params)
        body, unsupported = chat_payload(
            model, messages, optional_params, stream=stream, drop_params=drop_params
        )
        if unsupported:
            raise unsupported_params_error(unsupported, model=model, url=url)
        try:
            return preflight(
                body,
                drop_params=drop_params,
                enabled=_preflight_flag(litellm_params, optional_params),
            )
        except InvalidRequestError as exc:
            # Parameters the catalog says this model cannot take: LiteLLM's own type for it.
            # (An unknown model goes through the category table: a NotFoundError.)
            raise build(AIMLAPIUnsupportedParamsError, exc.info, model=model, url=url) from exc

    def completion(
        self,
        model: str,
        messages: list[Any],
        api_base: str | None,
        custom_prompt_dict: dict[str, Any],
        model_response: ModelResponse,
        print_verbose: Callable[..., Any],
        encoding: Any,
        api_key: str | None,
        logging_obj: Any,
        optional_params: dict[str, Any],
        acompletion: Any = None,
        litellm_params: dict[str, Any] | None = None,
        logger_fn: Any = None,
        headers: dict[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        client: Any = None,
    ) -> ModelResponse:
        url = url_for(api_base, CHAT_PATH)
        with _Guard(model, url, litellm_params) as guard:
            api_client = guard.client = get_client(api_key, api_base)
            body = self._chat_body(
                model, messages, optional_params, litellm_params, url, stream=False
            )
            api = api_client.post(
                CHAT_PATH, body, timeout=timeout_seconds(timeout), headers=forward_headers(headers)
            )
            return chat_response(api, model_response)

    async def acompletion(
        self,
        model: str,
        messages: list[Any],
        api_base: str | None,
        custom_prompt_dict: dict[str, Any],
        model_response: ModelResponse,
        print_verbose: Callable[..., Any],
        encoding: Any,
        api_key: str | None,
        logging_obj: Any,
        optional_params: dict[str, Any],
        acompletion: Any = None,
        litellm_params: dict[str, Any] | None = None,
        logger_fn: Any = None,
        headers: dict[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        client: Any = None,
    ) -> ModelResponse:
        url = url_for(api_base, CHAT_PATH)
        seconds = timeout_seconds(timeout)
        with _Guard(model, url, litellm_params) as guard:
            api_client = guard.client = get_client(api_key, api_base)
            body = self._chat_body(
                model, messages, optional_params, litellm_params, url, stream=False
            )
            call = api_client.apost(
                CHAT_PATH, body, timeout=seconds, headers=forward_headers(headers)
            )
            try:
                api = await asyncio.wait_for(call, seconds)
            except asyncio.TimeoutError:
                raise timeout_error(seconds, model=model, url=url) from None
            return chat_response(api, model_response)

    def streaming(
        self,
        model: str,
        messages: list[Any],
        api_base: str | None,
        custom_prompt_dict: dict[str, Any],
        model_response: ModelResponse,
        print_verbose: Callable[..., Any],
        encoding: Any,
        api_key: str | None,
        logging_obj: Any,
        optional_params: dict[str, Any],
        acompletion: Any = None,
        litellm_params: dict[str, Any] | None = None,
        logger_fn: Any = None,
        headers: dict[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        client: Any = None,
    ) -> Iterator[Any]:
        url = url_for(api_base, CHAT_PATH)
        with _Guard(model, url, litellm_params) as guard:
            api_client = guard.client = get_client(api_key, api_base)
            body = self._chat_body(
                model, messages, optional_params, litellm_params, url, stream=True
            )
            translator = StreamTranslator(model)
            with api_client.stream(
                CHAT_PATH,
                body,
                timeout=_stream_timeout(timeout_seconds(timeout)),
                headers=forward_headers(headers),
            ) as events:
                translator.note_headers(events.headers)
                for event in events:
                    yield from translator.feed(event)
            yield translator.final_chunk()

    async def astreaming(
        self,
        model: str,
        messages: list[Any],
        api_base: str | None,
        custom_prompt_dict: dict[str, Any],
        model_response: ModelResponse,
        print_verbose: Callable[..., Any],
        encoding: Any,
        api_key: str | None,
        logging_obj: Any,
        optional_params: dict[str, Any],
        acompletion: Any = None,
        litellm_params: dict[str, Any] | None = None,
        logger_fn: Any = None,
        headers: dict[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        client: Any = None,
    ) -> AsyncIterator[Any]:
        url = url_for(api_base, CHAT_PATH)
        with _Guard(model, url, litellm_params) as guard:
            api_client = guard.client = get_client(api_key, api_base)
            body = self._chat_body(
                model, messages, optional_params, litellm_params, url, stream=True
            )
            translator = StreamTranslator(model)
            async with api_client.astream(
                CHAT_PATH,
                body,
                timeout=_stream_timeout(timeout_seconds(timeout)),
                headers=forward_headers(headers),
            ) as events:
                translator.note_headers(events.headers)
                async for event in events:
                    for chunk in translator.feed(event):
                        yield chunk
            yield translator.final_chunk()

    # -- embeddings ----------------------------------------------------------------------

    def embedding(
        self,
        model: str,
        input: list[Any],
        model_response: EmbeddingResponse,
        print_verbose: Callable[..., Any],
        logging_obj: Any,
        optional_params: dict[str, Any],
        api_key: str | None = None,
        api_base: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        litellm_params: dict[str, Any] | None = None,
    ) -> EmbeddingResponse:
        url = url_for(api_base, EMBEDDINGS_PATH)
        with _Guard(model, url, litellm_params) as guard:
            api_client = guard.client = get_client(api_key, api_base)
            body = embedding_payload(model, input, optional_params)
            api = api_client.post(EMBEDDINGS_PATH, body, timeout=timeout_seconds(timeout))
            return embedding_response(api, model_response or EmbeddingResponse())

    async def aembedding(
        self,
        model: str,
        input: list[Any],
        model_response: EmbeddingResponse,
        print_verbose: Callable[..., Any],
        logging_obj: Any,
        optional_params: dict[str, Any],
        api_key: str | None = None,
        api_base: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        litellm_params: dict[str, Any] | None = None,
    ) -> EmbeddingResponse:
        url = url_for(api_base, EMBEDDINGS_PATH)
        seconds = timeout_seconds(timeout)
        with _Guard(model, url, litellm_params) as guard:
            api_client = guard.client = get_client(api_key, api_base)
            body = embedding_payload(model, input, optional_params)
            try:
                api = await asyncio.wait_for(
                    api_client.apost(EMBEDDINGS_PATH, body, timeout=seconds), seconds
                )
            except asyncio.TimeoutError:
                raise timeout_error(seconds, model=model, url=url) from None
            return embedding_response(api, model_response or EmbeddingResponse())

    # -- images --------------------------------------------------------------------------

    def image_generation(
        self,
        model: str,
        prompt: str,
        api_key: str | None,
        api_base: str | None,
        model_response: ImageResponse,
        optional_params: dict[str, Any],
        logging_obj: Any,
        timeout: float | httpx.Timeout | None = None,
        client: Any = None,
    ) -> ImageResponse:
        url = url_for(api_base, IMAGES_PATH)
        with _Guard(model, url, _logged_params(logging_obj)) as guard:
            api_client = guard.client = get_client(api_key, api_base)
            body = image_payload(model, prompt, optional_params)
            api = api_client.post(IMAGES_PATH, body, timeout=timeout_seconds(timeout))
            return image_response(api, model_response or ImageResponse())

    async def aimage_generation(
        self,
        model: str,
        prompt: str,
        model_response: ImageResponse,
        api_key: str | None,
        api_base: str | None,
        optional_params: dict[str, Any],
        logging_obj: Any,
        timeout: float | httpx.Timeout | None = None,
        client: Any = None,
    ) -> ImageResponse:
        url = url_for(api_base, IMAGES_PATH)
        seconds = timeout_seconds(timeout)
        with _Guard(model, url, _logged_params(logging_obj)) as guard:
            api_client = guard.client = get_client(api_key, api_base)
            body = image_payload(model, prompt, optional_params)
            try:
                api = await asyncio.wait_for(
                    api_client.apost(IMAGES_PATH, body, timeout=seconds), seconds
                )
            except asyncio.TimeoutError:
                raise timeout_error(seconds, model=model, url=url) from None
            return image_response(api, model_response or ImageResponse())
