"""The mock's HTTP surface: auth, routes, /models, validation envelopes, success bodies."""

from __future__ import annotations

import asyncio
import math
import re
from typing import Any

import httpx
import pytest

from aiml_integrations.catalog import default_catalog
from aiml_integrations.testing import MockAIMLAPI

ENVELOPE_KEYS = ["requestId", "statusCode", "timestamp", "path", "message"]
ENVELOPE_KEYS_META = ["requestId", "statusCode", "timestamp", "path", "meta", "message"]
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
AUTH_TEXT = (
    "This request requires a valid API key. You can create a new API key on the Billing page: "
    "https://aimlapi.com/app/keys"
)


def chat(model: str = "openai/gpt-4o", text: str = "hello mock", **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": text}], **extra}


def assert_envelope(response: httpx.Response, status: int, path: str, meta: bool = False) -> Any:
    assert response.status_code == status
    body = response.json()
    assert list(body) == (ENVELOPE_KEYS_META if meta else ENVELOPE_KEYS)
    assert body["statusCode"] == status
    assert body["path"] == path
    assert TIMESTAMP.match(body["timestamp"])
    assert response.headers["x-inference-id"] == body["requestId"]
    return body


# --- lifecycle ---------------------------------------------------------------------------


def test_urls_and_context_manager() -> None:
    with MockAIMLAPI() as mock:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", mock.url)
        assert mock.base_url == mock.url + "/v1"
        assert mock.api_key == "mock-key"
        assert httpx.get(mock.base_url + "/models").status_code == 200
        url = mock.url
    assert not mock.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/v1/models", timeout=2)


def test_async_context_manager() -> None:
    async def run() -> int:
        async with MockAIMLAPI() as mock, httpx.AsyncClient() as http:
            response = await http.get(mock.base_url + "/models")
            return response.status_code

    assert asyncio.run(run()) == 200


def test_keep_alive_reuses_one_connection(aimlapi_mock: MockAIMLAPI) -> None:
    peers = set()
    with httpx.Client(headers={"Authorization": f"Bearer {aimlapi_mock.api_key}"}) as http:
        for _ in range(3):
            with http.stream("POST", aimlapi_mock.base_url + "/chat/completions", json=chat()) as r:
                assert r.status_code == 200
                r.read()
                stream = r.extensions["network_stream"]
                peers.add(stream.get_extra_info("socket").getsockname())
    assert len(peers) == 1


# --- auth --------------------------------------------------------------------------------


def test_missing_and_unknown_key_get_401(anon: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    url = aimlapi_mock.base_url + "/chat/completions"
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}):
        response = anon.post(url, json=chat(), headers=headers)
        body = assert_envelope(response, 401, "/v1/chat/completions")
        assert body["message"] == AUTH_TEXT
    assert [r.status for r in aimlapi_mock.requests] == [401, 401, 401]
    assert aimlapi_mock.requests[1].api_key == "wrong"


def test_several_keys_add_and_remove(anon: httpx.Client) -> None:
    with MockAIMLAPI(keys=["k1", "k2"]) as mock:
        assert mock.api_key == "k1"
        url = mock.base_url + "/chat/completions"

        def status(key: str) -> int:
            return anon.post(
                url, json=chat(), headers={"Authorization": f"Bearer {key}"}
            ).status_code

        assert (status("k1"), status("k2"), status("k3")) == (200, 200, 401)
        mock.add_key("k3")
        assert status("k3") == 200
        mock.remove_key("k1")
        assert status("k1") == 401
        mock.reset()
        assert (status("k1"), status("k3")) == (200, 401)


def test_models_need_no_key(anon: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    for path in ("/v1/models", "/models", "/api/v1/models", "/model/gpt-4o"):
        assert anon.get(aimlapi_mock.url + path).status_code == 200, path


# --- routes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/v1/chat/completions", "/chat/completions", "/v2/chat/completions"]
)
def test_chat_served_on_all_prefixes(client: httpx.Client, path: str) -> None:
    response = client.post(path, json=chat())
    assert response.status_code == 200
    assert response.json()["object"] == "chat.completion"


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/v1/completions"), ("POST", "/v1/moderations"), ("GET", "/v1/chat/completions")],
)
def test_unknown_routes_404(client: httpx.Client, method: str, path: str) -> None:
    response = client.request(method, path, json={"model": "gpt-4o", "prompt": "x"})
    body = assert_envelope(response, 404, path)
    assert body["message"] == f"Cannot {method} {path}"


