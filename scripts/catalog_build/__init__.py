"""The pieces of ``scripts/build_catalog.py``: one reader per source, then the assembly.

``database`` reads the model table, ``specs`` the per-model OpenAPI specs, ``prices`` the
models.dev price files; ``assemble`` groups ids into models and writes each entry. The script
itself only reads the checkouts, renders the document and compares it (``--check``).
Standard library only, like the script.
"""

from __future__ import annotations

from typing import Any

# Same vocabulary as aiml_integrations.catalog (KINDS); tests/catalog pins the two together.
KINDS = (
    "chat",
    "embedding",
    "image",
    "video",
    "speech-to-text",
    "text-to-speech",
    "music",
    "moderation",
    "ocr",
    "3d",
)
DATABASE = "docs/api-references/model-database.md"
SPECS = "docs/api-references"
PRICES = "providers/aimlapi/models"
#: A spec whose ``model`` enum lists more ids than this is a family of variants (Deepgram
#: voices, Nova-2 domains) that the model table lists one by one: its ids stay separate models.
MAX_ALIASES_PER_SPEC = 4


def positive_int(value: Any) -> int | None:
    """A limit the sources state (a positive whole number), else ``None``: never 0 or a bool."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
