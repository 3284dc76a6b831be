"""Secrets: with a recognisable key and debug logging everywhere, every error category in both
frameworks (sync, async, stream, astream) leaves the key nowhere: not in ``str``/``repr`` of the
exception or its cause chain, the request/response objects attached to them, LiteLLM's debug
info, the body, LangChain callback events, log records or anything printed. And the key goes
to the configured base URL only: a redirect to another host is not followed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Any

import litellm
import pytest
from langchain_core.callbacks import BaseCallbackHandler

from aiml_integrations.errors import AIMLAPIError
from aiml_integrations.langchain import ChatAIMLAPI
from aiml_integrations.testing import Fault, MockAIMLAPI, presets

from ._support import COMPLETE_STREAM_ENDINGS, PRESET_CATEGORY

KEY = "sk-aimlapi-SECRET-canary-0123456789"
CANARY = "SECRET-canary"
MODES = ["sync", "async", "stream", "astream"]
FAULTS = [
    *(f for name, f in presets.PRESETS.items() if name not in COMPLETE_STREAM_ENDINGS),
    presets.slow(1.0),
]
TIMEOUT = 0.3


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        parts = [record.getMessage(), repr(record.args), repr(record.__dict__)]
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
        self.texts.append(" ".join(parts))


class _Events(BaseCallbackHandler):
    def __init__(self) -> None:
        self.texts: list[str] = []

    def on_chat_model_start(self, *args: Any, **kwargs: Any) -> None:
        self.texts.append(repr((args, kwargs)))

    def on_llm_error(self, *args: Any, **kwargs: Any) -> None:
        self.texts.append(repr((args, kwargs)))

    def on_llm_end(self, *args: Any, **kwargs: Any) -> None:
        self.texts.append(repr((args, kwargs)))


@pytest.fixture
def logs() -> Iterator[_Capture]:
    handler = _Capture()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    litellm._turn_on_debug()
    try:
        yield handler
    finally:
        litellm._logging._disable_debugging()
        litellm.suppress_debug_info = True
        root.removeHandler(handler)
        root.setLevel(level)


def texts_of(exc: BaseException) -> list[str]:
    """Everything readable from an exception, its attached objects and its cause chain."""
    out: list[str] = []
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        out += [str(current), repr(current), repr(vars(current))]
        for name in ("request", "response", "body", "litellm_debug_info", "info", "headers"):
            try:
                value = getattr(current, name, None)
            except Exception:  # httpx raises RuntimeError for an unset .request
                continue
            out.append(repr(value))
            for sub in ("headers", "request", "content", "url"):
                try:
                    inner = getattr(value, sub, None)
                except Exception:
                    continue
                out.append(repr(inner))
                if sub == "request" and inner is not None:
                    out.append(repr(getattr(inner, "headers", None)))
        todo += [current.__cause__, current.__context__]
        todo.append(getattr(current, "original_exception", None))
    return out


async def _litellm(mock: MockAIMLAPI, mode: str) -> None:
    kwargs: dict[str, Any] = {
        "model": "aimlapi/openai/gpt-4o",
        "messages": [{"role": "user", "content": "hi"}],
        "api_base": mock.base_url,
        "api_key": KEY,
        "timeout": TIMEOUT,
    }
    if mode == "sync":
        litellm.completion(**kwargs)
    elif mode == "async":
        await litellm.acompletion(**kwargs)
    elif mode == "stream":
        for _ in litellm.completion(stream=True, **kwargs):
            pass
    else:
        async for _ in await litellm.acompletion(stream=True, **kwargs):
            pass


async def _langchain(mock: MockAIMLAPI, mode: str, events: _Events) -> None:
    model = ChatAIMLAPI(
        model="openai/gpt-4o", base_url=mock.base_url, api_key=KEY, max_retries=0, timeout=TIMEOUT
    )
    config: Any = {"callbacks": [events]}
    if mode == "sync":
        model.invoke("hi", config=config)
    elif mode == "async":
        await model.ainvoke("hi", config=config)
    elif mode == "stream":
        for _ in model.stream("hi", config=config):
            pass
    else:
        async for _ in model.astream("hi", config=config):
            pass


@pytest.mark.parametrize("framework", ["litellm", "langchain"])
async def test_key_never_leaks_in_any_error(
    aimlapi_mock_factory: Any,
    logs: _Capture,
    capfd: pytest.CaptureFixture[str],
    framework: str,
) -> None:
    mock: MockAIMLAPI = aimlapi_mock_factory(keys=[KEY])
    events = _Events()
    categories = set()
    for fault in FAULTS:
        for mode in MODES:
            if fault.is_stream_fault and mode in ("sync", "async"):
                continue
            mock.clear_faults()
            mock.inject(fault, times=1)
            try:
                if framework == "litellm":
                    await _litellm(mock, mode)
                else:
                    await _langchain(mock, mode, events)
            except Exception as exc:
                error: BaseException = exc
            else:
                pytest.fail(f"{fault.label} in {mode}: no error")
            inner = getattr(error, "original_exception", None) or error
            assert isinstance(inner, AIMLAPIError), (fault.label, mode, repr(error))
            categories.add(inner.info.category)
            for text in texts_of(error):
                assert CANARY not in text, (fault.label, mode, text[:500])
    await asyncio.sleep(0.1)  # LiteLLM logs failures from a background worker
    assert categories >= set(PRESET_CATEGORY.values())  # every category was exercised
    assert logs.texts, "debug logging produced nothing: the scan would prove nothing"
    for text in logs.texts + events.texts:
        assert CANARY not in text, text[:500]
    printed = capfd.readouterr()
    assert CANARY not in printed.out + printed.err
    # Control: the key did go out, in the Authorization header, on every request.
    assert all(r.api_key == KEY for r in mock.requests)


@pytest.mark.parametrize("framework", ["litellm", "langchain"])
@pytest.mark.parametrize("status", [301, 302, 307, 308])
async def test_key_only_sent_to_configured_base_url(
    aimlapi_mock_factory: Any, framework: str, status: int
) -> None:
    """A redirect to another host is not followed: the other host never sees a request."""
    mock: MockAIMLAPI = aimlapi_mock_factory(keys=[KEY])
    elsewhere: MockAIMLAPI = aimlapi_mock_factory(keys=[KEY])
    location = elsewhere.base_url + "/chat/completions"
    events = _Events()
    for mode in MODES:
        mock.inject(Fault(status=status, body=b"", headers={"Location": location}), times=1)
        with pytest.raises(Exception) as caught:
            if framework == "litellm":
                await _litellm(mock, mode)
            else:
                await _langchain(mock, mode, events)
        error = caught.value
        assert isinstance(getattr(error, "original_exception", None) or error, AIMLAPIError)
    assert elsewhere.requests == []
    assert len(mock.requests) == len(MODES)