def test_malformed_json_is_body_validation(client: httpx.Client) -> None:
    response = client.post(
        "/v1/chat/completions", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    body = assert_envelope(response, 400, "/v1/chat/completions", meta=True)
    assert body["message"] == "Body validation error!"
    assert body["meta"][0]["code"] == "invalid_type"


def test_handler_crash_becomes_500_envelope(
    client: httpx.Client, aimlapi_mock: MockAIMLAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiml_integrations.testing import _fake_model

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("bug in the mock")

    monkeypatch.setattr(_fake_model, "complete", boom)
    body = assert_envelope(
        client.post("/v1/chat/completions", json=chat()), 500, "/v1/chat/completions"
    )
    assert body["message"] == "Internal server error"
    monkeypatch.undo()
    assert client.post("/v1/chat/completions", json=chat()).status_code == 200


# --- chat success ------------------------------------------------------------------------


def test_chat_success_body_and_headers(client: httpx.Client) -> None:
    response = client.post(
        "/v1/chat/completions",
        json=chat("gpt-4o", "say hi"),
        headers={"X-Client-Request-Id": "abc-1:2"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["id"].startswith("chatcmpl-")
    assert body["model"] == "gpt-4o"
    assert isinstance(body["created"], int)
    choice = body["choices"][0]
    assert choice["message"]["role"] == "assistant"
    assert choice["message"]["content"] == "say hi"
    assert choice["finish_reason"] == "stop"
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert usage["prompt_tokens_details"]["cached_tokens"] == 0
    assert usage["completion_tokens_details"]["reasoning_tokens"] == 0
    credits = body["meta"]["usage"]["credits_used"]
    assert credits > 0
    assert math.isclose(body["meta"]["usage"]["usd_spent"], credits / 2_000_000)
    assert response.headers["x-aimlapi-credits-used"] == str(credits)
    assert re.fullmatch(r"0\.\d{9}", response.headers["x-aimlapi-usd-spent"])
    assert math.isclose(float(response.headers["x-aimlapi-usd-spent"]), credits / 2_000_000)
    assert response.headers["x-client-request-id"] == "abc-1:2"
    assert len(response.headers["x-inference-id"]) == 21


def test_invalid_client_request_id_is_dropped(client: httpx.Client) -> None:
    response = client.post(
        "/v1/chat/completions", json=chat(), headers={"X-Client-Request-Id": "bad id!"}
    )
    assert response.status_code == 200
    assert "x-client-request-id" not in response.headers


def test_success_status_switch(client: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.success_status = 201
    assert client.post("/v1/chat/completions", json=chat()).status_code == 201
    assert (
        client.post(
            "/v1/embeddings", json={"model": "text-embedding-3-small", "input": "x"}
        ).status_code
        == 201
    )
    assert client.get("/v1/models").status_code == 200
    assert client.post("/v1/chat/completions", json={"model": "nope"}).status_code == 400
    with pytest.raises(ValueError):
        aimlapi_mock.success_status = 404
    aimlapi_mock.reset()
    assert aimlapi_mock.success_status == 200


def test_constructor_success_status() -> None:
    with MockAIMLAPI(success_status=201) as mock:
        response = httpx.post(
            mock.base_url + "/chat/completions",
            json=chat(),
            headers={"Authorization": f"Bearer {mock.api_key}"},
        )
        assert response.status_code == 201


def test_reasoning_model_returns_reasoning_content(client: httpx.Client) -> None:
    body = client.post("/v1/chat/completions", json=chat("o3-mini")).json()
    message = body["choices"][0]["message"]
    assert message["reasoning_content"]
    assert body["usage"]["completion_tokens_details"]["reasoning_tokens"] > 0


# --- chat validation ---------------------------------------------------------------------


def test_unknown_model_is_zod_enum_issue_on_model(client: httpx.Client) -> None:
    response = client.post("/v1/chat/completions", json=chat("gpt-5-typo"))
    body = assert_envelope(response, 400, "/v1/chat/completions", meta=True)
    assert body["message"] == "Body validation error!"
    [issue] = body["meta"]
    assert issue["code"] == "invalid_enum_value"
    assert issue["path"] == ["model"]
    assert issue["received"] == "gpt-5-typo"
    chat_ids = {m.id for m in default_catalog().of_kind("chat")}
    assert issue["options"] and set(issue["options"]) <= chat_ids  # served chat models only
    assert issue["message"].startswith(f"Invalid enum value. Expected '{issue['options'][0]}' | ")
    assert issue["message"].endswith(", received 'gpt-5-typo'")


def test_embedding_model_is_not_a_chat_model(client: httpx.Client) -> None:
    body = client.post("/v1/chat/completions", json=chat("text-embedding-3-small")).json()
    assert body["meta"][0]["path"] == ["model"]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (
            {"messages": [{"role": "user", "content": "x"}]},
            [("invalid_type", ["model"], "Required")],
        ),
        (
            {"model": 5, "messages": [{"role": "user", "content": "x"}]},
            [("invalid_type", ["model"], "Expected string, received number")],
        ),
        ({"model": "gpt-4o"}, [("invalid_type", ["messages"], "Required")]),
        (
            {"model": "gpt-4o", "messages": "hi"},
            [("invalid_type", ["messages"], "Expected array, received string")],
        ),
        (
            {"model": "gpt-4o", "messages": []},
            [("too_small", ["messages"], "Array must contain at least 1 element(s)")],
        ),
        (
            {"model": "gpt-4o", "messages": [{"role": "robot", "content": "x"}]},
            [("invalid_enum_value", ["messages", 0, "role"], None)],
        ),
        (
            {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}], "max_tokens": 0},
            [("too_small", ["max_tokens"], "Number must be greater than or equal to 1")],
        ),
        (
            {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}], "temperature": 3},
            [("too_big", ["temperature"], "Number must be less than or equal to 2")],
        ),
        ({}, [("invalid_type", ["model"], "Required"), ("invalid_type", ["messages"], "Required")]),
    ],
)
def test_body_validation_issues(
    client: httpx.Client, payload: dict[str, Any], expected: list[tuple[str, list[Any], str | None]]
) -> None:
    body = assert_envelope(
        client.post("/v1/chat/completions", json=payload), 400, "/v1/chat/completions", meta=True
    )
    got = [(i["code"], i["path"], i["message"]) for i in body["meta"]]
    for (code, path, message), (got_code, got_path, got_message) in zip(expected, got, strict=True):
        assert (got_code, got_path) == (code, path)
        if message is not None:
            assert got_message == message


