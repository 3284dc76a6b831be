"""Text-to-speech (``/v1/tts``) and async speech-to-text (``/v1/stt/create`` + poll).

Why they share a module: the mock remembers what it said. Every synthesized audio (its URL in
a JSON answer, the SHA-256 of its bytes in a binary one) maps to its text, so a transcription
of that audio returns the text: a TTS -> STT round trip is checkable offline with no audio
processing. Audio that the mock never produced is transcribed as a deterministic placeholder.

Answer shapes follow AI/ML API's docs: TTS answers ``{"audio": {"url"}, "meta"}`` JSON, or raw
``audio/wav`` bytes (``MockAIMLAPI(tts_binary=True)``; binary answers carry no cost headers);
an STT poll answers ``{"id", "status", "result"}`` where ``result`` is OpenAI-shaped
(``{"text", "usage"}``) for ``openai/*`` models and Deepgram-shaped (``metadata`` +
``results.channels[].alternatives[]``) for the others.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any

from aiml_integrations.catalog import ModelInfo
from aiml_integrations.testing._billing import cost_headers, meta_usage
from aiml_integrations.testing._errors import (
    new_request_id,
    timestamp,
    zod_invalid_type,
    zod_required,
    zod_too_small,
)
from aiml_integrations.testing._media import poll_job
from aiml_integrations.testing._types import Call, Reply, RouteEnv, VideoJob
from aiml_integrations.testing._validation import (
    Issues,
    check_model,
    check_number,
    raise_if,
    require_object,
)

__all__ = ["STT_KINDS", "TTS_KINDS", "handle_stt_create", "handle_stt_poll", "handle_tts"]

TTS_KINDS = ("text-to-speech", "tts")
STT_KINDS = ("speech-to-text", "stt")
_CDN = "https://cdn.aimlapi.com/mock/audio"
_SAMPLE_RATE = 8000


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _wav(text: str) -> bytes:
    """A short, valid mono 8-bit WAV whose samples depend on ``text`` (so bytes differ)."""
    seed = hashlib.sha256(text.encode()).digest()
    samples = bytes(128 + (seed[i % len(seed)] % 16) - 8 for i in range(_SAMPLE_RATE // 10))
    header = b"RIFF" + struct.pack("<I", 36 + len(samples)) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 1, 1, _SAMPLE_RATE, _SAMPLE_RATE, 1, 8)
    return header + b"data" + struct.pack("<I", len(samples)) + samples


# --- text to speech -------------------------------------------------------------------------


def handle_tts(call: Call, env: RouteEnv) -> Reply:
    body = require_object(call)
    issues: Issues = []
    model = check_model(body, env.catalog, TTS_KINDS, issues)
    text = body.get("text")
    if "text" not in body:
        issues.append(zod_required(["text"]))
    elif not isinstance(text, str):
        issues.append(zod_invalid_type(["text"], "string", text))
    elif not text:
        issues.append(zod_too_small(["text"], 1, "string"))
    voice = body.get("voice")
    if voice is not None and not isinstance(voice, str):
        issues.append(zod_invalid_type(["voice"], "string", voice))
    check_number(body, "speed", issues, minimum=0.25, maximum=4)
    raise_if(issues)
    assert model is not None and isinstance(text, str)
    credits = 10 * len(text)
    if env.tts_binary:
        audio = _wav(text)
        with env.lock:
            env.spoken[_sha(audio)] = text
        return Reply(env.success_status, audio, {}, "audio/wav")
    fmt = body.get("response_format") if isinstance(body.get("response_format"), str) else "mp3"
    url = f"{_CDN}/{_sha(f'{model.id}|{voice}|{text}'.encode())[:24]}.{fmt}"
    with env.lock:
        env.spoken[url] = text
    payload = {"audio": {"url": url}, "meta": meta_usage(credits)}
    return Reply.json(env.success_status, payload, cost_headers(credits))


# --- speech to text -------------------------------------------------------------------------


def _transcript(env: RouteEnv, call: Call, body: dict[str, Any]) -> str:
    url = body.get("url")
    with env.lock:
        if isinstance(url, str) and url in env.spoken:
            return env.spoken[url]
        for upload in call.files:
            known = env.spoken.get(_sha(upload.data))
            if known is not None:
                return known
    if call.files:
        upload = call.files[0]
        return f"Mock transcript of {upload.filename} ({len(upload.data)} bytes)."
    name = str(url).rsplit("/", 1)[-1] or "audio"
    return f"Mock transcript of {name}."


def _openai_result(text: str) -> dict[str, Any]:
    audio_tokens = max(1, len(text) // 3)
    output_tokens = max(1, len(text.split()))
    return {
        "text": text,
        "usage": {
            "type": "tokens",
            "total_tokens": audio_tokens + output_tokens,
            "input_tokens": audio_tokens,
            "input_token_details": {"text_tokens": 0, "audio_tokens": audio_tokens},
            "output_tokens": output_tokens,
        },
    }


def _deepgram_result(text: str, model: ModelInfo, job_id: str) -> dict[str, Any]:
    words = []
    for index, word in enumerate(text.split()):
        bare = "".join(ch for ch in word.lower() if ch.isalnum() or ch == "'")
        words.append(
            {
                "word": bare or word,
                "start": round(index * 0.4, 2),
                "end": round(index * 0.4 + 0.35, 2),
                "confidence": 0.99,
                "punctuated_word": word,
            }
        )
    name = model.id.rsplit("/", 1)[-1].lstrip("#")
    return {
        "metadata": {
            "transaction_key": "deprecated",
            "request_id": job_id,
            "sha256": _sha(text.encode()),
            "created": timestamp(),
            "duration": round(len(words) * 0.4, 2),
            "channels": 1,
            "models": [name],
            "model_info": {name: {"name": name, "version": "mock", "arch": name}},
        },
        "results": {
            "channels": [
                {"alternatives": [{"transcript": text, "confidence": 0.99, "words": words}]}
            ]
        },
    }


def handle_stt_create(call: Call, env: RouteEnv) -> Reply:
    """JSON ``{"model", "url"}`` or a multipart form with ``model`` and an ``audio`` file."""
    body = require_object(call)
    issues: Issues = []
    model = check_model(body, env.catalog, STT_KINDS, issues)
    url = body.get("url")
    if not call.files:
        if "url" not in body:
            issues.append(zod_required(["url"]))
        elif not isinstance(url, str):
            issues.append(zod_invalid_type(["url"], "string", url))
    raise_if(issues)
    assert model is not None
    job_id = new_request_id()
    text = _transcript(env, call, body)
    result = (
        _openai_result(text)
        if model.id.startswith("openai/")
        else _deepgram_result(text, model, job_id)
    )
    job = VideoJob(id=job_id, model=model.id, error=call.job_error, result=result)
    with env.lock:
        env.transcriptions[job_id] = job
    return Reply.json(env.success_status, {"generation_id": job_id, "status": "queued"})


def handle_stt_poll(call: Call, env: RouteEnv) -> Reply:
    generation_id = call.path.rstrip("/").rsplit("/", 1)[-1]
    job, payload = poll_job(env, env.transcriptions, generation_id)
    if payload["status"] == "completed":
        credits = 20 * len(str(job.result))
        payload["result"] = job.result
        payload["meta"] = meta_usage(credits)
        return Reply.json(200, payload, {"x-inference-id": job.id, **cost_headers(credits)})
    if payload["status"] == "error":
        payload["error"] = job.error
    return Reply.json(200, payload, {"x-inference-id": job.id})
