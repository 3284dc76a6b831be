"""``AIMLAPITextToSpeechTool`` (``/v1/tts``) and ``AIMLAPISpeechToTextTool`` (``/v1/stt``).

Why both answer shapes: ``/v1/tts`` answers JSON with the audio's URL for some models and raw
``audio/wav`` bytes for others; the tool gives the LLM a URL when there is one and otherwise
says the audio is in the artifact (``audio`` bytes, ``content_type``). Speech-to-text is an
async job (``POST /v1/stt/create``, then ``GET /v1/stt/{id}``) whose result is OpenAI-shaped
(``{"text"}``) or Deepgram-shaped (``results.channels[0].alternatives[0].transcript``), under
``result`` or ``output``; the tool returns the transcript either way.

Local files: an agent can be talked into uploading any file it can name, so a ``file_path``
is read only from inside ``file_root`` (unset: file paths are refused, URLs work).
"""

from __future__ import annotations

import mimetypes
from typing import Any, ClassVar

from langchain_core.callbacks import AsyncCallbackManagerForToolRun, CallbackManagerForToolRun
from pydantic import BaseModel, Field, model_validator

from aiml_integrations._core.answer_errors import malformed_answer
from aiml_integrations._core.transport import APIResponse
from aiml_integrations.langchain._errors import raise_native
from aiml_integrations.langchain._media._base import (
    AIMLAPIJobTool,
    AIMLAPIMediaTool,
    file_under_root,
)
from aiml_integrations.langchain._media._http import Binary, FilePart, Form

__all__ = [
    "AIMLAPISpeechToTextTool",
    "AIMLAPITextToSpeechTool",
    "SpeechToTextInput",
    "TextToSpeechInput",
    "transcript_of",
]

TTS_PATH = "/v1/tts"
STT_CREATE_PATH = "/v1/stt/create"


# --- text to speech -------------------------------------------------------------------------


class TextToSpeechInput(BaseModel):
    """Arguments of :class:`AIMLAPITextToSpeechTool`."""

    text: str = Field(min_length=1, description="The text to speak.")
    voice: str | None = Field(default=None, description="Voice name; default: the tool's.")


def _audio_url(data: Any) -> str | None:
    audio = data.get("audio") if isinstance(data, dict) else None
    if isinstance(audio, dict) and isinstance(audio.get("url"), str):
        return str(audio["url"])
    if isinstance(audio, str) and audio.startswith(("http://", "https://")):
        return audio
    return None


