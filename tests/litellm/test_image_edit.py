"""``litellm.image_edit`` / ``aimage_edit`` against the mock's multipart ``/v1/images/edits``."""

from __future__ import annotations

import io
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any

import litellm
import pytest

from aiml_integrations.testing import MockAIMLAPI, RecordedRequest, presets

MODEL = "aimlapi/openai/gpt-image-1"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _form(record: RecordedRequest) -> tuple[dict[str, str], list[tuple[str, str | None, bytes]]]:
    """The recorded multipart body as (text fields, files)."""
    content_type = record.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + record.raw
    )
    fields: dict[str, str] = {}
    files: list[tuple[str, str | None, bytes]] = []
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        data = part.get_payload(decode=True)
        assert isinstance(data, bytes)
        if part.get_filename() is None:
            fields[name] = data.decode()
        else:
            files.append((name, part.get_filename(), data))
    return fields, files


async def _edit(mode: str, **kwargs: Any) -> Any:
    if mode == "sync":
        return litellm.image_edit(model=MODEL, **kwargs)
    return await litellm.aimage_edit(model=MODEL, **kwargs)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_image_edit_sends_the_form_and_reads_the_answer(
    mock: MockAIMLAPI, creds: dict[str, Any], mode: str
) -> None:
    response = await _edit(
        mode, image=io.BytesIO(PNG), prompt="add a hat", size="1024x1024", n=2, **creds
    )
    assert len(response.data) == 2
    assert all(item.url.startswith("https://") for item in response.data)
    assert response._hidden_params["aimlapi_request_id"] == mock.requests[-1].request_id
    assert response._hidden_params["response_cost"] == pytest.approx(0.1)  # 2 x 100k credits
    [record] = mock.requests
    assert (record.path, record.status) == ("/v1/images/edits", 200)
    fields, files = _form(record)
    assert fields == {
        "model": "openai/gpt-image-1",
        "prompt": "add a hat",
        "n": "2",
        "size": "1024x1024",
    }
    assert [(name, data) for name, _, data in files] == [("image", PNG)]
    assert creds["api_key"] not in record.raw.decode("latin-1")  # credentials stay in the header


async def test_several_images_a_mask_and_a_path(
    mock: MockAIMLAPI, creds: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "room.png"
    path.write_bytes(PNG + b"room")
    litellm.image_edit(
        model=MODEL,
        image=[path, ("sofa.png", PNG + b"sofa", "image/png")],
        mask=PNG + b"mask",
        prompt="put the sofa in the room",
        response_format="b64_json",
        **creds,
    )
    fields, files = _form(mock.requests[-1])
    assert fields["response_format"] == "b64_json"
    assert files == [
        ("image[]", "room.png", PNG + b"room"),
        ("image[]", "sofa.png", PNG + b"sofa"),
        ("mask", "mask.png", PNG + b"mask"),
    ]


@pytest.mark.parametrize(
    ("fault", "cls"),
    [
        (presets.OUT_OF_CREDITS, litellm.PaymentRequiredError),
        (presets.CONTENT_POLICY, litellm.ContentPolicyViolationError),
        (presets.RATE_LIMITED, litellm.RateLimitError),
    ],
    ids=["credits", "policy", "429"],
)
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_image_edit_errors_are_typed(
    mock: MockAIMLAPI, creds: dict[str, Any], mode: str, fault: Any, cls: type[Exception]
) -> None:
    mock.inject(fault, times=1)
    with pytest.raises(cls) as caught:
        await _edit(mode, image=PNG, prompt="x", **creds)
    assert caught.value.llm_provider == "aimlapi"  # type: ignore[attr-defined]
    assert len(mock.requests) == 1


async def test_an_unknown_model_is_the_mock_s_validation_error(
    mock: MockAIMLAPI, creds: dict[str, Any]
) -> None:
    with pytest.raises(litellm.NotFoundError):
        litellm.image_edit(model="aimlapi/no/such-model", image=PNG, prompt="x", **creds)


async def test_no_image_is_a_typed_error_and_sends_nothing(
    mock: MockAIMLAPI, creds: dict[str, Any]
) -> None:
    with pytest.raises(litellm.BadRequestError, match="at least one image"):
        litellm.image_edit(model=MODEL, image=[], prompt="x", **creds)
    with pytest.raises(litellm.BadRequestError, match="bytes, a file or a path"):
        litellm.image_edit(model=MODEL, image=12, prompt="x", **creds)
    assert mock.requests == []
