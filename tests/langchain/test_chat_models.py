"""``ChatAIMLAPI`` / ``AIMLAPIEmbeddings`` features, checked on the wire (``mock.requests``).

The standard suites prove LangChain's contract in general; these pin what is specific to
AI/ML API: request shapes (tool-call content ``""``, string tool content, image parts),
``tool_choice`` spellings, structured-output methods, reasoning, usage and billing metadata,
profiles, serialization, client reuse, batching of embeddings and import hygiene.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from langchain_core.load import dumpd, dumps, load
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.tools import tool
from pydantic import BaseModel

from aiml_integrations.langchain import ChatAIMLAPI
from aiml_integrations.testing import Fault, MockAIMLAPI

from ._support import BACKUP_MODEL, CHAT_MODEL, make_chat, make_embeddings

PNG_B64 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


class Person(BaseModel):
    """A person."""

    name: str
    age: int


@tool
def get_weather(city: str) -> str:
    """Get the weather in a city."""
    return f"sunny in {city}"


def _sent(mock: MockAIMLAPI) -> dict[str, Any]:
    request = mock.requests[-1]
    assert isinstance(request.json, dict)
    return request.json


# -- request shape ----------------------------------------------------------------------------


def test_history_with_tool_calls_is_sent_as_aimlapi_expects(aimlapi_mock: MockAIMLAPI) -> None:
    history = [
        SystemMessage("be brief"),
        HumanMessage("weather in Paris?"),
        AIMessage(
            content=[{"type": "reasoning", "reasoning": "think"}],
            tool_calls=[{"name": "get_weather", "args": {"city": "Paris"}, "id": "call_1"}],
        ),
        ToolMessage(content=[{"type": "text", "text": "sunny"}], tool_call_id="call_1"),
    ]
    result = make_chat(aimlapi_mock).invoke(history)
    assert "get_weather" in str(result.content)
    sent = _sent(aimlapi_mock)["messages"]
    assert sent[0] == {"role": "system", "content": "be brief"}
    assert sent[1] == {"role": "user", "content": "weather in Paris?"}
    assert sent[2]["content"] == ""  # not null, not the reasoning block
    assert sent[2]["tool_calls"] == [
        {
            "id": "call_1",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
        }
    ]
    assert sent[3] == {"role": "tool", "tool_call_id": "call_1", "content": "sunny"}


def test_image_blocks_pass_through_and_v1_blocks_convert(aimlapi_mock: MockAIMLAPI) -> None:
    message = HumanMessage(
        content=[
            {"type": "text", "text": "describe"},
            {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
            {"type": "image", "base64": PNG_B64, "mime_type": "image/png"},
            {"type": "image", "url": "https://example.com/b.png"},
        ]
    )
    make_chat(aimlapi_mock).invoke([message])
    parts = _sent(aimlapi_mock)["messages"][0]["content"]
    assert parts == [
        {"type": "text", "text": "describe"},
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG_B64}"}},
        {"type": "image_url", "image_url": {"url": "https://example.com/b.png"}},
    ]


def test_parameters_reach_the_wire(aimlapi_mock: MockAIMLAPI) -> None:
    model = make_chat(
        aimlapi_mock,
        temperature=0.2,
        max_tokens=50,
        top_p=0.9,
        seed=7,
        stop=["\n\n"],
        model_kwargs={"provider": "openai"},
        default_headers={"X-Title": "tests"},
        client_request_id="trace-1",
    )
    model.invoke("hello")
    sent = _sent(aimlapi_mock)
    assert sent["temperature"] == 0.2 and sent["max_tokens"] == 50
    assert sent["top_p"] == 0.9 and sent["seed"] == 7
    assert sent["stop"] == ["\n\n"] and sent["provider"] == "openai"
    headers = aimlapi_mock.requests[-1].headers
    assert headers["x-title"] == "tests" and headers["x-client-request-id"] == "trace-1"
    model.invoke("hello", stop=["x"], model=BACKUP_MODEL)
    sent = _sent(aimlapi_mock)
    assert sent["stop"] == ["x"] and sent["model"] == BACKUP_MODEL


def test_client_is_built_once_and_reused(aimlapi_mock: MockAIMLAPI) -> None:
    model = make_chat(aimlapi_mock)
    assert model._client is None  # lazily: construction does no I/O
    model.invoke("one")
    client = model._client
    assert client is not None
    model.invoke("two")
    list(model.stream("three"))
    model.batch(["four", "five"])
    assert model._client is client
    bound = model.bind_tools([get_weather])
    bound.invoke("six")
    assert model._client is client


# -- responses --------------------------------------------------------------------------------


def test_invoke_metadata_usage_and_billing(aimlapi_mock: MockAIMLAPI) -> None:
    result = make_chat(aimlapi_mock).invoke("hello")
    meta = result.response_metadata
    assert meta["model_name"] == CHAT_MODEL and meta["model_provider"] == "aimlapi"
    assert meta["finish_reason"] == "stop"
    assert meta["request_id"] == aimlapi_mock.requests[-1].request_id
    assert meta["credits_used"] > 0 and meta["usd_spent"] > 0
    usage = result.usage_metadata
    assert usage is not None and usage["input_tokens"] > 0
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]


def test_stream_usage_once_and_metadata(aimlapi_mock: MockAIMLAPI) -> None:
    chunks = list(make_chat(aimlapi_mock).stream("one two three four five six"))
    with_usage = [c for c in chunks if c.usage_metadata and c.usage_metadata["input_tokens"]]
    assert len(with_usage) == 1
    full: AIMessageChunk = chunks[0]
    for chunk in chunks[1:]:
        full = full + chunk
    assert full.content == "one two three four five six"
    assert full.response_metadata["model_name"] == CHAT_MODEL
    assert full.response_metadata["finish_reason"] == "stop"
    assert full.response_metadata["credits_used"] > 0
    assert full.response_metadata["request_id"] == aimlapi_mock.requests[-1].request_id
    assert _sent(aimlapi_mock)["stream_options"] == {"include_usage": True}


def test_stream_usage_off(aimlapi_mock: MockAIMLAPI) -> None:
    chunks = list(make_chat(aimlapi_mock, stream_usage=False).stream("hello"))
    assert all(c.usage_metadata is None for c in chunks)
    assert "stream_options" not in _sent(aimlapi_mock)


@pytest.mark.parametrize("model_id", ["deepseek/deepseek-v4-flash", "o3-mini"])
def test_reasoning_content_is_kept(aimlapi_mock: MockAIMLAPI, model_id: str) -> None:
    model = make_chat(aimlapi_mock, model=model_id)
    result = model.invoke("why is the sky blue")
    assert result.additional_kwargs["reasoning_content"]
    assert result.usage_metadata is not None
    assert result.usage_metadata.get("output_token_details", {}).get("reasoning", 0) > 0
    full = None
    for chunk in model.stream("why is the sky blue"):
        full = chunk if full is None else full + chunk
    assert full is not None and full.additional_kwargs["reasoning_content"]
    v1 = make_chat(aimlapi_mock, model=model_id, output_version="v1").invoke("why")
    assert isinstance(v1.content, list) and v1.content[0]["type"] == "reasoning"


def test_n_choices(aimlapi_mock: MockAIMLAPI) -> None:
    result = make_chat(aimlapi_mock, n=2).generate([[HumanMessage("hi")]])
    assert [g.text for g in result.generations[0]] == ["hi", "hi"]


async def test_n_choices_stream_follows_the_first_choice(aimlapi_mock: MockAIMLAPI) -> None:
    """The events interleave both choices; a stream is one message, not their concatenation."""
    model = make_chat(aimlapi_mock, n=2)
    chunks = list(model.stream("hello there"))
    achunks = [c async for c in model.astream("hello there")]
    for received in (chunks, achunks):
        assert "".join(str(c.content) for c in received) == "hello there"
        assert received[-1].response_metadata["finish_reason"] == "stop"
        assert received[-1].usage_metadata is not None  # usage (and billing) cover both choices
    assert [r.json["n"] for r in aimlapi_mock.requests] == [2, 2]
    assert all(r.json["stream"] is True for r in aimlapi_mock.requests)


# -- tools and structured output ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "wire"),
    [
        ("any", "required"),
        ("required", "required"),
        ("auto", "auto"),
        ("get_weather", {"type": "function", "function": {"name": "get_weather"}}),
        (True, {"type": "function", "function": {"name": "get_weather"}}),
        (
            {"type": "function", "function": {"name": "get_weather"}},
            {"type": "function", "function": {"name": "get_weather"}},
        ),
    ],
)
def test_tool_choice_spellings(aimlapi_mock: MockAIMLAPI, choice: Any, wire: Any) -> None:
    result = (
        make_chat(aimlapi_mock)
        .bind_tools([get_weather], tool_choice=choice)
        .invoke("weather in Paris")
    )
    sent = _sent(aimlapi_mock)
    assert sent["tool_choice"] == wire
    assert sent["tools"][0]["function"]["name"] == "get_weather"
    if choice != "auto":
        assert result.tool_calls and result.tool_calls[0]["name"] == "get_weather"


def test_tool_choice_unknown_name_is_rejected(aimlapi_mock: MockAIMLAPI) -> None:
    with pytest.raises(ValueError, match="names no bound tool"):
        make_chat(aimlapi_mock).bind_tools([get_weather], tool_choice="nope")


def test_streamed_tool_call(aimlapi_mock: MockAIMLAPI) -> None:
    model = make_chat(aimlapi_mock).bind_tools([get_weather], tool_choice="any")
    full = None
    for chunk in model.stream("weather in Paris"):
        full = chunk if full is None else full + chunk
    assert isinstance(full, AIMessageChunk)
    assert full.tool_calls[0]["name"] == "get_weather"
    assert isinstance(full.tool_calls[0]["args"]["city"], str)


@pytest.mark.parametrize("method", ["function_calling", "json_schema"])
def test_structured_output_methods(aimlapi_mock: MockAIMLAPI, method: Any) -> None:
    model = make_chat(aimlapi_mock).with_structured_output(Person, method=method, strict=True)
    person = model.invoke("Alice is 30")
    assert isinstance(person, Person)
    sent = _sent(aimlapi_mock)
    if method == "json_schema":
        assert sent["response_format"]["type"] == "json_schema"
        assert sent["response_format"]["json_schema"]["strict"] is True
        assert sent["response_format"]["json_schema"]["name"] == "Person"
    else:
        assert sent["tool_choice"] == {"type": "function", "function": {"name": "Person"}}
        assert sent["tools"][0]["function"]["strict"] is True


def test_structured_output_json_mode_and_include_raw(aimlapi_mock: MockAIMLAPI) -> None:
    model = make_chat(aimlapi_mock).with_structured_output(
        {"title": "Anything", "type": "object"}, method="json_mode", include_raw=True
    )
    out = model.invoke("return json")
    assert _sent(aimlapi_mock)["response_format"] == {"type": "json_object"}
    assert isinstance(out["raw"], AIMessage) and out["parsing_error"] is None
    assert isinstance(out["parsed"], dict)


def test_structured_output_refusal(aimlapi_mock: MockAIMLAPI) -> None:
    from langchain_core.exceptions import ModelRefusalError

    refusal = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": CHAT_MODEL,
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": None, "refusal": "I can't."},
            }
        ],
    }
    aimlapi_mock.inject(Fault(status=200, body=refusal, name="refusal"), times=2)
    model = make_chat(aimlapi_mock).with_structured_output(Person, method="json_schema")
    with pytest.raises(ModelRefusalError, match="I can't"):
        model.invoke("x")
    raw = make_chat(aimlapi_mock).with_structured_output(
        Person, method="json_schema", include_raw=True
    )
    assert isinstance(raw.invoke("x")["parsing_error"], ModelRefusalError)


# -- metadata, profile, serialization -----------------------------------------------------------


def test_ls_params() -> None:
    model = ChatAIMLAPI(model=CHAT_MODEL, api_key="k", temperature=0.5, max_tokens=9, stop=["s"])
    params = model._get_ls_params()
    assert params["ls_provider"] == "aimlapi" and params["ls_model_name"] == CHAT_MODEL
    assert params["ls_temperature"] == 0.5 and params["ls_max_tokens"] == 9
    assert params["ls_stop"] == ["s"]
    assert model._get_ls_params(model="other")["ls_model_name"] == "other"


def test_profile_from_catalog() -> None:
    profile = ChatAIMLAPI(model="gpt-4o", api_key="k").profile
    assert profile is not None
    assert profile["max_input_tokens"] == 128000 and "max_output_tokens" not in profile
    assert profile["tool_calling"] is True and profile["image_inputs"] is True
    assert profile["reasoning_output"] is False
    gemma = ChatAIMLAPI(model="google/gemma-3n-e4b-it", api_key="k").profile
    assert gemma is not None and gemma["tool_calling"] is False
    o3 = ChatAIMLAPI(model="o3-mini", api_key="k").profile
    assert o3 is not None and o3["reasoning_output"] is True and o3["max_input_tokens"] == 200000
    assert ChatAIMLAPI(model="not-in-catalog", api_key="k").profile is None


def test_serialization_round_trip_without_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    model = ChatAIMLAPI(model=CHAT_MODEL, api_key="sk-secret-123", temperature=0.1)
    text = dumps(model)
    assert "sk-secret-123" not in text and "sk-secret-123" not in repr(model)
    assert json.loads(text)["kwargs"]["api_key"]["id"] == ["AIMLAPI_API_KEY"]
    monkeypatch.setenv("AIMLAPI_API_KEY", "sk-from-env")
    loaded = load(
        dumpd(model),
        valid_namespaces=["aiml_integrations"],
        allowed_objects=[ChatAIMLAPI],
        secrets_from_env=True,
    )
    assert isinstance(loaded, ChatAIMLAPI)
    assert loaded.model == CHAT_MODEL and loaded.temperature == 0.1
    assert loaded.api_key is not None and loaded.api_key.get_secret_value() == "sk-from-env"


def test_construction_without_key_and_env_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AIMLAPI_API_KEY", "AIML_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert ChatAIMLAPI(model=CHAT_MODEL).api_key is None
    monkeypatch.setenv("AIML_API_KEY", "litellm-style")
    key = ChatAIMLAPI(model=CHAT_MODEL).api_key
    assert key is not None and key.get_secret_value() == "litellm-style"


async def test_abatch_and_ainvoke_reuse_async_client(aimlapi_mock: MockAIMLAPI) -> None:
    model = make_chat(aimlapi_mock)
    results = await model.abatch(["a", "b", "c"])
    assert [r.content for r in results] == ["a", "b", "c"]
    chunks = [c async for c in model.astream("d e")]
    assert "".join(str(c.content) for c in chunks) == "d e"


# -- embeddings -------------------------------------------------------------------------------


def test_embeddings_batched_per_chunk(aimlapi_mock: MockAIMLAPI) -> None:
    texts = [f"text {i}" for i in range(5)]
    embeddings = make_embeddings(aimlapi_mock, chunk_size=2, dimensions=8)
    vectors = embeddings.embed_documents(texts)
    requests = aimlapi_mock.requests
    assert [r.json["input"] for r in requests] == [texts[0:2], texts[2:4], texts[4:5]]
    assert all(r.json["dimensions"] == 8 for r in requests)
    assert len(vectors) == 5 and all(len(v) == 8 for v in vectors)
    assert vectors[3] == embeddings.embed_query("text 3")


async def test_embeddings_async_and_empty(aimlapi_mock: MockAIMLAPI) -> None:
    embeddings = make_embeddings(aimlapi_mock, chunk_size=3)
    assert embeddings.embed_documents([]) == []
    assert await embeddings.aembed_documents([]) == []
    assert aimlapi_mock.requests == []
    vectors = await embeddings.aembed_documents(["a", "b", "c", "d"])
    assert len(vectors) == 4 and len(aimlapi_mock.requests) == 2
    assert vectors[0] == await embeddings.aembed_query("a")


def test_embeddings_order_follows_index(aimlapi_mock: MockAIMLAPI) -> None:
    body = {
        "object": "list",
        "model": "text-embedding-3-small",
        "data": [
            {"object": "embedding", "index": 1, "embedding": [1.0, 1.0]},
            {"object": "embedding", "index": 0, "embedding": [0.0, 0.0]},
        ],
    }
    aimlapi_mock.inject(Fault(status=200, body=body, name="shuffled"), times=1)
    assert make_embeddings(aimlapi_mock).embed_documents(["zero", "one"]) == [
        [0.0, 0.0],
        [1.0, 1.0],
    ]


# -- import hygiene ----------------------------------------------------------------------------


def test_langchain_path_imports_neither_litellm_nor_openai() -> None:
    code = (
        "import sys\n"
        "import aiml_integrations.langchain\n"
        "from aiml_integrations.langchain import ChatAIMLAPI, AIMLAPIEmbeddings\n"
        "ChatAIMLAPI(model='gpt-4o', api_key='k').bind_tools([]).with_retry()\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'litellm', 'openai'})\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr


def test_unknown_constructor_args_go_to_the_body(aimlapi_mock: MockAIMLAPI) -> None:
    with pytest.warns(UserWarning, match="enable_thinking is not a ChatAIMLAPI parameter"):
        model = make_chat(aimlapi_mock, model="alibaba/qwen3-32b", enable_thinking=False)
    model.invoke("hi")
    assert _sent(aimlapi_mock)["enable_thinking"] is False
    with pytest.raises(ValueError, match="supplied twice"):
        make_chat(aimlapi_mock, seed_x=1, model_kwargs={"seed_x": 2})
