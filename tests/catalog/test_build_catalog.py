"""The catalog generator's parsers, on a fixture of real (trimmed) excerpts of AI/ML API's docs.

``fixtures/api-docs`` holds rows of ``model-database.md`` (text, image, video, TTS, embedding
and deprecated tables, including a deprecated id split over two links and an ``x or y`` row)
and OpenAPI specs of OpenAI-shaped, Anthropic-shaped, embedding, video and Deepgram voice
pages; ``fixtures/models.dev-aimlapi`` two price files. The generator must run on them,
deterministically, and read each shape the way the module docstring says.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DOCS, PRICES = FIXTURES / "api-docs", FIXTURES / "models.dev-aimlapi"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_catalog", ROOT / "scripts/build_catalog.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_catalog"] = module
    spec.loader.exec_module(module)
    return module


build = _load()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("catalog") / "models.json"
    assert build.main(["--docs", str(DOCS), "--prices", str(PRICES), "--out", str(out)]) == 0
    doc: dict[str, Any] = json.loads(out.read_text("utf-8"))
    doc["_path"] = str(out)
    return doc


def _model(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(m for m in doc["models"] if name == m["id"] or name in m["aliases"])


def test_same_inputs_same_bytes(generated: dict[str, Any]) -> None:
    first = Path(generated["_path"]).read_text("utf-8")
    again = build.render(DOCS, PRICES, None, None)
    assert again == first
    assert build.main(["--docs", str(DOCS), "--prices", str(PRICES), "--out",
                       generated["_path"], "--check"]) == 0  # fmt: skip
    ids = [m["id"] for m in generated["models"]]
    assert ids == sorted(ids)


def test_check_fails_when_the_output_is_stale(tmp_path: Path) -> None:
    stale = tmp_path / "models.json"
    stale.write_text("{}\n", "utf-8")
    args = ["--docs", str(DOCS), "--prices", str(PRICES), "--out", str(stale), "--check"]
    assert build.main(args) == 1


def test_source_commits_are_recorded(generated: dict[str, Any]) -> None:
    assert generated["sources"]["aimlapi/api-docs"] == "f14fa72fbcea53f909372ad0975b079f4587c70b"
    assert generated["sources"]["aimlapi/models.dev-aimlapi"] == [
        "40641551357fd6effa5f082d54711c775361e4a8"
    ]
    assert generated["snapshot"] == "2026-08-21"
    assert all(
        m["source"].startswith("docs/api-references/model-database.md") for m in generated["models"]
    )


def test_table_rows_ids_developer_context() -> None:
    rows = build.parse_model_database((DOCS / build.DATABASE).read_text("utf-8"))
    by_id = {i: r for r in rows for i in r.ids}
    sonnet = by_id["anthropic/claude-sonnet-4.5"]  # three ids in <p> paragraphs: one row
    assert set(sonnet.ids) == {
        "claude-sonnet-4-5-20250929",
        "anthropic/claude-sonnet-4.5",
        "claude-sonnet-4-5",
    }
    assert (sonnet.kind, sonnet.developer, sonnet.context) == ("chat", "Anthropic", 200000)
    assert by_id["gpt-4o-mini"].developer == "OpenAI"  # "Open AI" in the text table
    assert by_id["flux/schnell"].kind == "image" and by_id["flux/schnell"].context is None
    # a deprecated id split over two links is one id; "x or y" lists two ids
    assert "meta-llama/Llama-3.2-90B-Vision-Instruct-Turbo" in by_id
    assert by_id["google/gemini-pro"].ids == ["google/gemini-pro", "gemini-pro"]
    assert all(r.deprecated for r in rows if r.kind is None)


def _spec(path: str) -> list[Any]:
    file = DOCS / build.SPECS / path
    return list(build.parse_spec(json.loads(file.read_text("utf-8")), path))


def test_openai_shaped_spec() -> None:
    [spec] = _spec("text-models-llm/OpenAI/gpt-4o.json")
    assert spec.ids == ["openai/gpt-4o", "gpt-4o", "gpt-4o-2024-08-06", "gpt-4o-2024-05-13"]
    assert (spec.kind, spec.type) == ("chat", "openai/chat-completions")
    assert spec.roles == ["assistant", "developer", "system", "tool", "user"]
    assert spec.vision is True and spec.structured_output is True
    assert {"tools", "tool_choice", "parallel_tool_calls", "stream"} <= set(spec.params)
    caps = build.chat_capabilities(spec)
    assert caps == {
        "tools": True, "parallel_tool_calls": True, "structured_output": True,
        "reasoning": False, "streaming": True, "system_role": True, "vision": True,
    }  # fmt: skip
    [o3] = _spec("text-models-llm/OpenAI/o3-mini.json")
    assert build.chat_capabilities(o3)["reasoning"] is True  # reasoning_effort is listed


def test_anthropic_shaped_spec_leaves_openai_only_flags_unknown() -> None:
    [spec] = _spec("text-models-llm/Anthropic/claude-sonnet-4-5.json")
    assert spec.roles == ["assistant", "user"] and "system" in spec.params
    caps = build.chat_capabilities(spec)
    assert caps["system_role"] is True  # a top-level system prompt
    assert caps["vision"] is True  # "image" content parts
    assert caps["tools"] is True and caps["reasoning"] is True  # tools, thinking
    assert "structured_output" not in caps and "parallel_tool_calls" not in caps


def test_media_specs() -> None:
    [embedding] = _spec("embedding-models/OpenAI/text-embedding-3-small.json")
    assert (embedding.kind, embedding.type) == ("embedding", "openai/embeddings")
    [video] = _spec("video-models/Kling-AI/v1.6-pro-image-to-video.json")
    assert (video.kind, video.type) == ("video", "internal/video-generations/submit")
    [voices] = _spec("speech-voice-models/tts/Deepgram/aura.json")
    assert voices.kind == "text-to-speech" and len(voices.ids) > build.MAX_ALIASES_PER_SPEC


def test_grouping_aliases_and_families(generated: dict[str, Any]) -> None:
    gpt = _model(generated, "gpt-4o-2024-08-06")  # dated rows join their spec's enum
    assert gpt["id"] == "openai/gpt-4o"
    assert gpt["aliases"] == ["gpt-4o", "gpt-4o-2024-05-13", "gpt-4o-2024-08-06"]
    # a voice family spec does not make the voices aliases of each other
    assert _model(generated, "#g1_aura-angus-en")["aliases"] == []
    assert _model(generated, "#g1_aura-arcas-en")["id"] == "#g1_aura-arcas-en"


def test_prices_and_unknowns(generated: dict[str, Any]) -> None:
    o3 = _model(generated, "o3-mini")  # openai/o3-mini.toml, matched by its file name
    assert o3["pricing"]["units"][0] == {
        "name": "token",
        "measure": "input",
        "price": 1.43,
        "per": 1000000,
    }
    assert "providers/aimlapi/models/openai/o3-mini.toml" in o3["source"]
    gpt = _model(generated, "gpt-4o")
    assert gpt["pricing"] is None and gpt["max_output"] is None  # not stated: null, not 0
    assert _model(generated, "flux/schnell")["capabilities"] == {}


def test_deprecated_ids_are_kept_and_marked(generated: dict[str, Any]) -> None:
    o1 = _model(generated, "o1-mini")
    assert o1["deprecated"] is True and o1["kind"] == "chat" and o1["context_length"] == 128000
    assert o1["replacement"] is None  # the docs name none
    assert not _model(generated, "gpt-4o-mini")["deprecated"]
    assert generated["counts"]["deprecated"] == sum(m["deprecated"] for m in generated["models"])


def test_price_file_parser() -> None:
    text = (PRICES / build.PRICES / "anthropic/claude-sonnet-4.5.toml").read_text("utf-8")
    price = build.parse_price(text, "anthropic/claude-sonnet-4.5.toml")
    assert (price.input, price.output, price.context) == (4.1262, 20.631, None)
    zero = build.parse_price("[cost]\ninput = 0\noutput = 2\n", "x.toml")
    assert zero.input is None and build.pricing_block(zero) is None  # a 0 is not a price


def test_generator_writes_the_kinds_the_package_reads() -> None:
    """The generator is a standalone stdlib script, so it keeps its own copy of the kind
    vocabulary; this pins it to the package's, so the data can never hold a kind the catalog,
    the CLI filters and the mock do not know."""
    from aiml_integrations.catalog import KINDS

    assert tuple(build.KINDS) == tuple(KINDS)
