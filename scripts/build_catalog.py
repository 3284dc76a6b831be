#!/usr/bin/env python3
"""Build ``aiml_integrations/data/models.json`` from AI/ML API's public documentation.

Why a generator: AI/ML API serves hundreds of models and adds some every week; a hand-kept
list falls behind and guesses. This script reads local checkouts of

* ``aimlapi/api-docs`` (``--docs``): ``docs/api-references/model-database.md`` — every model id
  with its developer and (text models) context length, grouped by kind, plus the deprecated
  table — and each model's OpenAPI spec ``docs/api-references/**/*.json``, whose ``model``
  enum lists the ids the API accepts (the aliases), whose ``messages`` schema lists the roles,
  and whose properties are the request parameters;
* ``aimlapi/models.dev-aimlapi`` (``--prices``): ``providers/aimlapi/models/**/*.toml``, AI/ML
  API's own per-token prices (USD per 1M tokens) and, where the docs give none, limits;

and writes the catalog deterministically (sorted, stable, same bytes for the same inputs).
A value the sources do not state is ``null``: never a guess, never a zero.

Source commits: ``--docs-commit`` / ``--prices-commit``, else a ``COMMIT`` file at the root
of the checkout (``<sha> <ISO date>``), else ``COMMITS.tsv`` (``<sha>\\t<path>`` per price
file, for a copy assembled file by file), else ``git rev-parse HEAD``.

Usage::

    python scripts/build_catalog.py --docs ../api-docs --prices ../models.dev-aimlapi
    python scripts/build_catalog.py --docs ... --prices ... --check   # exit 1 if out of date

Standard library only.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib

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
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "aiml_integrations" / "data" / "models.json"
DATABASE = "docs/api-references/model-database.md"
SPECS = "docs/api-references"
PRICES = "providers/aimlapi/models"
#: A spec whose ``model`` enum lists more ids than this is a family of variants (Deepgram
#: voices, Nova-2 domains) that the model table lists one by one: its ids stay separate models.
MAX_ALIASES_PER_SPEC = 4

# -- model-database.md ------------------------------------------------------------------------

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


# -- OpenAPI specs ------------------------------------------------------------------------------

_ENDPOINTS = (
    # (path suffix, kind, /v1/models type)
    ("/chat/completions", "chat", "openai/chat-completions"),
    ("/responses", "chat", "openai/responses"),
    ("/messages", "chat", "anthropic/messages"),
    ("/embeddings", "embedding", "openai/embeddings"),
    ("/images/generations", "image", "openai/image-generations"),
    ("/images/generations/with-url", "image", "openai/image-generations"),
    ("/images/edits", "image", "openai/image-edits"),
    ("/video/generations", "video", "internal/video-generations/submit"),
    ("/generation", "video", "internal/video-generations/submit"),
    ("/tts", "text-to-speech", None),
    ("/stt/create", "speech-to-text", None),
    ("/stt", "speech-to-text", None),
    ("/generate/audio", "music", None),
    ("/generate", "music", None),
    ("/ocr", "ocr", None),
)
_DIR_KINDS = {"moderation-safety-models": "moderation", "3d-generating-models": "3d"}
_SYSTEM_ROLES = ("system", "developer")
_TEXT_KINDS = ("chat", "moderation", "embedding")


@dataclass
class Spec:
    """What one OpenAPI operation says about the models in its ``model`` enum."""

    file: str
    path: str
    kind: str
    type: str | None
    ids: list[str]
    params: list[str]
    roles: list[str] | None
    vision: bool | None
    structured_output: bool
    dimensions: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _request_schema(operation: Mapping[str, Any]) -> Mapping[str, Any]:
    content = (operation.get("requestBody") or {}).get("content") or {}
    for media in ("application/json", "multipart/form-data"):
        schema = (content.get(media) or {}).get("schema")
        if isinstance(schema, Mapping):
            return schema
    return {}


def _alternatives(schema: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    for key in ("oneOf", "anyOf"):
        if isinstance(schema.get(key), list):
            return [s for s in schema[key] if isinstance(s, Mapping)]
    return [schema]


def _enum(schema: Mapping[str, Any]) -> list[str]:
    if isinstance(schema.get("enum"), list):
        return [str(v) for v in schema["enum"]]
    if "const" in schema:
        return [str(schema["const"])]
    return []


def message_roles(messages: Mapping[str, Any]) -> list[str] | None:
    """The roles a ``messages`` array schema enumerates, or ``None`` when it does not say."""
    items = messages.get("items")
    if not isinstance(items, Mapping):
        return None
    roles: list[str] = []
    for alt in _alternatives(items):
        role = (alt.get("properties") or {}).get("role")
        if not isinstance(role, Mapping):
            return None
        values = _enum(role)
        if not values:
            return None
        roles.extend(v for v in values if v not in roles)
    return sorted(roles) or None


def _user_content_types(messages: Mapping[str, Any]) -> set[str] | None:
    items = messages.get("items")
    if not isinstance(items, Mapping):
        return None
    kinds: set[str] = set()
    for alt in _alternatives(items):
        props = alt.get("properties") or {}
        if "user" not in _enum(props.get("role") or {}):
            continue
        for content in _alternatives(props.get("content") or {}):
            parts = content.get("items")
            if content.get("type") != "array" or not isinstance(parts, Mapping):
                continue
            for part in _alternatives(parts):
                kinds.update(_enum((part.get("properties") or {}).get("type") or {}))
    return kinds


def _endpoint(path: str) -> tuple[str, str | None] | None:
    for suffix, kind, type_ in _ENDPOINTS:
        if path.endswith(suffix):
            return kind, type_
    return None


def parse_spec(document: Mapping[str, Any], file: str) -> list[Spec]:
    """One :class:`Spec` per operation with a ``model`` enum (``GET`` status polls have none)."""
    found: list[Spec] = []
    top = file.split("/", 1)[0]
    for path, operations in sorted((document.get("paths") or {}).items()):
        if not isinstance(operations, Mapping):
            continue
        for method in sorted(operations):
            operation = operations[method]
            schema = _request_schema(operation) if isinstance(operation, Mapping) else {}
            props = schema.get("properties") or {}
            ids = _enum(props.get("model") or {})
            endpoint = _endpoint(path)
            if not ids or endpoint is None:
                continue
            kind, type_ = endpoint
            kind = _DIR_KINDS.get(top, kind)
            messages = props.get("messages")
            roles = message_roles(messages) if isinstance(messages, Mapping) else None
            parts = _user_content_types(messages) if isinstance(messages, Mapping) else None
            response_format = props.get("response_format")
            dims = props.get("dimensions")
            found.append(
                Spec(
                    file=file,
                    path=path,
                    kind=kind,
                    type=type_,
                    ids=ids,
                    params=sorted(k for k in props if k not in ("model", "messages")),
                    roles=roles,
                    vision=None if parts is None else bool({"image_url", "image"} & parts),
                    structured_output="json_schema" in json.dumps(response_format)
                    if response_format is not None
                    else False,
                    dimensions=_positive(dims.get("default"))
                    if isinstance(dims, Mapping)
                    else None,
                )
            )
    return found


def _positive(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def anthropic_shaped(spec: Spec) -> bool:
    """A spec written in Anthropic's Messages vocabulary (top-level ``system``,
    ``stop_sequences``): it does not say which OpenAI-only parameters the gateway maps."""
    return bool({"system", "stop_sequences"} & set(spec.params))


def chat_roles(spec: Spec | None) -> list[str] | None:
    """The message roles ``/v1/chat/completions`` takes for the model, ``None`` when unknown.

    An Anthropic-shaped spec carries the system prompt as a top-level ``system`` field; on the
    OpenAI-compatible route the gateway takes it as a ``system`` message, so that role is added
    (the same reading that makes ``system_role`` true for these models).
    """
    if spec is None or spec.roles is None:
        return None
    if anthropic_shaped(spec) and "system" not in spec.roles:
        return sorted([*spec.roles, "system"])
    return spec.roles


def chat_capabilities(spec: Spec) -> dict[str, bool]:
    """Capability flags a chat spec states: a parameter it does not list is not accepted.

    For an Anthropic-shaped spec only what its own vocabulary can say is stated (tools,
    ``thinking``, a system prompt, image parts); structured output and parallel tool calls
    stay unknown rather than being read as "no".
    """
    params = set(spec.params)
    anthropic = anthropic_shaped(spec)
    caps = {
        "tools": "tools" in params,
        "reasoning": bool(params & {"reasoning_effort", "reasoning", "thinking"}),
        "streaming": "stream" in params,
    }
    if not anthropic:
        caps["parallel_tool_calls"] = "parallel_tool_calls" in params
        caps["structured_output"] = spec.structured_output
    if anthropic:
        caps["system_role"] = True
    elif spec.roles is not None:
        caps["system_role"] = any(r in spec.roles for r in _SYSTEM_ROLES)
    if spec.vision is not None:
        caps["vision"] = spec.vision
    return caps


# -- models.dev prices --------------------------------------------------------------------------


@dataclass
class Price:
    file: str
    input: float | None
    output: float | None
    context: int | None
    max_output: int | None


def parse_price(text: str, file: str) -> Price:
    """``[cost] input/output`` (USD per 1M tokens) and ``[limit] context/output``."""
    data = tomllib.loads(text)
    cost = data.get("cost") or {}
    limit = data.get("limit") or {}

    def rate(value: Any) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            return None
        return float(value)

    return Price(
        file=file,
        input=rate(cost.get("input")),
        output=rate(cost.get("output")),
        context=_positive(limit.get("context")),
        max_output=_positive(limit.get("output")),
    )


def pricing_block(price: Price) -> dict[str, Any] | None:
    """The ``/v1/models`` pricing shape the catalog keeps (``None`` without both rates)."""
    if price.input is None or price.output is None:
        return None
    return {
        "kind": "fixed",
        "currency": "USD",
        "units": [
            {"name": "token", "measure": "input", "price": price.input, "per": 1_000_000},
            {"name": "token", "measure": "output", "price": price.output, "per": 1_000_000},
        ],
    }


# -- grouping and assembly ----------------------------------------------------------------------


class _Groups:
    """Union-find over model ids: ids listed together (one row, one spec) are one model."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, name: str) -> str:
        self.parent.setdefault(name, name)
        while self.parent[name] != name:
            self.parent[name] = self.parent[self.parent[name]]
            name = self.parent[name]
        return name

    def union(self, names: Iterable[str]) -> None:
        names = list(names)
        if names:
            self.find(names[0])
        for other in names[1:]:
            a, b = self.find(names[0]), self.find(other)
            if a != b:
                self.parent[max(a, b)] = min(a, b)

    def groups(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for name in self.parent:
            out.setdefault(self.find(name), []).append(name)
        return out


def _canonical(names: list[str], rows: list[Row], specs: list[Spec]) -> str:
    """The spec enum's first id (the vendor-prefixed one the docs lead with), else the row's."""
    for spec in specs:
        for name in spec.ids:
            if name in names:
                return name
    for row in rows:
        for name in row.ids:
            if name in names:
                return name
    return sorted(names)[0]


def _price_for(names: list[str], prices: Mapping[str, Price]) -> Price | None:
    """The price file named like one of the model's ids; else one whose name without the
    vendor folder is unique and equals an id without its prefix (``openai/o3-mini.toml`` is
    ``o3-mini``)."""
    for name in names:
        if name in prices:
            return prices[name]
    tails: dict[str, list[str]] = {}
    for key in prices:
        tails.setdefault(key.rsplit("/", 1)[-1], []).append(key)
    for name in names:
        keys = tails.get(name.rsplit("/", 1)[-1], [])
        if len(keys) == 1:
            return prices[keys[0]]
    return None


def _prefer(specs: list[Spec]) -> Spec | None:
    """The spec that describes the model best: chat completions over responses/messages."""
    order = [t for _, _, t in _ENDPOINTS]
    return min(specs, key=lambda s: (order.index(s.type) if s.type in order else 99, s.file))


def build(rows: list[Row], specs: list[Spec], prices: Mapping[str, Price]) -> list[dict[str, Any]]:
    """The catalog's models, sorted by id."""
    current_ids = {i for r in rows if not r.deprecated for i in r.ids}
    deprecated_ids = {i for r in rows if r.deprecated for i in r.ids} - current_ids
    rows = [r for r in rows if not r.deprecated or set(r.ids) <= deprecated_ids]
    groups = _Groups()
    for row in rows:
        groups.union(row.ids)
    for spec in specs:
        listed = [i for i in spec.ids if i not in deprecated_ids]
        rowed = [i for i in listed if i in current_ids]
        # Dated snapshots of one text model are aliases; media variants the table lists on
        # rows of their own (Kling standard / pro) are separate models sharing a spec.
        if len(listed) <= MAX_ALIASES_PER_SPEC and (spec.kind in _TEXT_KINDS or len(rowed) <= 1):
            groups.union(listed)
        else:
            for name in listed:
                groups.find(name)
    by_id: dict[str, list[Spec]] = {}
    for spec in specs:
        for name in spec.ids:
            by_id.setdefault(name, []).append(spec)
    models: list[dict[str, Any]] = []
    for names in groups.groups().values():
        own_rows = [r for r in rows if set(r.ids) & set(names)]
        own_specs: list[Spec] = []
        for name in names:
            for spec in by_id.get(name, ()):
                if spec not in own_specs:
                    own_specs.append(spec)
        model = _model(names, own_rows, own_specs, prices, deprecated_ids)
        if model is not None:
            models.append(model)
    models.sort(key=lambda m: m["id"])
    return models


def _model(
    names: list[str],
    rows: list[Row],
    specs: list[Spec],
    prices: Mapping[str, Price],
    deprecated_ids: set[str],
) -> dict[str, Any] | None:
    deprecated = bool(set(names) & deprecated_ids)
    if not rows:
        # Only in a spec file (a backup or test copy of a page): the model table, which
        # lists every current and deprecated id, does not know it.
        return None
    if deprecated and not any(r.deprecated for r in rows):
        return None
    canonical = _canonical(names, rows, specs)
    spec = _prefer(specs) if specs else None
    kind = spec.kind if spec is not None else next((r.kind for r in rows if r.kind), None)
    if kind is None:
        # A deprecated id without a spec: the table gives only its context length.
        kind = "chat" if any(r.context for r in rows) else None
    if kind is None:
        return None
    row = rows[0] if rows else None
    price = _price_for([canonical, *sorted(names)], prices)
    context = next((r.context for r in rows if r.context), None)
    sources = [f"{DATABASE} ({row.section})"] if row else []
    sources += sorted({f"docs/api-references/{s.file}" for s in specs})
    max_output = None
    if price is not None:
        if context is None and price.context is not None:
            context = price.context
        max_output = price.max_output
    pricing = pricing_block(price) if price is not None else None
    if price is not None and (pricing is not None or price.max_output or price.context):
        sources.append(f"{PRICES}/{price.file}")
    caps = chat_capabilities(spec) if spec is not None and kind in _TEXT_KINDS[:2] else {}
    aliases = sorted(n for n in names if n != canonical)
    return {
        "id": canonical,
        "aliases": aliases,
        "kind": kind,
        "type": spec.type if spec is not None else None,
        "developer": row.developer if row else None,
        "context_length": context if kind in _TEXT_KINDS else None,
        "max_output": max_output,
        "dimensions": spec.dimensions if spec is not None else None,
        "capabilities": dict(sorted(caps.items())),
        "roles": chat_roles(spec),
        "params": spec.params if spec is not None else None,
        "pricing": pricing,
        "deprecated": deprecated,
        "replacement": None,
        "source": "; ".join(sources),
    }


# -- reading the checkouts ----------------------------------------------------------------------


def load_specs(docs: Path) -> list[Spec]:
    root = docs / SPECS
    specs: list[Spec] = []
    for path in sorted(root.rglob("*.json")):
        try:
            document = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            print(f"build_catalog: skipping {path}: {exc}", file=sys.stderr)
            continue
        if isinstance(document, Mapping):
            specs.extend(parse_spec(document, path.relative_to(root).as_posix()))
    return specs


def load_prices(prices: Path) -> dict[str, Price]:
    """``{model id: Price}``; the id is the file's path under ``models/`` without ``.toml``."""
    root = prices / PRICES
    found: dict[str, Price] = {}
    for path in sorted(root.rglob("*.toml")):
        rel = path.relative_to(root).as_posix()
        found[rel.removesuffix(".toml")] = parse_price(path.read_text("utf-8"), rel)
    return found


def _commit(checkout: Path, given: str | None) -> tuple[str | None, str | None, list[str]]:
    """``(sha, date, per-file shas)`` from the flag, COMMIT / COMMITS.tsv, or git."""
    if given:
        return given, None, []
    marker = checkout / "COMMIT"
    if marker.is_file():
        sha, _, date = marker.read_text("utf-8").strip().partition(" ")
        return sha, date.strip() or None, []
    listing = checkout / "COMMITS.tsv"
    if listing.is_file():
        shas = sorted({line.split("\t", 1)[0] for line in listing.read_text("utf-8").splitlines()})
        return None, None, [s for s in shas if s]
    try:
        out = subprocess.run(
            ["git", "-C", str(checkout), "log", "-1", "--format=%H %cI"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None, None, []
    sha, _, date = out.partition(" ")
    return sha or None, date or None, []


def render(docs: Path, prices: Path, docs_commit: str | None, prices_commit: str | None) -> str:
    rows = parse_model_database((docs / DATABASE).read_text("utf-8"))
    models = build(rows, load_specs(docs), load_prices(prices))
    docs_sha, docs_date, _ = _commit(docs, docs_commit)
    prices_sha, _, price_shas = _commit(prices, prices_commit)
    counts = {k: sum(1 for m in models if m["kind"] == k and not m["deprecated"]) for k in KINDS}
    document = {
        "schema": 2,
        "snapshot": (docs_date or "")[:10] or None,
        "source": (
            "AI/ML API public documentation (aimlapi/api-docs: model-database.md and the "
            "per-model OpenAPI specs) and AI/ML API's models.dev provider data for prices; "
            "per-model 'source' says which; null means unknown, not zero. Generated by "
            "scripts/build_catalog.py"
        ),
        "sources": {
            "aimlapi/api-docs": docs_sha,
            "aimlapi/models.dev-aimlapi": prices_sha or price_shas,
        },
        "counts": {
            **counts,
            "deprecated": sum(1 for m in models if m["deprecated"]),
            "names": sum(1 + len(m["aliases"]) for m in models),
        },
        "models": models,
    }
    return dump(document)


def dump(document: Mapping[str, Any]) -> str:
    """The document with one model per line: small to load, and a diff shows which changed."""
    head = {k: v for k, v in document.items() if k != "models"}
    text = json.dumps(head, indent=1, ensure_ascii=False)[:-2]
    lines = [json.dumps(m, ensure_ascii=False, separators=(",", ":")) for m in document["models"]]
    return text + ',\n "models": [\n' + ",\n".join(lines) + "\n ]\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=Path, required=True, help="checkout of aimlapi/api-docs")
    parser.add_argument("--prices", type=Path, required=True, help="aimlapi/models.dev-aimlapi")
    parser.add_argument("--docs-commit", default=None)
    parser.add_argument("--prices-commit", default=None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="fail if --out is not up to date")
    args = parser.parse_args(argv)
    text = render(args.docs, args.prices, args.docs_commit, args.prices_commit)
    if args.check:
        current = args.out.read_text("utf-8") if args.out.is_file() else ""
        if current != text:
            print(f"build_catalog: {args.out} is out of date", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, "utf-8")
    doc = json.loads(text)
    print(f"build_catalog: wrote {args.out}: {doc['counts']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