class AIMLAPITextToSpeechTool(AIMLAPIMediaTool):
    """Turn text into speech with an AI/ML API text-to-speech model.

    Example:
        .. code-block:: python

            from aiml_integrations.langchain import AIMLAPITextToSpeechTool

            tool = AIMLAPITextToSpeechTool(model="openai/tts-1", voice="nova")
            tool.invoke({"text": "Welcome aboard."})
            # 'Speech audio (openai/tts-1): https://cdn.aimlapi.com/...mp3'

    The artifact has ``url`` (JSON answers) or ``audio`` bytes and ``content_type`` (binary
    answers, which carry no cost: ``credits_used``/``usd_spent`` are then ``None``).
    """

    name: str = "aimlapi_text_to_speech"
    description: str = (
        "Read a text aloud: turns the text into spoken audio and returns the audio's URL."
    )
    args_schema: type[BaseModel] = TextToSpeechInput
    voice: str | None = None
    """Default voice (model dependent, e.g. ``alloy``/``nova`` for OpenAI models)."""
    audio_format: str | None = None
    """``response_format`` of the audio (``mp3``, ``wav``, ``opus`` ...; model dependent)."""
    speed: float | None = Field(default=None, ge=0.25, le=4)

    model_kinds: ClassVar[tuple[str, ...]] = ("text-to-speech", "tts")

    def _request(self, text: str, voice: str | None) -> dict[str, Any]:
        base = {
            "model": self._check_model(),
            "text": text,
            "voice": voice or self.voice,
            "response_format": self.audio_format,
            "speed": self.speed,
        }
        return self._body(base)

    def _result(self, answer: APIResponse | Binary) -> Any:
        if isinstance(answer, Binary):
            artifact = self._artifact(
                answer, audio=answer.content, content_type=answer.content_type, url=None
            )
            content = (
                f"Speech audio ({self.model}): {len(answer.content)} bytes of "
                f"{answer.content_type}, returned inline (in the tool artifact)."
            )
            return self._output(content, artifact)
        url = _audio_url(answer.data)
        if url is None:
            raise_native(
                malformed_answer(
                    "a text-to-speech answer without audio.url",
                    status_code=answer.status_code,
                    request_id=answer.request_id,
                    path=TTS_PATH,
                )
            )
        artifact = self._artifact(answer, url=url, urls=[url])
        return self._output(f"Speech audio ({self.model}): {url}", artifact)

    def _run(
        self,
        text: str,
        voice: str | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> Any:
        return self._result(self._send(TTS_PATH, self._request(text, voice)))

    async def _arun(
        self,
        text: str,
        voice: str | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> Any:
        return self._result(await self._asend(TTS_PATH, self._request(text, voice)))


# --- speech to text -------------------------------------------------------------------------


class SpeechToTextInput(BaseModel):
    """Arguments of :class:`AIMLAPISpeechToTextTool`: exactly one of ``url`` / ``file_path``."""

    url: str | None = Field(default=None, description="Public URL of the audio to transcribe.")
    file_path: str | None = Field(
        default=None, description="Path of a local audio file (inside the allowed directory)."
    )

    @model_validator(mode="after")
    def _one_source(self) -> SpeechToTextInput:
        if (self.url is None) == (self.file_path is None):
            raise ValueError("give exactly one of url or file_path")
        return self


def transcript_of(data: Any) -> str | None:
    """The transcript in a completed STT poll (OpenAI or Deepgram shape, ``result``/``output``)."""
    if not isinstance(data, dict):
        return None
    result = data.get("result", data.get("output"))
    if isinstance(result, str):
        return result
    if not isinstance(result, dict):
        return None
    if isinstance(result.get("text"), str):
        return str(result["text"])
    try:
        channels = result["results"]["channels"]
        channel = channels[0] if isinstance(channels, list) else channels
        return str(channel["alternatives"][0]["transcript"])
    except (KeyError, IndexError, TypeError):
        return None


class AIMLAPISpeechToTextTool(AIMLAPIJobTool):
    """Transcribe speech (a URL, or a local file under ``file_root``); waits for the job.

    Example:
        .. code-block:: python

            from aiml_integrations.langchain import AIMLAPISpeechToTextTool

            tool = AIMLAPISpeechToTextTool(model="#g1_whisper-large")
            tool.invoke({"url": "https://example.com/interview.mp3"})  # the transcript

    The artifact has ``text``, the raw ``result``, ``job_id``, ``request_id``,
    ``credits_used`` and ``usd_spent``.
    """

    name: str = "aimlapi_speech_to_text"
    description: str = "Transcribe spoken audio (given by URL) into text."
    args_schema: type[BaseModel] = SpeechToTextInput
    file_root: str | None = None
    """Directory that ``file_path`` arguments may read from; ``None`` refuses file paths."""

    model_kinds: ClassVar[tuple[str, ...]] = ("speech-to-text", "stt")

    def _request(self, url: str | None, file_path: str | None) -> dict[str, Any] | Form:
        model = self._check_model()
        if url is not None:
            return self._body({"model": model, "url": url})
        assert file_path is not None
        path = file_under_root(self.file_root, file_path)
        fields = {"model": model, **{k: str(v) for k, v in self.model_kwargs.items()}}
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return Form(fields, [FilePart("audio", path.name, path.read_bytes(), content_type)])

    def _result(self, created: APIResponse, done: APIResponse, job_id: str) -> Any:
        text = transcript_of(done.data)
        path = f"/v1/stt/{job_id}"
        if text is None:
            raise_native(
                malformed_answer(
                    "a completed transcription without a transcript",
                    status_code=done.status_code,
                    request_id=done.request_id,
                    path=path,
                )
            )
        data = done.data
        raw = data.get("result", data.get("output"))
        artifact = self._job_artifact(created, done, job_id, text=text, result=raw)
        return self._output(text, artifact)

    def _run(
        self,
        url: str | None = None,
        file_path: str | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> Any:
        created = self._send_json(STT_CREATE_PATH, self._request(url, file_path))
        job_id = self._job_id(created, STT_CREATE_PATH)
        path = f"/v1/stt/{job_id}"
        done = self._wait(path, None, job_id, run_manager)
        return self._result(created, done, job_id)

    async def _arun(
        self,
        url: str | None = None,
        file_path: str | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> Any:
        created = await self._asend_json(STT_CREATE_PATH, self._request(url, file_path))
        job_id = self._job_id(created, STT_CREATE_PATH)
        path = f"/v1/stt/{job_id}"
        done = await self._await(path, None, job_id, run_manager)
        return self._result(created, done, job_id)