def test_body_not_an_object(client: httpx.Client) -> None:
    body = client.post("/v1/chat/completions", json=[1, 2]).json()
    assert body["meta"] == [
        {
            "code": "invalid_type",
            "expected": "object",
            "received": "array",
            "path": [],
            "message": "Expected object, received array",
        }
    ]


def test_system_role_rejected_with_zod_tree_for_mistral(client: httpx.Client) -> None:
    payload = {
        "model": "google/gemma-3-4b-it",
        "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}],
    }
    response = client.post("/v1/chat/completions", json=payload)
    body = assert_envelope(response, 400, "/v1/chat/completions", meta=True)
    assert body["message"] == "Invalid input"
    # byte-for-byte the gptme#372 capture, including JS key order ("0" before "_errors")
    assert response.text.split('"meta":')[1].startswith(
        ' {"_errors": [], "messages": {"0": {"_errors": [], "role": {"_errors": '
        "[\"Invalid enum value. Expected 'user' | 'assistant', received 'system'\"]}}, "
        '"_errors": []}}'
    )


def test_developer_role_rejected_where_the_spec_lists_only_system(client: httpx.Client) -> None:
    # alibaba/qwen3-32b's published schema takes system/user/assistant/tool, not developer.
    payload = {
        "model": "alibaba/qwen3-32b",
        "messages": [{"role": "user", "content": "hi"}, {"role": "developer", "content": "x"}],
    }
    response = client.post("/v1/chat/completions", json=payload)
    body = assert_envelope(response, 400, "/v1/chat/completions", meta=True)
    assert "developer" in response.text and "'system'" in response.text
    payload["messages"][1]["role"] = "system"
    assert client.post("/v1/chat/completions", json=payload).status_code == 200
    assert body["message"] == "Invalid input"


def test_deprecated_model_is_a_404_saying_so(client: httpx.Client) -> None:
    response = client.post("/v1/chat/completions", json=chat("o1-mini"))
    body = assert_envelope(response, 404, "/v1/chat/completions")
    assert body["message"] == "Model is deprecated"


def test_system_role_accepted_where_supported(client: httpx.Client) -> None:
    payload = {
        "model": "openai/gpt-4o",
        "messages": [{"role": "system", "content": "x"}, {"role": "user", "content": "hi"}],
    }
    assert client.post("/v1/chat/completions", json=payload).status_code == 200


