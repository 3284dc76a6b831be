"""``AIMLAPIImageGenerationTool``: ``/v1/images/generations`` as a LangChain tool.

Why one tool for both families: the agent asks for ``n`` images of ``size``; the body is
written in the schema of the model's family (OpenAI ``n``/``size`` or Flux/fal
``num_images``/``image_size``, :mod:`aiml_integrations._core.images`) and either answer shape
(``data[]`` or ``images[]``) is read back. The LLM sees the URLs; the artifact has every image
(URL or base64), its size and type, the seed, the NSFW flags and the billed cost.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from langchain_core.callbacks import AsyncCallbackManagerForToolRun, CallbackManagerForToolRun
from pydantic import BaseModel, Field

from aiml_integrations._core.answer_errors import malformed_answer
from aiml_integrations._core.images import image_body, image_items
from aiml_integrations._core.transport import APIResponse
from aiml_integrations.langchain._errors import raise_native
from aiml_integrations.langchain._media._base import AIMLAPIMediaTool

__all__ = ["AIMLAPIImageGenerationTool", "ImageGenerationInput", "describe_images"]

_PATH = "/v1/images/generations"


class ImageGenerationInput(BaseModel):
    """Arguments of :class:`AIMLAPIImageGenerationTool`."""

    prompt: str = Field(description="What the image should show, in detail.")
    n: int | None = Field(default=None, ge=1, le=10, description="How many images (default 1).")
    size: str | None = Field(
        default=None,
        description=(
            'Image size as "WIDTHxHEIGHT" (e.g. "1024x1024"), or one of square_hd, square, '
            "portrait_4_3, portrait_16_9, landscape_4_3, landscape_16_9. Default: the model's."
        ),
    )


def describe_images(model: str, items: list[dict[str, Any]], verb: str) -> str:
    """The text an LLM reads: one line per image (its URL, or where its bytes are)."""
    lines = [f"{verb} {len(items)} image{'s' if len(items) != 1 else ''} with {model}:"]
    for index, item in enumerate(items, 1):
        if item.get("url"):
            lines.append(f"{index}. {item['url']}")
        else:
            lines.append(f"{index}. (inline base64 image, in the tool artifact)")
    return "\n".join(lines)


def read_images(response: APIResponse, path: str) -> list[dict[str, Any]]:
    """The images of an answer in either schema; a typed error when there are none."""
    data = response.data
    items = image_items(data) if isinstance(data, dict) else []
    if not items:
        raise_native(
            malformed_answer(
                "no images (neither data[] nor images[])",
                status_code=response.status_code,
                request_id=response.request_id,
                path=path,
            )
        )
    return items


class AIMLAPIImageGenerationTool(AIMLAPIMediaTool):
    """Generate images from a text prompt with an AI/ML API image model.

    Example:
        .. code-block:: python

            from aiml_integrations.langchain import AIMLAPIImageGenerationTool

            tool = AIMLAPIImageGenerationTool(model="flux/schnell")
            tool.invoke({"prompt": "a lighthouse at dawn", "size": "1024x768"})
            # 'Generated 1 image with flux/schnell:\\n1. https://cdn.aimlapi.com/...'

    Called with a ``ToolCall`` (as agents do), the ``ToolMessage.artifact`` holds ``images``
    (``url`` or ``b64_json``, ``width``/``height``/``content_type`` when given), ``urls``,
    ``request_id``, ``credits_used`` and ``usd_spent``.
    """

    name: str = "aimlapi_generate_image"
    description: str = (
        "Generate images from a text description. Input: a detailed prompt, optionally how "
        "many images (n) and a size. Returns the URLs of the generated images."
    )
    args_schema: type[BaseModel] = ImageGenerationInput
    image_format: Literal["url", "b64_json"] | None = None
    """OpenAI-schema models only: ``"b64_json"`` asks for base64 instead of URLs."""

    model_kinds: ClassVar[tuple[str, ...]] = ("image",)

    def _request(self, prompt: str, n: int | None, size: str | None) -> dict[str, Any]:
        model = self._check_model()
        params = {"n": n, "size": size, "response_format": self.image_format}
        return self._body(image_body(model, prompt, params))

    def _result(self, response: APIResponse) -> Any:
        items = read_images(response, _PATH)
        data: dict[str, Any] = response.data
        artifact = self._artifact(
            response,
            images=items,
            urls=[i["url"] for i in items if i.get("url")],
            seed=data.get("seed"),
            has_nsfw_concepts=data.get("has_nsfw_concepts"),
        )
        return self._output(describe_images(self.model, items, "Generated"), artifact)

    def _run(
        self,
        prompt: str,
        n: int | None = None,
        size: str | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> Any:
        return self._result(self._send_json(_PATH, self._request(prompt, n, size)))

    async def _arun(
        self,
        prompt: str,
        n: int | None = None,
        size: str | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> Any:
        return self._result(await self._asend_json(_PATH, self._request(prompt, n, size)))
