"""Fault injection: every preset's status/body, matching, counting, delay, reset, concurrency."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from aiml_integrations.testing import Fault, MockAIMLAPI, presets
from aiml_integrations.testing.presets import PRESETS, list_presets

CHAT = {"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
TRANSPORT = {
    "CONNECTION_RESET",
    "STREAM_CUT",
    "STREAM_ERROR_EVENT",
    "STREAM_NO_DONE",
    "STREAM_DROPPED_AFTER_FINISH",
}
ENVELOPE_PRESETS = sorted(
    n for n, f in PRESETS.items() if f.is_error and f.body is None and n not in TRANSPORT
)


def post(client: httpx.Client, payload: dict[str, Any] = CHAT, **kwargs: Any) -> httpx.Response:
    return client.post("/v1/chat/completions", json=payload, **kwargs)


@pytest.mark.parametrize("name", ENVELOPE_PRESETS)
def test_envelope_presets(name: str, client: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    fault = PRESETS[name]
    aimlapi_mock.inject(fault, times=1)
    response = post(client)
    assert response.status_code == fault.status
    body = response.json()
    expected_keys = ["requestId", "statusCode", "timestamp", "path", "message"]
    if fault.meta is not None:
        expected_keys.insert(4, "meta")
        assert body["meta"] == fault.meta
    assert list(body) == expected_keys
    assert body["statusCode"] == fault.status
    assert body["path"] == "/v1/chat/completions"
    assert body["requestId"] == response.headers["x-inference-id"]
    assert "{" not in body["message"] or body["message"].startswith("400 {")
    assert aimlapi_mock.requests[-1].fault == name
    assert post(client).status_code == 200  # times=1 used up


@pytest.mark.parametrize(
    ("fault", "status", "message"),
    [
        (
            presets.INVALID_API_KEY,
            401,
            "This request requires a valid API key. You can create a new API key on the Billing "
            "page: https://aimlapi.com/app/keys",
        ),
        (
            presets.OUT_OF_CREDITS,
            403,
            "You've run out of credits. Please top up your balance or update your payment method "
            "to continue: https://aimlapi.com/app/billing/",
        ),
        (
            presets.OUT_OF_CREDITS_LEGACY,
            403,
            "You have exhausted the available [plan.rule:api_token] resource limit. Update your "
            "payment method to continue using the service. For more information please visit "
            "https://aimlapi.com/app/billing",
        ),
        (presets.BODY_VALIDATION, 400, "Body validation error!"),
        (presets.INVALID_INPUT_ROLE, 400, "Invalid input"),
        (
            presets.UNSUPPORTED_SYSTEM_ROLE,
            400,
            "Unsupported value: 'messages[0].role' does not support 'system' with this model.",
        ),
        (presets.QUERY_VALIDATION, 400, "Query validation error!"),
        (presets.NOT_FOUND, 404, "Cannot POST /v1/chat/completions"),
        (presets.MODEL_DEPRECATED, 404, "Model is deprecated"),
        (presets.RATE_LIMITED, 429, "Too Many Requests"),
        (
            presets.FREE_TIER_LIMIT,
            429,
            "Free-tier limit: You've reached your free limit for the hour. Get AI/ML Subscription "
            "to use API, visit https://aimlapi.com/app/billing/ !",
        ),
        (presets.INTERNAL_ERROR, 500, "Internal server error"),
        (presets.PARTNER_ERROR, 500, "Something wrong with the server. Please, try again later."),
        (presets.COUPON_NOT_FOUND, 500, "Coupon code not found"),
        (
            presets.MODEL_MAINTENANCE,
            500,
            "The model is under maintenance, please contact us at help@aimlapi.com.",
        ),
        (presets.BAD_GATEWAY, 502, "Bad Gateway"),
        (presets.SERVICE_UNAVAILABLE, 503, "Service unavailable"),
        (presets.GENERATION_TIMEOUT, 504, "Generation timeout"),
        (presets.UPSTREAM_400_UNDER_500, 500, "400 Unable to access model gpt-4o-mini. "),
    ],
)
def test_documented_texts(
    fault: Fault, status: int, message: str, client: httpx.Client, aimlapi_mock: MockAIMLAPI
) -> None:
    aimlapi_mock.inject(fault, times=1)
    response = post(client)
    assert response.status_code == status
    assert response.json()["message"] == message


def test_zod_meta_of_validation_presets() -> None:
    [issue] = presets.BODY_VALIDATION.meta
    assert set(issue) == {"code", "expected", "received", "path", "message"}
    assert presets.UNKNOWN_MODEL.meta[0]["path"] == ["model"]
    assert presets.INVALID_INPUT_ROLE.meta == {
        "_errors": [],
        "messages": {
            "0": {
                "_errors": [],
                "role": {
                    "_errors": [
                        "Invalid enum value. Expected 'user' | 'assistant', received 'system'"
                    ]
                },
            },
            "_errors": [],
        },
    }
    assert presets.QUERY_VALIDATION.meta[0]["path"] == ["generation_id"]


@pytest.mark.parametrize(
    ("fault", "status"),
    [
        (presets.UPSTREAM_ANTHROPIC_JSON, 400),
        (presets.CONTEXT_OVERFLOW_ANTHROPIC, 400),
    ],
)
def test_upstream_anthropic_json_wrapped(
    fault: Fault, status: int, client: httpx.Client, aimlapi_mock: MockAIMLAPI
) -> None:
    aimlapi_mock.inject(fault, times=1)
    message = post(client).json()["message"]
    assert message.startswith("400 {")
    inner = json.loads(message[4:])
    assert inner["type"] == "error"
    assert inner["error"]["type"] == "invalid_request_error"
    assert inner["request_id"].startswith("req_")


def test_context_overflow_presets(client: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.CONTEXT_OVERFLOW, times=1)
    aimlapi_mock.inject(presets.CONTEXT_OVERFLOW_UNDER_500, times=1)
    first, second = post(client), post(client)
    assert (first.status_code, second.status_code) == (400, 500)
    for response in (first, second):
        assert response.json()["message"].startswith(
            "400 This model's maximum context length is 128000 tokens."
        )


def test_content_policy_preset(client: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.CONTENT_POLICY, times=1)
    response = post(client)
    assert response.status_code == 400
    assert "rejected as a result of our safety system" in response.json()["message"]


def test_openai_shaped_error(client: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.OPENAI_SHAPED_ERROR, times=1)
    response = post(client)
    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert "x-inference-id" in response.headers


def test_non_json_bodies(client: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.HTML_GATEWAY_ERROR, times=1)
    aimlapi_mock.inject(presets.EMPTY_BODY_500, times=1)
    aimlapi_mock.inject(presets.PLAIN_TEXT_500, times=1)
    html = post(client)
    assert html.status_code == 502
    assert html.headers["content-type"].startswith("text/html")
    assert "<h1>502 Bad Gateway</h1>" in html.text
    empty = post(client)
    assert (empty.status_code, empty.content, empty.headers["content-length"]) == (500, b"", "0")
    plain = post(client)
    assert (plain.status_code, plain.text) == (500, "Internal Server Error")
    assert post(client).status_code == 200  # the connection survived all three


def test_status_code_as_string(client: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.STATUS_CODE_AS_STRING, times=1)
    response = post(client)
    body = response.json()
    assert response.status_code == 429
    assert body["statusCode"] == "429"
    assert body["path"] == "/v1/chat/completions"
    assert body["requestId"] == response.headers["x-inference-id"]


def test_rate_limited_without_and_with_retry_after(
    client: httpx.Client, aimlapi_mock: MockAIMLAPI
) -> None:
    aimlapi_mock.inject(presets.RATE_LIMITED, times=1)
    aimlapi_mock.inject(presets.rate_limited(retry_after=2.5), times=1)
    plain = post(client)
    assert plain.status_code == 429 and "retry-after" not in plain.headers
    timed = post(client)
    assert timed.status_code == 429
    assert timed.headers["retry-after"] == "3"
    assert timed.headers["retry-after-ms"] == "2500"
    assert presets.rate_limited(7).headers["Retry-After"] == "7"


def test_every_preset_is_exported_and_listed() -> None:
    names = {row[0] for row in list_presets()}
    assert names == set(PRESETS)
    required = {
        "INVALID_API_KEY", "OUT_OF_CREDITS", "OUT_OF_CREDITS_LEGACY", "BODY_VALIDATION",
        "INVALID_INPUT_ROLE", "UNSUPPORTED_SYSTEM_ROLE", "QUERY_VALIDATION", "NOT_FOUND",
        "MODEL_DEPRECATED", "RATE_LIMITED", "FREE_TIER_LIMIT", "INTERNAL_ERROR", "PARTNER_ERROR",
        "COUPON_NOT_FOUND", "MODEL_MAINTENANCE", "BAD_GATEWAY", "SERVICE_UNAVAILABLE",
        "GENERATION_TIMEOUT", "UPSTREAM_400_UNDER_500", "UPSTREAM_ANTHROPIC_JSON",
        "CONTEXT_OVERFLOW", "CONTEXT_OVERFLOW_UNDER_500", "CONTENT_POLICY", "OPENAI_SHAPED_ERROR",
        "HTML_GATEWAY_ERROR", "EMPTY_BODY_500", "CONNECTION_RESET", "STREAM_CUT",
        "STREAM_ERROR_EVENT",
    }  # fmt: skip
    assert required <= names
    for name, fault in PRESETS.items():
        assert fault.name == name
        assert getattr(presets, name) is fault


# --- matching and counting ---------------------------------------------------------------


def test_times_counts_down_and_presets_stay_untouched(
    client: httpx.Client, aimlapi_mock: MockAIMLAPI
) -> None:
    live = aimlapi_mock.inject(presets.RATE_LIMITED, times=2)
    assert live is not presets.RATE_LIMITED and live.remaining == 2
    assert [post(client).status_code for _ in range(3)] == [429, 429, 200]
    assert (live.remaining, live.hits) == (0, 2)
    assert presets.RATE_LIMITED.remaining is None and presets.RATE_LIMITED.hits == 0
    assert aimlapi_mock.faults == []
    assert [r.fault for r in aimlapi_mock.requests] == ["RATE_LIMITED", "RATE_LIMITED", None]


def test_forever_by_default_and_clear(client: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.SERVICE_UNAVAILABLE)
    assert {post(client).status_code for _ in range(4)} == {503}
    aimlapi_mock.clear_faults()
    assert post(client).status_code == 200


def test_inject_by_name(client: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject("bad_gateway", times=1)
    assert post(client).status_code == 502
    with pytest.raises(KeyError):
        aimlapi_mock.inject("NO_SUCH_PRESET")


def test_match_by_model_including_alias(client: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.RATE_LIMITED, times=2, model="openai/gpt-4o")
    other = {"model": "gpt-4o-mini", "messages": CHAT["messages"]}
    alias = {"model": "gpt-4o", "messages": CHAT["messages"]}
    assert post(client, other).status_code == 200
    assert post(client, alias).status_code == 429
    assert post(client, CHAT).status_code == 429
    assert post(client, CHAT).status_code == 200


def test_match_by_path(client: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.INTERNAL_ERROR, path="/v1/embeddings")
    aimlapi_mock.inject(presets.BAD_GATEWAY, path="/chat/completions")  # matches /v1/... too
    embed = {"model": "text-embedding-3-small", "input": "x"}
    assert client.post("/v1/embeddings", json=embed).status_code == 500
    assert post(client).status_code == 502
    assert client.post("/chat/completions", json=CHAT).status_code == 502
    assert client.get("/v1/models").status_code == 200


def test_match_by_key_for_fallback(anon: httpx.Client) -> None:
    with MockAIMLAPI(keys=["primary", "backup"]) as mock:
        mock.inject(presets.OUT_OF_CREDITS, key="primary")
        url = mock.base_url + "/chat/completions"

        def status(key: str) -> int:
            headers = {"Authorization": f"Bearer {key}"}
            return anon.post(url, json=CHAT, headers=headers).status_code

        assert [status("primary"), status("backup"), status("primary")] == [403, 200, 403]
        assert [r.api_key for r in mock.requests_for(key="backup")] == ["backup"]


def test_first_matching_fault_wins(client: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.BAD_GATEWAY, times=1, model="nope/never")
    aimlapi_mock.inject(presets.RATE_LIMITED, times=1)
    aimlapi_mock.inject(presets.INTERNAL_ERROR, times=1)
    assert [post(client).status_code for _ in range(3)] == [429, 500, 200]


def test_fault_applies_before_auth(anon: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.SERVICE_UNAVAILABLE, times=1)
    url = aimlapi_mock.base_url + "/chat/completions"
    assert anon.post(url, json=CHAT).status_code == 503
    assert anon.post(url, json=CHAT).status_code == 401


def test_custom_fault_bodies_and_placeholders(
    client: httpx.Client, aimlapi_mock: MockAIMLAPI
) -> None:
    aimlapi_mock.inject(
        Fault(status=418, body={"path": "{path}", "model": "{model}"}, headers={"X-Extra": "1"}),
        times=1,
    )
    aimlapi_mock.inject(Fault(status=500, body=b"\x00\x01", content_type="application/x"), times=1)
    aimlapi_mock.inject(Fault(status=409, message="conflict on {method} {path}"), times=1)
    first = post(client)
    assert first.status_code == 418
    assert first.json() == {"path": "/v1/chat/completions", "model": "openai/gpt-4o"}
    assert first.headers["x-extra"] == "1"
    second = post(client)
    assert (second.content, second.headers["content-type"]) == (b"\x00\x01", "application/x")
    assert post(client).json()["message"] == "conflict on POST /v1/chat/completions"


def test_fault_validation() -> None:
    with pytest.raises(ValueError):
        Fault(status=42)
    with pytest.raises(ValueError):
        Fault(times=-1)


def test_concurrent_consumption_is_exact(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.RATE_LIMITED, times=5)
    url = aimlapi_mock.base_url + "/chat/completions"
    headers = {"Authorization": f"Bearer {aimlapi_mock.api_key}"}

    def call(_: int) -> int:
        return httpx.post(url, json=CHAT, headers=headers, timeout=10).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(call, range(20)))
    assert statuses.count(429) == 5
    assert statuses.count(200) == 15
    assert len(aimlapi_mock.requests) == 20


# --- latency and transport faults ----------------------------------------------------------


def test_delay_only_then_normal_answer(client: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.slow(0.3), times=1)
    started = time.monotonic()
    response = post(client)
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200
    assert aimlapi_mock.requests[-1].fault == "slow(0.3)"
    started = time.monotonic()
    post(client)
    assert time.monotonic() - started < 0.3


def test_delay_trips_client_timeout(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.slow(1.0), times=1)
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(
            aimlapi_mock.base_url + "/chat/completions",
            json=CHAT,
            headers={"Authorization": f"Bearer {aimlapi_mock.api_key}"},
            timeout=0.2,
        )


def test_delayed_error(client: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(Fault(status=504, delay=0.2), times=1)
    started = time.monotonic()
    response = post(client)
    assert time.monotonic() - started >= 0.2
    assert response.json()["message"] == "Generation timeout"


def test_connection_reset(client: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.CONNECTION_RESET, times=1)
    # a real RST (ECONNRESET), not a polite close: that would be RemoteProtocolError
    with pytest.raises(httpx.ReadError, match="reset"):
        post(client)
    record = aimlapi_mock.requests[-1]
    assert (record.status, record.fault, record.model) == (0, "CONNECTION_RESET", "openai/gpt-4o")
    assert post(client).status_code == 200


def test_parse_spec() -> None:
    fault, times = presets.parse_spec("rate_limited:2")
    assert (fault, times) == (presets.RATE_LIMITED, 2)
    fault, times = presets.parse_spec("rate_limited=5")
    assert fault.headers["Retry-After"] == "5" and times is None
    fault, times = presets.parse_spec("slow=0.5:1")
    assert (fault.delay, times) == (0.5, 1)
    with pytest.raises(KeyError):
        presets.parse_spec("nope")
