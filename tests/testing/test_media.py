"""The mock's media routes on the wire (raw httpx): shapes, job lifecycles, uploads, faults."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from aiml_integrations.testing import Fault, MockAIMLAPI, presets


@pytest.fixture
def http(aimlapi_mock: MockAIMLAPI) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=aimlapi_mock.url, headers={"Authorization": f"Bearer {aimlapi_mock.api_key}"}
    ) as client:
        yield client


def test_tts_answers_json_with_a_url_and_cost(http: httpx.Client) -> None:
    response = http.post("/v1/tts", json={"model": "openai/tts-1", "text": "hello"})
    assert response.status_code == 200
    body = response.json()
    assert body["audio"]["url"].startswith("https://cdn.aimlapi.com/")
    assert body["meta"]["usage"]["credits_used"] == 50
    assert response.headers["x-aimlapi-credits-used"] == "50"


def test_tts_binary_answer_is_wav_without_cost_headers(
    http: httpx.Client, aimlapi_mock: MockAIMLAPI
) -> None:
    aimlapi_mock.tts_binary = True
    response = http.post("/tts", json={"model": "#g1_aura-2-asteria-en", "text": "hello"})
    assert response.headers["content-type"] == "audio/wav"
    assert response.content[:4] == b"RIFF" and response.content[8:12] == b"WAVE"
    assert "x-aimlapi-credits-used" not in response.headers


def test_tts_validates_like_the_real_schema(http: httpx.Client) -> None:
    response = http.post("/v1/tts", json={"model": "openai/gpt-4o", "text": ""})
    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "Body validation error!"
    assert {tuple(i["path"]) for i in body["meta"]} == {("model",), ("text",)}


def _client(mock: MockAIMLAPI) -> httpx.Client:
    return httpx.Client(base_url=mock.url, headers={"Authorization": f"Bearer {mock.api_key}"})


def test_stt_job_lifecycle_and_both_result_shapes(
    aimlapi_mock_factory: Callable[..., MockAIMLAPI],
) -> None:
    with _client(aimlapi_mock_factory(video_polls_to_complete=3)) as http:
        _stt_lifecycle(http)


def _stt_lifecycle(http: httpx.Client) -> None:
    shapes = {}
    for model in ("openai/gpt-4o-transcribe", "nova-3"):
        created = http.post("/v1/stt/create", json={"model": model, "url": "https://x.test/a.mp3"})
        assert created.json()["status"] == "queued"
        job = created.json()["generation_id"]
        statuses = [http.get(f"/v1/stt/{job}").json() for _ in range(3)]
        assert [s["status"] for s in statuses] == ["queued", "generating", "completed"]
        shapes[model] = statuses[-1]["result"]
    assert shapes["openai/gpt-4o-transcribe"]["text"] == "Mock transcript of a.mp3."
    alternative = shapes["nova-3"]["results"]["channels"][0]["alternatives"][0]
    assert alternative["transcript"] == "Mock transcript of a.mp3."
    assert [w["punctuated_word"] for w in alternative["words"]][-1] == "a.mp3."


def test_stt_multipart_upload_is_recorded_with_its_model(
    http: httpx.Client, aimlapi_mock: MockAIMLAPI
) -> None:
    response = http.post(
        "/v1/stt/create",
        data={"model": "nova-3"},
        files={"audio": ("clip.mp3", b"ID3 bytes", "audio/mpeg")},
    )
    assert response.status_code == 200
    assert aimlapi_mock.last_request is not None and aimlapi_mock.last_request.model == "nova-3"
    missing = http.post("/v1/stt/create", data={"model": "nova-3"})
    assert missing.status_code == 400 and missing.json()["meta"][0]["path"] == ["url"]
    assert http.get("/v1/stt/nope").status_code == 404


def test_video_job_failure_is_a_200_poll_with_status_error(
    http: httpx.Client, aimlapi_mock: MockAIMLAPI
) -> None:
    fault = aimlapi_mock.inject(presets.JOB_FAILED, times=1, model="google/veo3")
    created = http.post("/v2/video/generations", json={"model": "google/veo3", "prompt": "x"})
    assert created.status_code == 200 and created.json()["status"] == "queued"
    job = created.json()["id"]
    polls = [http.get("/v2/video/generations", params={"generation_id": job}) for _ in range(2)]
    assert [p.status_code for p in polls] == [200, 200]
    assert polls[0].json()["status"] == "generating" and polls[0].json()["error"] is None
    last = polls[1].json()
    assert last["status"] == "error" and last["video"] is None
    assert last["error"] == {"name": "GenerationError", "message": fault.job_error["message"]}
    assert fault.hits == 1 and aimlapi_mock.requests[0].fault == "JOB_FAILED"


def test_job_error_may_be_a_plain_string(aimlapi_mock_factory: Callable[..., MockAIMLAPI]) -> None:
    mock = aimlapi_mock_factory(video_polls_to_complete=1)
    mock.inject(Fault(job_error="upstream died"), times=1, path="/v2/generate/video")
    route = "/v2/generate/video/kling/generation"
    body = {"model": "kling-video/v1.6/standard/text-to-video", "prompt": "x"}
    with _client(mock) as http:
        job = http.post(route, json=body).json()["id"]
        assert http.get(route, params={"generation_id": job}).json()["error"] == "upstream died"


def test_faults_apply_to_media_routes(http: httpx.Client, aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.RATE_LIMITED, times=1, path="/v1/tts")
    limited = http.post("/v1/tts", json={"model": "openai/tts-1", "text": "hi"})
    assert limited.status_code == 429 and limited.json()["path"] == "/v1/tts"
    aimlapi_mock.inject(presets.OUT_OF_CREDITS, times=1, model="nova-3")
    denied = http.post("/v1/stt/create", data={"model": "nova-3"}, files={"audio": ("a", b"x")})
    assert denied.status_code == 403


def test_image_edit_needs_an_image_and_answers_in_the_family_shape(http: httpx.Client) -> None:
    ok = http.post(
        "/v1/images/edits",
        data={"model": "flux/dev", "prompt": "x", "n": "2"},
        files={"image": ("a.png", b"png", "image/png")},
    )
    assert ok.status_code == 200 and len(ok.json()["images"]) == 2
    missing = http.post(
        "/v1/images/edits",
        data={"model": "openai/gpt-image-1", "prompt": "x"},
        files={"mask": ("m.png", b"png", "image/png")},
    )
    assert missing.status_code == 400 and missing.json()["meta"][0]["path"] == ["image"]
