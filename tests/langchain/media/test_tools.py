"""The media tools against the mock, through real HTTP: what goes on the wire, what comes back.

Each tool is run sync and async; the request log says which route was hit, how often and
with what body; the artifact must carry the request id the mock answered with and the cost.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import ToolMessage

from aiml_integrations.langchain import (
    AIMLAPIImageEditTool,
    AIMLAPIImageGenerationTool,
    AIMLAPIInvalidRequestError,
    AIMLAPISpeechToTextTool,
    AIMLAPITextToSpeechTool,
    AIMLAPIVideoGenerationTool,
)
from aiml_integrations.testing import Fault, MockAIMLAPI

from ._support import FAST_POLLS, Progress, creds, paths, tool_call

pytestmark = pytest.mark.usefixtures("fast_retries")


async def _ainvoke(tool: Any, payload: Any) -> Any:
    return await tool.ainvoke(payload)


def _invoke(tool: Any, payload: Any, mode: str) -> Any:
    if mode == "async":
        return asyncio.run(_ainvoke(tool, payload))
    return tool.invoke(payload)


MODES = ["sync", "async"]

# --- images ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_flux_model_gets_fal_fields_and_images_shape_is_read(
    aimlapi_mock: MockAIMLAPI, mode: str
) -> None:
    tool = AIMLAPIImageGenerationTool(model="flux/schnell", **creds(aimlapi_mock))
    args = {"prompt": "a lighthouse", "n": 2, "size": "800x600"}
    message = _invoke(tool, tool_call(tool.name, args), mode)
    [request] = aimlapi_mock.requests
    assert request.path == "/v1/images/generations"
    assert request.json == {
        "model": "flux/schnell",
        "prompt": "a lighthouse",
        "num_images": 2,
        "image_size": {"width": 800, "height": 600},
    }
    assert isinstance(message, ToolMessage)
    artifact = message.artifact
    assert len(artifact["urls"]) == 2 and all(u in message.content for u in artifact["urls"])
    assert artifact["images"][0]["width"] == 800
    assert artifact["request_id"] == request.request_id
    assert artifact["credits_used"] == 200_000 and artifact["usd_spent"] == pytest.approx(0.1)


@pytest.mark.parametrize("mode", MODES)
def test_openai_model_gets_openai_fields_and_base64_stays_out_of_the_content(
    aimlapi_mock: MockAIMLAPI, mode: str
) -> None:
    tool = AIMLAPIImageGenerationTool(
        model="openai/gpt-image-1", image_format="b64_json", **creds(aimlapi_mock)
    )
    message = _invoke(tool, tool_call(tool.name, {"prompt": "x", "size": "square_hd"}), mode)
    [request] = aimlapi_mock.requests
    assert request.json == {
        "model": "openai/gpt-image-1",
        "prompt": "x",
        "size": "1024x1024",
        "response_format": "b64_json",
    }
    b64 = message.artifact["images"][0]["b64_json"]
    assert b64 and b64 not in message.content and "inline base64" in message.content
    assert message.artifact["urls"] == []


def test_plain_invoke_returns_content_only(aimlapi_mock: MockAIMLAPI) -> None:
    tool = AIMLAPIImageGenerationTool(model="flux/dev", **creds(aimlapi_mock))
    out = tool.invoke({"prompt": "a fox"})
    assert isinstance(out, str) and out.startswith("Generated 1 image with flux/dev:")
    content_only = AIMLAPIImageGenerationTool(
        model="flux/dev", response_format="content", **creds(aimlapi_mock)
    )
    message = content_only.invoke(tool_call(content_only.name, {"prompt": "a fox"}))
    assert message.artifact is None and "https://" in message.content


@pytest.mark.parametrize("mode", MODES)
def test_image_edit_uploads_the_files_as_multipart(
    aimlapi_mock: MockAIMLAPI, tmp_path: Path, mode: str
) -> None:
    (tmp_path / "street.png").write_bytes(b"\x89PNG one")
    (tmp_path / "mask.png").write_bytes(b"\x89PNG mask")
    tool = AIMLAPIImageEditTool(
        model="openai/gpt-image-1", file_root=str(tmp_path), **creds(aimlapi_mock)
    )
    args = {"prompt": "make it night", "image_paths": ["street.png"], "mask_path": "mask.png"}
    message = _invoke(tool, tool_call(tool.name, args), mode)
    [request] = aimlapi_mock.requests
    assert request.path == "/v1/images/edits" and request.status == 200
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert request.json == {"model": "openai/gpt-image-1", "prompt": "make it night"}
    assert b"\x89PNG one" in request.raw and b'name="mask"' in request.raw
    assert message.content.startswith("Edited into 1 image") and message.artifact["urls"]


def test_image_edit_refuses_paths_outside_file_root_and_sends_nothing(
    aimlapi_mock: MockAIMLAPI, tmp_path: Path
) -> None:
    (tmp_path / "secret.txt").write_text("key")
    root = tmp_path / "images"
    root.mkdir()
    tool = AIMLAPIImageEditTool(
        model="openai/gpt-image-1", file_root=str(root), **creds(aimlapi_mock)
    )
    with pytest.raises(AIMLAPIInvalidRequestError, match="outside file_root"):
        tool.invoke({"prompt": "x", "image_paths": ["../secret.txt"]})
    no_root = AIMLAPIImageEditTool(model="openai/gpt-image-1", **creds(aimlapi_mock))
    with pytest.raises(AIMLAPIInvalidRequestError, match="no file_root"):
        no_root.invoke({"prompt": "x", "image_paths": ["a.png"]})
    assert aimlapi_mock.requests == []


def test_image_edit_with_bytes_in_hand(aimlapi_mock: MockAIMLAPI) -> None:
    tool = AIMLAPIImageEditTool(model="flux/dev", **creds(aimlapi_mock))
    content, artifact = tool.edit("sepia", [("a.jpg", b"one"), ("b.jpg", b"two")], n=2)
    [request] = aimlapi_mock.requests
    assert request.raw.count(b'name="image[]"') == 2 and request.json["n"] == "2"
    assert len(artifact["urls"]) == 2 and content.startswith("Edited into 2 images")


# --- video ----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_video_creates_one_job_and_polls_it_to_completion(
    aimlapi_mock_factory: Callable[..., MockAIMLAPI], mode: str
) -> None:
    aimlapi_mock = aimlapi_mock_factory(video_polls_to_complete=3)
    progress = Progress()
    tool = AIMLAPIVideoGenerationTool(
        model="google/veo3", callbacks=[progress], **FAST_POLLS, **creds(aimlapi_mock)
    )
    message = _invoke(tool, tool_call(tool.name, {"prompt": "a boat", "duration": 4}), mode)
    log = aimlapi_mock.requests
    assert [(r.method, r.path) for r in log] == [("POST", "/v2/video/generations")] + [
        ("GET", "/v2/video/generations")
    ] * 3
    job_id = message.artifact["job_id"]
    assert job_id.endswith(":google/veo3")
    assert {r.query["generation_id"] for r in log[1:]} == {job_id}
    assert log[0].json == {"model": "google/veo3", "prompt": "a boat", "duration": 4}
    assert message.artifact["url"] in message.content and message.artifact["url"].endswith(".mp4")
    assert message.artifact["request_id"] == log[0].request_id
    assert message.artifact["credits_used"] == 400_000
    assert [e["status"] for e in progress.events] == ["queued", "generating", "completed"]
    assert [e["polls"] for e in progress.events] == [1, 2, 3]
    assert len(progress.texts) == 3 and job_id in progress.texts[0]


@pytest.mark.parametrize("mode", MODES)
def test_legacy_provider_route_is_created_and_polled(aimlapi_mock: MockAIMLAPI, mode: str) -> None:
    tool = AIMLAPIVideoGenerationTool(
        model="alibaba/wan2.1-t2v-turbo",
        legacy_provider="alibaba",
        **FAST_POLLS,
        **creds(aimlapi_mock),
    )
    _invoke(tool, {"prompt": "waves"}, mode)
    route = "/v2/generate/video/alibaba/generation"
    assert [(r.method, r.path) for r in aimlapi_mock.requests] == [
        ("POST", route),
        ("GET", route),
        ("GET", route),
    ]


def test_legacy_provider_forces_the_provider_route(aimlapi_mock: MockAIMLAPI) -> None:
    tool = AIMLAPIVideoGenerationTool(
        model="kling-video/v1.6/standard/text-to-video",
        legacy_provider="kling",
        **FAST_POLLS,
        **creds(aimlapi_mock),
    )
    assert tool.invoke({"prompt": "a cat"}).startswith("Video ready")
    assert {r.path for r in aimlapi_mock.requests} == {"/v2/generate/video/kling/generation"}


# --- speech ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_tts_json_answer_gives_a_url(aimlapi_mock: MockAIMLAPI, mode: str) -> None:
    tool = AIMLAPITextToSpeechTool(model="openai/tts-1", voice="nova", **creds(aimlapi_mock))
    message = _invoke(tool, tool_call(tool.name, {"text": "Welcome aboard."}), mode)
    [request] = aimlapi_mock.requests
    assert request.path == "/v1/tts"
    assert request.json == {"model": "openai/tts-1", "text": "Welcome aboard.", "voice": "nova"}
    assert message.artifact["url"] in message.content
    assert message.artifact["request_id"] == request.request_id
    assert message.artifact["credits_used"] == 150


@pytest.mark.parametrize("mode", MODES)
def test_tts_binary_answer_puts_the_bytes_in_the_artifact(
    aimlapi_mock: MockAIMLAPI, mode: str
) -> None:
    aimlapi_mock.tts_binary = True
    tool = AIMLAPITextToSpeechTool(model="#g1_aura-2-asteria-en", **creds(aimlapi_mock))
    message = _invoke(tool, tool_call(tool.name, {"text": "Hi."}), mode)
    audio = message.artifact["audio"]
    assert audio[:4] == b"RIFF" and message.artifact["content_type"] == "audio/wav"
    assert f"{len(audio)} bytes of audio/wav" in message.content
    assert message.artifact["credits_used"] is None  # binary answers carry no cost


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("model", "shape"), [("openai/gpt-4o-transcribe", "text"), ("#g1_whisper-large", "results")]
)
def test_tts_then_stt_round_trip_by_url(
    aimlapi_mock: MockAIMLAPI, mode: str, model: str, shape: str
) -> None:
    speak = AIMLAPITextToSpeechTool(model="openai/tts-1", **creds(aimlapi_mock))
    url = speak.invoke(tool_call(speak.name, {"text": "The tide is high."})).artifact["url"]
    listen = AIMLAPISpeechToTextTool(model=model, **FAST_POLLS, **creds(aimlapi_mock))
    message = _invoke(listen, tool_call(listen.name, {"url": url}), mode)
    assert message.content == "The tide is high."
    assert shape in message.artifact["result"]
    log = aimlapi_mock.requests
    job_id = message.artifact["job_id"]
    assert [(r.method, r.path) for r in log[1:]] == [
        ("POST", "/v1/stt/create"),
        ("GET", f"/v1/stt/{job_id}"),
        ("GET", f"/v1/stt/{job_id}"),
    ]
    assert log[1].json == {"model": model, "url": url}
    assert message.artifact["credits_used"] and message.artifact["request_id"] == log[1].request_id


@pytest.mark.parametrize("mode", MODES)
def test_stt_uploads_a_file_under_file_root(
    aimlapi_mock: MockAIMLAPI, tmp_path: Path, mode: str
) -> None:
    aimlapi_mock.tts_binary = True
    speak = AIMLAPITextToSpeechTool(model="#g1_aura-2-asteria-en", **creds(aimlapi_mock))
    audio = speak.invoke(tool_call(speak.name, {"text": "Upload me."})).artifact["audio"]
    (tmp_path / "clip.wav").write_bytes(audio)
    listen = AIMLAPISpeechToTextTool(
        model="nova-3", file_root=str(tmp_path), **FAST_POLLS, **creds(aimlapi_mock)
    )
    assert _invoke(listen, {"file_path": "clip.wav"}, mode) == "Upload me."
    create = aimlapi_mock.requests_for(path="/v1/stt/create")[0]
    assert create.json == {"model": "nova-3"} and audio in create.raw
    assert 'name="audio"; filename="clip.wav"' in create.raw.decode("latin-1")


def test_stt_takes_exactly_one_source_and_refuses_paths_without_root(
    aimlapi_mock: MockAIMLAPI,
) -> None:
    listen = AIMLAPISpeechToTextTool(model="nova-3", **creds(aimlapi_mock))
    with pytest.raises(ValueError, match="exactly one of url or file_path"):
        listen.invoke({})
    with pytest.raises(AIMLAPIInvalidRequestError, match="no file_root"):
        listen.invoke({"file_path": "/etc/passwd"})
    assert aimlapi_mock.requests == []


def test_paths_helper_lists_the_log(aimlapi_mock: MockAIMLAPI) -> None:
    AIMLAPITextToSpeechTool(model="openai/tts-1", **creds(aimlapi_mock)).invoke({"text": "a"})
    assert paths(aimlapi_mock) == [("POST", "/v1/tts", 200)]


def test_tools_load_lazily_and_never_import_litellm_or_openai() -> None:
    code = (
        "import json, sys\n"
        "import aiml_integrations.langchain as lc\n"
        "before = any(m.startswith('aiml_integrations.langchain._media') for m in sys.modules)\n"
        "lc.AIMLAPIVideoGenerationTool, lc.AIMLAPISpeechToTextTool, lc.AIMLAPIImageEditTool\n"
        "heavy = sorted(m for m in ('litellm', 'openai', 'langchain_openai') if m in sys.modules)\n"
        "print(json.dumps([before, heavy]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(done.stdout) == [False, []]


async def test_close_and_aclose_release_the_client(aimlapi_mock: MockAIMLAPI) -> None:
    tool = AIMLAPITextToSpeechTool(model="openai/tts-1", **creds(aimlapi_mock))
    await tool.ainvoke({"text": "a"})
    tool.invoke({"text": "b"})
    assert tool._client is not None
    await tool.aclose()
    assert tool._client is None
    assert "Speech audio" in tool.invoke({"text": "c"})  # usable again: reconnects
    tool.close()
    assert tool._client is None and len(aimlapi_mock.requests) == 3


def test_stt_reads_the_schema_s_output_key_too(aimlapi_mock: MockAIMLAPI) -> None:
    """The fetch schema documents ``output`` (the examples print ``result``): both are read."""
    alternative = {"transcript": "From output.", "confidence": 0.9, "words": []}
    answer = {
        "id": "job-1",
        "status": "completed",
        "output": {"metadata": {}, "results": {"channels": [{"alternatives": [alternative]}]}},
    }
    aimlapi_mock.inject(Fault(status=200, body=answer), times=2, path="/v1/stt/")
    listen = AIMLAPISpeechToTextTool(model="nova-3", **FAST_POLLS, **creds(aimlapi_mock))
    message = listen.invoke(tool_call(listen.name, {"url": "https://x.test/a.mp3"}))
    assert message.content == "From output." and message.artifact["job_id"] == "job-1"
    assert [r.path for r in aimlapi_mock.requests] == ["/v1/stt/create", "/v1/stt/job-1"]
