"""``AIMLAPIImageEditTool``: ``/v1/images/edits`` (a multipart upload) as a LangChain tool.

Why files come from ``file_root`` only: the edit route takes the image itself, so the tool
reads a local file and uploads it to AI/ML API. An agent can be talked into naming any file,
so paths are resolved inside ``file_root`` and refused outside it (or when it is unset);
programs that already hold the bytes call :meth:`AIMLAPIImageEditTool.edit` directly.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from langchain_core.callbacks import AsyncCallbackManagerForToolRun, CallbackManagerForToolRun
from pydantic import BaseModel, Field

from aiml_integrations._core.transport import APIResponse
from aiml_integrations.langchain._media._base import AIMLAPIMediaTool, file_under_root
from aiml_integrations.langchain._media._http import FilePart, Form
from aiml_integrations.langchain._media._image import describe_images, read_images

__all__ = ["AIMLAPIImageEditTool", "ImageEditInput"]

_PATH = "/v1/images/edits"


class ImageEditInput(BaseModel):
    """Arguments of :class:`AIMLAPIImageEditTool`."""

    prompt: str = Field(description="How to change the image(s).")
    image_paths: list[str] = Field(
        min_length=1, max_length=16, description="Local image files to edit (png, jpg, webp)."
    )
    mask_path: str | None = Field(
        default=None, description="Optional PNG mask: transparent where the image may change."
    )
    n: int | None = Field(default=None, ge=1, le=10, description="How many results (default 1).")
    size: str | None = Field(default=None, description='Output size, e.g. "1024x1024".')


def _part(field: str, path: Path) -> FilePart:
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FilePart(field, path.name, path.read_bytes(), content_type)


class AIMLAPIImageEditTool(AIMLAPIMediaTool):
    """Edit images with an AI/ML API image model (``openai/gpt-image-1`` and others).

    Example:
        .. code-block:: python

            from aiml_integrations.langchain import AIMLAPIImageEditTool

            tool = AIMLAPIImageEditTool(model="openai/gpt-image-1", file_root="./images")
            tool.invoke({"prompt": "make it night", "image_paths": ["street.png"]})
            # or, with bytes in hand: tool.edit("make it night", [("street.png", data)])

    The artifact is the same as :class:`AIMLAPIImageGenerationTool`'s.
    """

    name: str = "aimlapi_edit_image"
    description: str = (
        "Edit existing images according to an instruction. Input: the instruction and the "
        "paths of the images (and optionally a mask). Returns the URLs of the edited images."
    )
    args_schema: type[BaseModel] = ImageEditInput
    file_root: str | None = None
    """Directory that ``image_paths`` / ``mask_path`` may read from; ``None`` refuses paths."""

    model_kinds: ClassVar[tuple[str, ...]] = ("image",)

    def _form(
        self,
        prompt: str,
        images: Sequence[FilePart],
        mask: FilePart | None,
        n: int | None,
        size: str | None,
    ) -> Form:
        fields = {"model": self._check_model(), "prompt": prompt}
        if n is not None:
            fields["n"] = str(n)
        if size is not None:
            fields["size"] = size
        fields.update({k: str(v) for k, v in self.model_kwargs.items()})
        field = "image" if len(images) == 1 else "image[]"
        parts = [FilePart(field, p.filename, p.data, p.content_type) for p in images]
        if mask is not None:
            parts.append(FilePart("mask", mask.filename, mask.data, mask.content_type))
        return Form(fields, parts)

    def _from_paths(
        self,
        prompt: str,
        image_paths: list[str],
        mask_path: str | None,
        n: int | None,
        size: str | None,
    ) -> Form:
        images = [_part("image", file_under_root(self.file_root, p)) for p in image_paths]
        mask = _part("mask", file_under_root(self.file_root, mask_path)) if mask_path else None
        return self._form(prompt, images, mask, n, size)

    def _result(self, response: APIResponse) -> Any:
        items = read_images(response, _PATH)
        urls = [i["url"] for i in items if i.get("url")]
        artifact = self._artifact(response, images=items, urls=urls)
        return self._output(describe_images(self.model, items, "Edited into"), artifact)

    def edit(
        self,
        prompt: str,
        images: Sequence[tuple[str, bytes]],
        *,
        mask: tuple[str, bytes] | None = None,
        n: int | None = None,
        size: str | None = None,
    ) -> Any:
        """Edit images given as ``(filename, bytes)`` (no ``file_root`` needed)."""

        def part(field: str, item: tuple[str, bytes]) -> FilePart:
            kind = mimetypes.guess_type(item[0])[0] or "application/octet-stream"
            return FilePart(field, item[0], item[1], kind)

        form = self._form(
            prompt,
            [part("image", i) for i in images],
            part("mask", mask) if mask else None,
            n,
            size,
        )
        return self._result(self._send_json(_PATH, form))

    def _run(
        self,
        prompt: str,
        image_paths: list[str],
        mask_path: str | None = None,
        n: int | None = None,
        size: str | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> Any:
        form = self._from_paths(prompt, image_paths, mask_path, n, size)
        return self._result(self._send_json(_PATH, form))

    async def _arun(
        self,
        prompt: str,
        image_paths: list[str],
        mask_path: str | None = None,
        n: int | None = None,
        size: str | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> Any:
        form = self._from_paths(prompt, image_paths, mask_path, n, size)
        return self._result(await self._asend_json(_PATH, form))