def test_context_overflow_openai_wording(client: httpx.Client) -> None:
    long_text = "word " * 20_000  # ~25k tokens > 16000
    body = assert_envelope(
        client.post("/v1/chat/completions", json=chat("gpt-3.5-turbo", long_text)),
        400,
        "/v1/chat/completions",
    )
    match = re.fullmatch(
        r"400 This model's maximum context length is 16000 tokens\. However, your messages "
        r"resulted in (\d+) tokens\. Please reduce the length of the messages\.",
        body["message"],
    )
    assert match and int(match.group(1)) > 16000


def test_context_overflow_counts_max_tokens(client: httpx.Client) -> None:
    text = "word " * 10_000  # ~12.5k tokens: fits alone, not with 8k completion
    assert client.post("/v1/chat/completions", json=chat("gpt-3.5-turbo", text)).status_code == 200
    response = client.post(
        "/v1/chat/completions", json=chat("gpt-3.5-turbo", text, max_tokens=8000)
    )
    assert response.status_code == 400
    assert "in the completion" in response.json()["message"]


def test_context_overflow_anthropic_wording(client: httpx.Client) -> None:
    import json

    long_text = "x" * 900_000
    body = client.post(
        "/v1/chat/completions", json=chat("anthropic/claude-haiku-4.5", long_text)
    ).json()
    assert body["statusCode"] == 400
    assert body["message"].startswith("400 {")
    inner = json.loads(body["message"][4:])
    assert inner["type"] == "error"
    assert inner["error"]["type"] == "invalid_request_error"
    assert re.fullmatch(
        r"prompt is too long: \d+ tokens > 200000 maximum", inner["error"]["message"]
    )


# --- /models -----------------------------------------------------------------------------


def test_models_current_shape(client: httpx.Client) -> None:
    body = client.get("/v1/models").json()
    assert body["object"] == "list"
    by_id = {m["id"]: m for m in body["data"]}
    gpt = by_id["openai/gpt-4o"]
    assert set(gpt) == {"id", "aliases", "type", "tags", "info"}
    assert "gpt-4o" in gpt["aliases"]
    assert gpt["type"] == "openai/chat-completions"
    assert gpt["info"]["contextLength"] == 128000
    assert gpt["info"]["outputMax"] is None  # the docs do not state it: unknown
    assert gpt["info"]["developer"] == "OpenAI"
    assert "contextLength" not in by_id["flux/schnell"]["info"]


def test_models_include_sections(client: httpx.Client) -> None:
    data = client.get("/v1/models", params={"include": "capabilities,modalities"}).json()["data"]
    gpt = next(m for m in data if m["id"] == "openai/gpt-4o")
    assert {"tools", "vision", "structured_output", "streaming"} <= set(gpt["capabilities"])
    assert "reasoning" not in gpt["capabilities"]
    assert gpt["modalities"] == {"input": ["text", "image"], "output": ["text"]}
    assert "pricing" not in gpt
    everything = client.get("/v1/models", params={"include": "all"}).json()["data"][0]
    assert {"pricing", "capabilities", "modalities"} <= set(everything)


def test_models_filters(client: httpx.Client) -> None:
    data = client.get("/v1/models", params={"id": "gpt-4o"}).json()["data"]
    assert [m["id"] for m in data] == ["openai/gpt-4o"]
    data = client.get("/v1/models", params={"type": "openai/embeddings"}).json()["data"]
    assert data and all(m["type"] == "openai/embeddings" for m in data)


def test_models_legacy_shape(client: httpx.Client) -> None:
    data = client.get("/v1/models", params={"legacy": "1"}).json()["data"]
    gemma = next(m for m in data if m["id"] == "google/gemma-3n-e4b-it")
    assert gemma["type"] == "chat-completion"
    assert gemma["info"]["maxTokens"] is None
    assert gemma["info"]["contextLength"] == 8192
    assert "openai/chat-completion.message.system" not in gemma["features"]
    assert gemma["endpoints"] == ["/v1/chat/completions"]
    o3 = next(m for m in data if m["id"] == "o3-mini")
    assert "openai/chat-completion.reasoning" in o3["features"]
    assert not any(m["id"] == "dall-e-3" for m in data)  # deprecated: not served


