"""``AIMLAPIEmbeddings`` asks for base64 vectors, reads floats too, and keeps its batching.

Checked on the wire (``mock.requests``: what was asked, how often) and against the mock's own
float answers: the vectors a caller gets are the same whichever format travelled, up to the
float32 rounding base64 implies.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from langchain_core.exceptions import ModelAPIError

from aiml_integrations._core.embedding_codec import encode_vector
from aiml_integrations.testing import Fault, MockAIMLAPI

from ._support import make_embeddings

TEXTS = [f"document number {i}" for i in range(5)]


def _close(a: list[list[float]], b: list[list[float]]) -> bool:
    if len(a) != len(b) or any(len(x) != len(y) for x, y in zip(a, b, strict=True)):
        return False
    return all(
        math.isclose(p, q, abs_tol=1e-6)
        for x, y in zip(a, b, strict=True)
        for p, q in zip(x, y, strict=True)
    )


def _embedding_requests(mock: MockAIMLAPI) -> list[Any]:
    return [r.json for r in mock.requests_for(path="/v1/embeddings")]


def test_base64_by_default_with_chunk_size_and_dimensions(aimlapi_mock: MockAIMLAPI) -> None:
    embeddings = make_embeddings(aimlapi_mock, chunk_size=2, dimensions=16)
    vectors = embeddings.embed_documents(TEXTS)
    sent = _embedding_requests(aimlapi_mock)
    assert [r["input"] for r in sent] == [TEXTS[0:2], TEXTS[2:4], TEXTS[4:5]]
    assert all(r["encoding_format"] == "base64" and r["dimensions"] == 16 for r in sent)
    assert len(vectors) == 5 and all(len(v) == 16 for v in vectors)
    assert all(isinstance(x, float) for v in vectors for x in v)

    aimlapi_mock.clear_requests()
    as_floats = make_embeddings(
        aimlapi_mock, chunk_size=2, dimensions=16, model_kwargs={"encoding_format": "float"}
    ).embed_documents(TEXTS)
    assert [r["encoding_format"] for r in _embedding_requests(aimlapi_mock)] == ["float"] * 3
    assert _close(vectors, as_floats)
    assert vectors != as_floats  # float32 rounding: base64 really travelled


async def test_async_base64_matches_sync(aimlapi_mock: MockAIMLAPI) -> None:
    embeddings = make_embeddings(aimlapi_mock, chunk_size=3)
    async_vectors = await embeddings.aembed_documents(TEXTS)
    assert async_vectors == embeddings.embed_documents(TEXTS)
    assert [r["encoding_format"] for r in _embedding_requests(aimlapi_mock)] == ["base64"] * 4
    assert await embeddings.aembed_query(TEXTS[0]) == async_vectors[0]


def _answer(*embeddings: Any) -> dict[str, Any]:
    return {
        "object": "list",
        "model": "text-embedding-3-small",
        "data": [
            {"object": "embedding", "index": i, "embedding": e} for i, e in enumerate(embeddings)
        ],
        "usage": {"prompt_tokens": 2, "total_tokens": 2},
    }


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_floats_answered_to_a_base64_request_are_read(
    aimlapi_mock: MockAIMLAPI, mode: str
) -> None:
    """Some models ignore ``encoding_format``; floats (or a mix) are read transparently."""
    body = _answer([0.5, -0.25, 1.0], encode_vector([0.125, 2.0, -1.5]))
    aimlapi_mock.inject(Fault(status=200, body=body, name="floats"), times=1)
    embeddings = make_embeddings(aimlapi_mock, max_retries=0)
    texts = ["a", "b"]
    vectors = (
        embeddings.embed_documents(texts)
        if mode == "sync"
        else await embeddings.aembed_documents(texts)
    )
    assert vectors == [[0.5, -0.25, 1.0], [0.125, 2.0, -1.5]]
    (request,) = _embedding_requests(aimlapi_mock)
    assert request["encoding_format"] == "base64"


@pytest.mark.parametrize("embedding", ["not base64!", "AAAA" + "A", [1.0, "x"], {"v": 1}], ids=repr)
def test_unreadable_vector_is_a_typed_error_not_retried(
    aimlapi_mock: MockAIMLAPI, embedding: Any
) -> None:
    aimlapi_mock.inject(Fault(status=200, body=_answer(embedding), name="bad"), times=1)
    with pytest.raises(ModelAPIError) as caught:
        make_embeddings(aimlapi_mock, max_retries=0).embed_documents(["a"])
    assert "cannot read" in str(caught.value)
    assert len(aimlapi_mock.requests) == 1
