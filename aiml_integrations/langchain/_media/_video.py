"""``AIMLAPIVideoGenerationTool``: async video generation as a LangChain tool.

Why it hides the job: an agent wants a video URL, not a generation id to poll. The tool
creates the job (``POST /v2/video/generations``, the universal route), polls
``GET /v2/video/generations?generation_id=...`` within a bounded budget (see ``_jobs``) and
returns the URL. Models that AI/ML API documents only on a provider's legacy route
(``/v2/generate/video/{provider}/generation``, create and poll on the same path) are sent
there; ``legacy_provider=`` forces that route for any model.
"""

from __future__ import annotations

from typing import Any, ClassVar

from langchain_core.callbacks import AsyncCallbackManagerForToolRun, CallbackManagerForToolRun
from pydantic import BaseModel, Field

from aiml_integrations._core.answer_errors import malformed_answer
from aiml_integrations._core.transport import APIResponse
from aiml_integrations.langchain._errors import raise_native
from aiml_integrations.langchain._media._base import AIMLAPIJobTool

__all__ = ["AIMLAPIVideoGenerationTool", "VideoGenerationInput"]

UNIVERSAL_PATH = "/v2/video/generations"


class VideoGenerationInput(BaseModel):
    """Arguments of :class:`AIMLAPIVideoGenerationTool`."""

    prompt: str = Field(description="What happens in the video, in detail.")
    image_url: str | None = Field(
        default=None, description="URL of a start image, for image-to-video models."
    )
    duration: int | None = Field(default=None, ge=1, description="Length in seconds.")
    aspect_ratio: str | None = Field(default=None, description='e.g. "16:9" or "9:16".')


def _video_url(data: Any) -> str | None:
    video = data.get("video") if isinstance(data, dict) else None
    if isinstance(video, dict) and isinstance(video.get("url"), str):
        return str(video["url"])
    if isinstance(video, str) and video:
        return video
    return None


class AIMLAPIVideoGenerationTool(AIMLAPIJobTool):
    """Generate a short video with an AI/ML API video model; waits for the job.

    Example:
        .. code-block:: python

            from aiml_integrations.langchain import AIMLAPIVideoGenerationTool

            tool = AIMLAPIVideoGenerationTool(model="google/veo-3.1-t2v", max_wait=600)
            tool.invoke({"prompt": "a paper boat on a rainy street", "duration": 4})
            # 'Video ready (google/veo-3.1-t2v): https://cdn.aimlapi.com/...mp4'

    A job that ends in ``status: "error"`` raises ``AIMLAPIJobFailedError`` (or the typed
    error its message classifies as, e.g. ``AIMLAPIContentPolicyError``); a job still running
    after ``max_wait`` raises ``AIMLAPIRequestTimeoutError`` naming the job id. The artifact holds
    ``url``, ``job_id``, ``polls``, ``request_id``, ``credits_used`` and ``usd_spent``.
    """

    name: str = "aimlapi_generate_video"
    description: str = (
        "Generate a short video from a text description (and optionally a start image URL). "
        "Slow: takes from tens of seconds to minutes. Returns the video's URL."
    )
    args_schema: type[BaseModel] = VideoGenerationInput
    legacy_provider: str | None = None
    """Send to ``/v2/generate/video/{legacy_provider}/generation`` (``kling``, ``google``,
    ``runway``, ``minimax``, ``alibaba``) instead of the universal route, for a model that
    AI/ML API still serves only there (every model in the bundled catalog takes the universal
    route)."""

    model_kinds: ClassVar[tuple[str, ...]] = ("video",)

    def _path(self) -> str:
        provider = self.legacy_provider
        return f"/v2/generate/video/{provider}/generation" if provider else UNIVERSAL_PATH

    def _request(
        self, prompt: str, image_url: str | None, duration: int | None, aspect_ratio: str | None
    ) -> dict[str, Any]:
        model = self._check_model()
        return self._body(
            {
                "model": model,
                "prompt": prompt,
                "image_url": image_url,
                "duration": duration,
                "aspect_ratio": aspect_ratio,
            }
        )

    def _result(self, created: APIResponse, done: APIResponse, job_id: str, path: str) -> Any:
        url = _video_url(done.data)
        if url is None:
            raise_native(
                malformed_answer(
                    "a completed video job without video.url",
                    status_code=done.status_code,
                    request_id=done.request_id,
                    path=path,
                )
            )
        artifact = self._job_artifact(created, done, job_id, url=url, urls=[url])
        return self._output(f"Video ready ({self.model}): {url}", artifact)

    def _run(
        self,
        prompt: str,
        image_url: str | None = None,
        duration: int | None = None,
        aspect_ratio: str | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> Any:
        path = self._path()
        created = self._send_json(path, self._request(prompt, image_url, duration, aspect_ratio))
        job_id = self._job_id(created, path)
        done = self._wait(path, {"generation_id": job_id}, job_id, run_manager)
        return self._result(created, done, job_id, path)

    async def _arun(
        self,
        prompt: str,
        image_url: str | None = None,
        duration: int | None = None,
        aspect_ratio: str | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> Any:
        path = self._path()
        body = self._request(prompt, image_url, duration, aspect_ratio)
        created = await self._asend_json(path, body)
        job_id = self._job_id(created, path)
        done = await self._await(path, {"generation_id": job_id}, job_id, run_manager)
        return self._result(created, done, job_id, path)