def test_models_legacy_by_constructor() -> None:
    with MockAIMLAPI(models_shape="legacy") as mock:
        item = httpx.get(mock.base_url + "/models").json()["data"][0]
        assert "features" in item and "endpoints" in item


def test_models_etag_and_304(client: httpx.Client) -> None:
    first = client.get("/v1/models")
    etag = first.headers["etag"]
    assert etag.startswith('"')
    again = client.get("/v1/models", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert client.get("/v1/models", headers={"If-None-Match": '"other"'}).status_code == 200
    legacy = client.get("/v1/models", params={"legacy": "1"})
    assert legacy.headers["etag"] != etag
    # the connection stays usable after a body-less 304
    assert client.get("/v1/models").status_code == 200


def test_single_model(client: httpx.Client) -> None:
    body = client.get("/model/anthropic/claude-sonnet-4.5").json()
    assert body["object"] == "model"
    assert body["data"]["id"] == "anthropic/claude-sonnet-4.5"
    assert (
        client.get("/model/claude-sonnet-4-5").json()["data"]["id"] == "anthropic/claude-sonnet-4.5"
    )
    missing = client.get("/model/not-a-model")
    assert_envelope(missing, 404, "/model/not-a-model")


# --- embeddings / images / video -----------------------------------------------------------


def test_embeddings(client: httpx.Client) -> None:
    response = client.post(
        "/v1/embeddings", json={"model": "text-embedding-3-small", "input": ["a", "b", "a"]}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "list"
    vectors = [d["embedding"] for d in body["data"]]
    assert [d["index"] for d in body["data"]] == [0, 1, 2]
    assert all(len(v) == 1536 for v in vectors)
    assert vectors[0] == vectors[2] and vectors[0] != vectors[1]
    assert math.isclose(sum(x * x for x in vectors[0]), 1.0, rel_tol=1e-9)
    assert body["usage"]["prompt_tokens"] == body["usage"]["total_tokens"] > 0
    assert body["meta"]["usage"]["credits_used"] > 0


def test_embeddings_dimensions_tokens_and_errors(client: httpx.Client) -> None:
    small = client.post(
        "/v1/embeddings", json={"model": "text-embedding-3-large", "input": "x", "dimensions": 8}
    ).json()
    assert len(small["data"][0]["embedding"]) == 8
    tokens = client.post(
        "/v1/embeddings", json={"model": "text-embedding-3-small", "input": [[1, 2, 3], [4]]}
    ).json()
    assert len(tokens["data"]) == 2
    b64 = client.post(
        "/v1/embeddings",
        json={"model": "text-embedding-3-small", "input": "x", "encoding_format": "base64"},
    ).json()
    assert isinstance(b64["data"][0]["embedding"], str)
    bad = client.post("/v1/embeddings", json={"model": "gpt-4o", "input": "x"})
    assert_envelope(bad, 400, "/v1/embeddings", meta=True)
    assert bad.json()["meta"][0]["path"] == ["model"]
    # The docs state no vector size for these models, so the mock cannot bound ``dimensions``.
    not_bounded = client.post(
        "/v1/embeddings", json={"model": "text-embedding-3-small", "input": "x", "dimensions": 64}
    )
    assert len(not_bounded.json()["data"][0]["embedding"]) == 64


def test_images_openai_shape(client: httpx.Client) -> None:
    body = client.post(
        "/v1/images/generations", json={"model": "openai/gpt-image-1", "prompt": "a cat", "n": 2}
    ).json()
    assert isinstance(body["created"], int)
    assert len(body["data"]) == 2 and body["data"][0]["url"].startswith("https://")
    assert body["meta"]["usage"]["credits_used"] > 0
    b64 = client.post(
        "/v1/images/generations",
        json={"model": "openai/gpt-image-1", "prompt": "a cat", "response_format": "b64_json"},
    ).json()
    assert "b64_json" in b64["data"][0]


def test_images_flux_shape(client: httpx.Client) -> None:
    body = client.post(
        "/v1/images/generations",
        json={"model": "flux/schnell", "prompt": "a dog", "num_images": 3, "image_size": "square"},
    ).json()
    assert len(body["images"]) == 3
    assert body["images"][0]["width"] == 512 and body["images"][0]["height"] == 512
    assert body["images"][0]["content_type"] == "image/jpeg"
    assert body["has_nsfw_concepts"] == [False, False, False]
    assert body["prompt"] == "a dog"
    assert isinstance(body["seed"], int) and "timings" in body
    missing = client.post("/v1/images/generations", json={"model": "flux/dev"})
    assert missing.json()["meta"][0]["path"] == ["prompt"]


def test_video_lifecycle(client: httpx.Client) -> None:
    created = client.post(
        "/v2/video/generations", json={"model": "google/veo-3.1-t2v", "prompt": "waves"}
    )
    assert created.status_code == 200
    job = created.json()
    assert job["status"] == "queued"
    assert re.fullmatch(r"[0-9a-f-]{36}:google/veo-3\.1-t2v", job["id"])
    statuses = []
    for _ in range(3):
        poll = client.get("/v2/video/generations", params={"generation_id": job["id"]})
        assert poll.headers["x-inference-id"] == job["id"]
        statuses.append(poll.json()["status"])
        last = poll.json()
    assert statuses == ["generating", "completed", "completed"]
    assert last["video"]["url"].endswith(".mp4")


def test_video_errors(client: httpx.Client) -> None:
    response = client.get("/v2/video/generations")
    body = assert_envelope(response, 400, "/v2/video/generations", meta=True)
    assert body["message"] == "Query validation error!"
    assert body["meta"][0]["path"] == ["generation_id"]
    assert client.get("/v2/video/generations", params={"generation_id": "nope"}).status_code == 404
    bad_model = client.post("/v2/video/generations", json={"model": "gpt-4o", "prompt": "x"})
    assert bad_model.json()["meta"][0]["path"] == ["model"]


def test_legacy_video_route(client: httpx.Client) -> None:
    path = "/v2/generate/video/kling/generation"
    job = client.post(
        path, json={"model": "kling-video/v1.6/standard/text-to-video", "prompt": "x"}
    ).json()
    assert job["status"] == "queued"
    assert client.get(path, params={"generation_id": job["id"]}).json()["status"] == "generating"


# --- request log ---------------------------------------------------------------------------


def test_request_log(client: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    client.post("/v1/chat/completions?trace=1", json=chat("gpt-4o"), headers={"X-Title": "t"})
    client.post("/v1/chat/completions", json=chat("nope"))
    client.get("/v1/models")
    client.post("/v1/nowhere", json={})
    log = aimlapi_mock.requests
    assert [(r.method, r.path, r.status) for r in log] == [
        ("POST", "/v1/chat/completions", 200),
        ("POST", "/v1/chat/completions", 400),
        ("GET", "/v1/models", 200),
        ("POST", "/v1/nowhere", 404),
    ]
    first = log[0]
    assert first.query == {"trace": "1"}
    assert first.headers["x-title"] == "t"
    assert first.json == chat("gpt-4o")
    assert first.raw.startswith(b"{")
    assert first.model == "gpt-4o"
    assert first.api_key == aimlapi_mock.api_key
    assert first.stream is False and first.fault is None
    assert [r.model for r in aimlapi_mock.requests_for(path="/v1/chat")] == ["gpt-4o", "nope"]
    assert len(aimlapi_mock.requests_for(model="nope")) == 1
    assert len(aimlapi_mock.requests_for(key="other")) == 0
    assert aimlapi_mock.last_request is not None and aimlapi_mock.last_request.status == 404
    aimlapi_mock.reset()
    assert aimlapi_mock.requests == []


def _clean_then_dirty(mock: MockAIMLAPI) -> None:
    """Check the fixture handed over a clean mock, then leave it dirty for the next test.

    Both tests below do the same, so whichever runs second (in any order, random included)
    proves that the first one's faults, status and log were reset.
    """
    assert mock.requests == []
    assert mock.faults == []
    assert mock.success_status == 200
    mock.inject("RATE_LIMITED")
    mock.success_status = 201
    httpx.get(mock.base_url + "/models")
    assert len(mock.requests) == 1


def test_fixture_is_clean_between_tests_a(aimlapi_mock: MockAIMLAPI) -> None:
    _clean_then_dirty(aimlapi_mock)


def test_fixture_is_clean_between_tests_b(aimlapi_mock: MockAIMLAPI) -> None:
    _clean_then_dirty(aimlapi_mock)


def test_factory_starts_independent_servers(
    aimlapi_mock_factory: Any, aimlapi_mock: MockAIMLAPI
) -> None:
    other = aimlapi_mock_factory(keys=["other"])
    assert other.url != aimlapi_mock.url
    assert other.api_key == "other"
    assert httpx.get(other.base_url + "/models").status_code == 200
    assert aimlapi_mock.requests == []
