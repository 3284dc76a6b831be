"""Grouping ids into models and writing each model's catalog entry.

Why its own module: the same model appears as a table row, in one or more specs and in a price
file under different names; deciding which ids are one model (and which is canonical) is the
one judgement the generator makes, so it is kept apart from the readers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from catalog_build import DATABASE, MAX_ALIASES_PER_SPEC, PRICES
from catalog_build.database import Row
from catalog_build.prices import Price, pricing_block
from catalog_build.specs import ENDPOINTS, TEXT_KINDS, Spec, chat_capabilities, chat_roles


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
    order = [t for _, _, t in ENDPOINTS]
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
        if len(listed) <= MAX_ALIASES_PER_SPEC and (spec.kind in TEXT_KINDS or len(rowed) <= 1):
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
    caps = chat_capabilities(spec) if spec is not None and kind in TEXT_KINDS[:2] else {}
    aliases = sorted(n for n in names if n != canonical)
    return {
        "id": canonical,
        "aliases": aliases,
        "kind": kind,
        "type": spec.type if spec is not None else None,
        "developer": row.developer if row else None,
        "context_length": context if kind in TEXT_KINDS else None,
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
