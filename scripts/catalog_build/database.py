"""``docs/api-references/model-database.md``: every model id the docs list, by kind.

Why its own module: the table is HTML inside Markdown, with ids joined by connectives and
developers spelt two ways; reading it is independent of the specs and the prices.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_SECTION_KINDS = (
    ("deprecated", None),
    ("text models", "chat"),
    ("image models", "image"),
    ("video models", "video"),
    ("speech-to-text", "speech-to-text"),
    ("text-to-speech", "text-to-speech"),
    ("voice chat", "text-to-speech"),
    ("music", "music"),
    ("optical character recognition", "ocr"),
    ("3d", "3d"),
    ("embedding", "embedding"),
)
_HEADING = re.compile(r"^#{2,4} (.+)$", re.M)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_CELL = re.compile(r"<td>(.*?)</td>", re.S)
_HREF = re.compile(r'href="([^"#]+?\.md)"')
_TAG = re.compile(r"<[^>]+>")
_CONNECTIVES = frozenset({"or", "and", "/", ","})
_BREAK = re.compile(r"<br\s*/?>|</?p>", re.I)


#: The table spells some developers two ways ("Open AI" for text models, "OpenAI" elsewhere).
_DEVELOPER_SPELLINGS = {"Open AI": "OpenAI", "Nvidia": "NVIDIA", "Minimax AI": "MiniMax"}


@dataclass
class Row:
    """One row of the model table: the ids it lists and what the table says about them."""

    ids: list[str]
    section: str
    kind: str | None
    developer: str | None
    context: int | None
    deprecated: bool
    page: str | None


def _text(cell: str) -> str:
    return html.unescape(_TAG.sub("", cell)).strip()


def _developer(text: str) -> str | None:
    return _DEVELOPER_SPELLINGS.get(text, text) or None


def _int(text: str) -> int | None:
    digits = text.replace(",", "").replace("_", "").strip()
    return int(digits) if digits.isdigit() and int(digits) > 0 else None


def _ids(cell: str) -> list[str]:
    """The ids of a first cell, one per line (``<br>`` / ``<p>``).

    Links are not separators: the table splits a long id over two links
    (``<a>meta-llama/Llama-3.2-90B-Vision</a>-<a>Instruct-Turbo</a>``).
    """
    found: list[str] = []
    for part in _BREAK.split(cell):
        for name in _text(part).split():
            if name not in _CONNECTIVES and name not in found:
                found.append(name)
    return found


def _section_kind(heading: str) -> tuple[str | None, bool]:
    lowered = heading.lower()
    for needle, kind in _SECTION_KINDS:
        if needle in lowered:
            return kind, needle == "deprecated"
    return None, False


def parse_model_database(text: str) -> list[Row]:
    """Every table row under a kind heading of ``model-database.md``, in document order."""
    rows: list[Row] = []
    pieces = _HEADING.split(text)
    for heading, body in zip(pieces[1::2], pieces[2::2], strict=True):
        kind, deprecated = _section_kind(heading)
        if kind is None and not deprecated:
            continue
        for raw in _ROW.findall(body):
            cells = _CELL.findall(raw)
            if len(cells) < 3:
                continue
            ids = _ids(cells[0])
            if not ids:
                continue
            page = _HREF.search(cells[0])
            rows.append(
                Row(
                    ids=ids,
                    section=_text(heading).strip(),
                    kind=kind,
                    developer=_developer(_text(cells[1])),
                    context=_int(_text(cells[2])),
                    deprecated=deprecated,
                    page=page.group(1) if page else None,
                )
            )
    return rows
